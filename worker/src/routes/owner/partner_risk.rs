//! Partners the risk rules fired on (`partner_flags`: duplicate payout details, repeated
//! clicks, refund rate): listed in the console's Risk page with their score and reasons, and
//! cleared by an admin who looked into it (`POST /api/v1/owner/partners/<code>/risk/clear`,
//! `{"note": "…"}` with the password and, when on, a code: a flag holds the partner's
//! commissions). Each clearing is in the activity log; a rule that fires again flags again.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{Value, json};

use super::{Need, access, audit, noted_decision};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::risk_facts::{self, PartnerFlag};
use crate::{Request, Response};

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
    let note = match noted_decision(ctx, req, &who, "a partner's risk review").await? {
        Ok(note) => note,
        Err(refused) => return Ok(refused),
    };
    if note.is_empty() {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "say what you found: the note is kept in the activity log",
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
