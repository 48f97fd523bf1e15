//! Test mode and "verify install": a store's test purchases go through the same attribution
//! and rules into the test book, never payable, shown to the partner apart; the console's Setup
//! page shows the tracking script's report and each integration's last delivery.

use serde_json::{Value, json};

use super::reports::{as_partner, get_json, get_json_with};
use super::stripe::{ledger_sum, stripe_event_in};
use super::tracking::{click, count, unique};
use super::{iso, now};
use crate::{Outcome, World, ensure};

/// What moves abc123's money: every figure of the summary a partner reads.
fn money_figures(summary: &Value) -> Vec<String> {
    [
        "payable",
        "pending",
        "balance",
        "earned_to_date",
        "under_review",
    ]
    .iter()
    .map(|k| summary[*k].to_string())
    .chain(std::iter::once(summary["in_range"]["earned"].to_string()))
    .collect()
}

/// An owner API's answer, with the owner token.
fn owner_json(world: &World, path: &str) -> Result<Value, String> {
    let bearer = format!("Bearer {}", world.owner_token);
    get_json_with(&mut world.client(), path, &[("authorization", &bearer)])
}

pub fn test_purchases_are_recorded_apart(world: &World) -> Outcome {
    let u = unique("t").replace('-', "");
    let mut me = as_partner(world, "abc123")?;
    let before = get_json(&mut me, "/api/v1/me/summary")?;

    // The partner link lands on the store; /pc.js reports the page and its click id.
    let click_id = click(world, "abc123", "home")?;
    let mut store = world.client();
    let report = json!({ "click": click_id }).to_string();
    let reply = store.send(
        "POST",
        "/api/v1/script-hit",
        "text/plain",
        report.as_bytes(),
        &[("origin", "https://shop.example.com")],
    )?;
    ensure!(
        reply.status == 204,
        "script report: {} {}",
        reply.status,
        reply.body
    );
    let reply = store.send("POST", "/api/v1/script-hit", "text/plain", b"", &[])?;
    ensure!(
        reply.status == 400,
        "a report without an Origin: {}",
        reply.status
    );

    // A purchase in Stripe's test mode, from that click: recorded as a test, credited as a
    // real one would be (20% of $45.00 on the home link's program), in the test book only.
    let session = json!({
        "id": format!("cs_test_{u}"), "object": "checkout.session", "amount_subtotal": 4500,
        "amount_total": 4500, "client_reference_id": format!("pc_{click_id}"), "currency": "usd",
        "customer_details": { "email": format!("tester-{u}@example.com") }, "discounts": [],
        "livemode": false, "metadata": {}, "mode": "payment", "payment_intent": format!("pi_{u}"),
        "payment_status": "paid", "status": "complete"
    });
    let reply = world.client().stripe(
        &world.stripe_secret,
        &stripe_event_in(
            false,
            &format!("evt_{u}_1"),
            "checkout.session.completed",
            &session,
        ),
        None,
    )?;
    ensure!(
        reply.status == 201,
        "test checkout: {} {}",
        reply.status,
        reply.body
    );
    let answer: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    ensure!(
        answer["test"] == true && answer["partner"] == "abc123" && answer["attribution"] == "click",
        "a test credited by the click: {answer}"
    );
    let order = format!("order_id = 'pi_{u}'");
    ensure!(
        count(
            world,
            &format!("SELECT count(*) AS n FROM ledger WHERE {order}")
        )? == 0
            && count(
                world,
                &format!("SELECT count(*) AS n FROM events WHERE {order}")
            )? == 0,
        "a test purchase wrote to the live ledger or events"
    );
    let test_earned = count(
        world,
        &format!(
            "SELECT coalesce(sum(amount_minor), 0) AS n FROM test_ledger WHERE {order} AND partner = 'abc123'"
        ),
    )?;
    ensure!(
        test_earned > 0,
        "the test line is in the test book: {test_earned}"
    );

    // The partner sees it apart; none of their money moved.
    let after = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        money_figures(&after) == money_figures(&before),
        "a test purchase moved the partner's figures: {before} → {after}"
    );
    let lines = get_json(&mut me, "/api/v1/me/test")?;
    let line = lines["lines"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["order"] == format!("pi_{u}")))
        .ok_or_else(|| format!("the partner's test lines show the purchase: {lines}"))?;
    ensure!(
        line["conversion"] == "sale"
            && line["kind"] == "commission"
            && line["amount"]
                == pc_core::Money::from_minor(
                    test_earned,
                    pc_core::Currency::parse("USD").map_err(|e| e.to_string())?
                )
                .decimal_string(),
        "the test line as the partner reads it: {line}"
    );
    let payable = owner_json(world, "/api/v1/owner/payable")?;
    ensure!(
        !payable.to_string().contains(&format!("pi_{u}")),
        "the owner's payable list knows the test order"
    );

    // Its test refund (Stripe's refunds carry livemode too) takes the test line back.
    let refund = json!({
        "id": format!("re_{u}"), "object": "refund", "amount": 4500, "charge": format!("ch_{u}"),
        "currency": "usd", "payment_intent": format!("pi_{u}"), "status": "succeeded"
    });
    let reply = world.client().stripe(
        &world.stripe_secret,
        &stripe_event_in(false, &format!("evt_{u}_2"), "refund.created", &refund),
        None,
    )?;
    ensure!(
        reply.status == 201,
        "test refund: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        count(
            world,
            &format!("SELECT coalesce(sum(amount_minor), 0) AS n FROM test_ledger WHERE {order}")
        )? == 0
            && ledger_sum(world, &order)? == 0,
        "the test refund took the test line back, in the test book only"
    );

    // A store that does not mark its refunds (the events API here, as Shopify's refunds):
    // the refund of a test order follows the order into the test book.
    let sold = json!({
        "id": format!("t-{u}-sale"), "type": "sale", "occurred_at": iso(now()), "order_id": format!("t-{u}"),
        "amount": "100.00", "currency": "USD", "partner": "abc123", "test": true
    });
    let reply = world.client().event(&world.events_secret, &sold, None)?;
    ensure!(
        reply.status == 201 && reply.body.contains(r#""test":true"#),
        "test sale: {} {}",
        reply.status,
        reply.body
    );
    let refunded = json!({
        "id": format!("t-{u}-refund"), "type": "refund", "occurred_at": iso(now()), "order_id": format!("t-{u}"),
        "amount": "100.00", "currency": "USD"
    });
    let reply = world
        .client()
        .event(&world.events_secret, &refunded, None)?;
    ensure!(
        reply.status == 201 && reply.body.contains(r#""test":true"#),
        "an unmarked refund of a test order: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        count(
            world,
            &format!("SELECT count(*) AS n FROM events WHERE order_id = 't-{u}'")
        )? == 0,
        "the unmarked refund went to the live book"
    );
    let after = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        money_figures(&after) == money_figures(&before),
        "test sales and refunds moved the partner's figures: {before} → {after}"
    );

    // The console's Setup page: the script's report with its click, each integration's last
    // delivery and what became of it, and the test conversions.
    let setup = owner_json(world, "/api/v1/owner/setup")?;
    let hit = setup["script_hits"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["domain"] == "shop.example.com"))
        .ok_or_else(|| format!("the script's report: {setup}"))?;
    ensure!(
        hit["click_id"] == click_id.as_str()
            && hit["click_known"] == true
            && hit["partner"] == "abc123",
        "the report's click is abc123's: {hit}"
    );
    let stripe = setup["integrations"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["name"] == "stripe"))
        .ok_or("Stripe is listed")?;
    ensure!(
        stripe["configured"] == true
            && stripe["last"]["event_type"] == "refund.created"
            && stripe["last"]["test"] == true
            && stripe["last"]["outcome"] == "recorded"
            && stripe["last"]["partner"] == "abc123",
        "Stripe's last delivery: {stripe}"
    );
    let events = setup["integrations"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["name"] == "events"))
        .ok_or("the events API is listed")?;
    ensure!(
        events["last"]["event_id"] == format!("t-{u}-refund") && events["last"]["test"] == true,
        "the events API's last delivery: {events}"
    );
    let tested = setup["test_events"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .find(|t| t["order_id"] == format!("pi_{u}") && t["type"] == "sale")
        })
        .ok_or_else(|| format!("the test checkout is listed: {setup}"))?;
    ensure!(
        tested["partner"] == "abc123"
            && tested["attribution"] == "click"
            && tested["amount"] == "45.00",
        "the test conversion as the owner reads it: {tested}"
    );
    // A partner never reads the owner's Setup.
    ensure!(
        me.get("/api/v1/owner/setup")?.status == 401,
        "a partner's session opened the owner's Setup"
    );
    Ok(())
}
