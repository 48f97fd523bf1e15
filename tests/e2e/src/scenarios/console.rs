//! The console's actions: view as partner (exactly what the partner sees, read only, logged)
//! and deciding applications by role.

use super::abc123;
use super::now;
use super::owner::{ADMIN, VIEWER, json, owner};
use crate::{Outcome, World, ensure};

/// The page as the partner sees it, from the owner's view-as copy: banner and rewrites undone,
/// CSRF tokens blanked (each browser has its own).
fn normalize(html: &str, code: &str) -> String {
    let mut out = html.replace("&#x2F;", "/");
    if let (Some(start), Some(end)) = (
        out.find("<div class=\"view-as-banner\""),
        out.find("console</a></div>"),
    ) {
        out.replace_range(start..end + "console</a></div>".len(), "");
    }
    out = out
        .replace(
            &format!(" data-api=\"/api/v1/owner/as/{code}/\" data-view-as"),
            "",
        )
        .replace(&format!("/api/v1/owner/as/{code}/"), "/api/v1/me/")
        .replace(&format!("/owner/as/{code}/"), "/portal/")
        .replace("<form inert ", "<form ");
    let mut cleaned = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("value=\"") {
        let start = at + "value=\"".len();
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        let value = &rest[start..end];
        cleaned.push_str(&rest[..start]);
        if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            cleaned.push_str("CSRF");
        } else {
            cleaned.push_str(value);
        }
        rest = &rest[end..];
    }
    cleaned.push_str(rest);
    cleaned
}

pub fn view_as_shows_what_the_partner_sees(world: &World) -> Outcome {
    let mut partner = abc123(world, false)?;
    let mut console = owner(world, ADMIN)?;
    for place in [
        "",
        "reports/commissions/",
        "reports/ledger/",
        "links/",
        "profile/",
    ] {
        let own = partner.get(&format!("/portal/{place}"))?;
        let seen = console.get(&format!("/owner/as/abc123/{place}"))?;
        ensure!(
            own.status == 200 && seen.status == 200,
            "/{place}: {} {}",
            own.status,
            seen.status
        );
        ensure!(
            seen.body.contains("data-view-as-banner") && seen.body.contains("read only"),
            "/{place} is bannered"
        );
        ensure!(
            !seen.body.contains("href=\"/portal/"),
            "/{place}: links stay in view-as"
        );
        ensure!(
            normalize(&seen.body, "abc123") == normalize(&own.body, "abc123"),
            "/{place}: the owner sees what abc123 sees"
        );
    }
    for what in [
        "summary",
        "commissions",
        "ledger",
        "sales",
        "clicks",
        "payout",
        "profile",
    ] {
        let own = partner.get(&format!("/api/v1/me/{what}"))?;
        let seen = console.get(&format!("/api/v1/owner/as/abc123/{what}"))?;
        ensure!(
            own.status == 200 && seen.status == 200 && own.body == seen.body,
            "{what}: the same answer ({} {})",
            own.status,
            seen.status
        );
    }
    // Read only: the view-as API takes no change, and the owner has no partner session.
    let before = partner.get("/api/v1/me/profile")?.body;
    let put = console.put_json(
        "/api/v1/owner/as/abc123/profile",
        br#"{"name":"Changed By Owner","email":"owner@example.com"}"#,
    )?;
    ensure!(put.status == 405, "view as changes nothing: {}", put.status);
    let form = console.form(
        "/portal/profile",
        &[("name", "Changed By Owner"), ("email", "owner@example.com")],
    )?;
    ensure!(
        form.status == 303 && form.location().starts_with("/login/"),
        "the owner cannot post the partner's forms: {}",
        form.status
    );
    ensure!(
        partner.get("/api/v1/me/profile")?.body == before,
        "abc123's profile is unchanged"
    );
    // Logged: who, about whom, when.
    let log = json(&console.get("/api/v1/owner/activity")?.body)?;
    let viewed = log["activity"].as_array().is_some_and(|a| {
        a.iter().any(|x| {
            x["owner"] == ADMIN
                && x["action"] == "viewed as partner"
                && x["subject"] == "abc123"
                && x["at"].as_i64().is_some_and(|t| (t - now()).abs() < 600)
        })
    });
    ensure!(viewed, "view-as is in the activity log: {log}");
    // Someone else's partner page through a crafted code is a 404, never another page.
    ensure!(
        console.get("/owner/as/..%2fxyz789/")?.status == 404,
        "a crafted code is a 404"
    );
    ensure!(
        console.get("/owner/as/nobody1/")?.status == 404,
        "an unknown partner is a 404"
    );
    Ok(())
}

pub fn a_viewer_cannot_decide_applications(world: &World) -> Outcome {
    let mut applicant = world.client();
    let applied = super::signup::apply_as(
        world,
        &mut applicant,
        "consoleapp1",
        "console.applicant@example.org",
        "Casey Console",
    )?;
    ensure!(applied.status == 200, "apply: {}", applied.status);
    // The owner hears of it.
    let told = world.db.query(&format!(
        "SELECT subject, body FROM outbox WHERE recipient = '{ADMIN}' ORDER BY id DESC LIMIT 5"
    ))?;
    ensure!(
        told.iter().any(|m| m["body"]
            .as_str()
            .is_some_and(|b| b.contains("consoleapp1") && b.contains("/owner/applications/"))),
        "a new application e-mails the admin owner: {told:?}"
    );
    let mut viewer = owner(world, VIEWER)?;
    let list = json(&viewer.get("/api/v1/owner/applications")?.body)?;
    ensure!(
        list["applications"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["code"] == "consoleapp1")),
        "the viewer sees the application"
    );
    for action in ["approve", "reject"] {
        let r = viewer.post_json(
            &format!("/api/v1/owner/applications/consoleapp1/{action}"),
            b"{}",
        )?;
        ensure!(r.status == 403, "a viewer cannot {action}: {}", r.status);
    }
    let page = viewer.get("/owner/applications/")?;
    ensure!(
        page.body.contains("data-role=\"viewer\""),
        "the page knows the viewer's role"
    );
    let mut admin = owner(world, ADMIN)?;
    // Without the page's proof a cookie cannot decide.
    let bare = admin.send(
        "POST",
        "/api/v1/owner/applications/consoleapp1/reject",
        "application/json",
        b"{}",
        &[],
    )?;
    ensure!(
        bare.status == 403,
        "no Origin and no token: {}",
        bare.status
    );
    let pending = world
        .db
        .query("SELECT status FROM applications WHERE code = 'consoleapp1'")?;
    ensure!(
        pending.first().is_some_and(|r| r["status"] == "pending"),
        "still pending after the refusals"
    );
    let approved = admin.post_json("/api/v1/owner/applications/consoleapp1/approve", b"{}")?;
    ensure!(
        approved.status == 200,
        "the admin approves: {} {}",
        approved.status,
        approved.body
    );
    // Committed for her (what follows a commit: `console_commits.rs`).
    let a = json(&approved.body)?;
    ensure!(
        a["commit"]["sha"].as_str().is_some_and(|s| !s.is_empty())
            && a["file"] == "content/partners/consoleapp1.yaml",
        "the approval names its commit: {a}"
    );
    let decided = json(&admin.get("/api/v1/owner/activity")?.body)?;
    ensure!(
        decided["activity"]
            .as_array()
            .is_some_and(|x| x.iter().any(|e| e["owner"] == ADMIN
                && e["subject"] == "consoleapp1"
                && e["action"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("approved")))),
        "the decision is logged"
    );
    Ok(())
}
