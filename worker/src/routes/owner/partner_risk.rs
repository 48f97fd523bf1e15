//! Partners the risk rules fired on (`partner_flags`: duplicate payout details, repeated
//! clicks, refund rate): listed in the console's Risk page with their score and reasons, and
//! cleared by an admin who looked into it (`POST /api/v1/owner/partners/<code>/risk/clear`,
//! `{"note": "…"}` with the password and, when on, a code: a flag holds the partner's
//! commissions). Each clearing is in the activity log; a rule that fires again flags again.

use std::collections::BTreeMap;

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Need, access, audit, confirm_owner};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::accounts::reauth::Proof;
use crate::store::risk_facts::{self, PartnerFlag};
use crate::{Request, Response};

/// The longest note kept.
const NOTE_MAX: usize = 500;

/// The partners rules fired on, highest score first: each with its score, band, and per rule
/// its reason, what was found, how often and when.
pub(super) async fn flagged<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Vec<Value>, PlatformError> {
    let rules = crate::risk::rules(ctx.platform).await?;
    let mut by_partner: BTreeMap<String, Vec<PartnerFlag>> = BTreeMap::new();
    for flag in risk_facts::flagged(ctx.platform).await? {
        by_partner
            .entry(flag.partner.clone())
            .or_default()
            .push(flag);
    }
    let mut partners: Vec<(u32, i64, Value)> = by_partner
        .into_iter()
        .filter_map(|(partner, flags)| {
            let names: Vec<String> = flags.iter().map(|f| f.rule.clone()).collect();
            let assessed = rules.flagged_partner(&names);
            if assessed.fired.is_empty() {
                return None;
            }
            let last = flags.iter().map(|f| f.last_at).max().unwrap_or(0);
            let fired: Vec<_> = assessed
                .fired
                .iter()
                .filter_map(|fired| {
                    let flag = flags.iter().find(|f| f.rule == fired.rule)?;
                    Some(json!({
                        "rule": fired.rule, "weight": fired.weight, "reason": fired.reason,
                        "detail": flag.detail, "times": flag.times,
                        "first_at": flag.first_at, "last_at": flag.last_at,
                    }))
                })
                .collect();
            Some((
                assessed.score,
                last,
                json!({
                    "partner": partner, "score": assessed.score,
                    "band": assessed.band.as_str(), "fired": fired,
                }),
            ))
        })
        .collect();
    partners.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    Ok(partners.into_iter().map(|(_, _, p)| p).collect())
}

#[derive(Debug, Deserialize)]
struct Form {
    /// What the owner found (required).
    #[serde(default)]
    note: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    two_factor_code: Option<String>,
}

/// `POST /api/v1/owner/partners/<code>/risk/clear`: the partner's flags are cleared.
pub async fn clear<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let Ok(form) = serde_json::from_slice::<Form>(req.body()) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "send {\"note\": \"…\"} (and the password, and a code when two-step sign-in is on)",
        ));
    };
    let proof = Proof {
        password: form.password.as_deref(),
        two_factor_code: form.two_factor_code.as_deref(),
    };
    if let Some(refused) = confirm_owner(ctx, req, &who, proof, "a partner's risk review").await? {
        return Ok(refused);
    }
    let note = form.note.trim();
    if note.is_empty() || note.chars().count() > NOTE_MAX {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            &format!("say what you found (a note of 1 to {NOTE_MAX} characters)"),
        ));
    }
    let flags = risk_facts::flags_of(ctx.platform, code).await?;
    if flags.is_empty() {
        return Ok(json_error(
            StatusCode::CONFLICT,
            "no rule stands against this partner (cleared already?)",
        ));
    }
    let rules: Vec<&str> = flags.iter().map(|f| f.rule.as_str()).collect();
    ctx.platform
        .batch(vec![
            risk_facts::clear(code),
            audit(
                who.who(),
                &format!(
                    "cleared the risk review of a partner ({}): {note}",
                    rules.join(", ")
                ),
                Some(code),
                ctx.now,
            ),
        ])
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "partner": code, "cleared": rules }),
    ))
}
