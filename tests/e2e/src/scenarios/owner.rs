//! The owner's console: owner accounts and their own session, the overview against the
//! partners' own figures, the partners table and CSV (its actions: `console.rs`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use pc_core::OwnerLink;
use serde_json::Value;

use super::{abc123, keys, now};
use crate::client::{Client, OWNER, SESSION};
use crate::{Outcome, World, ensure};

pub const ADMIN: &str = "olivia@brightloom.example";
pub const VIEWER: &str = "victor@brightloom.example";
pub(super) const PASSWORD: &str = "console-password-2026";

/// An invite link (path and query) for the owner `email`, as `partner-center invite --owner`.
fn owner_invite(world: &World, email: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let link = OwnerLink {
        email: email.to_owned(),
        nonce: format!(
            "{:016x}{:016x}",
            now(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ),
        expires_at: now() + 3600,
    };
    format!("/owner/reset/?token={}", link.sign(&keys(world)))
}

/// A client signed in to the console as `email` (its password set through an invite first).
pub fn owner(world: &World, email: &str) -> Result<Client, String> {
    let mut client = world.client();
    let signed_in = client.form("/owner/login", &[("email", email), ("password", PASSWORD)])?;
    if signed_in.status == 303 {
        return Ok(client);
    }
    let link = owner_invite(world, email);
    ensure!(
        client.get(&link)?.status == 200,
        "GET the owner's invite link"
    );
    let token = link.trim_start_matches("/owner/reset/?token=");
    let set = client.form(
        "/owner/reset",
        &[
            ("token", token),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ],
    )?;
    ensure!(
        set.status == 303 && set.location() == "/owner/" && client.cookies.contains_key(OWNER),
        "POST /owner/reset: {} {}",
        set.status,
        set.location()
    );
    Ok(client)
}

pub(super) fn json(body: &str) -> Result<Value, String> {
    serde_json::from_str(body).map_err(|e| format!("not JSON ({e}): {body:.200}"))
}

/// A decimal money string in cents.
pub(super) fn cents(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or("0");
    let negative = text.starts_with('-');
    let (whole, frac) = text
        .trim_start_matches('-')
        .split_once('.')
        .unwrap_or((text.trim_start_matches('-'), "0"));
    let frac = format!("{frac:0<2}");
    let c = whole.parse::<i64>().unwrap_or(0) * 100 + frac[..2].parse::<i64>().unwrap_or(0);
    if negative { -c } else { c }
}

pub fn owners_have_their_own_session(world: &World) -> Outcome {
    // The invite sets a password once; then e-mail + password sign in.
    let link = owner_invite(world, ADMIN);
    let mut first = world.client();
    ensure!(first.get(&link)?.status == 200, "the invite link opens");
    let token = link.trim_start_matches("/owner/reset/?token=").to_owned();
    let set = first.form(
        "/owner/reset",
        &[
            ("token", &token),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ],
    )?;
    ensure!(
        set.status == 303 && set.location() == "/owner/",
        "set the password: {}",
        set.status
    );
    let again = world.client().form(
        "/owner/reset",
        &[
            ("token", &token),
            ("password", "another-password-1"),
            ("confirm", "another-password-1"),
        ],
    )?;
    ensure!(
        again.status == 400,
        "an invite link works once: {}",
        again.status
    );
    let mut wrong = world.client();
    let refused = wrong.form(
        "/owner/login",
        &[("email", ADMIN), ("password", "not-the-password")],
    )?;
    ensure!(
        refused.status == 401 && !wrong.cookies.contains_key(OWNER),
        "a wrong password: {}",
        refused.status
    );
    let mut olivia = world.client();
    let login = olivia.form("/owner/login", &[("email", ADMIN), ("password", PASSWORD)])?;
    ensure!(
        login.status == 303 && login.location() == "/owner/",
        "sign in: {}",
        login.status
    );
    let cookie = login.set_cookie(OWNER).unwrap_or_default().to_owned();
    ensure!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && !cookie.contains("Max-Age"),
        "the owner's cookie is HttpOnly, Secure, for the browser session only: {cookie}"
    );
    let console = olivia.get("/owner/")?;
    ensure!(
        console.status == 200
            && console.body.contains("Program overview")
            && console.body.contains("Olivia Brightloom"),
        "the console opens for its owner: {}",
        console.status
    );
    // An owner's cookie is no partner's: not the portal, not a partner's API.
    let portal = olivia.get("/portal/")?;
    ensure!(
        portal.status == 303 && portal.location().starts_with("/login/"),
        "an owner's cookie does not open the portal: {}",
        portal.status
    );
    ensure!(
        olivia.get("/api/v1/me/summary")?.status == 401,
        "an owner's cookie reads no partner's report"
    );
    // A partner's cookie is no owner's, even moved into the owner's cookie name.
    let mut partner = abc123(world, false)?;
    let to_login = partner.get("/owner/")?;
    ensure!(
        to_login.status == 303 && to_login.location().starts_with("/owner/login/"),
        "a partner's cookie does not open the console: {}",
        to_login.status
    );
    ensure!(
        partner.get("/api/v1/owner/overview")?.status == 401,
        "a partner's cookie reads no owner API"
    );
    let partner_session = partner.cookies.get(SESSION).cloned().unwrap_or_default();
    let mut forged = world.client();
    forged.cookies.insert(OWNER.into(), partner_session);
    ensure!(
        forged.get("/owner/")?.status == 303,
        "a partner's token under the owner's name is refused"
    );
    let owner_session = olivia.cookies.get(OWNER).cloned().unwrap_or_default();
    let mut forged = world.client();
    forged.cookies.insert(SESSION.into(), owner_session);
    ensure!(
        forged.get("/portal/")?.status == 303,
        "an owner's token under the partner's name is refused"
    );
    // Sign-out ends the session everywhere.
    let kept = olivia.cookies.clone();
    let out = olivia.form("/owner/logout", &[])?;
    ensure!(out.status == 303, "sign out: {}", out.status);
    let mut replay = world.client();
    replay.cookies = kept;
    ensure!(
        replay.get("/owner/")?.status == 303,
        "an ended owner session is refused"
    );
    Ok(())
}

/// Every partner's own summary (what `/api/v1/me/summary` answers them, through view-as).
fn partner_summaries(world: &World, console: &mut Client, q: &str) -> Result<Vec<Value>, String> {
    let codes = world
        .db
        .query("SELECT code FROM partners WHERE status != 'removed' ORDER BY code")?;
    let mut out = Vec::new();
    for row in codes {
        let code = row["code"].as_str().unwrap_or_default();
        let r = console.get(&format!("/api/v1/owner/as/{code}/summary?{q}"))?;
        ensure!(r.status == 200, "{code}'s summary: {} {}", r.status, r.body);
        out.push(json(&r.body)?);
    }
    Ok(out)
}

pub fn the_overview_is_the_sum_of_the_partners(world: &World) -> Outcome {
    let mut console = owner(world, VIEWER)?;
    let today = super::iso(now())[..10].to_owned();
    let year_ago = super::iso(now() - 365 * 86_400)[..10].to_owned();
    for q in [format!("from={year_ago}&to={today}"), String::new()] {
        let overview = console.get(&format!("/api/v1/owner/overview?{q}"))?;
        ensure!(
            overview.status == 200,
            "overview: {} {}",
            overview.status,
            overview.body
        );
        let o = json(&overview.body)?;
        let mine = partner_summaries(world, &mut console, &q)?;
        let total = |f: &dyn Fn(&Value) -> i64| mine.iter().map(f).sum::<i64>();
        for key in [
            "clicks",
            "leads",
            "sales",
            "subscription_payments",
            "refunds",
        ] {
            let sum = total(&|s| s["in_range"][key].as_i64().unwrap_or(0));
            ensure!(
                o["in_range"][key].as_i64() == Some(sum),
                "{key} ({q}): overview {} vs partners {sum}",
                o["in_range"][key]
            );
        }
        let earned = total(&|s| cents(&s["in_range"]["earned"]));
        ensure!(
            cents(&o["in_range"]["earned"]) == earned,
            "earned ({q}): {} vs {earned}",
            o["in_range"]["earned"]
        );
        let filtered = total(&|s| {
            s["filtered_clicks"].as_array().map_or(0, |f| {
                f.iter().map(|x| x["count"].as_i64().unwrap_or(0)).sum()
            })
        });
        ensure!(
            o["in_range"]["filtered_clicks"].as_i64() == Some(filtered),
            "filtered clicks: {} vs {filtered}",
            o["in_range"]["filtered_clicks"]
        );
        for (mine_key, key) in [
            ("payable", "payable"),
            ("pending", "pending"),
            ("paid_to_date", "paid_to_date"),
            ("earned_to_date", "earned_to_date"),
        ] {
            let sum = total(&|s| cents(&s[mine_key]));
            ensure!(
                cents(&o["balances"][key]) == sum,
                "{key}: overview {} vs partners {sum}",
                o["balances"][key]
            );
        }
        ensure!(
            o["in_range"]["clicks"].as_i64().unwrap_or(0) > 0 && earned != 0,
            "the range has activity to compare ({q})"
        );
        let days = o["by_day"].as_array().map_or(0, Vec::len);
        let by_day_clicks: i64 = o["by_day"].as_array().map_or(0, |d| {
            d.iter().map(|x| x["clicks"].as_i64().unwrap_or(0)).sum()
        });
        ensure!(
            days >= 30 && by_day_clicks == o["in_range"]["clicks"].as_i64().unwrap_or(-1),
            "by day adds up: {days} days"
        );
        let by_program: i64 = o["by_program"]
            .as_array()
            .map_or(0, |d| d.iter().map(|x| cents(&x["earned"])).sum());
        let program_earned = total(&|s| {
            s["by_program"]
                .as_array()
                .map_or(0, |p| p.iter().map(|x| cents(&x["earned"])).sum())
        });
        ensure!(
            by_program == program_earned,
            "by program: {by_program} vs {program_earned}"
        );
    }
    // The partners table: one row per partner, in JSON and CSV, its columns adding up.
    let count = world
        .db
        .query("SELECT count(*) AS n FROM partners WHERE status != 'removed'")?;
    let partners = count.first().and_then(|r| r["n"].as_i64()).unwrap_or(0);
    let csv = console.get("/api/v1/owner/partners?format=csv")?;
    ensure!(
        csv.status == 200
            && csv
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/csv")),
        "partners CSV: {}",
        csv.status
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let codes: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[0]).collect();
    ensure!(
        rows.len() as i64 == partners && codes.len() == rows.len(),
        "the CSV has one row per partner: {} rows, {partners} partners",
        rows.len()
    );
    let overview = json(&console.get("/api/v1/owner/overview")?.body)?;
    let clicks: i64 = rows.iter().map(|r| r[4].parse::<i64>().unwrap_or(0)).sum();
    ensure!(
        Some(clicks) == overview["in_range"]["clicks"].as_i64(),
        "the CSV's clicks add up to the overview's: {clicks}"
    );
    // Sorting and search.
    let sorted = json(
        &console
            .get("/api/v1/owner/partners?sort=clicks&dir=desc")?
            .body,
    )?;
    let list: Vec<i64> = sorted["rows"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["clicks"].as_i64().unwrap_or(0))
                .collect()
        })
        .unwrap_or_default();
    ensure!(
        list.windows(2).all(|w| w[0] >= w[1]) && list.len() as i64 == partners,
        "sorted by clicks: {list:?}"
    );
    let found = json(&console.get("/api/v1/owner/partners?q=XYZ78")?.body)?;
    ensure!(
        found["total_rows"] == 1 && found["rows"][0]["partner"] == "xyz789",
        "search by code: {found}"
    );
    ensure!(
        console.get("/api/v1/owner/partners?sort=password")?.status == 400,
        "an unknown sort column is a 400"
    );
    Ok(())
}

/// Counts by recipient of the outbox's mails whose body contains `needle`.
pub fn mails_with(world: &World, needle: &str) -> Result<BTreeMap<String, usize>, String> {
    let rows = world.db.query(&format!(
        "SELECT recipient FROM outbox WHERE body LIKE '%{}%'",
        needle.replace('\'', "''")
    ))?;
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry(r["recipient"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    Ok(out)
}
