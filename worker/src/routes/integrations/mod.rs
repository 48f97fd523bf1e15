//! Store integrations: `POST /api/v1/integrations/stripe` and `/shopify`. Each verifies its
//! store's own webhook signature, then maps the store's event to one [`Action`]: an event in
//! the events API's shape, fed to [`events::ingest`] (the one path into the engine), a payment
//! reference to remember, or nothing. The store's event id makes redelivery harmless.

pub mod shopify;
pub mod stripe;

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Ctx;
use super::events::{self, Arrival, Ingested};
use crate::Response;
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError, Statement};
use crate::store::{self, payments::Observation};

/// What a store event comes to.
#[derive(Debug)]
pub enum Action {
    /// Nothing to record (an event type or object the program does not pay on), and why.
    Ignore(String),
    /// Rows of the integration's own bookkeeping only (payment references).
    Remember(Vec<Statement>),
    /// An event for the engine, with bookkeeping rows written in the same batch.
    Event { body: Value, extra: Vec<Statement> },
}

/// The attribution hints a store event carries; each is checked before it is used, so that
/// a store's own coupons, or a reference that is not ours, never refuse the sale.
#[derive(Debug, Default)]
pub struct Hints {
    pub click_id: Option<String>,
    pub partner: Option<String>,
    pub coupons: Vec<String>,
}

/// `config:site`'s link parameter names (the landing URL's `?bl_click=…&bl_ref=…`).
#[derive(Debug, Deserialize)]
pub struct LinkParams {
    pub click_param: String,
    pub partner_param: String,
}

pub async fn link_params<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<Option<LinkParams>, PlatformError> {
    Ok(ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

/// A webhook secret from the environment (at least 16 characters).
pub fn secret<P: Platform>(ctx: &Ctx<'_, P>, name: &str) -> Option<String> {
    ctx.platform.env(name).filter(|s| s.len() >= 16)
}

/// The answer when an integration's secret is not set; the request is noted (not kept) as the
/// integration's last delivery, for Setup and `doctor`.
pub async fn not_configured<P: Platform>(
    ctx: &Ctx<'_, P>,
    integration: &str,
    secret: &str,
) -> Result<Response, PlatformError> {
    ctx.platform
        .batch(vec![store::arrivals::record_unconfigured(
            integration,
            ctx.now,
        )])
        .await?;
    Ok(json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("this integration is not configured ({secret})"),
    ))
}

/// `click_id`, `partner` and `coupon` for an event body: only those that exist here.
pub async fn attribution_fields<P: Platform>(
    ctx: &Ctx<'_, P>,
    hints: &Hints,
) -> Result<Vec<(&'static str, String)>, PlatformError> {
    let mut fields = Vec::new();
    if let Some(click) = &hints.click_id
        && click.len() == 24
        && click.bytes().all(|b| b.is_ascii_hexdigit())
    {
        fields.push(("click_id", click.to_ascii_lowercase()));
    }
    if let Some(code) = &hints.partner
        && let Ok(code) = pc_core::PartnerCode::parse(&code.to_ascii_lowercase())
        && store::events::partner_exists(ctx.platform, code.as_str()).await?
    {
        fields.push(("partner", code.as_str().to_owned()));
    }
    for coupon in &hints.coupons {
        let coupon = coupon.trim().to_ascii_uppercase();
        if !coupon.is_empty()
            && coupon.len() <= 32
            && store::events::coupon_partner(ctx.platform, &coupon)
                .await?
                .is_some()
        {
            fields.push(("coupon", coupon));
            break;
        }
    }
    Ok(fields)
}

pub use store::payments::remember;

/// The order a payment reference belongs to, following references (at most a few steps);
/// the reference itself when nothing is known of it.
pub async fn order_of<P: Platform>(
    ctx: &Ctx<'_, P>,
    reference: &str,
) -> Result<String, PlatformError> {
    let mut current = reference.to_owned();
    for _ in 0..4 {
        match store::payments::target_of(ctx.platform, &current).await? {
            Some(next) if next != current => current = next,
            _ => break,
        }
    }
    Ok(current)
}

/// One refund observation of a payment: how much the store says is refunded (`Cumulative`,
/// a charge's running total) or one refund's amount (`Single`).
#[derive(Debug, Clone, Copy)]
pub enum Observed {
    Cumulative(i64),
    Single(i64),
}

/// The refund to record for a new observation: what the observations now prove was refunded
/// on `payment` (the larger of the highest running total and the sum of single refunds) less
/// what is already recorded. Returns the amount (maybe 0) and the observation's row.
pub async fn refund_delta<P: Platform>(
    ctx: &Ctx<'_, P>,
    payment: &str,
    reference: &str,
    observed: Observed,
    event_id: &str,
) -> Result<(i64, Statement), PlatformError> {
    let seen = store::payments::observations(ctx.platform, payment).await?;
    let (mut running, mut singles) = (seen.running, seen.singles);
    let source = match observed {
        Observed::Cumulative(total) => {
            running = running.max(total);
            "charge"
        }
        Observed::Single(amount) => {
            singles += amount;
            "refund"
        }
    };
    let amount = match observed {
        Observed::Cumulative(a) | Observed::Single(a) => a,
    };
    let delta = (running.max(singles) - seen.recorded).max(0);
    let row = store::payments::observe(Observation {
        source,
        reference,
        payment,
        amount,
        recorded_before: seen.recorded,
        recorded: delta,
        event_id,
    });
    Ok((delta, row))
}

/// Carries out an action for a store event, as the integration's 2xx/4xx (a store retries
/// anything else, so only our own failures are 5xx), and keeps what became of it as the
/// integration's last delivery.
pub async fn carry_out<P: Platform>(
    ctx: &Ctx<'_, P>,
    arrival: Arrival<'_>,
    action: Action,
) -> Result<Response, PlatformError> {
    let (status, answer, outcome) = outcome(ctx, arrival, action).await?;
    arrival.remember(ctx, &answer, outcome).await;
    Ok(json_response(status, &answer))
}

async fn outcome<P: Platform>(
    ctx: &Ctx<'_, P>,
    arrival: Arrival<'_>,
    action: Action,
) -> Result<(StatusCode, Value, &'static str), PlatformError> {
    let store_event = arrival.id;
    match action {
        Action::Ignore(why) => Ok((
            StatusCode::OK,
            json!({ "id": store_event, "status": "ignored", "reason": why }),
            "ignored",
        )),
        Action::Remember(statements) => {
            ctx.platform.batch(statements).await?;
            Ok((
                StatusCode::OK,
                json!({ "id": store_event, "status": "remembered" }),
                "remembered",
            ))
        }
        Action::Event { mut body, extra } => {
            if arrival.test {
                body["test"] = true.into();
            }
            let book = events::Book::of(arrival.test);
            let id = body["id"].as_str().unwrap_or_default().to_owned();
            if let Some((_, answer)) = events::stored_answer(ctx, book, &id).await? {
                return Ok(Ingested::Replayed(answer).outcome());
            }
            let text = body.to_string();
            match events::ingest(ctx, text.as_bytes(), extra.clone()).await? {
                Ok(done) => Ok(done.outcome()),
                Err(refusal) if refusal.0 == StatusCode::CONFLICT => {
                    // Recorded meanwhile by a concurrent delivery of the same store event.
                    match events::stored_answer(ctx, book, &id).await? {
                        Some((_, answer)) => Ok(Ingested::Replayed(answer).outcome()),
                        None => Ok(refusal.outcome()),
                    }
                }
                Err(refusal) if refusal.0 == StatusCode::UNPROCESSABLE_ENTITY => {
                    // The store's sale stands even when its attribution cannot: record it
                    // without one, or say why it cannot be recorded at all.
                    let had_hints = ["click_id", "partner", "coupon"]
                        .iter()
                        .any(|k| body.get(*k).is_some());
                    if had_hints && let Some(object) = body.as_object_mut() {
                        for k in ["click_id", "partner", "coupon"] {
                            object.remove(k);
                        }
                        let text = body.to_string();
                        if let Ok(done) = events::ingest(ctx, text.as_bytes(), extra).await? {
                            return Ok(done.outcome());
                        }
                    }
                    ctx.platform
                        .log_error(&format!("{store_event} not recorded: {}", refusal.1));
                    Ok((
                        StatusCode::OK,
                        json!({ "id": store_event, "status": "ignored", "reason": refusal.1 }),
                        "ignored",
                    ))
                }
                Err(refusal) => Ok(refusal.outcome()),
            }
        }
    }
}

/// `"29.00"` for 2900 minor units of `currency` (a store's code, any case).
pub fn decimal(minor: i64, currency: &str) -> Option<(String, String)> {
    let currency = pc_core::Currency::parse(&currency.to_ascii_uppercase()).ok()?;
    Some((
        pc_core::Money::from_minor(minor, currency).decimal_string(),
        currency.code().to_owned(),
    ))
}

/// RFC 3339 for a Unix time.
pub fn rfc3339(t: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// An events-API body.
pub fn event_body(
    id: &str,
    kind: &str,
    occurred_at: &str,
    fields: Vec<(&'static str, String)>,
    email: Option<&str>,
) -> Value {
    let mut body = json!({ "id": id, "type": kind, "occurred_at": occurred_at });
    for (k, v) in fields {
        body[k] = Value::String(v);
    }
    if let Some(email) = email.filter(|e| e.contains('@')) {
        body["customer"] = json!({ "email": email });
    }
    body
}

/// A text field of a JSON object, if present and not empty.
pub fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl From<&str> for Action {
    fn from(why: &str) -> Self {
        Action::Ignore(why.to_owned())
    }
}
