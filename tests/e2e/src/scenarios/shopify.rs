//! Shopify's webhooks, signed as Shopify documents (base64 HMAC of the raw body), payloads in
//! the shapes of its Admin REST webhooks.

use serde_json::json;

use super::now;
use super::stripe::ledger_sum;
use super::tracking::{click, count};
use crate::{Outcome, World, ensure};

/// A Shopify order as `orders/paid` sends it.
fn shopify_order(id: u64, total: &str, discount: Option<&str>, notes: &[(&str, &str)]) -> String {
    json!({
        "id": id,
        "admin_graphql_api_id": format!("gid://shopify/Order/{id}"),
        "name": format!("#{}", id % 10_000),
        "email": format!("shopper-{id}@example.com"),
        "created_at": "2026-11-24T05:00:00-05:00",
        "processed_at": super::iso(now()),
        "currency": "USD",
        "presentment_currency": "USD",
        "financial_status": "paid",
        "subtotal_price": total,
        "total_price": total,
        "total_discounts": "0.00",
        "discount_codes": discount.map(|c| json!([{ "code": c, "amount": "5.00", "type": "percentage" }])).unwrap_or(json!([])),
        "note_attributes": notes.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
        "landing_site": "/collections/coffee",
        "line_items": [{ "id": id + 1, "title": "Coffee Club", "quantity": 1, "price": total }],
        "customer": { "id": id + 2, "email": format!("shopper-{id}@example.com") }
    })
    .to_string()
}

pub fn shopify_orders_and_refunds(world: &World) -> Outcome {
    let secret = &world.shopify_secret;
    let id = u64::try_from(now()).unwrap_or(0) * 1000 + u64::from(std::process::id() % 1000);
    // A partner's discount code credits that partner.
    let order = shopify_order(id, "50.00", Some("ALEX10"), &[]);
    let reply = world.client().shopify(secret, "orders/paid", &order)?;
    ensure!(
        reply.status == 201,
        "orders/paid: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        reply.body.contains(r#""partner":"abc123""#)
            && reply.body.contains(r#""attribution":"coupon""#),
        "credited by ALEX10: {}",
        reply.body
    );
    let mine = format!("order_id = 'shopify:{id}' AND partner = 'abc123'");
    ensure!(
        ledger_sum(world, &mine)? == 1000,
        "20% of $50.00: {}",
        ledger_sum(world, &mine)?
    );
    let before = count(world, "SELECT count(*) AS n FROM ledger")?;
    let again = world.client().shopify(secret, "orders/paid", &order)?;
    ensure!(again.status == 200, "a redelivered order: {}", again.status);
    ensure!(
        count(world, "SELECT count(*) AS n FROM ledger")? == before,
        "a redelivery wrote rows"
    );
    let forged = world.client().shopify(
        "not-the-shop-secret-at-all",
        "orders/paid",
        &shopify_order(id + 1, "900.00", Some("ALEX10"), &[]),
    )?;
    ensure!(forged.status == 400, "a wrong HMAC: {}", forged.status);
    ensure!(
        count(
            world,
            &format!(
                "SELECT count(*) AS n FROM events WHERE id = 'shopify:order:{}'",
                id + 1
            )
        )? == 0,
        "a forged order was recorded"
    );

    // A partial refund claws back in proportion.
    let refund = json!({
        "id": id + 7, "order_id": id, "created_at": super::iso(now()), "processed_at": super::iso(now()),
        "note": "damaged bag", "restock": false, "refund_line_items": [],
        "transactions": [{ "id": id + 8, "order_id": id, "kind": "refund", "gateway": "shopify_payments",
                           "status": "success", "amount": "12.50", "currency": "USD" }]
    })
    .to_string();
    let reply = world.client().shopify(secret, "refunds/create", &refund)?;
    ensure!(
        reply.status == 201,
        "refunds/create: {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        ledger_sum(world, &mine)? == 750,
        "a quarter clawed back: {}",
        ledger_sum(world, &mine)?
    );

    // The click id the cart carried (a hidden input /pc.js filled) wins; a store coupon that is
    // no partner's leaves the sale recorded and unattributed.
    let click_id = click(world, "mia456", "home")?;
    let reply = world.client().shopify(
        secret,
        "orders/paid",
        &shopify_order(id + 2, "30.00", None, &[("bl_click", &click_id)]),
    )?;
    ensure!(
        reply.status == 201
            && reply.body.contains(r#""partner":"mia456""#)
            && reply.body.contains(r#""attribution":"click""#),
        "credited by the click: {} {}",
        reply.status,
        reply.body
    );
    let reply = world.client().shopify(
        secret,
        "orders/paid",
        &shopify_order(id + 3, "30.00", Some("WELCOME5"), &[]),
    )?;
    ensure!(
        reply.status == 201 && reply.body.contains(r#""attributed":false"#),
        "a store coupon: {} {}",
        reply.status,
        reply.body
    );
    Ok(())
}
