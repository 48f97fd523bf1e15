//! The commission lifecycle as a partner sees it: a refund inside the hold, payouts shown as
//! paid, a mistaken payout corrected by an adjustment, a refund after payment owed back,
//! every line naming its order, and the explain view of a second-tier line.
//!
//! Two fresh partners (a parent and the partner they referred) keep the figures exact.

use serde_json::{Value, json};

use super::now;
use super::reports::{as_partner, get_json};
use crate::{Outcome, World, ensure};

const DAY: i64 = 86_400;

fn write(world: &World, relative: &str, text: &str) -> Outcome {
    let path = world.content.join(relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(path, text).map_err(|e| e.to_string())
}

fn sale(id: &str, partner: &str, order: &str, amount: &str, at: i64) -> Value {
    json!({ "id": id, "type": "sale", "occurred_at": super::iso(at), "partner": partner,
            "order_id": order, "amount": amount, "currency": "USD" })
}

fn refund(id: &str, order: &str, amount: &str, at: i64) -> Value {
    json!({ "id": id, "type": "refund", "occurred_at": super::iso(at), "order_id": order,
            "amount": amount, "currency": "USD" })
}

fn send(world: &World, body: &Value) -> Outcome {
    let reply = world.client().event(&world.events_secret, body, None)?;
    ensure!(
        reply.status == 201,
        "{}: {} {}",
        body["id"],
        reply.status,
        reply.body
    );
    Ok(())
}

/// `partner-center payouts plan --date <day>` against the portal: the planned file, or the
/// refusal.
fn plan_payouts(world: &World, day: &str) -> Result<String, String> {
    let output = std::process::Command::new(&world.cli)
        .args(["payouts", "plan", "--date", day, "--base-url", &world.base])
        // `=`: a random token may start with `-`.
        .arg(format!("--owner-token={}", world.owner_token))
        .arg("--content")
        .arg(&world.content)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    std::fs::read_to_string(world.content.join(format!("payouts/{day}.yaml")))
        .map_err(|e| format!("the planned file: {e}"))
}

/// The balance cards' figures.
fn cards(summary: &Value) -> [&str; 4] {
    ["payable", "pending", "owed_back", "paid_to_date"].map(|k| summary[k].as_str().unwrap_or("?"))
}

fn rows(report: &Value) -> Vec<Value> {
    report["rows"].as_array().cloned().unwrap_or_default()
}

fn row_with<'a>(rows: &'a [Value], key: &str, needle: &str) -> Option<&'a Value> {
    rows.iter()
        .find(|r| r[key].as_str().is_some_and(|v| v.contains(needle)))
}

#[allow(clippy::too_many_lines)]
pub fn lifecycle(world: &World) -> Outcome {
    let run = now() % 1_000_000;
    let t0 = now();
    let (parent, child) = (format!("lg{run}p"), format!("lg{run}c"));
    let (order_a, order_b) = (format!("A-{run}"), format!("B-{run}"));
    for (code, extra) in [
        (&parent, String::new()),
        (&child, format!("parent: {parent}\n")),
    ] {
        write(
            world,
            &format!("partners/{code}.yaml"),
            &format!(
                "code: {code}\nname: Ledger Test {code}\nemail: {code}@ledger.example\nprograms: [coffee-club]\n{extra}"
            ),
        )?;
    }
    world.content_changed()?;

    // A: sold 60 days ago, past its 30-day hold. B: sold an hour ago, in its hold.
    send(
        world,
        &sale(
            &format!("{order_a}-sale"),
            &child,
            &order_a,
            "100.00",
            t0 - 60 * DAY,
        ),
    )?;
    send(
        world,
        &sale(
            &format!("{order_b}-sale"),
            &child,
            &order_b,
            "50.00",
            t0 - 3_600,
        ),
    )?;
    let mut me = as_partner(world, &child)?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["20.00", "10.00", "0.00", "0.00"],
        "after two sales: {:?}",
        cards(&summary)
    );

    // A refund inside B's hold: payable unchanged, pending reduced; in full, B is no longer
    // becoming payable.
    send(
        world,
        &refund(&format!("{order_b}-r1"), &order_b, "25.00", t0 - 1_800),
    )?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["20.00", "5.00", "0.00", "0.00"],
        "refund inside the hold: {:?}",
        cards(&summary)
    );
    ensure!(
        summary["next_payable"][0]["amount"] == "5.00",
        "what becomes payable is what is left: {}",
        summary["next_payable"]
    );
    send(
        world,
        &refund(&format!("{order_b}-r2"), &order_b, "25.00", t0 - 900),
    )?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["20.00", "0.00", "0.00", "0.00"],
        "refunded in full inside the hold: {:?}",
        cards(&summary)
    );
    ensure!(
        summary["next_payable"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "nothing is becoming payable: {}",
        summary["next_payable"]
    );
    let range = format!(
        "from={}&to={}",
        &super::iso(t0 - 70 * DAY)[..10],
        &super::iso(t0 + DAY)[..10]
    );
    let commissions = rows(&get_json(
        &mut me,
        &format!("/api/v1/me/commissions?{range}"),
    )?);
    let b = commissions
        .iter()
        .find(|r| r["kind"] == "commission" && r["order"] == order_b.as_str())
        .ok_or("B's commission row")?;
    ensure!(b["status"] == "reversed", "B is reversed: {b}");
    ensure!(
        commissions
            .iter()
            .filter(|r| r["kind"] == "clawback")
            .all(|r| r["status"] == "reduces pending"),
        "the refunds reduce pending: {commissions:?}"
    );

    // The owner's routine: `payouts plan` writes exact amounts from the payable balances.
    let today = &super::iso(t0)[..10];
    let planned = plan_payouts(world, today)?;
    ensure!(
        planned.contains(&format!(
            "partner: {child}\n    date: {today}\n    amount: 20.00\n"
        )) && planned.contains(&format!(
            "partner: {parent}\n    date: {today}\n    amount: 5.00\n"
        )),
        "the plan pays what is payable: {planned}"
    );
    // A typo in the planned file (50.00 for 5.00) is refused by the next plan …
    let file = world.content.join(format!("payouts/{today}.yaml"));
    let typo = planned.replace(
        &format!("partner: {parent}\n    date: {today}\n    amount: 5.00\n"),
        &format!("partner: {parent}\n    date: {today}\n    amount: 50.00\n"),
    );
    std::fs::write(&file, &typo).map_err(|e| e.to_string())?;
    let refused = plan_payouts(world, today).err().unwrap_or_default();
    ensure!(
        refused.contains(&format!(
            "of $50.00 to {parent} is more than {parent}'s payable balance ($5.00)"
        )),
        "a payout above the payable balance is refused: {refused}"
    );
    // … but suppose it was deployed anyway.
    world.content_changed()?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["0.00", "0.00", "0.00", "20.00"],
        "after the payout: {:?}",
        cards(&summary)
    );
    let ledger = rows(&get_json(&mut me, &format!("/api/v1/me/ledger?{range}"))?);
    let payout = row_with(&ledger, "entry", "payout").ok_or("the payout line")?;
    ensure!(payout["status"] == "paid", "a payout is paid: {payout}");
    ensure!(
        payout["detail"]
            .as_str()
            .unwrap_or("")
            .contains(&format!("PO-{today}-{child}")),
        "the payout names its reference: {payout}"
    );
    let a = row_with(&ledger, "detail", &format!("order {order_a}")).ok_or("A's line")?;
    ensure!(a["status"] == "paid", "A's commission is paid: {a}");

    let mut up = as_partner(world, &parent)?;
    let summary = get_json(&mut up, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["0.00", "0.00", "45.00", "50.00"],
        "the mistaken payout shows as owed back, never as a negative balance: {:?}",
        cards(&summary)
    );
    write(
        world,
        &format!("adjustments/{run}.yaml"),
        &format!(
            "adjustments:\n  - id: FIX-{run}\n    partner: {parent}\n    date: {today}\n    amount: 45.00\n    \
             reason: Payout PO-{today}-{parent} was recorded as 50.00; 5.00 was paid\n    corrects: PO-{today}-{parent}\n"
        ),
    )?;
    world.content_changed()?;
    let summary = get_json(&mut up, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["0.00", "0.00", "0.00", "5.00"],
        "the adjustment reverses the mistake: {:?}",
        cards(&summary)
    );
    let ledger = rows(&get_json(&mut up, &format!("/api/v1/me/ledger?{range}"))?);
    let fix = row_with(&ledger, "entry", "adjustment").ok_or("the adjustment line")?;
    ensure!(
        fix["status"] == "correction"
            && fix["detail"]
                .as_str()
                .unwrap_or("")
                .contains("5.00 was paid"),
        "the adjustment says why: {fix}"
    );

    // A refund after payment: owed back, and shown as such.
    send(
        world,
        &refund(&format!("{order_a}-r"), &order_a, "100.00", t0),
    )?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        cards(&summary) == ["0.00", "0.00", "20.00", "20.00"],
        "refund after payout: {:?}",
        cards(&summary)
    );
    let ledger = rows(&get_json(&mut me, &format!("/api/v1/me/ledger?{range}"))?);
    let back = ledger
        .iter()
        .find(|r| r["entry"] == "clawback" && r["detail"].as_str().unwrap_or("").contains(&order_a))
        .ok_or("A's clawback")?;
    ensure!(back["status"] == "owed back", "it is owed back: {back}");

    // Every commission and refund line of the child names its order; the parent's name the
    // referred partner instead (the order is the child's).
    for r in ledger
        .iter()
        .filter(|r| r["entry"] == "commission" || r["entry"] == "clawback")
    {
        let detail = r["detail"].as_str().unwrap_or("");
        ensure!(
            detail.contains(&format!("order {order_a}"))
                || detail.contains(&format!("order {order_b}")),
            "a line without its order: {r}"
        );
    }
    let commissions = rows(&get_json(
        &mut me,
        &format!("/api/v1/me/commissions?{range}"),
    )?);
    ensure!(
        commissions
            .iter()
            .all(|r| r["order"] == order_a.as_str() || r["order"] == order_b.as_str()),
        "every commission row names its order: {commissions:?}"
    );
    let theirs = rows(&get_json(
        &mut up,
        &format!("/api/v1/me/commissions?{range}"),
    )?);
    ensure!(
        !theirs.is_empty()
            && theirs.iter().all(|r| r["order"] == ""
                && r["level"].as_str().unwrap_or("").contains(&child)
                && r["program"] == "Coffee Club Affiliates"),
        "second-tier rows name the referred partner and the program: {theirs:?}"
    );

    // The explain view of the parent's second-tier commission on A.
    let line = theirs
        .iter()
        .find(|r| r["kind"] == "commission" && r["sale_amount"] == "100.00")
        .ok_or("the override on A")?;
    let id = line["id"].as_str().unwrap_or_default();
    // Ids carry `:`; a browser sends it percent-encoded.
    let explained = get_json(
        &mut up,
        &format!("/api/v1/me/ledger/{}", id.replace(':', "%3A")),
    )?;
    ensure!(
        explained["referred_partner"] == child.as_str()
            && explained["rule"]["program"] == "Coffee Club Affiliates"
            && explained["rule"]["rule"]
                .as_str()
                .unwrap_or("")
                .contains("5%")
            && explained["rule"]["source"]
                .as_str()
                .unwrap_or("")
                .starts_with("programs/coffee-club.yaml:")
            && explained["rule"]["build"]
                .as_str()
                .is_some_and(|b| !b.is_empty())
            && explained["conversion"]["amount"] == "100.00"
            && explained["conversion"]["order"].is_null(),
        "the explain view names the referred partner and the rule: {explained}"
    );
    // Nobody else can explain it.
    let other = me.get(&format!("/api/v1/me/ledger/{id}"))?;
    ensure!(
        other.status == 404,
        "another partner's line: {}",
        other.status
    );
    Ok(())
}
