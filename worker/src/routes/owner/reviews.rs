//! An owner's review of a conversion that `risk.yaml` held (admins; it moves money, so the
//! password and, when on, a code): **release** its commissions (payable when their hold would
//! have ended, or now if that has passed) or **reverse** them (a clawback of what is left, with
//! the reason the partner reads). Each decision is in the activity log.
//!
//! `POST /api/v1/owner/conversions/<event id>/release` or `…/reverse`, `{"note": "…"}`;
//! `GET /api/v1/owner/risk`: the flagged partners and conversions (the console's Risk page).

use http::StatusCode;
use pc_core::risk::Fired;
use pc_core::{Amount, CommissionStructure};
use serde_json::json;

use super::{Need, access, audit, noted_decision};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::reports::{currency, money};
use crate::store::{self, reviews};
use crate::{Request, Response};

const DAY: i64 = 86_400;
/// The program's hold in seconds (none if its rules cannot be read).
async fn hold_of(platform: &impl Platform, program: Option<&str>) -> Result<i64, PlatformError> {
    let Some(program) = program else {
        return Ok(0);
    };
    Ok(store::events::program(platform, program)
        .await?
        .and_then(|p| serde_json::from_str::<CommissionStructure<Amount>>(&p.rules_json).ok())
        .map_or(0, |rules| i64::from(rules.hold_days) * DAY))
}

/// `GET /api/v1/owner/risk`: the newest 200 conversions the risk rules flagged, with the
/// rules that fired, their reasons, and whether anything of them is still under review.
pub async fn flagged<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let currency = currency(ctx).await?;
    let rows: Vec<_> = reviews::flagged(ctx.platform)
        .await?
        .into_iter()
        .map(|f| {
            let fired: Vec<Fired> = f
                .risk_fired
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default();
            json!({
                "id": f.id,
                "type": f.kind,
                "partner": f.partner,
                "occurred_at": f.occurred_at,
                "amount": f.amount_minor.map(|m| money(m, currency)),
                "band": f.risk_band,
                "score": f.risk_score,
                "fired": fired,
                "under_review": f.under_review > 0,
            })
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "currency": currency.code(),
            "partners": super::partner_risk::flagged(ctx).await?,
            "conversions": rows,
        }),
    ))
}

/// `POST /api/v1/owner/conversions/<rest>`.
pub async fn decide<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    rest: &str,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let (event_id, release) = match rest.rsplit_once('/') {
        Some((id, "release")) => (id, true),
        Some((id, "reverse")) => (id, false),
        _ => return Ok(json_error(StatusCode::NOT_FOUND, "no such API route")),
    };
    let note = match noted_decision(ctx, req, &who, "a partner's balance").await? {
        Ok(note) => note,
        Err(refused) => return Ok(refused),
    };
    let note = note.as_str();
    if !release && note.is_empty() {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "say why it is reversed: the partner reads the reason",
        ));
    }
    let Some(conversion) = reviews::conversion(ctx.platform, event_id).await? else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such conversion"));
    };
    let held = reviews::held(ctx.platform, event_id).await?;
    if held.is_empty() {
        return Ok(json_error(
            StatusCode::CONFLICT,
            "nothing of this conversion is under review (released or reversed already?)",
        ));
    }
    let payable_at = (conversion.occurred_at
        + hold_of(ctx.platform, conversion.program.as_deref()).await?)
        .max(ctx.now);
    let mut statements: Vec<_> = held
        .iter()
        .map(|h| {
            if release {
                reviews::release(h, ctx.now, payable_at, note)
            } else {
                reviews::reverse(h, ctx.now, note)
            }
        })
        .collect();
    let action = if release {
        "released a conversion held for review"
    } else {
        "reversed a conversion held for review"
    };
    statements.push(audit(who.who(), action, Some(event_id), ctx.now));
    ctx.platform.batch(statements).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "conversion": event_id,
            "decision": if release { "released" } else { "reversed" },
            "band": conversion.risk_band,
            "payable_at": release.then_some(payable_at),
            "commissions": held.iter().map(|h| json!({
                "id": h.id, "partner": h.partner, "amount_minor": h.left_minor,
            })).collect::<Vec<_>>(),
        }),
    ))
}
