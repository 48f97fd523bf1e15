//! `POST /api/v1/integrations/stripe`: Stripe's webhooks, signed with `Stripe-Signature`
//! (`STRIPE_WEBHOOK_SECRET`). Read for API version 2026-10-28 (what the `stripe` libraries
//! pin) and the shapes before 2025-03-31 where they differ (`invoice.subscription`).
//!
//! - `checkout.session.completed` (and `…async_payment_succeeded`): a paid one-time checkout
//!   is a sale whose order is its payment intent; a subscription checkout is the first
//!   subscription payment of the order `sub_…`, recorded under its first invoice's id so that
//!   the `invoice.paid` of that invoice is the same event. Attribution: `client_reference_id`
//!   (`pc_<click id>`, what /pc.js appends to Payment Links), `metadata.pc_click` /
//!   `metadata.pc_partner`, or a discount whose coupon or promotion code is a partner's coupon.
//! - `invoice.paid`: each renewal is a subscription payment of the order `sub_…` (so the
//!   subscription rule counts it); the first invoice is left to the checkout unless the
//!   subscription's metadata names a click or partner (a subscription created by API).
//! - `invoice_payment.paid`: remembers which invoice a payment intent paid (refunds name
//!   payment intents).
//! - `charge.refunded` (running total) and `refund.created` (one refund): a refund of the
//!   order the payment belongs to, never counted twice when both arrive.
//!
//! Everything else is answered 200 and ignored. Amounts are Stripe's minor units. Events of
//! Stripe's test mode (`livemode: false`) are recorded in the test book, never payable.

use http::StatusCode;
use serde_json::Value;

use super::{
    Action, Hints, Observed, attribution_fields, carry_out, decimal, event_body, not_configured,
    order_of, refund_delta, remember, rfc3339, secret, text,
};
use crate::http_util::{header_str, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::events::{Arrival, printable_id, verify_timestamped};
use crate::{Request, Response};

/// The prefix /pc.js gives the click id in `client_reference_id` (an owner's own references
/// never start with it).
pub const CLIENT_REFERENCE_PREFIX: &str = "pc_";

pub async fn receive<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(secret) = secret(ctx, "STRIPE_WEBHOOK_SECRET") else {
        return not_configured(ctx, "stripe", "STRIPE_WEBHOOK_SECRET").await;
    };
    let body = req.body();
    if let Err(why) = verify_timestamped(
        "Stripe-Signature",
        header_str(req, "stripe-signature"),
        body,
        &secret,
        ctx.now,
    ) {
        return Ok(json_error(StatusCode::BAD_REQUEST, &why));
    }
    let Ok(event) = serde_json::from_slice::<Value>(body) else {
        return Ok(json_error(StatusCode::BAD_REQUEST, "the body is not JSON"));
    };
    let (Some(id), Some(kind), Some(object)) = (
        text(&event, "id").filter(|id| printable_id(id, 100)),
        text(&event, "type"),
        event.pointer("/data/object"),
    ) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "not a Stripe event (id, type, data.object)",
        ));
    };
    let created = event
        .get("created")
        .and_then(Value::as_i64)
        .unwrap_or(ctx.now);
    let action = match kind {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            checkout(ctx, object, created).await?
        }
        "invoice.paid" => invoice(ctx, object, created).await?,
        "invoice_payment.paid" => invoice_payment(object, ctx.now),
        "charge.refunded" => charge_refunded(ctx, id, object, created).await?,
        "refund.created" => refund_created(ctx, id, object, created).await?,
        other => Action::Ignore(format!("{other} is not an event the program pays on")),
    };
    let arrival = Arrival {
        integration: "stripe",
        id,
        kind,
        // Stripe's test mode (test keys, test cards): recorded, never payable.
        test: event.get("livemode") == Some(&Value::Bool(false)),
    };
    carry_out(ctx, arrival, action).await
}

fn metadata_hints(metadata: Option<&Value>, hints: &mut Hints) {
    if let Some(m) = metadata {
        hints.click_id = hints
            .click_id
            .take()
            .or_else(|| text(m, "pc_click").map(str::to_owned));
        hints.partner = text(m, "pc_partner").map(str::to_owned);
    }
}

/// A completed Checkout Session (Payment Links are Checkout Sessions too).
async fn checkout<P: Platform>(
    ctx: &Ctx<'_, P>,
    session: &Value,
    created: i64,
) -> Result<Action, PlatformError> {
    if text(session, "payment_status") == Some("unpaid") {
        return Ok("the checkout is not paid yet (its async_payment_succeeded will be)".into());
    }
    let Some(session_id) = text(session, "id") else {
        return Ok("a checkout session without id".into());
    };
    let mut hints = Hints {
        click_id: text(session, "client_reference_id")
            .and_then(|r| r.strip_prefix(CLIENT_REFERENCE_PREFIX))
            .map(str::to_owned),
        ..Hints::default()
    };
    metadata_hints(session.get("metadata"), &mut hints);
    for discount in session
        .get("discounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for key in ["coupon", "promotion_code"] {
            // Expanded objects carry the customer-facing code, ids are the bare string.
            match discount.get(key) {
                Some(Value::String(id)) => hints.coupons.push(id.clone()),
                Some(object) => {
                    if let Some(code) = text(object, "code").or_else(|| text(object, "id")) {
                        hints.coupons.push(code.to_owned());
                    }
                }
                None => {}
            }
        }
    }
    let Some((amount, currency)) = session
        .get("amount_total")
        .and_then(Value::as_i64)
        .zip(text(session, "currency"))
        .and_then(|(minor, currency)| decimal(minor, currency))
    else {
        return Ok("the checkout has no amount_total and currency".into());
    };
    let email = session
        .pointer("/customer_details/email")
        .and_then(Value::as_str);
    let mut fields = attribution_fields(ctx, &hints).await?;
    fields.push(("amount", amount));
    fields.push(("currency", currency));
    let Some(at) = rfc3339(created) else {
        return Ok("the event has no valid created time".into());
    };
    let mut extra = Vec::new();
    let body = if text(session, "mode") == Some("subscription") {
        let (Some(subscription), Some(first_invoice)) =
            (text(session, "subscription"), text(session, "invoice"))
        else {
            return Ok("a subscription checkout without subscription and invoice".into());
        };
        fields.push(("order_id", subscription.to_owned()));
        extra.push(remember(first_invoice, subscription, ctx.now));
        event_body(
            &format!("stripe:{first_invoice}"),
            "subscription_payment",
            &at,
            fields,
            email,
        )
    } else {
        let order = text(session, "payment_intent").unwrap_or(session_id);
        fields.push(("order_id", order.to_owned()));
        event_body(&format!("stripe:{session_id}"), "sale", &at, fields, email)
    };
    Ok(Action::Event { body, extra })
}

/// The subscription an invoice belongs to, and the subscription's metadata (2025-03-31 and
/// later: under `parent.subscription_details`; before: top-level).
fn subscription_of(invoice: &Value) -> (Option<&str>, Option<&Value>) {
    match invoice.pointer("/parent/subscription_details") {
        Some(details) => (text(details, "subscription"), details.get("metadata")),
        None => (
            text(invoice, "subscription"),
            invoice.pointer("/subscription_details/metadata"),
        ),
    }
}

async fn invoice<P: Platform>(
    ctx: &Ctx<'_, P>,
    invoice: &Value,
    created: i64,
) -> Result<Action, PlatformError> {
    let Some(invoice_id) = text(invoice, "id") else {
        return Ok("an invoice without id".into());
    };
    let (Some(subscription), metadata) = subscription_of(invoice) else {
        return Ok("an invoice of no subscription (one-time sales come by checkout)".into());
    };
    let mut hints = Hints::default();
    metadata_hints(metadata, &mut hints);
    let first = text(invoice, "billing_reason") == Some("subscription_create");
    if first && hints.click_id.is_none() && hints.partner.is_none() {
        return Ok(
            "the first invoice of a subscription is counted from its checkout.session.completed"
                .into(),
        );
    }
    let Some((amount, currency)) = invoice
        .get("amount_paid")
        .and_then(Value::as_i64)
        .filter(|paid| *paid > 0)
        .zip(text(invoice, "currency"))
        .and_then(|(minor, currency)| decimal(minor, currency))
    else {
        return Ok("nothing was paid on this invoice".into());
    };
    let Some(at) = rfc3339(
        invoice
            .pointer("/status_transitions/paid_at")
            .and_then(Value::as_i64)
            .unwrap_or(created),
    ) else {
        return Ok("the invoice has no valid time".into());
    };
    let mut fields = attribution_fields(ctx, &hints).await?;
    fields.extend([
        ("order_id", subscription.to_owned()),
        ("amount", amount),
        ("currency", currency),
    ]);
    let mut extra = vec![remember(invoice_id, subscription, ctx.now)];
    // Before 2025-03-31 an invoice names its payment intent and charge itself.
    for key in ["payment_intent", "charge"] {
        if let Some(reference) = text(invoice, key) {
            extra.push(remember(reference, invoice_id, ctx.now));
        }
    }
    let email = text(invoice, "customer_email");
    Ok(Action::Event {
        body: event_body(
            &format!("stripe:{invoice_id}"),
            "subscription_payment",
            &at,
            fields,
            email,
        ),
        extra,
    })
}

/// `invoice_payment.paid`: the payment intent (and charge) that paid an invoice.
fn invoice_payment(payment: &Value, now: i64) -> Action {
    let Some(invoice) = text(payment, "invoice") else {
        return "an invoice payment without invoice".into();
    };
    let references: Vec<_> = ["/payment/payment_intent", "/payment/charge"]
        .iter()
        .filter_map(|p| payment.pointer(p).and_then(Value::as_str))
        .map(|reference| remember(reference, invoice, now))
        .collect();
    if references.is_empty() {
        return "an invoice payment without payment intent or charge".into();
    }
    Action::Remember(references)
}

/// A refund event for the engine: `amount` minor units of the order `payment` belongs to.
async fn refund<P: Platform>(
    ctx: &Ctx<'_, P>,
    event_id: &str,
    payment: &str,
    reference: &str,
    observed: Observed,
    currency: &str,
    created: i64,
) -> Result<Action, PlatformError> {
    let internal_id = format!("stripe:{event_id}");
    let (delta, observation) =
        refund_delta(ctx, payment, reference, observed, &internal_id).await?;
    let order = order_of(ctx, payment).await?;
    let (Some((amount, currency)), Some(at)) = (decimal(delta, currency), rfc3339(created)) else {
        return Ok("the refund has no valid currency or time".into());
    };
    Ok(Action::Event {
        body: event_body(
            &internal_id,
            "refund",
            &at,
            vec![
                ("order_id", order),
                ("amount", amount),
                ("currency", currency),
            ],
            None,
        ),
        extra: vec![observation],
    })
}

async fn charge_refunded<P: Platform>(
    ctx: &Ctx<'_, P>,
    event_id: &str,
    charge: &Value,
    created: i64,
) -> Result<Action, PlatformError> {
    let (Some(charge_id), Some(refunded), Some(currency)) = (
        text(charge, "id"),
        charge.get("amount_refunded").and_then(Value::as_i64),
        text(charge, "currency"),
    ) else {
        return Ok("a charge without id, amount_refunded or currency".into());
    };
    let payment = text(charge, "payment_intent").unwrap_or(charge_id);
    refund(
        ctx,
        event_id,
        payment,
        event_id,
        Observed::Cumulative(refunded),
        currency,
        created,
    )
    .await
}

async fn refund_created<P: Platform>(
    ctx: &Ctx<'_, P>,
    event_id: &str,
    object: &Value,
    created: i64,
) -> Result<Action, PlatformError> {
    if matches!(text(object, "status"), Some("failed" | "canceled")) {
        return Ok("a refund that failed or was canceled".into());
    }
    let (Some(refund_id), Some(amount), Some(currency)) = (
        text(object, "id"),
        object.get("amount").and_then(Value::as_i64),
        text(object, "currency"),
    ) else {
        return Ok("a refund without id, amount or currency".into());
    };
    let Some(payment) = text(object, "payment_intent").or_else(|| text(object, "charge")) else {
        return Ok("a refund of no payment".into());
    };
    refund(
        ctx,
        event_id,
        payment,
        refund_id,
        Observed::Single(amount),
        currency,
        created,
    )
    .await
}
