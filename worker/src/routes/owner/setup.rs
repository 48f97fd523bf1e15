//! `GET /api/v1/owner/setup`: what an owner checks while installing the program on a store
//! ("verify install"): which integrations have their secret, the last delivery each one got
//! and how it was attributed, the tracking script's last report per store domain, and the
//! test conversions (test mode: recorded apart, never payable).

use serde_json::{Value, json};

use super::{Need, access};
use crate::http_util::json as json_response;
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::reports::{currency, money};
use crate::store::{arrivals, events, test_book};
use crate::{Request, Response};

/// The integrations: name, label, the secret that turns each on, and where it is sent.
const INTEGRATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "stripe",
        "Stripe",
        "STRIPE_WEBHOOK_SECRET",
        "/api/v1/integrations/stripe",
    ),
    (
        "shopify",
        "Shopify",
        "SHOPIFY_WEBHOOK_SECRET",
        "/api/v1/integrations/shopify",
    ),
    ("events", "Events API", "EVENTS_SECRET", "/api/v1/events"),
];

pub async fn setup<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let currency = currency(ctx).await?;
    let base = ctx
        .platform
        .env("PORTAL_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let deliveries = arrivals::deliveries(ctx.platform).await?;
    let integrations: Vec<Value> = INTEGRATIONS
        .iter()
        .map(|(name, label, secret, path)| {
            json!({
                "name": name,
                "label": label,
                "secret": secret,
                "configured": ctx.platform.env(secret).is_some_and(|s| s.len() >= 16),
                "url": format!("{base}{path}"),
                "last": deliveries.iter().find(|d| d.integration == *name),
            })
        })
        .collect();
    let mut hits = Vec::new();
    for hit in arrivals::script_hits(ctx.platform).await? {
        let partner = match hit.click_id.as_deref().filter(|_| hit.click_known == 1) {
            Some(id) => events::click(ctx.platform, id).await?.map(|c| c.partner),
            None => None,
        };
        hits.push(json!({
            "domain": hit.domain,
            "seen_at": hit.seen_at,
            "click_at": hit.click_at,
            "click_id": hit.click_id,
            "click_known": hit.click_known == 1,
            "partner": partner,
        }));
    }
    let tests: Vec<Value> = test_book::recent_events(ctx.platform)
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id,
                "type": e.kind,
                "partner": e.partner,
                "attribution": e.attribution,
                "order_id": e.order_id,
                "amount": e.amount_minor.map(|m| money(m, currency)),
                "earned": money(e.earned_minor, currency),
                "received_at": e.received_at,
            })
        })
        .collect();
    Ok(json_response(
        http::StatusCode::OK,
        &json!({
            "currency": currency.code(),
            "script_url": format!("{base}/pc.js"),
            "integrations": integrations,
            "script_hits": hits,
            "test_events": tests,
        }),
    ))
}
