//! Redirect links, clicks, conversions, commissions, refunds and payouts.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{iso, now};
use crate::client::Client;
use crate::{Outcome, World, ensure};

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

fn visit(client: &mut Client, path: &str) -> Result<crate::client::Reply, String> {
    client.get_with(
        path,
        &[
            ("user-agent", BROWSER),
            ("referer", "https://blog.example/post?id=1"),
        ],
    )
}

/// The query parameter `name` of a URL.
fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

pub(super) fn count(world: &World, sql: &str) -> Result<i64, String> {
    world.db.count(sql)
}

/// Clicks are written after the response: wait (briefly) until the row is there.
fn wait_for_click(world: &World, id: &str) -> Result<Value, String> {
    let started = Instant::now();
    loop {
        let rows = world
            .db
            .query(&format!("SELECT * FROM clicks WHERE id = '{id}'"))?;
        if let Some(row) = rows.into_iter().next() {
            return Ok(row);
        }
        ensure!(
            started.elapsed() < Duration::from_secs(20),
            "click {id} was never written"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A click through `code`'s `slug` link; its click id.
pub(super) fn click(world: &World, code: &str, slug: &str) -> Result<String, String> {
    let reply = visit(&mut world.client(), &format!("/r/{code}/{slug}"))?;
    ensure!(reply.status == 302, "/r/{code}/{slug}: {}", reply.status);
    let id = param(reply.location(), "bl_click").ok_or("no click id in the target")?;
    wait_for_click(world, &id)?;
    Ok(id)
}

pub(super) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", now(), std::process::id())
}

fn ledger(world: &World, sql_where: &str) -> Result<Vec<Value>, String> {
    world.db.query(&format!(
        "SELECT partner, kind, amount_minor, level, rule FROM ledger WHERE {sql_where} ORDER BY level, partner"
    ))
}

pub fn redirects(world: &World) -> Outcome {
    let mut client = world.client();
    let reply = visit(
        &mut client,
        "/r/abc123/home?sub=newsletter-june&utm_source=blog&x=%2F%2Fevil.example",
    )?;
    ensure!(reply.status == 302, "status {}", reply.status);
    let to = reply.location().to_owned();
    ensure!(
        to.starts_with("https://brightloom.example/?"),
        "target: {to}"
    );
    let id = param(&to, "bl_click").ok_or("click id")?;
    ensure!(
        id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "click id {id}"
    );
    ensure!(
        param(&to, "bl_ref").as_deref() == Some("abc123"),
        "partner code: {to}"
    );
    ensure!(
        param(&to, "sub").as_deref() == Some("newsletter-june"),
        "sub carried: {to}"
    );
    ensure!(
        param(&to, "utm_source").as_deref() == Some("blog"),
        "utm carried: {to}"
    );
    ensure!(
        param(&to, "x").is_none(),
        "other parameters are not carried: {to}"
    );
    let row = wait_for_click(world, &id)?;
    ensure!(
        row["partner"] == "abc123" && row["slug"] == "home" && row["sub"] == "newsletter-june",
        "{row}"
    );
    ensure!(
        row["referrer_host"] == "blog.example" && row["agent"] == "desktop",
        "{row}"
    );
    let visitor = row["visitor"].as_str().unwrap_or("");
    ensure!(
        visitor.len() == 32 && !visitor.contains("127.0.0.1"),
        "no raw address: {visitor}"
    );
    // The target's own query and fragment are kept.
    let pro = visit(&mut client, "/r/xyz789/espresso-pro")?;
    let to = pro.location();
    ensure!(
        to.starts_with("https://brightloom.example/shop/espresso-pro?") && to.ends_with("#reviews"),
        "{to}"
    );
    let club = visit(&mut client, "/r/abc123/subscribe")?;
    ensure!(
        club.location()
            .starts_with("https://brightloom.example/club?plan=monthly&bl_click="),
        "{}",
        club.location()
    );
    // /r/<code> goes to the default link of the partner's program.
    let default = visit(&mut client, "/r/xyz789")?;
    ensure!(
        default
            .location()
            .starts_with("https://brightloom.example/shop/espresso-pro?"),
        "{}",
        default.location()
    );
    Ok(())
}

pub fn bots_are_not_counted(world: &World) -> Outcome {
    let before = count(
        world,
        "SELECT count(*) AS n FROM clicks WHERE partner = 'cafe01'",
    )?;
    let mut client = world.client();
    for agent in [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
    ] {
        let reply = client.get_with("/r/cafe01/home", &[("user-agent", agent)])?;
        ensure!(reply.status == 302, "{agent}: {}", reply.status);
        ensure!(
            param(reply.location(), "bl_click").is_none(),
            "{agent} got a click id"
        );
        ensure!(
            param(reply.location(), "bl_ref").as_deref() == Some("cafe01"),
            "still attributed"
        );
    }
    let prefetch = client.get_with(
        "/r/cafe01/home",
        &[("user-agent", BROWSER), ("sec-purpose", "prefetch")],
    )?;
    ensure!(
        param(prefetch.location(), "bl_click").is_none(),
        "a prefetch is not a click"
    );
    // A real visit afterwards is counted, and only it.
    let id = click(world, "cafe01", "home")?;
    ensure!(!id.is_empty(), "click");
    let after = count(
        world,
        "SELECT count(*) AS n FROM clicks WHERE partner = 'cafe01'",
    )?;
    ensure!(after == before + 1, "bots were counted: {before} → {after}");
    // The partner sees what was not counted, and why (written after the answers, like clicks:
    // wait for the rows).
    let started = Instant::now();
    let mut me = super::reports::as_partner(world, "cafe01")?;
    loop {
        let summary = super::reports::get_json(&mut me, "/api/v1/me/summary")?;
        let filtered = summary["filtered_clicks"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let n = |reason: &str| {
            filtered
                .iter()
                .find(|f| f["reason"] == reason)
                .and_then(|f| f["count"].as_i64())
                .unwrap_or(0)
        };
        if n("crawler") >= 1 && n("link_preview") >= 1 && n("script") >= 1 && n("prefetch") >= 1 {
            let crawler = filtered
                .iter()
                .find(|f| f["reason"] == "crawler")
                .cloned()
                .unwrap_or_default();
            ensure!(
                crawler["example"]
                    .as_str()
                    .is_some_and(|e| e.contains("googlebot"))
                    && crawler["why"]
                        .as_str()
                        .is_some_and(|w| w.contains("crawler")),
                "the reason is explained: {crawler}"
            );
            ensure!(
                summary["in_range"]["clicks"].as_i64() == Some(after),
                "not counted in the clicks: {}",
                summary["in_range"]["clicks"]
            );
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(20),
            "the filtered requests never showed: {filtered:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

pub fn unknown_links_fall_back_and_never_redirect_elsewhere(world: &World) -> Outcome {
    let mut client = world.client();
    let fallback = "https://brightloom.example/";
    for path in [
        "/r/abc123/no-such-link",
        "/r/nobody1/home",
        "/r/leo777/home",
        "/r/abc123/espresso-pro",
        "/r/abc123//evil.example",
        "/r//evil.example",
        "/r/abc123/%2F%2Fevil.example",
        "/r/abc123/home/..%2F..%2Fevil.example",
        "/r/abc123/https:%2F%2Fevil.example",
        "/r/%2F%2Fevil.example/home",
        "/r/abc123/home%3Fx=https://evil.example",
        "/r/ABC123/home",
    ] {
        let reply = visit(&mut client, path)?;
        ensure!(
            reply.status == 302 || reply.status == 404,
            "{path}: {}",
            reply.status
        );
        if reply.status == 302 {
            ensure!(
                reply.location() == fallback,
                "{path} → {}",
                reply.location()
            );
        }
    }
    let crafted = visit(
        &mut client,
        "/r/abc123/home?x=//evil.example&sub=//evil.example&utm_source=%2F%2Fevil.example",
    )?;
    let to = crafted.location();
    ensure!(to.starts_with("https://brightloom.example/?"), "{to}");
    ensure!(
        param(to, "sub").is_none(),
        "an unsafe sub-id is dropped: {to}"
    );
    Ok(())
}

/// A deep link goes to a page under the owner's `link_domains` with the click; any other
/// address is never followed (the link's own target instead); an expired link goes to the
/// fallback page, and the partner's Clicks report says why.
pub fn deep_links_stay_on_the_owners_sites_and_expired_links_fall_back(world: &World) -> Outcome {
    let mut client = world.client();
    let page = "https://brightloom.example/products/aeropress?color=red";
    let reply = visit(
        &mut client,
        &format!("/r/abc123/home?to={}&sub=deep-1", encode(page)),
    )?;
    let to = reply.location().to_owned();
    ensure!(
        reply.status == 302
            && to.starts_with("https://brightloom.example/products/aeropress?color=red&"),
        "a page on brightloom.example: {} {to}",
        reply.status
    );
    let id = param(&to, "bl_click").ok_or(format!("no click id: {to}"))?;
    let row = wait_for_click(world, &id)?;
    ensure!(
        row["slug"] == "home"
            && row["sub"] == "deep-1"
            && param(&to, "bl_ref").as_deref() == Some("abc123"),
        "counted for the link it came through: {row} {to}"
    );
    for other in [
        "https://evil.example/products/x",
        "https://brightloom.example.evil.example/",
        "https://evilbrightloom.example/",
        "javascript:alert(1)",
        "//evil.example/",
        "https://user@evil.example@brightloom.example/",
        "ftp://brightloom.example/file",
    ] {
        let reply = visit(&mut client, &format!("/r/abc123/home?to={}", encode(other)))?;
        let went = reply.location();
        ensure!(
            reply.status == 302 && went.starts_with("https://brightloom.example/?bl_click="),
            "{other} → {} {went}: the link's own target instead",
            reply.status
        );
    }
    // summer-sale ended on 2026-08-31 (content/links/summer-sale.yaml).
    let before = count(
        world,
        "SELECT count(*) AS n FROM filtered_clicks WHERE partner = 'abc123' AND reason = 'expired'",
    )?;
    let expired = visit(&mut client, "/r/abc123/summer-sale?sub=old-post")?;
    ensure!(
        expired.status == 302 && expired.location() == "https://brightloom.example/",
        "an expired link goes to the fallback page: {} {}",
        expired.status,
        expired.location()
    );
    let started = Instant::now();
    loop {
        let rows = world.db.query(
            "SELECT slug, sub, detail FROM filtered_clicks WHERE partner = 'abc123' AND reason = 'expired' ORDER BY id DESC",
        )?;
        if rows.len() as i64 > before {
            ensure!(
                rows[0]["slug"] == "summer-sale" && rows[0]["detail"] == "ended 2026-08-31",
                "the reason is kept: {}",
                rows[0]
            );
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(20),
            "the expired visit was never recorded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The partner reads it under "Not counted", in words.
    let mut partner = super::abc123(world, false)?;
    let today = iso(now());
    let summary = partner.get(&format!(
        "/api/v1/me/summary?from={}&to={}",
        &today[..10],
        &today[..10]
    ))?;
    let body: Value = serde_json::from_str(&summary.body).map_err(|e| e.to_string())?;
    let reasons = body["filtered_clicks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    ensure!(
        reasons.iter().any(|r| r["reason"] == "expired"
            && r["why"]
                .as_str()
                .is_some_and(|w| w.contains("offer had ended"))),
        "the Clicks report says why: {reasons:?}"
    );
    // The pages no longer offer it.
    let links = partner.get("/portal/links/")?;
    ensure!(
        links.status == 200
            && !links.body.contains("summer-sale")
            && links.body.contains("spring-sale"),
        "the Links page leaves the expired link out"
    );
    Ok(())
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A signed sale. The time is derived from the id's first use, so a resend is byte-identical.
fn sale(
    world: &World,
    id: &str,
    attribution: &Value,
    order: &str,
    amount: &str,
) -> Result<crate::client::Reply, String> {
    static TIMES: std::sync::Mutex<Vec<(String, i64)>> = std::sync::Mutex::new(Vec::new());
    let at = {
        let mut times = TIMES.lock().map_err(|e| e.to_string())?;
        if let Some((_, t)) = times.iter().find(|(i, _)| i == id) {
            *t
        } else {
            times.push((id.to_owned(), now()));
            now()
        }
    };
    let mut body = json!({
        "id": id, "type": "sale", "occurred_at": iso(at), "order_id": order,
        "amount": amount, "currency": "USD", "customer": { "email": "shopper@example.net", "name": "Sam Shopper" }
    });
    if let (Some(b), Some(a)) = (body.as_object_mut(), attribution.as_object()) {
        b.extend(a.clone());
    }
    world.client().event(&world.events_secret, &body, None)
}

pub fn a_sale_credits_the_partner_and_the_parent_once(world: &World) -> Outcome {
    // Mia (coffee-club, 20%) was referred by Alex (second tier, 5%).
    let click_id = click(world, "mia456", "subscribe")?;
    let id = unique("sale-mia");
    let reply = sale(
        world,
        &id,
        &json!({ "click_id": click_id }),
        &format!("order-{id}"),
        "49.00",
    )?;
    ensure!(reply.status == 201, "sale: {} {}", reply.status, reply.body);
    let answer: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    ensure!(
        answer["partner"] == "mia456" && answer["attribution"] == "click",
        "{answer}"
    );
    let rows = ledger(world, &format!("event_id = '{id}'"))?;
    ensure!(rows.len() == 2, "two credits: {rows:?}");
    ensure!(
        rows[0]["partner"] == "mia456" && rows[0]["amount_minor"] == 980,
        "20% of $49.00: {}",
        rows[0]
    );
    ensure!(
        rows[1]["partner"] == "abc123" && rows[1]["amount_minor"] == 245 && rows[1]["level"] == 1,
        "5% to the parent: {}",
        rows[1]
    );
    ensure!(
        rows[0]["rule"].as_str().unwrap_or("") == "20% of the sale",
        "the rule is recorded: {}",
        rows[0]
    );
    let event = world.db.query(&format!(
        "SELECT slug, customer_label FROM events WHERE id = '{id}'"
    ))?;
    ensure!(
        event[0]["slug"] == "subscribe" && event[0]["customer_label"] == "s***@example.net",
        "{}",
        event[0]
    );
    // The same event again: the same answer, nothing new.
    let again = sale(
        world,
        &id,
        &json!({ "click_id": click_id }),
        &format!("order-{id}"),
        "49.00",
    )?;
    ensure!(
        again.status == 200 && again.body == reply.body,
        "duplicate: {} {}",
        again.status,
        again.body
    );
    ensure!(
        ledger(world, &format!("event_id = '{id}'"))?.len() == 2,
        "one credit per event"
    );
    let conflict = sale(
        world,
        &id,
        &json!({ "click_id": click_id }),
        &format!("order-{id}"),
        "99.00",
    )?;
    ensure!(
        conflict.status == 409,
        "the id reused for another event: {}",
        conflict.status
    );
    // abc123's own click: 20% to abc123, who has no parent.
    let own = click(world, "abc123", "home")?;
    let id2 = unique("sale-abc");
    sale(
        world,
        &id2,
        &json!({ "click_id": own }),
        &format!("order-{id2}"),
        "100.00",
    )?;
    let rows = ledger(world, &format!("event_id = '{id2}'"))?;
    ensure!(
        rows.len() == 1 && rows[0]["amount_minor"] == 2000,
        "{rows:?}"
    );
    Ok(())
}

pub fn the_program_of_the_clicked_link_pays(world: &World) -> Outcome {
    // Sam is in equipment ($15 a sale) and coffee-club (20%, priority 1).
    let grinders = click(world, "sam314", "grinders")?;
    let a = unique("sam-click");
    sale(
        world,
        &a,
        &json!({ "click_id": grinders }),
        &format!("o-{a}"),
        "200.00",
    )?;
    let rows = ledger(world, &format!("event_id = '{a}' AND level = 0"))?;
    ensure!(
        rows.first().map(|r| r["amount_minor"].clone()) == Some(json!(1500)),
        "equipment's $15: {rows:?}"
    );
    let b = unique("sam-code");
    sale(
        world,
        &b,
        &json!({ "partner": "sam314" }),
        &format!("o-{b}"),
        "200.00",
    )?;
    let rows = ledger(world, &format!("event_id = '{b}' AND level = 0"))?;
    ensure!(
        rows.first().map(|r| r["amount_minor"].clone()) == Some(json!(4000)),
        "coffee-club's 20%: {rows:?}"
    );
    // A coupon attributes too.
    let c = unique("coupon");
    let reply = sale(
        world,
        &c,
        &json!({ "coupon": "ALEX10" }),
        &format!("o-{c}"),
        "10.00",
    )?;
    ensure!(
        reply.body.contains("\"partner\":\"abc123\"")
            && reply.body.contains("\"attribution\":\"coupon\""),
        "{}",
        reply.body
    );
    Ok(())
}

pub fn bad_events_are_refused_and_write_nothing(world: &World) -> Outcome {
    let before = count(world, "SELECT count(*) AS n FROM events")?;
    let ledger_before = count(world, "SELECT count(*) AS n FROM ledger")?;
    let id = unique("bad");
    let body = json!({ "id": id, "type": "sale", "occurred_at": iso(now()), "partner": "abc123", "order_id": "o-bad", "amount": "10.00", "currency": "USD" });
    let text = body.to_string();
    let mut client = world.client();
    let wrong_key = crate::client::event_signature("not-the-events-secret-000", now(), &text);
    let r = client.send(
        "POST",
        "/api/v1/events",
        "application/json",
        text.as_bytes(),
        &[("partner-signature", &wrong_key)],
    )?;
    ensure!(r.status == 401, "bad signature: {}", r.status);
    let stale = client.event(&world.events_secret, &body, Some(now() - 600))?;
    ensure!(stale.status == 401, "stale timestamp: {}", stale.status);
    let unsigned = client.send(
        "POST",
        "/api/v1/events",
        "application/json",
        text.as_bytes(),
        &[],
    )?;
    ensure!(unsigned.status == 401, "no signature: {}", unsigned.status);
    let malformed = "{\"id\": \"x\", \"type\": ";
    let sig = crate::client::event_signature(&world.events_secret, now(), malformed);
    let r = client.send(
        "POST",
        "/api/v1/events",
        "application/json",
        malformed.as_bytes(),
        &[("partner-signature", &sig)],
    )?;
    ensure!(
        r.status == 400 && r.body.contains("\"error\""),
        "malformed JSON: {} {}",
        r.status,
        r.body
    );
    let cases = [
        (json!({ "partner": "nobody1" }), 422, "unknown partner"),
        (json!({ "amount": "-5.00" }), 400, "negative amount"),
        (json!({ "amount": "5.001" }), 400, "too precise"),
        (json!({ "currency": "EUR" }), 422, "other currency"),
        (json!({ "type": "gift" }), 400, "unknown type"),
        (json!({ "occurred_at": "yesterday" }), 400, "bad time"),
        (
            json!({ "click_id": "ffffffffffffffffffffffff", "partner": null }),
            422,
            "unknown click",
        ),
        (json!({ "colour": "blue" }), 400, "unknown field"),
    ];
    for (i, (change, status, what)) in cases.into_iter().enumerate() {
        let mut b = body.clone();
        b["id"] = json!(format!("{id}-{i}"));
        if let (Some(o), Some(c)) = (b.as_object_mut(), change.as_object()) {
            for (k, v) in c {
                if v.is_null() {
                    o.remove(k);
                } else {
                    o.insert(k.clone(), v.clone());
                }
            }
        }
        let r = client.event(&world.events_secret, &b, None)?;
        ensure!(r.status == status, "{what}: {} {}", r.status, r.body);
        ensure!(r.body.contains("\"error\""), "{what}: a JSON error");
    }
    ensure!(
        count(world, "SELECT count(*) AS n FROM events")? == before,
        "no event rows"
    );
    ensure!(
        count(world, "SELECT count(*) AS n FROM ledger")? == ledger_before,
        "no ledger rows"
    );
    Ok(())
}

pub fn refunds_claw_back(world: &World) -> Outcome {
    let click_id = click(world, "mia456", "home")?;
    let id = unique("to-refund");
    let order = format!("order-{id}");
    sale(
        world,
        &id,
        &json!({ "click_id": click_id }),
        &order,
        "80.00",
    )?;
    let refund = |rid: &str, amount: &str| {
        world.client().event(&world.events_secret, &json!({
            "id": rid, "type": "refund", "occurred_at": iso(now()), "order_id": order, "amount": amount, "currency": "USD"
        }), None)
    };
    let half = refund(&format!("{id}-r1"), "40.00")?;
    ensure!(half.status == 201, "refund: {} {}", half.status, half.body);
    let sum = |partner: &str| {
        count(
            world,
            &format!(
                "SELECT coalesce(sum(amount_minor), 0) AS s FROM ledger WHERE order_id = '{order}' AND partner = '{partner}'"
            ),
        )
    };
    ensure!(
        sum("mia456")? == 800,
        "half of 1600 clawed back: {}",
        sum("mia456")?
    );
    ensure!(
        sum("abc123")? == 200,
        "half of the override too: {}",
        sum("abc123")?
    );
    // Refunding more than is left takes back only what is left.
    let rest = refund(&format!("{id}-r2"), "80.00")?;
    ensure!(rest.status == 201, "second refund: {}", rest.status);
    ensure!(
        sum("mia456")? == 0 && sum("abc123")? == 0,
        "never more than was credited"
    );
    let none = refund(&format!("{id}-r3"), "10.00")?;
    ensure!(
        none.status == 201 && sum("mia456")? == 0,
        "nothing left to claw back"
    );
    let unknown = world.client().event(&world.events_secret, &json!({
        "id": format!("{id}-r4"), "type": "refund", "occurred_at": iso(now()), "order_id": "no-such-order", "amount": "1.00", "currency": "USD"
    }), None)?;
    ensure!(
        unknown.status == 422,
        "refund of an unknown order: {}",
        unknown.status
    );
    Ok(())
}

pub fn subscriptions_pay_for_their_months(world: &World) -> Outcome {
    let order = unique("sub");
    let mut credited = Vec::new();
    for n in 1..=13 {
        let reply = world.client().event(&world.events_secret, &json!({
            "id": format!("{order}-{n}"), "type": "subscription_payment", "occurred_at": iso(now()),
            "partner": "abc123", "order_id": order, "amount": "25.00", "currency": "USD"
        }), None)?;
        ensure!(
            reply.status == 201,
            "payment {n}: {} {}",
            reply.status,
            reply.body
        );
        credited.push(count(world, &format!("SELECT coalesce(sum(amount_minor), 0) AS s FROM ledger WHERE event_id = '{order}-{n}'"))?);
    }
    ensure!(
        credited[..12].iter().all(|c| *c == 250),
        "10% of 12 payments: {credited:?}"
    );
    ensure!(
        credited[12] == 0,
        "the 13th payment earns nothing: {credited:?}"
    );
    Ok(())
}

pub fn leads_self_referrals_and_payouts(world: &World) -> Outcome {
    let lead = |id: &str, partner: &str, email: &str| {
        world.client().event(&world.events_secret, &json!({
            "id": id, "type": "lead", "occurred_at": iso(now()), "partner": partner, "customer": { "email": email }
        }), None)
    };
    let id = unique("lead");
    ensure!(
        lead(&id, "cafe01", "owner@newcafe.example")?.status == 201,
        "lead"
    );
    ensure!(
        count(
            world,
            &format!("SELECT amount_minor FROM ledger WHERE event_id = '{id}'")
        )? == 2500,
        "$25.00 per lead"
    );
    // A partner's own purchase earns nothing and is flagged.
    let own = unique("self");
    let reply = sale(
        world,
        &own,
        &json!({ "partner": "abc123", "customer": { "email": "ALEX@riverareviews.example" } }),
        &format!("o-{own}"),
        "60.00",
    )?;
    ensure!(
        reply.status == 201 && reply.body.contains("self_referral"),
        "{}",
        reply.body
    );
    ensure!(
        count(
            world,
            &format!("SELECT count(*) AS n FROM ledger WHERE event_id = '{own}'")
        )? == 0,
        "no credit"
    );
    // Payouts from content are debits: abc123 was paid $184.20 and $96.75.
    let paid = count(
        world,
        "SELECT sum(amount_minor) AS s FROM ledger WHERE partner = 'abc123' AND kind = 'payout'",
    )?;
    ensure!(paid == -(18_420 + 9_675), "payouts: {paid}");
    let balance = count(
        world,
        "SELECT sum(amount_minor) AS s FROM ledger WHERE partner = 'abc123'",
    )?;
    let credits = count(
        world,
        "SELECT sum(amount_minor) AS s FROM ledger WHERE partner = 'abc123' AND kind <> 'payout'",
    )?;
    ensure!(
        balance == credits + paid,
        "a payout lowers the balance: {balance} = {credits} + {paid}"
    );
    Ok(())
}
