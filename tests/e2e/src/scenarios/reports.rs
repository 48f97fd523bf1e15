//! Reports: figures that match an independent calculation, masked e-mails, CSV, and no
//! partner ever seeing another partner's rows.

use serde_json::{Value, json};

use super::{forge, now, session_version};
use crate::client::{Client, SESSION};
use crate::{Outcome, World, ensure};

/// The seeded window: January 2026, away from every other scenario's events.
const FROM: &str = "2026-01-01";
const TO: &str = "2026-01-31";
const START: i64 = 1_767_312_000; // 2026-01-02T00:00:00Z
const PARTNERS: [&str; 3] = ["abc123", "mia456", "xyz789"];

#[derive(Debug, Clone)]
struct Seeded {
    partner: &'static str,
    body: Value,
}

/// 210 events, a third each for abc123 and mia456 (Coffee Club) and xyz789 (Equipment),
/// three hours apart: sales, leads, subscription payments and refunds.
fn seed_events(run: &str) -> Vec<Seeded> {
    let mut events = Vec::new();
    let mut last_sale: [Option<(String, i64)>; 3] = [None, None, None];
    let mut sales_made = [0usize; 3];
    for i in 0..210usize {
        let p = i % 3;
        let partner = PARTNERS[p];
        let at = super::iso(START + i as i64 * 3 * 3600);
        let id = format!("seed-{run}-{i}");
        let kind = match i % 7 {
            3 => "lead",
            4 => "subscription_payment",
            6 => "refund",
            _ => "sale",
        };
        let amount_minor = 1_000 + ((i * 3_713) % 19_000) as i64 + ((i * 13) % 100) as i64;
        let decimal = |m: i64| format!("{}.{:02}", m / 100, m % 100);
        let body = match kind {
            "lead" => json!({ "id": id, "type": "lead", "occurred_at": at, "partner": partner,
                              "customer": { "email": format!("buyer{i}@shop-example.com") } }),
            "subscription_payment" => {
                json!({ "id": id, "type": "subscription_payment", "occurred_at": at,
                "partner": partner, "order_id": format!("seed-{partner}-{run}-sub"), "amount": "25.00", "currency": "USD" })
            }
            "refund" => {
                let Some((order, sold)) = last_sale[p].take() else {
                    continue;
                };
                let refund = if i % 2 == 0 { sold } else { sold / 2 };
                json!({ "id": id, "type": "refund", "occurred_at": at, "order_id": order,
                        "amount": decimal(refund), "currency": "USD" })
            }
            _ => {
                sales_made[p] += 1;
                let order = format!("seed-{partner}-{run}-{i}");
                last_sale[p] = Some((order.clone(), amount_minor));
                let product = match (p, sales_made[p] % 5) {
                    (2, 0) => Some("espresso-pro"),
                    (2, 3) => Some("burr-grinder"),
                    _ => None,
                };
                let mut b = json!({ "id": id, "type": "sale", "occurred_at": at, "partner": partner,
                    "order_id": order, "amount": decimal(amount_minor), "currency": "USD",
                    "customer": { "email": format!("buyer{i}@shop-example.com") } });
                if let Some(product) = product {
                    b["product"] = json!(product);
                }
                b
            }
        };
        events.push(Seeded { partner, body });
    }
    events
}

fn minor(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let whole: i64 = whole.trim_start_matches('-').parse().unwrap_or(0);
    let frac: i64 = format!("{frac:0<2}")[..2].parse().unwrap_or(0);
    sign * (whole * 100 + frac)
}

/// Rounds `amount × hundredths / 10000` half up (amounts here are positive).
fn pct(amount: i64, hundredths: i64) -> i64 {
    (amount * hundredths + 5_000) / 10_000
}

/// A sale's order id, amount, and (partner index, credited) pairs.
type SaleCredits = (String, i64, Vec<(usize, i64)>);

/// Per partner (abc123, mia456, xyz789): earned, ledger rows, sales, leads.
type Expected = ([i64; 3], [i64; 3], [usize; 3], [usize; 3]);

/// What each partner should have earned, computed from the event list by the programs' rules
/// as written in content/programs (not with the engine under test).
fn expected(events: &[Seeded]) -> Expected {
    let mut earned = [0i64; 3];
    let mut rows = [0i64; 3];
    let mut sales = [0usize; 3];
    let mut leads = [0usize; 3];
    let mut xyz_sales_this_month = 0i64;
    let mut subs = [0i64; 3];
    // Per sale: its order id, amount, and who was credited how much.
    let mut credited: Vec<SaleCredits> = Vec::new();
    let idx = |p: &str| PARTNERS.iter().position(|x| *x == p).unwrap_or(0);
    for e in events {
        let p = idx(e.partner);
        let b = &e.body;
        match b["type"].as_str().unwrap_or("") {
            "lead" => {
                leads[p] += 1;
                if p < 2 {
                    earned[p] += 200;
                    rows[p] += 1;
                }
            }
            "subscription_payment" => {
                subs[p] += 1;
                if p < 2 && subs[p] <= 12 {
                    earned[p] += pct(2_500, 1_000);
                    rows[p] += 1;
                }
            }
            "sale" => {
                sales[p] += 1;
                let amount = minor(b["amount"].as_str().unwrap_or("0"));
                let mut credits = Vec::new();
                if p < 2 {
                    credits.push((p, pct(amount, 2_000)));
                    if p == 1 {
                        credits.push((0, pct(amount, 500))); // abc123's second tier on Mia's sale
                    }
                } else {
                    xyz_sales_this_month += 1;
                    let c = match b["product"].as_str() {
                        Some("espresso-pro") => 4_000,
                        Some("burr-grinder") => pct(amount, 800),
                        _ if xyz_sales_this_month >= 25 => 2_500,
                        _ if xyz_sales_this_month >= 10 => 2_000,
                        _ => 1_500,
                    };
                    credits.push((2, c));
                }
                for (who, c) in &credits {
                    earned[*who] += c;
                    rows[*who] += 1;
                }
                credited.push((
                    b["order_id"].as_str().unwrap_or("").to_owned(),
                    amount,
                    credits,
                ));
            }
            "refund" => {
                let order = b["order_id"].as_str().unwrap_or("");
                let refund = minor(b["amount"].as_str().unwrap_or("0"));
                if let Some((_, sold, credits)) = credited.iter().find(|(o, _, _)| o == order) {
                    for (who, c) in credits {
                        let back = if refund >= *sold {
                            *c
                        } else {
                            (c * refund + sold / 2) / sold
                        };
                        if back > 0 {
                            earned[*who] -= back;
                            rows[*who] += 1;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (earned, rows, sales, leads)
}

/// A client signed in as `code` (with a session cookie minted for its current version).
pub(super) fn as_partner(world: &World, code: &str) -> Result<Client, String> {
    let mut client = world.client();
    let version = session_version(world, code)?;
    client.cookies.insert(
        SESSION.into(),
        forge(&world.secret, code, version, now() + 3600),
    );
    ensure!(client.get("/portal/")?.status == 200, "{code} is signed in");
    Ok(client)
}

pub(super) fn get_json(client: &mut Client, path: &str) -> Result<Value, String> {
    get_json_with(client, path, &[])
}

/// A JSON answer with `headers` (e.g. the owner token).
pub(super) fn get_json_with(
    client: &mut Client,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Value, String> {
    let reply = client.get_with(path, headers)?;
    ensure!(
        reply.status == 200,
        "{path}: {} {}",
        reply.status,
        reply.body
    );
    serde_json::from_str(&reply.body).map_err(|e| format!("{path}: {e}"))
}

pub fn figures_match_an_independent_calculation(world: &World) -> Outcome {
    let run = format!("{}", now() % 1_000_000);
    let events = seed_events(&run);
    ensure!(events.len() >= 200, "{} events", events.len());
    let mut client = world.client();
    for e in &events {
        let reply = client.event(&world.events_secret, &e.body, None)?;
        ensure!(
            reply.status == 201,
            "{}: {} {}",
            e.body["id"],
            reply.status,
            reply.body
        );
    }
    let (earned, rows, sales, leads) = expected(&events);
    let range = format!("from={FROM}&to={TO}");
    for (p, code) in PARTNERS.iter().enumerate() {
        let mut me = as_partner(world, code)?;
        let summary = get_json(&mut me, &format!("/api/v1/me/summary?{range}"))?;
        let got = minor(summary["in_range"]["earned"].as_str().unwrap_or(""));
        ensure!(
            got == earned[p],
            "{code}: earned {got}, expected {}",
            earned[p]
        );
        ensure!(
            summary["in_range"]["sales"] == sales[p] && summary["in_range"]["leads"] == leads[p],
            "{code}: sales/leads {} / {}, expected {} / {}",
            summary["in_range"]["sales"],
            summary["in_range"]["leads"],
            sales[p],
            leads[p]
        );
        // Link analytics add up to the same earnings, abc123's second-tier overrides included
        // (in the row of what came through no link).
        {
            for breakdown in ["by_link", "by_sub_id"] {
                let rows = summary[breakdown].as_array().cloned().unwrap_or_default();
                let sum: i64 = rows
                    .iter()
                    .map(|r| minor(r["earned"].as_str().unwrap_or("")))
                    .sum();
                ensure!(
                    sum == earned[p],
                    "{code}: {breakdown} earns {sum}, expected {}",
                    earned[p]
                );
                let sales_sum: u64 = rows.iter().filter_map(|r| r["sales"].as_u64()).sum();
                ensure!(
                    sales_sum == sales[p] as u64,
                    "{code}: {breakdown} has {sales_sum} sales"
                );
            }
        }
        let commissions = get_json(
            &mut me,
            &format!("/api/v1/me/commissions?{range}&per_page=500"),
        )?;
        ensure!(
            minor(commissions["totals"]["amount"].as_str().unwrap_or("")) == earned[p],
            "{code}: commissions total"
        );
        ensure!(
            commissions["total_rows"] == rows[p],
            "{code}: {} rows, expected {}",
            commissions["total_rows"],
            rows[p]
        );
        let summed: i64 = commissions["rows"].as_array().map_or(0, |r| {
            r.iter()
                .map(|row| minor(row["amount"].as_str().unwrap_or("")))
                .sum()
        });
        ensure!(summed == earned[p], "{code}: the rows add up to {summed}");
        // The CSV says the same.
        let csv = me.get(&format!(
            "/api/v1/me/commissions?{range}&per_page=500&format=csv"
        ))?;
        ensure!(
            csv.header("content-type")
                .unwrap_or("")
                .starts_with("text/csv"),
            "CSV content type"
        );
        ensure!(
            csv.header("content-disposition")
                .unwrap_or("")
                .contains("commissions-2026-01-01-to-2026-01-31.csv"),
            "CSV file name"
        );
        let mut lines = csv.body.lines();
        ensure!(
            lines.next()
                == Some(
                    "date,kind,program,level,order,sale_amount,rule,amount,status,payable_from,review,id"
                ),
            "CSV header"
        );
        let amount_col = 7;
        let csv_sum: i64 = lines
            .map(|l| split_csv(l).get(amount_col).map_or(0, |a| minor(a)))
            .sum();
        ensure!(
            csv_sum == earned[p],
            "{code}: CSV sums to {csv_sum}, expected {}",
            earned[p]
        );
        // The ledger's running balance moves by exactly what was earned in the window.
        let ledger = get_json(&mut me, &format!("/api/v1/me/ledger?{range}&per_page=500"))?;
        let delta = minor(ledger["totals"]["closing_balance"].as_str().unwrap_or(""))
            - minor(ledger["totals"]["opening_balance"].as_str().unwrap_or(""));
        ensure!(
            delta == earned[p],
            "{code}: the ledger moved {delta}, expected {}",
            earned[p]
        );
        // Newest first: each line's balance is the one below it plus its amount, and the
        // balance before the oldest is the range's opening balance.
        let lines = ledger["rows"].as_array().cloned().unwrap_or_default();
        let cents = |v: &Value| minor(v.as_str().unwrap_or(""));
        for pair in lines.windows(2) {
            ensure!(
                pair[0]["date"].as_str() >= pair[1]["date"].as_str()
                    && cents(&pair[0]["balance"])
                        == cents(&pair[1]["balance"]) + cents(&pair[0]["amount"]),
                "{code}: ledger lines out of order or off balance: {} / {}",
                pair[0],
                pair[1]
            );
        }
        if let Some(newest) = lines.first() {
            ensure!(
                cents(&newest["balance"]) == cents(&ledger["totals"]["closing_balance"]),
                "{code}: the newest line's balance is the closing balance: {}",
                ledger["totals"]
            );
        }
        if let Some(oldest) = lines.last() {
            ensure!(
                cents(&oldest["balance"]) - cents(&oldest["amount"])
                    == cents(&ledger["totals"]["opening_balance"])
                    && ledger["totals"]["page_opening_balance"]
                        == ledger["totals"]["opening_balance"],
                "{code}: the balance before the oldest line is the opening balance: {}",
                ledger["totals"]
            );
        }
        // Paging: two pages of 10 are the first 20 rows.
        let page2 = get_json(
            &mut me,
            &format!("/api/v1/me/commissions?{range}&per_page=10&page=2"),
        )?;
        ensure!(
            page2["rows"].as_array().map(Vec::len) == Some(10.min((rows[p] - 10).max(0) as usize)),
            "{code}: page 2"
        );
        ensure!(
            page2["rows"][0] == commissions["rows"][10],
            "{code}: page 2 starts at row 11"
        );
        // Customers are masked.
        let sales_report = me
            .get(&format!("/api/v1/me/sales?{range}&per_page=500"))?
            .body;
        ensure!(
            sales_report.contains("b***@shop-example.com") && !sales_report.contains("buyer1"),
            "{code}: masked e-mails"
        );
    }
    Ok(())
}

/// Splits a CSV line (quoted fields may contain commas).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().expect("one field").push(c),
        }
    }
    out
}

pub fn no_report_shows_another_partners_rows(world: &World) -> Outcome {
    let range = format!("from={FROM}&to={TO}&per_page=500");
    for code in PARTNERS {
        let mut me = as_partner(world, code)?;
        for report in [
            "summary",
            "commissions",
            "leads",
            "sales",
            "clicks",
            "ledger",
        ] {
            for format in ["", "&format=csv"] {
                let path = format!("/api/v1/me/{report}?{range}{format}");
                let mine = me.get(&path)?;
                ensure!(mine.status == 200, "{path}: {}", mine.status);
                for other in PARTNERS.iter().filter(|o| **o != code) {
                    ensure!(
                        !mine.body.contains(&format!("seed-{other}-")),
                        "{code}'s {report} shows {other}'s orders"
                    );
                    ensure!(
                        !mine.body.contains(&format!("\"{other}\"")),
                        "{code}'s {report} names {other}"
                    );
                }
                // No parameter switches the partner.
                let sneaky = me.get(&format!(
                    "{path}&partner={}",
                    if code == "xyz789" { "abc123" } else { "xyz789" }
                ))?;
                ensure!(
                    sneaky.body == mine.body,
                    "{report}: a partner parameter changed the answer"
                );
            }
        }
        // Signed out: nothing.
        ensure!(
            world.client().get("/api/v1/me/commissions")?.status == 401,
            "unauthenticated"
        );
    }
    let mut c = as_partner(world, "abc123")?;
    ensure!(c.get("/api/v1/me/nope")?.status == 404, "unknown report");
    ensure!(
        c.get("/api/v1/me/sales?from=2026-13-01")?.status == 400,
        "bad date"
    );
    ensure!(
        c.get("/api/v1/me/sales?per_page=100000")?.status == 400,
        "page size"
    );
    Ok(())
}

pub fn the_owner_sees_payable_balances(world: &World) -> Outcome {
    let mut client = world.client();
    ensure!(
        client.get("/api/v1/owner/payable")?.status == 401,
        "no token"
    );
    let wrong = client.get_with(
        "/api/v1/owner/payable",
        &[("authorization", "Bearer not-the-owner-token-at-all")],
    )?;
    ensure!(wrong.status == 401, "wrong token: {}", wrong.status);
    let bearer = format!("Bearer {}", world.owner_token);
    let reply = client.get_with("/api/v1/owner/payable", &[("authorization", &bearer)])?;
    ensure!(
        reply.status == 200,
        "owner: {} {}",
        reply.status,
        reply.body
    );
    let body: Value = serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
    let rows = body["rows"].as_array().cloned().unwrap_or_default();
    let abc = rows
        .iter()
        .find(|r| r["partner"] == "abc123")
        .ok_or("abc123 is listed")?;
    ensure!(
        abc["payout_method"] == "PayPal" && abc["email"].as_str().is_some_and(|e| e.contains('@')),
        "{abc}"
    );
    // abc123's payable here equals what abc123 sees as payable.
    let mut me = as_partner(world, "abc123")?;
    let summary = get_json(&mut me, "/api/v1/me/summary")?;
    ensure!(
        abc["payable"] == summary["payable"],
        "owner {} vs partner {}",
        abc["payable"],
        summary["payable"]
    );
    let csv = client.get_with(
        "/api/v1/owner/payable?format=csv",
        &[("authorization", &bearer)],
    )?;
    ensure!(
        csv.body.starts_with(
            "partner,name,email,status,payout_method,payout_details,payout_details_changed,payout_change_pending,payable,pending,owed_back,currency,payout_references\n"
        ),
        "CSV header"
    );
    ensure!(
        csv.body.lines().count() == rows.len() + 1,
        "one CSV line per partner"
    );
    Ok(())
}
