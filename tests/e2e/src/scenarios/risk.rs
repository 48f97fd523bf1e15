//! The risk rules of `content/risk.yaml` on conversions: each rule that fires is recorded with
//! its reason; a conversion in the hold band earns commissions that stay under review past
//! their hold (not payable), and say so in the partner's Commissions and balances.

use serde_json::Value;

use super::owner::{ADMIN, PASSWORD as OWNER_PASSWORD, VIEWER, cents, json, mails_with, owner};
use super::reports::{as_partner, get_json};
use super::{iso, now};
use crate::{Outcome, World, ensure};

const DAY: i64 = 86_400;

/// A click straight into the table as the redirect writes it (back-dated, which the redirect
/// cannot do), from `referrer`.
fn click(world: &World, id: &str, referrer: Option<&str>, at: i64) -> Outcome {
    world.db.execute(&format!(
        "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
         VALUES ('{id}', 'mia456', 'coffee-club', 'home', NULL, {}, 'US', 'desktop', 'visitor-{id}', {at})",
        referrer.map_or_else(|| "NULL".to_owned(), |r| format!("'{r}'"))
    ))
}

/// A sale of 100.00 through `click`, at `at`: the event's answer.
fn sale(world: &World, id: &str, click: &str, at: i64) -> Result<Value, String> {
    let body = serde_json::json!({
        "id": id, "type": "sale", "occurred_at": iso(at), "click_id": click,
        "order_id": id, "amount": "100.00", "currency": "USD",
    });
    let reply = world.client().event(&world.events_secret, &body, None)?;
    ensure!(reply.status == 201, "{id}: {} {}", reply.status, reply.body);
    serde_json::from_str(&reply.body).map_err(|e| format!("{id}: {e}"))
}

fn fired(answer: &Value) -> Vec<(String, String)> {
    answer["risk"]["fired"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

pub fn risk_rules_fire_with_their_reasons_and_hold_commissions(world: &World) -> Outcome {
    let run = now() % 1_000_000;
    let mut mia = as_partner(world, "mia456")?;
    let before = get_json(&mut mia, "/api/v1/me/summary")?;

    // A sale 3 s after a plain click: fast_sale alone is watched; the commission is as usual.
    let (c1, at1) = (format!("risk-{run}-c1"), now() - 600);
    click(world, &c1, None, at1)?;
    let quick = sale(world, &format!("risk-{run}-quick"), &c1, at1 + 3)?;
    ensure!(
        fired(&quick)
            == [(
                "fast_sale".to_owned(),
                "The sale came seconds after the click.".to_owned()
            )]
            && quick["risk"]["band"] == "watch",
        "a sale 3 s after its click fires fast_sale with its reason: {}",
        quick["risk"]
    );
    ensure!(
        quick["commissions"][0]["payable_at"].as_i64() == Some(at1 + 3 + 30 * DAY),
        "a watched sale's commission has its usual hold: {}",
        quick["commissions"]
    );

    // Sixty days ago (past the 30-day hold), a sale 3 s after a click from a block-listed site:
    // held for review, for mia456 and for abc123's second-tier override.
    let (c2, at2) = (format!("risk-{run}-c2"), now() - 60 * DAY);
    click(world, &c2, Some("deals.coupon-scraper.example"), at2)?;
    let order = format!("risk-{run}-held");
    let held = sale(world, &order, &c2, at2 + 3)?;
    let rules: Vec<String> = fired(&held).into_iter().map(|(rule, _)| rule).collect();
    ensure!(
        rules == ["fast_sale", "blocked_referrer"] && held["risk"]["band"] == "hold",
        "a block-listed referrer and a quick sale hold the conversion: {}",
        held["risk"]
    );
    ensure!(
        fired(&held)[1].1 == "The click came from a site on the block list.",
        "the reason is risk.yaml's: {}",
        held["risk"]
    );
    let commissions = held["commissions"].as_array().cloned().unwrap_or_default();
    ensure!(
        commissions.len() == 2
            && commissions
                .iter()
                .all(|c| c["under_review"] == true && c["payable_at"].is_null()),
        "both commissions are under review: {commissions:?}"
    );
    let stored = world.db.count(&format!(
        "SELECT count(*) FROM events WHERE id = '{order}' AND risk_band = 'hold' AND risk_score = 80"
    ))?;
    ensure!(stored == 1, "the event keeps its band and score");

    // Mia's Commissions: under review, although its hold ended a month ago; her balances.
    let range = format!(
        "from={}&to={}",
        &iso(at2 - DAY)[..10],
        &iso(at2 + DAY)[..10]
    );
    let report = get_json(
        &mut mia,
        &format!("/api/v1/me/commissions?{range}&per_page=500"),
    )?;
    let row = report["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["order"] == order.as_str())
        .cloned()
        .ok_or_else(|| format!("the held commission in Commissions: {report}"))?;
    ensure!(
        row["status"] == "under review"
            && row["review"] == "timing, traffic source"
            && row["payable_from"] == "",
        "the held commission is under review past its hold, with the categories only: {row}"
    );
    let id = row["id"].as_str().unwrap_or_default();
    let explained = get_json(&mut mia, &format!("/api/v1/me/ledger/{id}"))?;
    ensure!(
        explained["review"] == "timing, traffic source"
            && explained["description"]
                .as_str()
                .is_some_and(|d| d.ends_with("; under review (timing, traffic source)")),
        "Explain says it is under review and for what: {explained}"
    );
    let ledger = get_json(&mut mia, &format!("/api/v1/me/ledger?{range}&per_page=500"))?;
    let line = ledger["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or(Value::Null);
    ensure!(
        line["status"] == "under review"
            && line["detail"]
                .as_str()
                .is_some_and(|d| d.ends_with("; under review (timing, traffic source)"))
            && line["payable_from"] == "",
        "My Ledger shows the line under review, with the categories: {line}"
    );
    let after = get_json(&mut mia, "/api/v1/me/summary")?;
    ensure!(
        cents(&after["under_review"]) - cents(&before["under_review"]) == 2_000
            && cents(&after["payable"]) == cents(&before["payable"]),
        "20.00 under review, nothing more payable: before {} / {}, after {} / {}",
        before["under_review"],
        before["payable"],
        after["under_review"],
        after["payable"]
    );
    owner_reviews(world, run, &before, &after)
}

/// The owner's API (the owner token).
fn owner_post(world: &World, path: &str, body: &str) -> Result<(u16, Value), String> {
    let bearer = format!("Bearer {}", world.owner_token);
    let reply = world.client().send(
        "POST",
        path,
        "application/json",
        body.as_bytes(),
        &[("authorization", bearer.as_str())],
    )?;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    Ok((reply.status, value))
}

/// Released, the held commission is payable at once (its hold ended long ago); a second
/// release finds nothing under review. Another held conversion, reversed with a reason, leaves
/// the balance with a line that says why. Both are in the activity log.
fn owner_reviews(world: &World, run: i64, before: &Value, held: &Value) -> Outcome {
    let mut mia = as_partner(world, "mia456")?;
    let order = format!("risk-{run}-held");
    let listed = |id: &str| -> Result<Value, String> {
        let bearer = format!("Bearer {}", world.owner_token);
        let reply = world
            .client()
            .get_with("/api/v1/owner/risk", &[("authorization", bearer.as_str())])?;
        ensure!(
            reply.status == 200,
            "the Risk list: {} {}",
            reply.status,
            reply.body
        );
        let list: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
        list["conversions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["id"] == id)
            .cloned()
            .ok_or_else(|| format!("{id} is not in the Risk list"))
    };
    let row = listed(&order)?;
    ensure!(
        row["band"] == "hold"
            && row["under_review"] == true
            && row["fired"][1]["reason"] == "The click came from a site on the block list.",
        "the Risk list shows the held conversion with its reasons: {row}"
    );
    ensure!(
        listed(&format!("risk-{run}-quick"))?["band"] == "watch",
        "and the watched one"
    );
    let path = format!("/api/v1/owner/conversions/{order}/release");
    // A viewer cannot decide; an admin's session alone (no password) cannot move money.
    let mut viewer = owner(world, VIEWER)?;
    let refused = viewer.post_json(&path, br#"{"note": "x"}"#)?;
    ensure!(
        refused.status == 403,
        "a viewer's release: {}",
        refused.status
    );
    let mut admin = owner(world, ADMIN)?;
    let unproven = admin.post_json(&path, br#"{"note": "checked"}"#)?;
    ensure!(
        unproven.status == 403 && json(&unproven.body)?["field"] == "password",
        "a release without the password: {} {}",
        unproven.status,
        unproven.body
    );
    let proven =
        serde_json::json!({ "note": "checked with the partner", "password": OWNER_PASSWORD });
    let reply = admin.post_json(&path, proven.to_string().as_bytes())?;
    let answer = json(&reply.body)?;
    ensure!(
        reply.status == 200 && answer["decision"] == "released",
        "release: {} {answer}",
        reply.status
    );
    let released = get_json(&mut mia, "/api/v1/me/summary")?;
    ensure!(
        cents(&released["under_review"]) == cents(&before["under_review"])
            && cents(&released["payable"]) - cents(&held["payable"]) == 2_000,
        "released, the 20.00 is payable at once: {} under review, {} payable",
        released["under_review"],
        released["payable"]
    );
    let (again, _) = owner_post(world, &path, "{}")?;
    ensure!(
        again == 409,
        "a second release finds nothing under review: {again}"
    );

    // Another quick sale through a block-listed site, reversed with a reason.
    let (click_id, at) = (format!("risk-{run}-c3"), now() - 20 * DAY);
    click(world, &click_id, Some("coupon-scraper.example"), at)?;
    let denied = format!("risk-{run}-denied");
    sale(world, &denied, &click_id, at + 2)?;
    let path = format!("/api/v1/owner/conversions/{denied}/reverse");
    let (refused, _) = owner_post(world, &path, "{}")?;
    ensure!(refused == 400, "a reversal needs its reason: {refused}");
    // The reason is the owner's text, shown to the partner as text: quotes, markup and a
    // line separator stay what they are.
    let reason = "traffic from a coupon site \u{2028}<b>\"deals\"</b>";
    let body = serde_json::json!({ "note": reason }).to_string();
    let (status, answer) = owner_post(world, &path, &body)?;
    ensure!(status == 200, "reverse: {status} {answer}");
    let after = get_json(&mut mia, "/api/v1/me/summary")?;
    ensure!(
        cents(&after["under_review"]) == cents(&released["under_review"])
            && cents(&after["balance"]) == cents(&released["balance"]),
        "reversed, it leaves the balance: {} under review, balance {}",
        after["under_review"],
        after["balance"]
    );
    let range = format!("from={}&to={}", &iso(at - DAY)[..10], &iso(now())[..10]);
    let ledger = get_json(&mut mia, &format!("/api/v1/me/ledger?{range}&per_page=500"))?;
    let says_why = ledger["rows"].as_array().into_iter().flatten().any(|r| {
        r["detail"].as_str().is_some_and(|d| {
            d.starts_with("Reversed after review") && d.ends_with(&format!("— {reason}"))
        })
    });
    ensure!(says_why, "My Ledger says why it was reversed: {ledger}");
    let logged = world.db.count(&format!(
        "SELECT count(*) FROM owner_audit WHERE subject IN ('{order}', '{denied}') AND action LIKE '%held for review'"
    ))?;
    ensure!(
        logged == 2,
        "both decisions are in the activity log ({logged})"
    );
    // The daily digest tells the held commissions as under review (never a date in the far
    // future) and the reversal as such, with its reason (not as a refund).
    super::notifications::run(world, super::notifications::DAILY)?;
    let mia_mail = "mia@";
    for needle in [
        format!("(order {order}), under review"),
        "reversed after review: traffic from a coupon site".to_owned(),
    ] {
        let told = mails_with(world, &needle)?;
        ensure!(
            told.keys().any(|to| to.starts_with(mia_mail)),
            "mia456's digest says {needle:?}: {told:?}"
        );
    }
    Ok(())
}

/// An application from a disposable e-mail address (the maintained list /join checks) is
/// flagged for the owner with risk.yaml's reason; one from a real address is not.
pub fn a_disposable_address_flags_the_application(world: &World) -> Outcome {
    let run = now() % 1_000_000;
    let mut client = world.client();
    let (throwaway, real) = (format!("dsp{run}"), format!("real{run}"));
    for (code, email) in [
        (&throwaway, format!("shop{run}@mailinator.com")),
        (&real, format!("shop{run}@brightloom-fans.example")),
    ] {
        let reply = super::signup::apply_as(world, &mut client, code, &email, "Dee Spoze")?;
        ensure!(
            reply.status == 200,
            "{email} can apply: {} {}",
            reply.status,
            reply.body
        );
    }
    let bearer = format!("Bearer {}", world.owner_token);
    let reply = world.client().get_with(
        "/api/v1/owner/applications",
        &[("authorization", bearer.as_str())],
    )?;
    let list: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    let flags = |code: &str| {
        list["applications"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["code"] == code)
            .map(|a| a["flags"].clone())
    };
    ensure!(
        flags(&throwaway).is_some_and(|f| f[0]["rule"] == "disposable_email"
            && f[0]["reason"] == "The applicant used a disposable e-mail address."),
        "the disposable address is flagged with its reason: {:?}",
        flags(&throwaway)
    );
    ensure!(
        flags(&real).is_some_and(|f| f.as_array().is_some_and(Vec::is_empty)),
        "a real address is not: {:?}",
        flags(&real)
    );
    Ok(())
}
