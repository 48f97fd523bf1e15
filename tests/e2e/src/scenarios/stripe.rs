//! Stripe's webhooks, signed by Stripe's own library, payloads in the documented shapes of the
//! pinned API version.

use serde_json::{Value, json};

use super::now;
use super::tracking::{click, count, unique};
use crate::{Outcome, World, ensure};

/// The API version the payloads follow (what `stripe` 23.1.0 from npm pins).
const STRIPE_API_VERSION: &str = "2026-10-28.endive";

/// A live-mode Stripe event around `object`, as Stripe sends it.
fn stripe_event(id: &str, kind: &str, object: &Value) -> String {
    stripe_event_in(true, id, kind, object)
}

/// A Stripe event of live mode or of test mode (test keys, test cards).
pub(super) fn stripe_event_in(livemode: bool, id: &str, kind: &str, object: &Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "api_version": STRIPE_API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind
    })
    .to_string()
}

/// A Payment Link's Checkout Session for a monthly subscription, as `checkout.session.completed`
/// carries it.
fn subscription_checkout(u: &str, click_id: &str, email: &str) -> Value {
    json!({
        "id": format!("cs_test_{u}"),
        "object": "checkout.session",
        "amount_subtotal": 2900,
        "amount_total": 2900,
        "client_reference_id": format!("pc_{click_id}"),
        "created": now(),
        "currency": "usd",
        "customer": format!("cus_{u}"),
        "customer_details": { "email": email, "name": "Pat Buyer", "address": { "country": "US" } },
        "discounts": [],
        "invoice": format!("in_{u}_1"),
        "livemode": true,
        "metadata": {},
        "mode": "subscription",
        "payment_intent": null,
        "payment_link": format!("plink_{u}"),
        "payment_status": "paid",
        "status": "complete",
        "subscription": format!("sub_{u}"),
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 }
    })
}

/// An invoice of the subscription (2025-03-31 and later: under `parent`).
fn invoice(u: &str, n: u32, reason: &str) -> Value {
    json!({
        "id": format!("in_{u}_{n}"),
        "object": "invoice",
        "amount_due": 2900,
        "amount_paid": 2900,
        "amount_remaining": 0,
        "billing_reason": reason,
        "currency": "usd",
        "customer": format!("cus_{u}"),
        "customer_email": format!("buyer-{u}@example.com"),
        "parent": {
            "type": "subscription_details",
            "subscription_details": { "metadata": {}, "subscription": format!("sub_{u}") }
        },
        "status": "paid",
        "status_transitions": { "paid_at": now() }
    })
}

pub(super) fn ledger_sum(world: &World, sql_where: &str) -> Result<i64, String> {
    count(
        world,
        &format!("SELECT coalesce(sum(amount_minor), 0) AS s FROM ledger WHERE {sql_where}"),
    )
}

fn rows(world: &World) -> Result<(i64, i64), String> {
    Ok((
        count(world, "SELECT count(*) AS n FROM events")?,
        count(world, "SELECT count(*) AS n FROM ledger")?,
    ))
}

pub fn stripe_payment_link_subscription(world: &World) -> Outcome {
    let secret = &world.stripe_secret;
    let u = unique("s").replace('-', "");
    let click_id = click(world, "abc123", "home")?;
    let order = format!("sub_{u}");
    let send = |body: &str| world.client().stripe(secret, body, None);

    // The Payment Link purchase: client_reference_id carries the click (/pc.js put it there).
    let completed = stripe_event(
        &format!("evt_{u}_1"),
        "checkout.session.completed",
        &subscription_checkout(&u, &click_id, &format!("buyer-{u}@example.com")),
    );
    let reply = send(&completed)?;
    ensure!(
        reply.status == 201,
        "checkout: {} {}",
        reply.status,
        reply.body
    );
    let answer: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    ensure!(
        answer["partner"] == "abc123" && answer["attribution"] == "click",
        "credited by the click: {answer}"
    );
    let first = ledger_sum(
        world,
        &format!("order_id = '{order}' AND partner = 'abc123'"),
    )?;
    ensure!(first == 290, "10% of $29.00 for the first month: {first}");

    // Stripe delivers again: nothing changes. The first invoice's own invoice.paid is the
    // same payment.
    let before = rows(world)?;
    let again = send(&completed)?;
    ensure!(
        again.status == 200,
        "replayed checkout: {} {}",
        again.status,
        again.body
    );
    let first_invoice = stripe_event(
        &format!("evt_{u}_2"),
        "invoice.paid",
        &invoice(&u, 1, "subscription_create"),
    );
    let reply = send(&first_invoice)?;
    ensure!(
        reply.status == 200,
        "first invoice.paid: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        rows(world)? == before,
        "a replay or the first invoice wrote rows"
    );

    // Two monthly renewals pay per the subscription rule.
    for n in 2..=3 {
        let renewal = stripe_event(
            &format!("evt_{u}_r{n}"),
            "invoice.paid",
            &invoice(&u, n, "subscription_cycle"),
        );
        let reply = send(&renewal)?;
        ensure!(
            reply.status == 201,
            "renewal {n}: {} {}",
            reply.status,
            reply.body
        );
        let earned = ledger_sum(
            world,
            &format!("event_id = 'stripe:in_{u}_{n}' AND kind = 'commission'"),
        )?;
        ensure!(earned == 290, "renewal {n} earns 10%: {earned}");
    }
    ensure!(
        count(
            world,
            &format!(
                "SELECT count(*) AS n FROM events WHERE order_id = '{order}' AND type = 'subscription_payment'"
            )
        )? == 3,
        "three payments of the subscription"
    );

    // Which payment intent paid the first invoice, then a partial refund of it ($14.50 of
    // $29.00): half of one month's worth is clawed back, spread over the order's commissions.
    let paid = stripe_event(
        &format!("evt_{u}_p1"),
        "invoice_payment.paid",
        &json!({
            "id": format!("inpay_{u}_1"), "object": "invoice_payment", "amount_paid": 2900,
            "currency": "usd", "invoice": format!("in_{u}_1"), "is_default": true,
            "payment": { "type": "payment_intent", "payment_intent": format!("pi_{u}_1") },
            "status": "paid"
        }),
    );
    let reply = send(&paid)?;
    ensure!(
        reply.status == 200,
        "invoice_payment.paid: {} {}",
        reply.status,
        reply.body
    );
    let refunded = stripe_event(
        &format!("evt_{u}_c1"),
        "charge.refunded",
        &json!({
            "id": format!("ch_{u}_1"), "object": "charge", "amount": 2900, "amount_captured": 2900,
            "amount_refunded": 1450, "captured": true, "currency": "usd", "paid": true,
            "payment_intent": format!("pi_{u}_1"), "refunded": false, "status": "succeeded"
        }),
    );
    let reply = send(&refunded)?;
    ensure!(
        reply.status == 201,
        "charge.refunded: {} {}",
        reply.status,
        reply.body
    );
    let total = ledger_sum(
        world,
        &format!("order_id = '{order}' AND partner = 'abc123'"),
    )?;
    let usd = pc_core::Currency::parse("USD").map_err(|e| e.to_string())?;
    let money = |minor| pc_core::Money::from_minor(minor, usd);
    let clawed: i64 = (1..=3)
        .map(|_| pc_core::engine::clawback(money(290), money(0), money(8700), money(1450)).minor())
        .sum();
    ensure!(
        total == 870 + clawed && (-146..=-144).contains(&clawed),
        "870 earned less ~1/6 of it: {total} (clawback {clawed})"
    );

    // The same refund as refund.created (accounts may send both): not counted twice.
    let before = rows(world)?.1;
    let refund_created = stripe_event(
        &format!("evt_{u}_re1"),
        "refund.created",
        &json!({
            "id": format!("re_{u}_1"), "object": "refund", "amount": 1450, "charge": format!("ch_{u}_1"),
            "currency": "usd", "payment_intent": format!("pi_{u}_1"), "reason": "requested_by_customer",
            "status": "succeeded"
        }),
    );
    let reply = send(&refund_created)?;
    ensure!(
        reply.status < 300,
        "refund.created: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        rows(world)?.1 == before
            && ledger_sum(
                world,
                &format!("order_id = '{order}' AND partner = 'abc123'")
            )? == total,
        "refund.created after charge.refunded clawed back again"
    );

    // Bad and stale signatures: 400, nothing written.
    let before = rows(world)?;
    let renewal = stripe_event(
        &format!("evt_{u}_r4"),
        "invoice.paid",
        &invoice(&u, 4, "subscription_cycle"),
    );
    let signature = crate::client::stripe_signature(secret, &renewal, None)?;
    let tampered = renewal.replace("2900", "290000");
    let reply = world.client().send(
        "POST",
        "/api/v1/integrations/stripe",
        "application/json",
        tampered.as_bytes(),
        &[("stripe-signature", &signature)],
    )?;
    ensure!(reply.status == 400, "a tampered body: {}", reply.status);
    let stale = world.client().stripe(secret, &renewal, Some(now() - 600))?;
    ensure!(
        stale.status == 400,
        "a 10-minute-old signature: {}",
        stale.status
    );
    let wrong = world
        .client()
        .stripe("whsec_not_the_right_secret_at_all", &renewal, None)?;
    ensure!(wrong.status == 400, "another secret: {}", wrong.status);
    ensure!(rows(world)? == before, "a refused webhook wrote rows");

    // Events the program does not pay on are acknowledged and ignored.
    let other = stripe_event(
        &format!("evt_{u}_x"),
        "customer.created",
        &json!({ "id": format!("cus_{u}"), "object": "customer" }),
    );
    let reply = send(&other)?;
    ensure!(
        reply.status == 200 && reply.body.contains("ignored"),
        "customer.created: {} {}",
        reply.status,
        reply.body
    );
    ensure!(rows(world)? == before, "an ignored event wrote rows");
    Ok(())
}

pub fn stripe_one_time_checkout_with_coupon(world: &World) -> Outcome {
    let u = unique("c").replace('-', "");
    // A one-time purchase with abc123's coupon as the Stripe coupon's id, fully refunded.
    let session = json!({
        "id": format!("cs_test_{u}"), "object": "checkout.session", "amount_subtotal": 5000,
        "amount_total": 4500, "client_reference_id": null, "currency": "usd",
        "customer_details": { "email": format!("one-{u}@example.com") },
        "discounts": [{ "coupon": "ALEX10", "promotion_code": format!("promo_{u}") }],
        "metadata": {}, "mode": "payment", "payment_intent": format!("pi_{u}"),
        "payment_status": "paid", "status": "complete"
    });
    let reply = world.client().stripe(
        &world.stripe_secret,
        &stripe_event(
            &format!("evt_{u}_1"),
            "checkout.session.completed",
            &session,
        ),
        None,
    )?;
    ensure!(
        reply.status == 201,
        "checkout: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        reply.body.contains(r#""attribution":"coupon""#)
            && reply.body.contains(r#""partner":"abc123""#),
        "credited by the coupon: {}",
        reply.body
    );
    let order = format!("order_id = 'pi_{u}' AND partner = 'abc123'");
    ensure!(
        ledger_sum(world, &order)? == 900,
        "20% of $45.00: {}",
        ledger_sum(world, &order)?
    );
    let refund = json!({
        "id": format!("re_{u}"), "object": "refund", "amount": 4500, "charge": format!("ch_{u}"),
        "currency": "usd", "payment_intent": format!("pi_{u}"), "status": "succeeded"
    });
    let reply = world.client().stripe(
        &world.stripe_secret,
        &stripe_event(&format!("evt_{u}_2"), "refund.created", &refund),
        None,
    )?;
    ensure!(
        reply.status == 201,
        "refund.created: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        ledger_sum(world, &order)? == 0,
        "a full refund takes it all back"
    );
    Ok(())
}
