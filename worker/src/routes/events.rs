//! `POST /api/v1/events`: conversions from the owner's store.
//!
//! Signed (`Partner-Signature: t=<unix>,v1=<hex HMAC-SHA256(EVENTS_SECRET, "<t>.<body>")>`,
//! ±5 minutes), idempotent on `id` (a duplicate gets the stored answer, nothing new written),
//! attributed by click id, then partner code, then coupon, and credited by `core`'s engine.
//! Everything an event writes (the event row and its ledger rows) is one atomic batch.

use hmac::{Hmac, Mac};
use http::StatusCode;
use pc_core::commission::Attribution as FirstOrLast;
use pc_core::engine::{self, Conversion, Credit};
use pc_core::{Amount, CommissionStructure, Currency, Money};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Ctx;
use crate::http_util::{header_str, json as json_response, json_error};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};
use crate::{Request, Response};

/// Signatures older or newer than this are refused (replays, clock trouble).
pub const SIGNATURE_WINDOW_SECONDS: i64 = 300;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    occurred_at: String,
    #[serde(default)]
    click_id: Option<String>,
    #[serde(default)]
    partner: Option<String>,
    #[serde(default)]
    coupon: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    customer: Option<Customer>,
    /// Free-form data from the store; accepted and ignored.
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Customer {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lead,
    Sale,
    SubscriptionPayment,
    Refund,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Lead => "lead",
            Kind::Sale => "sale",
            Kind::SubscriptionPayment => "subscription_payment",
            Kind::Refund => "refund",
        }
    }
}

/// A refusal: a 4xx with a JSON message, nothing written.
struct Reject(StatusCode, String);

fn reject(status: StatusCode, message: impl Into<String>) -> Reject {
    Reject(status, message.into())
}

/// The `Partner-Signature` value for `body` signed at `t` (what the owner's store sends).
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks `Partner-Signature` against the raw body.
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), &'static str> {
    let header = header.ok_or("missing Partner-Signature header")?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or("the signature has no valid t=")?;
    if (now - t).abs() > SIGNATURE_WINDOW_SECONDS {
        return Err("the signature's timestamp is outside the 5-minute window");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "bad secret")?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let valid = signatures
        .iter()
        .any(|s| hex::decode(s).is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok()));
    if valid {
        Ok(())
    } else {
        Err("the signature does not match")
    }
}

/// `j***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

fn printable(text: &str, max: usize) -> bool {
    !text.is_empty() && text.len() <= max && !text.chars().any(char::is_control)
}

/// The handler.
pub async fn receive<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(secret) = ctx.platform.env("EVENTS_SECRET").filter(|s| s.len() >= 16) else {
        return Ok(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "events are not configured (EVENTS_SECRET)",
        ));
    };
    let body = req.body();
    if let Err(why) = verify_signature(header_str(req, "partner-signature"), body, &secret, ctx.now)
    {
        return Ok(json_error(StatusCode::UNAUTHORIZED, why));
    }
    let event: EventBody = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(e) => {
            return Ok(json_error(
                StatusCode::BAD_REQUEST,
                &format!("malformed event: {e}"),
            ));
        }
    };
    if !printable(&event.id, 128) {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "`id` must be 1 to 128 printable characters",
        ));
    }
    let body_hash = hex::encode(Sha256::digest(body));
    if let Some(stored) = stored_event(ctx, &event.id).await? {
        return Ok(if stored.0 == body_hash {
            let result: Value = serde_json::from_str(&stored.1).unwrap_or_default();
            json_response(StatusCode::OK, &result)
        } else {
            json_error(
                StatusCode::CONFLICT,
                "this event id was already used for a different event",
            )
        });
    }
    let (statements, result) = match process(ctx, &event, &body_hash).await? {
        Ok(done) => done,
        Err(Reject(status, message)) => return Ok(json_error(status, &message)),
    };
    if let Err(e) = ctx.platform.batch(statements).await {
        // A concurrent request with the same id won the race: answer as for a duplicate.
        if let Some(stored) = stored_event(ctx, &event.id).await?
            && stored.0 == body_hash
        {
            let result: Value = serde_json::from_str(&stored.1).unwrap_or_default();
            return Ok(json_response(StatusCode::OK, &result));
        }
        return Err(e);
    }
    Ok(json_response(StatusCode::CREATED, &result))
}

async fn stored_event<P: Platform>(
    ctx: &Ctx<'_, P>,
    id: &str,
) -> Result<Option<(String, String)>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT body_hash, result FROM events WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
    Ok(rows.into_iter().next().map(|r| {
        let text = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        (text("body_hash"), text("result"))
    }))
}

/// Who gets the credit, and how we know.
struct Attributed {
    partner: String,
    program: String,
    method: &'static str,
    click: Option<(String, String, Option<String>)>,
}

/// A program's rules as stored by the seed.
struct ProgramRules {
    name: String,
    currency: Currency,
    rules: CommissionStructure,
}

async fn program_rules<P: Platform>(
    ctx: &Ctx<'_, P>,
    id: &str,
) -> Result<Option<ProgramRules>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT name, currency, rules_json FROM programs WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let text = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let Ok(currency) = Currency::parse(&text("currency")) else {
        return Ok(None);
    };
    let rules = serde_json::from_str::<CommissionStructure<Amount>>(&text("rules_json"))
        .ok()
        .and_then(|r| r.try_map_money(|a| a.in_currency(currency)).ok());
    Ok(rules.map(|rules| ProgramRules {
        name: text("name"),
        currency,
        rules,
    }))
}

async fn one_text<P: Platform>(
    ctx: &Ctx<'_, P>,
    sql: &'static str,
    params: Vec<SqlValue>,
) -> Result<Option<String>, PlatformError> {
    let rows = ctx.platform.query(Statement::new(sql, params)).await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.values().next().and_then(Value::as_str).map(str::to_owned)))
}

async fn one_int<P: Platform>(
    ctx: &Ctx<'_, P>,
    sql: &'static str,
    params: Vec<SqlValue>,
) -> Result<i64, PlatformError> {
    let rows = ctx.platform.query(Statement::new(sql, params)).await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.values().next().and_then(Value::as_i64))
        .unwrap_or(0))
}

async fn paying_program<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
) -> Result<Option<String>, PlatformError> {
    one_text(
        ctx,
        "SELECT program FROM partner_programs WHERE partner = ? ORDER BY rank LIMIT 1",
        vec![partner.into()],
    )
    .await
}

#[allow(clippy::too_many_lines)]
async fn process<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &EventBody,
    body_hash: &str,
) -> Result<Result<(Vec<Statement>, Value), Reject>, PlatformError> {
    let kind = match event.kind.as_str() {
        "lead" => Kind::Lead,
        "sale" => Kind::Sale,
        "subscription_payment" => Kind::SubscriptionPayment,
        "refund" => Kind::Refund,
        other => {
            return Ok(Err(reject(
                StatusCode::BAD_REQUEST,
                format!("unknown type {other:?}: use lead, sale, subscription_payment or refund"),
            )));
        }
    };
    let Ok(occurred) = time::OffsetDateTime::parse(
        &event.occurred_at,
        &time::format_description::well_known::Rfc3339,
    ) else {
        return Ok(Err(reject(
            StatusCode::BAD_REQUEST,
            "`occurred_at` must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z",
        )));
    };
    let occurred_at = occurred.unix_timestamp();
    if occurred_at > ctx.now + SIGNATURE_WINDOW_SECONDS {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            "`occurred_at` is in the future",
        )));
    }
    for (name, value, max) in [
        ("order_id", &event.order_id, 128),
        ("product", &event.product, 128),
        ("click_id", &event.click_id, 64),
        ("partner", &event.partner, 32),
        ("coupon", &event.coupon, 32),
    ] {
        if value.as_deref().is_some_and(|v| !printable(v, max)) {
            return Ok(Err(reject(
                StatusCode::BAD_REQUEST,
                format!("`{name}` must be 1 to {max} printable characters"),
            )));
        }
    }
    let needs_amount = kind != Kind::Lead;
    let amount_text = match (&event.amount, needs_amount) {
        (Some(a), _) => Some(a.trim()),
        (None, true) => {
            return Ok(Err(reject(
                StatusCode::BAD_REQUEST,
                format!(
                    "a {} needs `amount` (a decimal string) and `currency`",
                    kind.as_str()
                ),
            )));
        }
        (None, false) => None,
    };
    if amount_text.is_some_and(|a| a.starts_with('-')) {
        return Ok(Err(reject(
            StatusCode::BAD_REQUEST,
            "`amount` must not be negative (send refunds as type refund)",
        )));
    }
    if kind != Kind::Lead && event.order_id.is_none() {
        return Ok(Err(reject(
            StatusCode::BAD_REQUEST,
            format!("a {} needs `order_id`", kind.as_str()),
        )));
    }
    let email = event
        .customer
        .as_ref()
        .and_then(|c| c.email.as_deref())
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    if email
        .as_deref()
        .is_some_and(|e| !printable(e, 254) || !e.contains('@'))
    {
        return Ok(Err(reject(
            StatusCode::BAD_REQUEST,
            "`customer.email` is not an e-mail address",
        )));
    }
    let customer_hash = email
        .as_deref()
        .map(|e| ctx.config.keys.mac_hex("customer", e)[..32].to_owned());
    let customer_label = email.as_deref().map(mask_email);

    if kind == Kind::Refund {
        return refund(
            ctx,
            event,
            body_hash,
            occurred_at,
            amount_text.unwrap_or("0"),
            customer_hash,
            customer_label,
        )
        .await;
    }

    // Attribution: click id, then partner code, then coupon, then an earlier event of the order.
    let mut attributed: Option<Attributed> = None;
    let mut method_if_none = "none";
    if let Some(click_id) = &event.click_id {
        let rows = ctx
            .platform
            .query(Statement::new(
                "SELECT partner, program, slug, sub, created_at FROM clicks WHERE id = ?",
                vec![click_id.as_str().into()],
            ))
            .await?;
        if let Some(row) = rows.into_iter().next() {
            let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
            let program = text("program").unwrap_or_default();
            let window = program_rules(ctx, &program)
                .await?
                .map_or(30, |p| i64::from(p.rules.cookie_days))
                * 86_400;
            let clicked = row.get("created_at").and_then(Value::as_i64).unwrap_or(0);
            if occurred_at >= clicked - SIGNATURE_WINDOW_SECONDS && occurred_at - clicked <= window
            {
                attributed = Some(Attributed {
                    partner: text("partner").unwrap_or_default(),
                    program,
                    method: "click",
                    click: Some((
                        click_id.clone(),
                        text("slug").unwrap_or_default(),
                        text("sub"),
                    )),
                });
            } else {
                method_if_none = "click_outside_window";
            }
        } else if event.partner.is_none() && event.coupon.is_none() {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown click_id",
            )));
        }
    }
    if attributed.is_none()
        && let Some(code) = &event.partner
    {
        let exists = one_int(
            ctx,
            "SELECT count(*) AS n FROM partners WHERE code = ?",
            vec![code.as_str().into()],
        )
        .await?
            > 0;
        if !exists {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown partner {code:?}"),
            )));
        }
        if let Some(program) = paying_program(ctx, code).await? {
            attributed = Some(Attributed {
                partner: code.clone(),
                program,
                method: "partner",
                click: None,
            });
        }
    }
    if attributed.is_none()
        && let Some(coupon) = &event.coupon
    {
        let Some(partner) = one_text(
            ctx,
            "SELECT partner FROM coupons WHERE code = ?",
            vec![coupon.as_str().into()],
        )
        .await?
        else {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown coupon {coupon:?}"),
            )));
        };
        if let Some(program) = paying_program(ctx, &partner).await? {
            attributed = Some(Attributed {
                partner,
                program,
                method: "coupon",
                click: None,
            });
        }
    }
    if attributed.is_none()
        && let Some(order) = &event.order_id
    {
        let rows = ctx
            .platform
            .query(Statement::new(
                "SELECT partner, program FROM events WHERE order_id = ? AND partner IS NOT NULL ORDER BY occurred_at LIMIT 1",
                vec![order.as_str().into()],
            ))
            .await?;
        if let Some(row) = rows.into_iter().next() {
            let text = |k: &str| {
                row.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            attributed = Some(Attributed {
                partner: text("partner"),
                program: text("program"),
                method: "order",
                click: None,
            });
        }
    }

    let mut flags: Vec<&str> = Vec::new();
    let mut credits: Vec<(String, Credit)> = Vec::new();
    let mut money: Option<Money> = None;
    let mut program_rules_used: Option<ProgramRules> = None;
    if let Some(a) = attributed.as_mut() {
        let Some(program) = program_rules(ctx, &a.program).await? else {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the partner's program {:?} is not configured", a.program),
            )));
        };
        // First-click programs keep the customer with the partner who brought them first.
        if program.rules.attribution == FirstOrLast::FirstClick
            && let Some(hash) = &customer_hash
        {
            let window = i64::from(program.rules.cookie_days) * 86_400;
            let first = ctx
                .platform
                .query(Statement::new(
                    "SELECT partner FROM events WHERE customer_hash = ? AND program = ? AND partner IS NOT NULL \
                     AND occurred_at >= ? AND occurred_at <= ? ORDER BY occurred_at LIMIT 1",
                    vec![hash.as_str().into(), a.program.as_str().into(), (occurred_at - window).into(), occurred_at.into()],
                ))
                .await?;
            if let Some(partner) = first
                .first()
                .and_then(|r| r.get("partner"))
                .and_then(Value::as_str)
                && partner != a.partner
            {
                partner.clone_into(&mut a.partner);
                a.method = "first_click";
                a.click = None;
            }
        }
        let currency_text = event.currency.as_deref().unwrap_or(program.currency.code());
        if needs_amount && currency_text != program.currency.code() {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "this portal pays in {}; the event is in {currency_text}",
                    program.currency
                ),
            )));
        }
        if let Some(text) = amount_text {
            match Money::parse(text, program.currency) {
                Ok(m) => money = Some(m),
                Err(e) => {
                    return Ok(Err(reject(
                        StatusCode::BAD_REQUEST,
                        format!("`amount`: {e}"),
                    )));
                }
            }
        }
        let partner_row = ctx
            .platform
            .query(Statement::new(
                "SELECT p.status AS status, lower(coalesce(u.email, p.email)) AS email, p.parent AS parent \
                 FROM partners p LEFT JOIN profile_updates u ON u.partner = p.code WHERE p.code = ?",
                vec![a.partner.as_str().into()],
            ))
            .await?;
        let partner_row = partner_row.into_iter().next().unwrap_or_default();
        let field = |k: &str| {
            partner_row
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let active = field("status").as_deref() == Some("active");
        let self_referral = email.is_some() && email == field("email");
        if !active {
            flags.push("partner_not_active");
        }
        if self_referral {
            flags.push("self_referral");
        }
        if active && !self_referral {
            let conversion = match kind {
                Kind::Lead => Some(Conversion::Lead),
                Kind::Sale => money.map(|amount| Conversion::Sale {
                    amount,
                    product: event.product.as_deref(),
                }),
                Kind::SubscriptionPayment => {
                    let earlier = one_int(
                        ctx,
                        "SELECT count(*) AS n FROM events WHERE order_id = ? AND type = 'subscription_payment'",
                        vec![event.order_id.clone().into()],
                    )
                    .await?;
                    money.map(|amount| Conversion::SubscriptionPayment {
                        amount,
                        number: u32::try_from(earlier + 1).unwrap_or(u32::MAX),
                    })
                }
                Kind::Refund => None,
            };
            if let Some(conversion) = conversion {
                let month_start = occurred
                    .date()
                    .replace_day(1)
                    .map_or(occurred_at, |d| d.midnight().assume_utc().unix_timestamp());
                let sales_before = one_int(
                    ctx,
                    "SELECT count(*) AS n FROM events WHERE partner = ? AND type = 'sale' AND occurred_at >= ? AND occurred_at <= ?",
                    vec![a.partner.as_str().into(), month_start.into(), occurred_at.into()],
                )
                .await?;
                if let Some(c) = engine::direct(
                    &program.rules,
                    conversion,
                    u32::try_from(sales_before).unwrap_or(u32::MAX),
                ) {
                    credits.push((a.partner.clone(), c));
                }
                // Overrides go up the referral chain to active parents.
                let mut ancestor = field("parent");
                for o in engine::overrides(&program.rules, conversion) {
                    let Some(code) = ancestor.clone() else { break };
                    let row = ctx
                        .platform
                        .query(Statement::new(
                            "SELECT status, parent FROM partners WHERE code = ?",
                            vec![code.as_str().into()],
                        ))
                        .await?;
                    let row = row.into_iter().next().unwrap_or_default();
                    if row.get("status").and_then(Value::as_str) == Some("active") {
                        credits.push((code.clone(), o));
                    }
                    ancestor = row.get("parent").and_then(Value::as_str).map(str::to_owned);
                }
            }
        }
        program_rules_used = Some(program);
    }

    let hold = program_rules_used
        .as_ref()
        .map_or(0, |p| i64::from(p.rules.hold_days) * 86_400);
    let program_name = program_rules_used
        .as_ref()
        .map_or(String::new(), |p| p.name.clone());
    let currency = program_rules_used.as_ref().map(|p| p.currency.code());
    let commissions: Vec<Value> = credits
        .iter()
        .map(|(partner, c)| {
            json!({
                "partner": partner,
                "amount": c.amount.decimal_string(),
                "currency": c.amount.currency().code(),
                "level": c.level,
                "rule": format!("{program_name}: {}", c.rule),
                "payable_at": occurred_at + hold,
            })
        })
        .collect();
    let result = json!({
        "id": event.id,
        "type": kind.as_str(),
        "status": "recorded",
        "attributed": attributed.is_some(),
        "attribution": attributed.as_ref().map_or(method_if_none, |a| a.method),
        "partner": attributed.as_ref().map(|a| a.partner.clone()),
        "program": attributed.as_ref().map(|a| a.program.clone()),
        "flags": flags,
        "commissions": commissions,
    });
    let (click_id, slug, sub) = attributed
        .as_ref()
        .and_then(|a| a.click.clone())
        .map_or((None, None, None), |(c, s, sub)| (Some(c), Some(s), sub));
    let mut statements = vec![Statement::new(
        "INSERT INTO events (id, type, body_hash, partner, program, attribution, click_id, slug, sub, order_id, product, \
         amount_minor, currency, customer_hash, customer_label, self_referral, occurred_at, received_at, result) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            event.id.as_str().into(),
            kind.as_str().into(),
            body_hash.into(),
            attributed.as_ref().map(|a| a.partner.clone()).into(),
            attributed.as_ref().map(|a| a.program.clone()).into(),
            result["attribution"].as_str().unwrap_or("none").into(),
            click_id.into(),
            slug.into(),
            sub.into(),
            event.order_id.clone().into(),
            event.product.clone().into(),
            money.map(Money::minor).into(),
            currency.into(),
            customer_hash.into(),
            customer_label.into(),
            i64::from(flags.contains(&"self_referral")).into(),
            occurred_at.into(),
            ctx.now.into(),
            result.to_string().into(),
        ],
    )];
    for (partner, c) in &credits {
        statements.push(Statement::new(
            "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, event_id, order_id, level, rule) \
             VALUES (?, ?, ?, 'commission', ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                format!("{}:{}", event.id, c.level).into(),
                partner.as_str().into(),
                attributed.as_ref().map(|a| a.program.clone()).into(),
                c.amount.minor().into(),
                c.amount.currency().code().into(),
                occurred_at.into(),
                (occurred_at + hold).into(),
                event.id.as_str().into(),
                event.order_id.clone().into(),
                i64::from(c.level).into(),
                format!("{program_name}: {}", c.rule).into(),
            ],
        ));
    }
    Ok(Ok((statements, result)))
}

/// A refund: clawbacks for every commission of the order, proportional, never more than
/// what is left of each.
#[allow(clippy::too_many_arguments)]
async fn refund<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &EventBody,
    body_hash: &str,
    occurred_at: i64,
    amount_text: &str,
    customer_hash: Option<String>,
    customer_label: Option<String>,
) -> Result<Result<(Vec<Statement>, Value), Reject>, PlatformError> {
    let order = event.order_id.clone().unwrap_or_default();
    let sold = ctx
        .platform
        .query(Statement::new(
            "SELECT coalesce(sum(amount_minor), 0) AS total, count(*) AS n, max(partner) AS partner, max(program) AS program, \
             max(currency) AS currency FROM events WHERE order_id = ? AND type IN ('sale', 'subscription_payment')",
            vec![order.as_str().into()],
        ))
        .await?;
    let sold = sold.into_iter().next().unwrap_or_default();
    if sold.get("n").and_then(Value::as_i64).unwrap_or(0) == 0 {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("no sale with order_id {order:?} to refund"),
        )));
    }
    let text = |k: &str| sold.get(k).and_then(Value::as_str).map(str::to_owned);
    let Some(currency) = text("currency").and_then(|c| Currency::parse(&c).ok()) else {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the order's sale has no currency",
        )));
    };
    if event
        .currency
        .as_deref()
        .is_some_and(|c| c != currency.code())
    {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the order was paid in {currency}"),
        )));
    }
    let refund = match Money::parse(amount_text, currency) {
        Ok(m) => m,
        Err(e) => {
            return Ok(Err(reject(
                StatusCode::BAD_REQUEST,
                format!("`amount`: {e}"),
            )));
        }
    };
    let total = Money::from_minor(
        sold.get("total").and_then(Value::as_i64).unwrap_or(0),
        currency,
    );
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT l.id AS id, l.partner AS partner, l.program AS program, l.amount_minor AS amount, l.level AS level, \
             (SELECT coalesce(sum(c.amount_minor), 0) FROM ledger c WHERE c.reverses = l.id) AS clawed \
             FROM ledger l WHERE l.order_id = ? AND l.kind = 'commission' ORDER BY l.id",
            vec![order.as_str().into()],
        ))
        .await?;
    let mut statements = Vec::new();
    let mut clawbacks = Vec::new();
    // The event row first: a second refund with this id fails the whole batch.
    let mut result = json!({
        "id": event.id,
        "type": "refund",
        "status": "recorded",
        "attributed": text("partner").is_some(),
        "attribution": "order",
        "partner": text("partner"),
        "program": text("program"),
        "flags": [],
        "clawbacks": [],
    });
    for row in &rows {
        let id = row.get("id").and_then(Value::as_str).unwrap_or_default();
        let credited = Money::from_minor(
            row.get("amount").and_then(Value::as_i64).unwrap_or(0),
            currency,
        );
        let clawed = Money::from_minor(
            row.get("clawed").and_then(Value::as_i64).unwrap_or(0),
            currency,
        );
        let back = engine::clawback(credited, clawed, total, refund);
        let level = row.get("level").and_then(Value::as_i64).unwrap_or(0);
        if back.minor() < 0 {
            let partner = row
                .get("partner")
                .and_then(Value::as_str)
                .unwrap_or_default();
            clawbacks.push(
                json!({ "partner": partner, "amount": back.decimal_string(), "reverses": id }),
            );
            statements.push(Statement::new(
                "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, event_id, order_id, level, reverses, rule) \
                 VALUES (?, ?, ?, 'clawback', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    format!("{}:{id}", event.id).into(),
                    partner.into(),
                    row.get("program").and_then(Value::as_str).map(str::to_owned).into(),
                    back.minor().into(),
                    currency.code().into(),
                    occurred_at.into(),
                    occurred_at.into(),
                    event.id.as_str().into(),
                    order.as_str().into(),
                    level.into(),
                    id.into(),
                    if level == 0 {
                        format!("refund of {refund} on order {order}")
                    } else {
                        "refund on a referred partner's order".to_owned()
                    }
                    .into(),
                ],
            ));
        }
    }
    result["clawbacks"] = Value::Array(clawbacks);
    statements.insert(
        0,
        Statement::new(
            "INSERT INTO events (id, type, body_hash, partner, program, attribution, order_id, amount_minor, currency, \
             customer_hash, customer_label, occurred_at, received_at, result) \
             VALUES (?, 'refund', ?, ?, ?, 'order', ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                event.id.as_str().into(),
                body_hash.into(),
                text("partner").into(),
                text("program").into(),
                order.as_str().into(),
                refund.minor().into(),
                currency.code().into(),
                customer_hash.into(),
                customer_label.into(),
                occurred_at.into(),
                ctx.now.into(),
                result.to_string().into(),
            ],
        ),
    );
    Ok(Ok((statements, result)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &str) -> String {
        signature(secret, t, body.as_bytes())
    }

    #[test]
    fn signatures_are_checked_with_a_window() {
        let body = r#"{"id":"e1"}"#;
        let now = 1_800_000_000;
        let header = sign("secret-secret-secret", now, body);
        assert!(
            verify_signature(Some(&header), body.as_bytes(), "secret-secret-secret", now).is_ok()
        );
        assert!(
            verify_signature(
                Some(&header),
                body.as_bytes(),
                "secret-secret-secret",
                now + 299
            )
            .is_ok()
        );
        assert!(
            verify_signature(
                Some(&header),
                body.as_bytes(),
                "secret-secret-secret",
                now + 301
            )
            .is_err()
        );
        assert!(
            verify_signature(
                Some(&header),
                b"{\"id\":\"e2\"}",
                "secret-secret-secret",
                now
            )
            .is_err()
        );
        assert!(
            verify_signature(Some(&header), body.as_bytes(), "another-secret-----", now).is_err()
        );
        assert!(verify_signature(None, body.as_bytes(), "secret-secret-secret", now).is_err());
        assert!(
            verify_signature(
                Some("t=abc,v1=zz"),
                body.as_bytes(),
                "secret-secret-secret",
                now
            )
            .is_err()
        );
        // Several v1 values (a store rotating its secret): one match is enough.
        let both = format!("{header},v1=00ff");
        assert!(
            verify_signature(Some(&both), body.as_bytes(), "secret-secret-secret", now).is_ok()
        );
    }

    #[test]
    fn emails_are_masked() {
        assert_eq!(mask_email("jane@example.com"), "j***@example.com");
        assert_eq!(mask_email("nope"), "***");
    }
}
