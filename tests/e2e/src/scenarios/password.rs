//! Forgot your password? → outbox → reset.

use super::set_password;
use crate::{Outcome, World, ensure};

pub fn forgot_and_reset(world: &World) -> Outcome {
    // mia456 (abc123's password stays as the other scenarios expect).
    set_password(world, "mia456", "mia-first-password")?;
    let before = outbox_count(world)?;
    let mut client = world.client();
    let known = client.form("/forgot", &[("username", "mia456")])?;
    let unknown = world.client().form("/forgot", &[("username", "nobody1")])?;
    ensure!(
        known.status == 200 && unknown.status == 200,
        "{} / {}",
        known.status,
        unknown.status
    );
    ensure!(
        known.body.contains("on its way"),
        "the answer says a link may be on its way"
    );
    ensure!(
        after_csrf(&known.body) == after_csrf(&unknown.body),
        "the same answer for an unknown code"
    );
    let rows = world
        .db
        .query("SELECT recipient, body FROM outbox ORDER BY id DESC LIMIT 1")?;
    ensure!(
        outbox_count(world)? == before + 1,
        "exactly one mail was sent"
    );
    let mail = rows.first().ok_or("the outbox has the mail")?;
    ensure!(
        mail["recipient"] == "mia@slowmornings.example",
        "to mia: {}",
        mail["recipient"]
    );
    let body = mail["body"].as_str().unwrap_or("");
    let url = body
        .split_whitespace()
        .find(|w| w.contains("/reset/?token="))
        .ok_or("the mail has a link")?;
    let path = &url[url.find("/reset/").ok_or("path")?..];
    ensure!(
        url.starts_with(&world.base),
        "the link points at the portal: {url}"
    );
    let page = client.get(path)?;
    ensure!(
        page.status == 200,
        "the link opens the form: {}",
        page.status
    );
    let token = path.trim_start_matches("/reset/?token=");
    let reset = client.form(
        "/reset",
        &[
            ("token", token),
            ("password", "mia-second-password"),
            ("confirm", "mia-second-password"),
        ],
    )?;
    ensure!(
        reset.status == 303 && reset.location() == "/portal/",
        "reset: {}",
        reset.status
    );
    ensure!(
        client.get("/portal/")?.body.contains("Mia Chen"),
        "signed in as mia456"
    );
    ensure!(
        world
            .client()
            .sign_in("mia456", "mia-second-password", false)?
            .status
            == 303,
        "the new password works"
    );
    ensure!(
        world
            .client()
            .sign_in("mia456", "mia-first-password", false)?
            .status
            == 401,
        "the old one does not"
    );
    let again = world.client().form(
        "/reset",
        &[
            ("token", token),
            ("password", "mia-third-password"),
            ("confirm", "mia-third-password"),
        ],
    )?;
    ensure!(
        again.status == 400,
        "the link does not work twice: {}",
        again.status
    );
    ensure!(
        world
            .client()
            .sign_in("mia456", "mia-second-password", false)?
            .status
            == 303,
        "nothing changed"
    );
    Ok(())
}

/// A partner who forgot their code gives their e-mail address: the code comes with the link;
/// an unknown address gets the same answer and no mail.
pub fn forgot_code(world: &World) -> Outcome {
    let before = outbox_count(world)?;
    let known = world
        .client()
        .form("/forgot", &[("username", "Yusuf@KitchenLab.example")])?;
    let unknown = world
        .client()
        .form("/forgot", &[("username", "nobody@nowhere.example")])?;
    ensure!(
        known.status == 200 && unknown.status == 200 && known.body.contains("on its way"),
        "{} / {}",
        known.status,
        unknown.status
    );
    ensure!(
        after_csrf(&known.body) == after_csrf(&unknown.body),
        "the same answer for an unknown address"
    );
    let rows = world
        .db
        .query("SELECT recipient, body FROM outbox ORDER BY id DESC LIMIT 1")?;
    let mail = rows.first().ok_or("the outbox has the mail")?;
    ensure!(
        outbox_count(world)? == before + 1 && mail["recipient"] == "yusuf@kitchenlab.example",
        "one mail, to the address on file: {}",
        mail["recipient"]
    );
    let body = mail["body"].as_str().unwrap_or("");
    ensure!(
        body.contains("Your partner code (your username) is: xyz789")
            && body.contains("/reset/?token="),
        "the mail carries the code and a link: {body}"
    );
    Ok(())
}

/// A page after its CSRF token (which differs per browser): what two answers must share.
fn after_csrf(body: &str) -> String {
    body.split("data-csrf")
        .nth(1)
        .map(str::to_owned)
        .unwrap_or_default()
}

fn outbox_count(world: &World) -> Result<i64, String> {
    let rows = world.db.query("SELECT count(*) AS n FROM outbox")?;
    Ok(rows.first().and_then(|r| r["n"].as_i64()).unwrap_or(0))
}
