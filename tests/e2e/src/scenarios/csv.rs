//! CSV exports never carry a formula: text a partner or a customer typed that starts with
//! `= + - @ \t \r` reaches the owner's and the partner's spreadsheets as text, while money
//! columns (negative amounts included) stay numbers.

use serde_json::json;

use super::reports::as_partner;
use super::{iso, now};
use crate::client::Client;
use crate::{Outcome, World, ensure};

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
const STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Every cell of a CSV body, by column name.
fn cells(body: &str) -> Result<Vec<std::collections::HashMap<String, String>>, String> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    reader
        .records()
        .map(|r| {
            let r = r.map_err(|e| e.to_string())?;
            Ok(headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect())
        })
        .collect()
}

/// A spreadsheet runs a cell as a formula if it starts like one (and is not a number).
fn is_formula(cell: &str) -> bool {
    cell.starts_with(STARTS) && cell.parse::<f64>().is_err()
}

fn check_export(name: &str, body: &str, money: &[&str]) -> Outcome {
    for row in cells(body)? {
        for (column, value) in &row {
            ensure!(
                !is_formula(value),
                "{name}: {column} = {value:?} would run as a formula"
            );
            if money.contains(&column.as_str()) && !value.is_empty() {
                ensure!(
                    value.parse::<f64>().is_ok(),
                    "{name}: {column} = {value:?} is not a number"
                );
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_lines)]
pub fn no_formulas_in_exports(world: &World) -> Outcome {
    let run = now() % 1_000_000;
    let mut me = as_partner(world, "tess42")?;
    // The partner's own fields, each starting with a formula character.
    let profile = json!({
        "name": "=HYPERLINK(\"http://evil.example\",\"x\")",
        "company": "+cmd|' /C calc'!A0",
        "email": "tess@brewdiaries.example",
        "phone": "+1 (503) 555-0100",
        "address": "-2+3",
    });
    let put = me.put_json("/api/v1/me/profile", profile.to_string().as_bytes())?;
    ensure!(put.status == 200, "profile: {} {}", put.status, put.body);
    // A click with a sub-id starting with `-`, a sale through it, a partial refund, and leads
    // whose customers' addresses start with each formula character.
    let mut visitor = Client::new(&world.base);
    let reply = visitor.get_with(
        &format!("/r/tess42/espresso-pro?sub=-cmd{run}"),
        &[("user-agent", BROWSER)],
    )?;
    let location = reply.location().to_owned();
    let click_id = location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("bl_click="))
        .ok_or("a click id")?
        .to_owned();
    let mut client = world.client();
    let mut sent = |body: serde_json::Value| -> Outcome {
        // The click row is written after the redirect: retry until it is there.
        for _ in 0..200 {
            let r = client.event(&world.events_secret, &body, None)?;
            if r.status == 201 || r.status == 200 {
                return Ok(());
            }
            ensure!(
                r.status == 422 && r.body.contains("unknown click_id"),
                "{}: {} {}",
                body["id"],
                r.status,
                r.body
            );
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        Err(format!("{} was never accepted", body["id"]))
    };
    let order = format!("csv-{run}");
    sent(
        json!({ "id": format!("{order}-sale"), "type": "sale", "occurred_at": iso(now()),
        "click_id": click_id, "order_id": order, "amount": "120.00", "currency": "USD",
        "customer": { "email": "=cmd@evil.example" } }),
    )?;
    sent(
        json!({ "id": format!("{order}-refund"), "type": "refund", "occurred_at": iso(now()),
        "order_id": order, "amount": "60.00", "currency": "USD" }),
    )?;
    for (i, start) in ["=", "+", "-", "@"].iter().enumerate() {
        sent(
            json!({ "id": format!("{order}-lead-{i}"), "type": "lead", "occurred_at": iso(now()),
            "partner": "tess42", "customer": { "email": format!("{start}x{i}@evil.example") } }),
        )?;
    }
    // Every export the partner can download, and the owner's.
    let range = format!(
        "from={}&to={}&per_page=500&format=csv",
        &iso(now() - 86_400)[..10],
        &iso(now() + 86_400)[..10]
    );
    let mut exports = Vec::new();
    for (report, money) in [
        ("commissions", &["amount", "sale_amount"][..]),
        ("leads", &["commission"][..]),
        ("sales", &["amount", "commission"][..]),
        ("clicks", &[][..]),
        ("ledger", &["amount", "balance"][..]),
        ("summary", &["earned"][..]),
    ] {
        let csv = me.get(&format!("/api/v1/me/{report}?{range}"))?;
        ensure!(csv.status == 200, "{report}: {}", csv.status);
        check_export(report, &csv.body, money)?;
        exports.push((report, csv.body));
    }
    let owner = world.client().get_with(
        "/api/v1/owner/payable?format=csv",
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )?;
    ensure!(owner.status == 200, "owner payable: {}", owner.status);
    check_export(
        "owner payable",
        &owner.body,
        &["payable", "pending", "owed_back"],
    )?;
    // The typed text is there, as text.
    let tess = cells(&owner.body)?
        .into_iter()
        .find(|r| r["partner"] == "tess42")
        .ok_or("tess42 in the owner's export")?;
    ensure!(
        tess["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")",
        "the owner sees the name as text: {:?}",
        tess["name"]
    );
    let clicks = &exports
        .iter()
        .find(|(r, _)| *r == "clicks")
        .ok_or("clicks")?
        .1;
    ensure!(
        clicks.contains(&format!("'-cmd{run}")),
        "the sub-id is kept, as text: {clicks}"
    );
    let leads = &exports
        .iter()
        .find(|(r, _)| *r == "leads")
        .ok_or("leads")?
        .1;
    // (An address starting with `@` is masked from its first `@`: "***@…", harmless.)
    for start in ["=", "+", "-"] {
        ensure!(
            leads.contains(&format!("'{start}***@evil.example")),
            "the customer {start}… is text: {leads}"
        );
    }
    let commissions = &exports
        .iter()
        .find(|(r, _)| *r == "commissions")
        .ok_or("commissions")?
        .1;
    ensure!(
        cells(commissions)?
            .iter()
            .any(|r| r["amount"].starts_with('-') && r["amount"].parse::<f64>().is_ok()),
        "a refund's negative amount stays a number: {commissions}"
    );
    // Put the profile back for the scenarios that follow.
    let restore = json!({ "name": "Tess Adams", "email": "tess@brewdiaries.example" });
    me.put_json("/api/v1/me/profile", restore.to_string().as_bytes())?;
    Ok(())
}
