//! My Profile: JSON API and form, persisted, escaped.

use super::abc123;
use crate::{Outcome, World, ensure};

pub fn update_persists(world: &World) -> Outcome {
    let mut client = abc123(world, false)?;
    let origin = world.base.clone();
    let update = serde_json::json!({
        "name": "Alex R. Rivera",
        "company": "Rivera <Reviews> & Co",
        "email": "alex.rivera@riverareviews.example",
        "phone": "+1 (503) 555-0199",
        "address": "<script>alert('x')</script>\n1200 SE Morrison St",
    });
    let put = client.send(
        "PUT",
        "/api/v1/me/profile",
        "application/json",
        update.to_string().as_bytes(),
        &[("origin", &origin)],
    )?;
    ensure!(put.status == 200, "PUT: {} {}", put.status, put.body);
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
    let bad = client.send(
        "PUT",
        "/api/v1/me/profile",
        "application/json",
        br#"{"name": "", "email": "nope"}"#,
        &[("origin", &origin)],
    )?;
    ensure!(bad.status == 422, "invalid: {}", bad.status);
    let malformed = client.send(
        "PUT",
        "/api/v1/me/profile",
        "application/json",
        b"{not json",
        &[("origin", &origin)],
    )?;
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

    // The page's own form.
    let form = client.form(
        "/portal/profile",
        &[
            ("name", "Alex Rivera"),
            ("company", "Rivera Reviews"),
            ("email", "alex@riverareviews.example"),
            ("phone", ""),
            ("address", ""),
        ],
    )?;
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
