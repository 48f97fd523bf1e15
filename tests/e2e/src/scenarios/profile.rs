//! My Profile: JSON API and form, persisted, escaped.

use super::abc123;
use crate::{Outcome, World, ensure};

pub fn update_persists(world: &World) -> Outcome {
    let mut client = abc123(world, false)?;
    let update = serde_json::json!({
        "name": "Alex R. Rivera",
        "company": "Rivera <Reviews> & Co",
        "email": "alex.rivera@riverareviews.example",
        "phone": "+1 (503) 555-0199",
        "address": "<script>alert('x')</script>\n1200 SE Morrison St",
    });
    // A stolen session alone cannot move the account to another address.
    let mails_before = world
        .db
        .count("SELECT count(*) AS n FROM outbox WHERE recipient = 'alex@riverareviews.example'")?;
    for (what, password) in [
        ("no password", None),
        ("a wrong password", Some("guess-1234567")),
    ] {
        let mut attempt = update.clone();
        attempt["password"] = password.into();
        let refused = client.put_json("/api/v1/me/profile", attempt.to_string().as_bytes())?;
        ensure!(
            refused.status == 403 && refused.body.contains("current password"),
            "an e-mail change with {what}: {} {}",
            refused.status,
            refused.body
        );
    }
    let unchanged: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/me/profile")?.body).map_err(|e| e.to_string())?;
    ensure!(
        unchanged["email"] == "alex@riverareviews.example" && unchanged["name"] != "Alex R. Rivera",
        "a refused change changed nothing: {unchanged}"
    );
    let mut update = update;
    update["password"] = super::ABC123_PASSWORD.into();
    let put = client.put_json("/api/v1/me/profile", update.to_string().as_bytes())?;
    ensure!(put.status == 200, "PUT: {} {}", put.status, put.body);
    let told = world.db.query(
        "SELECT body FROM outbox WHERE recipient = 'alex@riverareviews.example' ORDER BY id DESC LIMIT 1",
    )?;
    ensure!(
        world.db.count(
            "SELECT count(*) AS n FROM outbox WHERE recipient = 'alex@riverareviews.example'"
        )? == mails_before + 1
            && told
                .first()
                .and_then(|m| m["body"].as_str())
                .is_some_and(|b| {
                    b.contains("e-mail address of partner account abc123 was changed")
                        && b.contains("alex.rivera@riverareviews.example")
                        && b.contains("/not-me/?token=")
                }),
        "the old address is told, with a \"this wasn't me\" link: {told:?}"
    );
    let got: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/me/profile")?.body).map_err(|e| e.to_string())?;
    ensure!(
        got["name"] == "Alex R. Rivera" && got["code"] == "abc123",
        "GET: {got}"
    );
    ensure!(got["email"] == "alex.rivera@riverareviews.example", "{got}");
    let page = client.get("/portal/profile/")?;
    ensure!(page.status == 200, "profile page: {}", page.status);
    ensure!(
        page.body.contains("Alex R. Rivera"),
        "the page shows the new name"
    );
    ensure!(
        page.body.contains("Rivera &lt;Reviews&gt; &amp; Co"),
        "escaped company"
    );
    ensure!(!page.body.contains("<script>alert"), "no script injected");
    ensure!(
        page.body.contains("&lt;script&gt;"),
        "the text is shown escaped"
    );

    // Invalid input is refused and changes nothing.
    let bad = client.put_json("/api/v1/me/profile", br#"{"name": "", "email": "nope"}"#)?;
    ensure!(bad.status == 422, "invalid: {}", bad.status);
    let malformed = client.put_json("/api/v1/me/profile", b"{not json")?;
    ensure!(
        malformed.status == 400,
        "malformed JSON: {}",
        malformed.status
    );
    ensure!(
        client
            .get("/api/v1/me/profile")?
            .body
            .contains("Alex R. Rivera"),
        "unchanged"
    );

    // The page's own form: the address back needs the password there too.
    let fields = [
        ("name", "Alex Rivera"),
        ("company", "Rivera Reviews"),
        ("email", "alex@riverareviews.example"),
        ("phone", ""),
        ("address", ""),
    ];
    let refused = client.form("/portal/profile", &fields)?;
    ensure!(
        refused.status == 303 && refused.location().contains("status=passwordneeded"),
        "the form without the password: {} {}",
        refused.status,
        refused.location()
    );
    let mut with_password = fields.to_vec();
    with_password.push(("password", super::ABC123_PASSWORD));
    let form = client.form("/portal/profile", &with_password)?;
    ensure!(
        form.status == 303 && form.location().contains("status=saved"),
        "form: {} {}",
        form.status,
        form.location()
    );
    let after: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/me/profile")?.body).map_err(|e| e.to_string())?;
    ensure!(
        after["name"] == "Alex Rivera" && after["phone"].is_null(),
        "{after}"
    );
    // Signed out, the API refuses.
    ensure!(
        world.client().get("/api/v1/me/profile")?.status == 401,
        "unauthenticated"
    );
    Ok(())
}

/// Payout details: a change needs the current password, is e-mailed to the address on file,
/// and the owner's export keeps the old details until the cooling-off period ends.
pub fn payout_details_are_guarded(world: &World) -> Outcome {
    let password = "sam-payout-password-1";
    let mut sam = super::set_password(world, "sam314", password)?;
    let before: serde_json::Value =
        serde_json::from_str(&sam.get("/api/v1/me/payout")?.body).map_err(|e| e.to_string())?;
    ensure!(
        before["method"] == "Store credit" && before["pending"].is_null(),
        "the content's details: {before}"
    );
    let put = |client: &mut crate::client::Client, body: serde_json::Value| {
        client.put_json("/api/v1/me/payout", body.to_string().as_bytes())
    };
    let change = |pw: &str| serde_json::json!({ "method": "PayPal", "details": "thief@evil.example", "password": pw });
    for wrong in ["", "not-the-password"] {
        let refused = put(&mut sam, change(wrong))?;
        ensure!(
            refused.status == 403 && refused.body.contains("current password"),
            "without the password: {} {}",
            refused.status,
            refused.body
        );
    }
    let not_allowed = put(
        &mut sam,
        serde_json::json!({ "method": "Gold bars", "details": "x", "password": password }),
    )?;
    ensure!(
        not_allowed.status == 422,
        "a method the owner does not offer: {}",
        not_allowed.status
    );
    let outbox_before = world.db.query("SELECT count(*) AS n FROM outbox")?;
    let done = put(&mut sam, change(password))?;
    ensure!(
        done.status == 200,
        "with the password: {} {}",
        done.status,
        done.body
    );
    let view: serde_json::Value = serde_json::from_str(&done.body).map_err(|e| e.to_string())?;
    let in_three_days = super::iso(super::now() + 72 * 3600);
    ensure!(
        view["method"] == "Store credit"
            && view["pending"]["details"] == "t***@evil.example"
            && view["pending"]["applies_from"] == in_three_days[..10],
        "applies after the cooling-off period, shown masked: {view}"
    );
    let mail = world
        .db
        .query("SELECT recipient, body FROM outbox ORDER BY id DESC LIMIT 1")?;
    let mail = mail.first().ok_or("a notice")?;
    ensure!(
        world.db.query("SELECT count(*) AS n FROM outbox")?[0]["n"].as_i64()
            == outbox_before[0]["n"].as_i64().map(|n| n + 1)
            && mail["recipient"] == "sam@espressonerds.example"
            && mail["body"]
                .as_str()
                .unwrap_or("")
                .contains("payout details of partner account sam314 were changed"),
        "the old address is told: {mail}"
    );
    // The owner still pays to the old details (sam314 needs a balance to be listed).
    let sale = serde_json::json!({ "id": format!("payout-details-{}", super::now()), "type": "sale",
        "occurred_at": super::iso(super::now()), "partner": "sam314", "order_id": format!("pd-{}", super::now()),
        "amount": "80.00", "currency": "USD" });
    let sent = world.client().event(&world.events_secret, &sale, None)?;
    ensure!(sent.status == 201, "sale: {} {}", sent.status, sent.body);
    let owner = world.client().get_with(
        "/api/v1/owner/payable",
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )?;
    let rows: serde_json::Value = serde_json::from_str(&owner.body).map_err(|e| e.to_string())?;
    let row = rows["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["partner"] == "sam314"))
        .ok_or("sam314 in the owner's list")?;
    ensure!(
        row["payout_method"] == "Store credit"
            && !row["payout_details"]
                .as_str()
                .unwrap_or("")
                .contains("evil")
            && row["payout_change_pending"]
                .as_str()
                .is_some_and(|p| p.contains("PayPal from") && p.contains(&in_three_days[..10])),
        "the owner pays the old details until then: {row}"
    );
    Ok(())
}

/// A partner's profile change reaches git: `profiles` lists it, `profiles pull` writes it into
/// the partner's YAML (keeping the rest of the file), and the deploy marks it applied.
pub fn profile_changes_reach_git(world: &World) -> Outcome {
    let mut priya = super::reports::as_partner(world, "cafe01")?;
    let update = serde_json::json!({
        "name": "Priya N. Nair",
        "company": "Corner Cup Café",
        "email": "priya@cornercup.example",
        "phone": "+1 (206) 555-0199",
        "address": "1 Main St\nSeattle, WA 98101\nUSA",
    });
    let put = priya.put_json("/api/v1/me/profile", update.to_string().as_bytes())?;
    ensure!(put.status == 200, "PUT: {} {}", put.status, put.body);
    let listed = super::signup::cli(world, &["profiles"])?;
    ensure!(
        listed.contains("cafe01:")
            && listed.contains("- name: Priya Nair")
            && listed.contains("+ name: Priya N. Nair")
            && listed.contains("+ address: 1 Main St / Seattle, WA 98101 / USA"),
        "the pending change, old and new: {listed}"
    );
    let file = world.content.join("partners/cafe01.yaml");
    let before = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let pulled = super::signup::cli(world, &["profiles", "pull"])?;
    ensure!(pulled.contains("wrote"), "{pulled}");
    let after = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    ensure!(
        after.contains("name: Priya N. Nair")
            && after.contains("phone: +1 (206) 555-0199")
            && after.contains("  1 Main St\n")
            && after.contains("programs: [wholesale]")
            && after.contains("method: Bank transfer"),
        "the YAML has the change and keeps the rest:\n{before}\n→\n{after}"
    );
    let check = std::process::Command::new(&world.cli)
        .args(["check", "--content"])
        .arg(&world.content)
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(
        check.status.success(),
        "the pulled content is valid: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Deployed: applied, no longer pending; the portal shows the same values.
    world.content_changed()?;
    let pending = world.client().get_with(
        "/api/v1/owner/profiles",
        &[("authorization", &format!("Bearer {}", world.owner_token))],
    )?;
    ensure!(
        pending.status == 200 && !pending.body.contains("\"cafe01\""),
        "applied once deployed: {}",
        pending.body
    );
    let now: serde_json::Value =
        serde_json::from_str(&priya.get("/api/v1/me/profile")?.body).map_err(|e| e.to_string())?;
    ensure!(now["name"] == "Priya N. Nair", "the portal: {now}");
    Ok(())
}
