//! Owners' two-step sign-in, as the partners' (`two_factor.rs`): owners.yaml requires it of
//! Amara, so her console waits on her account page until it is on; then the password alone no
//! longer signs her in, wrong and reused codes are refused, a recovery code works once, and she
//! cannot turn it off. Victor, whom nothing requires it of, turns it on and off again, which
//! needs his password and a code.

use super::owner::{VIEWER, json, mails_with, owner};
use super::two_factor::{App, SignIn};
use crate::client::{Client, OWNER, Reply};
use crate::{Outcome, World, ensure};

const REQUIRED: &str = "amara@brightloom.example";
const PASSWORD: &str = "console-password-2026";
const API: &str = "/api/v1/owner/me/two-factor";

fn post(client: &mut Client, action: &str, body: &serde_json::Value) -> Result<Reply, String> {
    client.post_json(&format!("{API}/{action}"), body.to_string().as_bytes())
}

/// Turns two-step sign-in on for the signed-in owner: the password first, then the app's code.
fn enrol(console: &mut Client) -> Result<(App, Vec<String>), String> {
    for (what, body) in [
        ("no password", serde_json::json!({})),
        (
            "a wrong password",
            serde_json::json!({ "password": "not-it" }),
        ),
    ] {
        let refused = post(console, "setup", &body)?;
        ensure!(
            refused.status == 403 && json(&refused.body)?["field"] == "password",
            "setup with {what}: {} {}",
            refused.status,
            refused.body
        );
    }
    let setup = post(
        console,
        "setup",
        &serde_json::json!({ "password": PASSWORD }),
    )?;
    ensure!(
        setup.status == 200,
        "setup: {} {}",
        setup.status,
        setup.body
    );
    let setup = json(&setup.body)?;
    ensure!(
        setup["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("otpauth://totp/") && u.contains("brightloom.example")),
        "the authenticator link names the owner: {}",
        setup["uri"]
    );
    let secret =
        pc_core::two_factor::TotpSecret::from_base32(setup["secret"].as_str().unwrap_or(""))
            .ok_or("a readable key")?;
    let mut app = App {
        secret,
        last_step: 0,
    };
    let wrong = post(
        console,
        "enable",
        &serde_json::json!({ "code": app.wrong_code() }),
    )?;
    ensure!(wrong.status == 422, "a wrong first code: {}", wrong.status);
    let on = post(
        console,
        "enable",
        &serde_json::json!({ "code": app.fresh_code()? }),
    )?;
    ensure!(on.status == 200, "enable: {} {}", on.status, on.body);
    let recovery: Vec<String> = json(&on.body)?["recovery_codes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ensure!(recovery.len() == 10, "ten recovery codes: {recovery:?}");
    Ok((app, recovery))
}

/// The password, then `code` at the owners' code step: the reply to the code form. An
/// owner's pending sign-in never opens the partners' code step.
fn sign_in_with(world: &World, email: &str, code: &str) -> Result<(Client, Reply), String> {
    let (mut client, reply) = SignIn {
        login: "/owner/login",
        fields: &[("email", email), ("password", PASSWORD)],
        code_step: "/owner/login/code/",
        cookie: OWNER,
    }
    .with_code(world, code)?;
    ensure!(
        client.get("/login/code/")?.location() == "/login/?status=codeexpired",
        "an owner's pending sign-in opened the partners' code step"
    );
    Ok((client, reply))
}

pub fn owners_two_step_sign_in(world: &World) -> Outcome {
    // Required of Amara: until it is on, every console page sends her to her account page and
    // the owner API refuses.
    let mut amara = owner(world, REQUIRED)?;
    let page = amara.get("/owner/")?;
    ensure!(
        page.status == 303 && page.location().starts_with("/owner/account/"),
        "the console before two-step sign-in: {} {}",
        page.status,
        page.location()
    );
    let api = amara.get("/api/v1/owner/overview")?;
    ensure!(
        api.status == 403 && api.body.contains("two-step"),
        "the owner API before two-step sign-in: {} {}",
        api.status,
        api.body
    );
    let account = amara.get("/owner/account/")?;
    ensure!(
        account.status == 200 && account.body.contains("/api/v1/owner/me/"),
        "the account page: {}",
        account.status
    );
    let status = json(&amara.get(API)?.body)?;
    ensure!(
        status["enabled"] == false && status["required"] == true,
        "required and off: {status}"
    );
    let (mut app, recovery) = enrol(&mut amara)?;
    ensure!(
        amara.get("/api/v1/owner/overview")?.status == 200,
        "the console once two-step sign-in is on"
    );
    let code = app.fresh_code()?;
    let kept = post(
        &mut amara,
        "disable",
        &serde_json::json!({ "password": PASSWORD, "code": code }),
    )?;
    ensure!(
        kept.status == 409 && kept.body.contains("owners.yaml"),
        "turning off what owners.yaml requires: {} {}",
        kept.status,
        kept.body
    );

    // Signing in: the password, then a wrong code (refused), the app's code (in), the same code
    // again (refused), a recovery code once.
    let (mut refused, wrong) = sign_in_with(world, REQUIRED, &app.wrong_code())?;
    ensure!(
        wrong.status == 401 && wrong.set_cookie(OWNER).is_none(),
        "a wrong code: {}",
        wrong.status
    );
    ensure!(
        refused.get("/api/v1/owner/overview")?.status == 401,
        "no session after a wrong code"
    );
    let code = app.fresh_code()?;
    let (mut signed, ok) = sign_in_with(world, REQUIRED, &code)?;
    ensure!(
        ok.status == 303 && ok.location() == "/owner/" && ok.set_cookie(OWNER).is_some(),
        "the app's code: {} {}",
        ok.status,
        ok.location()
    );
    ensure!(signed.get("/owner/")?.status == 200, "the console opens");
    let (_, used_again) = sign_in_with(world, REQUIRED, &code)?;
    ensure!(
        used_again.status == 401 && used_again.body.contains("already used"),
        "a reused code: {}",
        used_again.status
    );
    let (mut rescued, first) = sign_in_with(world, REQUIRED, &recovery[0])?;
    ensure!(
        first.status == 303 && rescued.get("/owner/")?.status == 200,
        "a recovery code: {}",
        first.status
    );
    let (_, again) = sign_in_with(world, REQUIRED, &recovery[0])?;
    ensure!(
        again.status == 401,
        "a recovery code twice: {}",
        again.status
    );

    // Victor, whom nothing requires it of: on, then off with his password and a code.
    let mut victor = owner(world, VIEWER)?;
    let (_, victor_recovery) = enrol(&mut victor)?;
    let without_password = post(
        &mut victor,
        "disable",
        &serde_json::json!({ "code": victor_recovery[0] }),
    )?;
    ensure!(
        without_password.status == 403 && json(&without_password.body)?["field"] == "password",
        "turn off without the password: {} {}",
        without_password.status,
        without_password.body
    );
    let off = post(
        &mut victor,
        "disable",
        &serde_json::json!({ "code": victor_recovery[1], "password": PASSWORD }),
    )?;
    ensure!(off.status == 200, "turn off: {} {}", off.status, off.body);
    let mut plain = world.client();
    let reply = plain.form("/owner/login", &[("email", VIEWER), ("password", PASSWORD)])?;
    ensure!(
        reply.status == 303 && reply.location() == "/owner/" && reply.set_cookie(OWNER).is_some(),
        "the password alone once it is off: {} {}",
        reply.status,
        reply.location()
    );

    // Each change reached the owner's own address and the activity log.
    let told = mails_with(world, "two-step sign-in was turned")?;
    ensure!(
        told.get(REQUIRED) == Some(&1) && told.get(VIEWER) == Some(&2),
        "the owners were told: {told:?}"
    );
    let log = json(&signed.get("/api/v1/owner/activity")?.body)?;
    ensure!(
        log.to_string().contains("two-step sign-in was turned on"),
        "the activity log: {log:.300}"
    );
    Ok(())
}
