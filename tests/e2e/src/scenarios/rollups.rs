//! The daily rollup and the ledger's checkpoints: every report and the console's overview
//! give the same figures before the days are rolled up, after a run stopped half-way, after
//! it resumed, and after a second run; raw clicks older than the retention window are gone.
//! A statement continued from a checkpoint says what the whole replay says, after a payout
//! and after a back-dated line (which voids the checkpoint until the next run).

use serde_json::{Value, json};

use super::reports::{as_partner, get_json};
use super::{iso, now};
use crate::{Outcome, World, ensure};

/// March 2026, away from every other scenario's rows: 2026-03-02 .. 2026-03-05.
const FIRST_DAY: i64 = 20_514;
const RANGE: &str = "from=2026-03-01&to=2026-03-31";
const PARTNERS: [&str; 2] = ["abc123", "mia456"];
const DAY: i64 = 86_400;

/// Clicks (counted and not) over four days, straight into the click tables as the redirect
/// writes them (the redirect itself only writes today's), and a sale and a lead a day.
fn seed(world: &World, run: i64) -> Outcome {
    for d in 0..4 {
        let day = FIRST_DAY + d;
        for i in 0..(6 + d * 3) {
            let partner = PARTNERS[(i % 2) as usize];
            let slug = ["home", "grinders", "home"][(i % 3) as usize];
            let sub = if i % 4 == 0 { "NULL" } else { "'yt'" };
            let country = ["US", "DE", "FR"][(i % 3) as usize];
            let agent = ["desktop", "mobile"][(i % 2) as usize];
            world.db.execute(&format!(
                "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
                 VALUES ('rollup-{run}-{d}-{i}', '{partner}', 'coffee-club', '{slug}', {sub}, 'blog.example', '{country}', \
                 '{agent}', 'visitor-{run}-{d}-{}', {})",
                i % 5,
                day * DAY + i * 600
            ))?;
        }
        world.db.execute(&format!(
            "INSERT INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) \
             VALUES ({}, 'mia456', 'home', NULL, 'crawler', 'Googlebot/2.1', {})",
            run * 10 + d,
            day * DAY + 300
        ))?;
        for (n, partner) in PARTNERS.iter().enumerate() {
            let at = iso(day * DAY + 7_200 + n as i64 * 60);
            for body in [
                json!({ "id": format!("rollup-{run}-{d}-{partner}-sale"), "type": "sale", "occurred_at": at,
                        "partner": partner, "order_id": format!("rollup-{run}-{d}-{partner}"),
                        "amount": format!("{}.00", 40 + d * 10), "currency": "USD" }),
                json!({ "id": format!("rollup-{run}-{d}-{partner}-lead"), "type": "lead", "occurred_at": at,
                        "partner": partner, "customer": { "email": format!("lead{run}{d}@shop-example.com") } }),
            ] {
                let reply = world.client().event(&world.events_secret, &body, None)?;
                ensure!(
                    reply.status == 201,
                    "{}: {} {}",
                    body["id"],
                    reply.status,
                    reply.body
                );
            }
        }
    }
    Ok(())
}

/// Every report of both partners and the console's overview and partner table for March.
fn snapshot(world: &World) -> Result<Vec<(String, Value)>, String> {
    let mut found = Vec::new();
    for code in PARTNERS {
        let mut me = as_partner(world, code)?;
        for report in [
            "summary",
            "clicks",
            "leads",
            "sales",
            "commissions",
            "ledger",
        ] {
            let path = format!("/api/v1/me/{report}?{RANGE}&per_page=500");
            found.push((format!("{code} {path}"), get_json(&mut me, &path)?));
        }
        // The Clicks report a few rows at a time (pages begin and end inside days).
        for page in 1..=5 {
            let path = format!("/api/v1/me/clicks?{RANGE}&per_page=3&page={page}");
            found.push((format!("{code} {path}"), get_json(&mut me, &path)?));
        }
        // The whole ledger, a page at a time (the balance before a page comes from sums).
        let (from, to) = (iso(now() - 1_000 * DAY), iso(now()));
        for page in [1, 2] {
            let path = format!(
                "/api/v1/me/ledger?from={}&to={}&per_page=7&page={page}",
                &from[..10],
                &to[..10]
            );
            found.push((format!("{code} {path}"), get_json(&mut me, &path)?));
        }
        let ids: Vec<String> = found[found.len() - 4].1["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .take(3)
            .filter_map(|row| row["id"].as_str().map(str::to_owned))
            .collect();
        for id in ids {
            let path = format!("/api/v1/me/ledger/{id}");
            found.push((format!("{code} {path}"), get_json(&mut me, &path)?));
        }
    }
    for path in [
        format!("/api/v1/owner/overview?{RANGE}"),
        format!("/api/v1/owner/partners?{RANGE}&per_page=500"),
    ] {
        let reply = owner_call(world, "GET", &path)?;
        ensure!(reply.0 == 200, "{path}: {} {}", reply.0, reply.1);
        let value = serde_json::from_str(&reply.1).map_err(|e| format!("{path}: {e}"))?;
        found.push((path, value));
    }
    Ok(found)
}

fn owner_call(world: &World, method: &str, path: &str) -> Result<(u16, String), String> {
    let bearer = format!("Bearer {}", world.owner_token);
    let headers = [("authorization", bearer.as_str())];
    let mut client = world.client();
    let reply = if method == "GET" {
        client.get_with(path, &headers)?
    } else {
        client.send(method, path, "application/json", b"", &headers)?
    };
    Ok((reply.status, reply.body))
}

/// One scheduled run through the owner API (`limit` e.g. `days=1`): what it did.
fn scheduled(world: &World, limit: &str) -> Result<Value, String> {
    let path = format!("/api/v1/owner/scheduled?{limit}");
    let (status, body) = owner_call(world, "POST", &path)?;
    ensure!(status == 200, "{path}: {status} {body}");
    serde_json::from_str(&body).map_err(|e| format!("{path}: {e}"))
}

/// One scheduled run, rolling up at most `days` days: what the rollup did.
fn roll(world: &World, days: Option<u32>) -> Result<Value, String> {
    let limit = days.map_or_else(String::new, |d| format!("days={d}"));
    Ok(scheduled(world, &limit)?["rolled_up"].clone())
}

/// Runs until every checkpoint is made.
fn checkpoint_all(world: &World) -> Outcome {
    for _ in 0..40 {
        if scheduled(world, "")?["checkpoints"]["complete"] == true {
            return Ok(());
        }
    }
    Err("the checkpoints have not caught up".into())
}

/// `code`'s checkpoint: `(through, void)`, if any.
fn checkpoint_of(world: &World, code: &str) -> Result<Option<(i64, i64)>, String> {
    let through = world.db.count(&format!(
        "SELECT coalesce(max(through), -1) FROM ledger_checkpoints WHERE partner = '{code}'"
    ))?;
    let void = world.db.count(&format!(
        "SELECT coalesce(max(void), 0) FROM ledger_checkpoints WHERE partner = '{code}'"
    ))?;
    Ok((through >= 0).then_some((through, void)))
}

/// The statements continued from checkpoints say what the whole replay says: after a payout
/// made since them, and after a back-dated line (which voids the partner's checkpoint).
fn checkpoints_change_nothing(world: &World, run: i64) -> Outcome {
    let today = now() / DAY;
    checkpoint_all(world)?;
    for code in PARTNERS {
        ensure!(
            checkpoint_of(world, code)? == Some((today * DAY, 0)),
            "{code}'s checkpoint is at today's midnight: {:?}",
            checkpoint_of(world, code)?
        );
    }
    let snapshots = |code: &str| {
        world.db.count(&format!(
            "SELECT count(*) FROM balance_snapshots WHERE partner = '{code}'"
        ))
    };
    ensure!(
        snapshots("abc123")? == 1 && snapshots("mia456")? == 1,
        "the run took balance snapshots"
    );
    // A payout made after the checkpoint pays the credits still open at it.
    world.db.execute(&format!(
        "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, memo) \
         VALUES ('payout:rollup-{run}', 'abc123', NULL, 'payout', -1500, 'USD', {at}, {at}, 'bank transfer, reference rollup-{run}')",
        at = now()
    ))?;
    ensure!(
        snapshots("abc123")? == 0 && snapshots("mia456")? == 1,
        "a new line ends its partner's balance snapshot only"
    );
    let continued = snapshot(world)?;
    world.db.execute("DELETE FROM balance_snapshots")?;
    same(
        &continued,
        &snapshot(world)?,
        "replayed instead of from the balance snapshots",
    )?;
    world.db.execute("UPDATE ledger_checkpoints SET void = 1")?;
    same(
        &continued,
        &snapshot(world)?,
        "replayed whole instead of from the checkpoints",
    )?;
    checkpoint_all(world)?;
    same(
        &continued,
        &snapshot(world)?,
        "after the checkpoints were made again",
    )?;
    // A line dated before the checkpoint voids it; the next run makes it again.
    world.db.execute(&format!(
        "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, memo) \
         VALUES ('adjustment:rollup-{run}', 'abc123', NULL, 'adjustment', 250, 'USD', {at}, {at}, 'a March bonus')",
        at = (FIRST_DAY + 1) * DAY
    ))?;
    ensure!(
        checkpoint_of(world, "abc123")?.is_some_and(|(_, void)| void == 1),
        "a back-dated line voids the checkpoint"
    );
    let voided = snapshot(world)?;
    let balance = |s: &[(String, Value)]| s[0].1["balance"].clone();
    ensure!(
        balance(&voided) != balance(&continued),
        "the March bonus is in abc123's balance: {}",
        balance(&voided)
    );
    checkpoint_all(world)?;
    ensure!(
        checkpoint_of(world, "abc123")? == Some((today * DAY, 0)),
        "the next run makes the checkpoint again"
    );
    same(
        &voided,
        &snapshot(world)?,
        "after the voided checkpoint was made again",
    )
}

/// Clicks that arrive after their day was rolled up (a queued click, three days ago): counted
/// at once, in a row of their own (a sub-id the day did not have), and the same once the
/// next run has rolled the day again.
fn late_clicks_count_before_their_day_is_rolled_again(world: &World, run: i64) -> Outcome {
    let day = now() / DAY - 3;
    let date = &iso(day * DAY)[..10];
    let mut me = as_partner(world, "abc123")?;
    let mut report = |per_page: i64, page: i64| {
        get_json(
            &mut me,
            &format!("/api/v1/me/clicks?from={date}&to={date}&per_page={per_page}&page={page}"),
        )
    };
    let before = report(500, 1)?;
    for i in 0..2 {
        world.db.execute(&format!(
            "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
             VALUES ('rollup-{run}-late-{i}', 'abc123', 'coffee-club', 'home', 'late-{run}', NULL, 'US', 'desktop', 'v-late', {})",
            day * DAY + 5_000 + i
        ))?;
    }
    let late: Vec<Value> = [(500, 1), (1, 1), (1, 2)]
        .into_iter()
        .map(|(per_page, page)| report(per_page, page))
        .collect::<Result<_, _>>()?;
    let total = |v: &Value| {
        (
            v["totals"]["clicks"].as_i64().unwrap_or(0),
            v["total_rows"].as_i64().unwrap_or(0),
        )
    };
    let ((was, was_rows), (clicks, rows)) = (total(&before), total(&late[0]));
    ensure!(
        clicks == was + 2 && rows == was_rows + 1,
        "two late clicks with a new sub-id: {was} clicks in {was_rows} rows became {clicks} in {rows}"
    );
    let again = roll(world, None)?;
    ensure!(
        again["late_days"].as_i64().unwrap_or(0) >= 1,
        "the late clicks' day is rolled again: {again}"
    );
    for (n, (per_page, page)) in [(500, 1), (1, 1), (1, 2)].into_iter().enumerate() {
        let after = report(per_page, page)?;
        ensure!(
            after == late[n],
            "page {page} of {per_page} changed when the late clicks' day was rolled again:\nbefore {}\nafter  {after}",
            late[n]
        );
    }
    Ok(())
}

fn same(before: &[(String, Value)], after: &[(String, Value)], when: &str) -> Outcome {
    for ((path, a), (_, b)) in before.iter().zip(after) {
        ensure!(a == b, "{when}: {path} changed:\nbefore {a}\nafter  {b}");
    }
    Ok(())
}

pub fn reports_are_the_same_before_and_after_a_rollup(world: &World) -> Outcome {
    let run = now() % 1_000_000;
    let today = now() / DAY;
    // A click from before the retention window (90 days), come too late to be counted.
    world.db.execute(&format!(
        "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
         VALUES ('rollup-{run}-old', 'abc123', 'coffee-club', 'home', NULL, NULL, 'US', 'desktop', 'v-old', {})",
        (today - 100) * DAY
    ))?;
    seed(world, run)?;
    let before = snapshot(world)?;
    let summary = &before[0].1;
    ensure!(
        summary["in_range"]["clicks"].as_i64().unwrap_or(0) >= 15
            && summary["in_range"]["sales"] == 4
            && summary["by_link"].as_array().is_some_and(|l| l.len() >= 2),
        "the seeded March is in abc123's summary: {}",
        summary["in_range"]
    );
    // Stopped after one day's transaction (what a run killed then leaves), then resumed.
    let first = roll(world, Some(1))?;
    same(&before, &snapshot(world)?, "after one day of a run")?;
    ensure!(
        first["new_days"].as_i64().unwrap_or(0) + first["late_days"].as_i64().unwrap_or(0) == 1,
        "a run limited to one day rolled {first}"
    );
    let mut rounds = 0;
    loop {
        let rolled = roll(world, None)?;
        rounds += 1;
        if rolled["rolled_through"] == today && rolled["late_days"] == 0 && rolled["new_days"] == 0
        {
            break;
        }
        ensure!(rounds < 40, "the rollup has not caught up: {rolled}");
    }
    same(&before, &snapshot(world)?, "after the rollup")?;
    let rolled = world.db.count(&format!(
        "SELECT count(*) FROM rollups WHERE partner = 'abc123' AND measure = 'clicks' AND span = 'day' \
         AND day >= {FIRST_DAY} AND day < {}",
        FIRST_DAY + 4
    ))?;
    ensure!(rolled > 0, "March is in the rollups");
    // A second run changes nothing.
    let again = roll(world, None)?;
    ensure!(
        again["late_days"] == 0 && again["new_days"] == 0,
        "a second run rolled {again}"
    );
    same(&before, &snapshot(world)?, "after a second run")?;
    late_clicks_count_before_their_day_is_rolled_again(world, run)?;
    let old = world.db.count(&format!(
        "SELECT count(*) FROM clicks WHERE created_at < {}",
        (today - 90) * DAY
    ))?;
    ensure!(old == 0, "{old} raw clicks older than 90 days are left");
    checkpoints_change_nothing(world, run)
}
