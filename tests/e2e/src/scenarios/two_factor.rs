//! Two-step sign-in (TOTP): turned on from My Profile, then asked for after the password;
//! wrong and reused codes refused; a recovery code works once; an e-mail or payout change needs a
//! fresh code; turned off again with a recovery code.

use pc_core::two_factor::{STEP_SECONDS, TotpSecret};

use crate::client::{Client, Reply, SESSION};
use crate::{Outcome, World, ensure};

const PARTNER: &str = "tess42";
const PASSWORD: &str = "tess-two-step-password-1";

/// The codes of the partner's app, each step used once, as the server requires.
pub(super) struct App {
    pub(super) secret: TotpSecret,
    pub(super) last_step: i64,
}

impl App {
    /// A code the server takes now: the first step not used yet that is at most one step
    /// behind the clock (the server accepts one step either side).
    pub(super) fn fresh_code(&mut self) -> Result<String, String> {
        let current = super::now() / STEP_SECONDS;
        let step = (self.last_step + 1).max(current - 1);
        ensure!(
            step <= current + 1,
            "no unused step left near the clock (last used {}, now {current})",
            self.last_step
        );
        self.last_step = step;
        Ok(self.secret.code_at_step(step))
    }

    /// A six-digit code that is none of the codes the server accepts now.
    pub(super) fn wrong_code(&self) -> String {
        let current = super::now() / STEP_SECONDS;
        let near: Vec<String> = (current - 2..=current + 2)
            .map(|s| self.secret.code_at_step(s))
            .collect();
        (0..10)
            .map(|d| format!("{d}{d}{d}{d}{d}{d}"))
            .find(|c| !near.contains(c))
            .expect("five codes cannot take ten repdigits")
    }
}

fn json(reply: &crate::client::Reply) -> Result<serde_json::Value, String> {
    serde_json::from_str(&reply.body).map_err(|e| format!("{e}: {}", reply.body))
}

fn post(
    client: &mut Client,
    path: &str,
    body: &serde_json::Value,
) -> Result<crate::client::Reply, String> {
    client.post_json(path, body.to_string().as_bytes())
}

/// Where an account of one kind signs in: its form, its code step, its session cookie.
pub(super) struct SignIn<'a> {
    pub(super) login: &'a str,
    pub(super) fields: &'a [(&'a str, &'a str)],
    pub(super) code_step: &'a str,
    pub(super) cookie: &'a str,
}

impl SignIn<'_> {
    /// The password, then `code` at the code step: the reply to the code form. The password
    /// alone sets no session, and the code page asks for the app's code.
    pub(super) fn with_code(&self, world: &World, code: &str) -> Result<(Client, Reply), String> {
        let mut client = world.client();
        let first = client.form(self.login, self.fields)?;
        ensure!(
            first.status == 303
                && first.location() == self.code_step
                && first.set_cookie(self.cookie).is_none(),
            "the password alone signs in: {} {}",
            first.status,
            first.location()
        );
        let page = client.get(self.code_step)?;
        ensure!(
            page.status == 200
                && page.body.contains("authenticator app")
                && page.body.contains(&format!(
                    r#"action="{}""#,
                    self.code_step.trim_end_matches('/')
                )),
            "the code page: {}",
            page.status
        );
        let reply = client.form(self.code_step.trim_end_matches('/'), &[("code", code)])?;
        Ok((client, reply))
    }
}

/// Password, then code: the reply to the code form.
fn sign_in_with(world: &World, code: &str) -> Result<(Client, Reply), String> {
    SignIn {
        login: "/login",
        fields: &[("username", PARTNER), ("password", PASSWORD)],
        code_step: "/login/code/",
        cookie: SESSION,
    }
    .with_code(world, code)
}

pub fn enrol_sign_in_and_step_up(world: &World) -> Outcome {
    let mut me = super::set_password(world, PARTNER, PASSWORD)?;
    let off = json(&me.get("/api/v1/me/two-factor")?)?;
    ensure!(off["enabled"] == false, "off at first: {off}");

    // Enrol: the password first (a session alone cannot bind another phone); then a QR code
    // and its key; a wrong code does not turn it on, the app's code does.
    for (what, body) in [
        ("no password", serde_json::json!({})),
        (
            "a wrong password",
            serde_json::json!({ "password": "not-my-password" }),
        ),
    ] {
        let refused = post(&mut me, "/api/v1/me/two-factor/setup", &body)?;
        ensure!(
            refused.status == 403 && json(&refused)?["field"] == "password",
            "setup with {what}: {} {}",
            refused.status,
            refused.body
        );
    }
    let setup = post(
        &mut me,
        "/api/v1/me/two-factor/setup",
        &serde_json::json!({ "password": PASSWORD }),
    )?;
    ensure!(
        setup.status == 200,
        "setup: {} {}",
        setup.status,
        setup.body
    );
    let setup = json(&setup)?;
    let uri = setup["uri"].as_str().unwrap_or("");
    ensure!(
        uri.starts_with("otpauth://totp/") && uri.contains(PARTNER) && uri.contains("secret="),
        "the authenticator link: {uri}"
    );
    ensure!(
        setup["qr_svg"].as_str().is_some_and(|s| s.contains("<svg")),
        "a QR code"
    );
    let secret =
        TotpSecret::from_base32(setup["secret"].as_str().unwrap_or("")).ok_or("a readable key")?;
    let mut app = App {
        secret,
        last_step: 0,
    };
    let wrong = post(
        &mut me,
        "/api/v1/me/two-factor/enable",
        &serde_json::json!({ "code": app.wrong_code() }),
    )?;
    ensure!(wrong.status == 422, "a wrong first code: {}", wrong.status);
    ensure!(
        json(&me.get("/api/v1/me/two-factor")?)?["enabled"] == false,
        "a wrong first code turned it on"
    );
    let on = post(
        &mut me,
        "/api/v1/me/two-factor/enable",
        &serde_json::json!({ "code": app.fresh_code()? }),
    )?;
    ensure!(on.status == 200, "enable: {} {}", on.status, on.body);
    let recovery: Vec<String> = json(&on)?["recovery_codes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ensure!(recovery.len() == 10, "ten recovery codes: {recovery:?}");
    let status = json(&me.get("/api/v1/me/two-factor")?)?;
    ensure!(
        status["enabled"] == true && status["recovery_codes_left"] == 10,
        "on: {status}"
    );

    // Sign in: the password, then a wrong code (refused), then the app's code.
    let (mut other, wrong) = sign_in_with(world, &app.wrong_code())?;
    ensure!(
        wrong.status == 401
            && wrong.body.contains("not right")
            && wrong.set_cookie(SESSION).is_none(),
        "a wrong code: {}",
        wrong.status
    );
    ensure!(
        other.get("/portal/")?.status == 303,
        "no session after a wrong code"
    );
    let code = app.fresh_code()?;
    let (mut signed, ok) = sign_in_with(world, &code)?;
    ensure!(
        ok.status == 303 && ok.location() == "/portal/" && ok.set_cookie(SESSION).is_some(),
        "the app's code: {} {}",
        ok.status,
        ok.location()
    );
    ensure!(signed.get("/portal/")?.status == 200, "signed in");

    // The same code again (someone who saw it): refused.
    let (_, reused) = sign_in_with(world, &code)?;
    ensure!(
        reused.status == 401 && reused.body.contains("already used"),
        "a reused code: {} {}",
        reused.status,
        reused.body.contains("already used")
    );

    // A recovery code signs in once.
    let (mut rescued, first) = sign_in_with(world, &recovery[0].to_uppercase())?;
    ensure!(
        first.status == 303 && rescued.get("/portal/")?.status == 200,
        "a recovery code: {}",
        first.status
    );
    let (_, again) = sign_in_with(world, &recovery[0])?;
    ensure!(
        again.status == 401,
        "a recovery code twice: {}",
        again.status
    );

    // A new e-mail address needs the password and a fresh code; without one nothing changes.
    let before = json(&signed.get("/api/v1/me/profile")?)?;
    let change = |code: Option<&str>| serde_json::json!({ "name": before["name"], "email": "tess.new@example.com", "password": PASSWORD, "two_factor_code": code });
    for (what, code) in [("no code", None), ("a used code", Some(code.as_str()))] {
        let answer = signed.put_json("/api/v1/me/profile", change(code).to_string().as_bytes())?;
        ensure!(
            answer.status == 403 && json(&answer)?["two_factor_required"] == true,
            "an e-mail change with {what}: {} {}",
            answer.status,
            answer.body
        );
    }
    ensure!(
        json(&signed.get("/api/v1/me/profile")?)?["email"] == before["email"],
        "a refused e-mail change changed the address"
    );
    let fresh = app.fresh_code()?;
    let changed = signed.put_json(
        "/api/v1/me/profile",
        change(Some(&fresh)).to_string().as_bytes(),
    )?;
    ensure!(
        changed.status == 200 && json(&changed)?["email"] == "tess.new@example.com",
        "an e-mail change with a fresh code: {} {}",
        changed.status,
        changed.body
    );
    // Other details change without a code.
    let renamed = signed.put_json(
        "/api/v1/me/profile",
        serde_json::json!({ "name": "Tess Two-Step", "email": "tess.new@example.com" })
            .to_string()
            .as_bytes(),
    )?;
    ensure!(renamed.status == 200, "a name change: {}", renamed.status);

    // Payout details: the password and a code.
    let payout = signed.put_json(
        "/api/v1/me/payout",
        serde_json::json!({ "method": "PayPal", "details": "tess@example.com", "password": PASSWORD })
            .to_string()
            .as_bytes(),
    )?;
    ensure!(
        payout.status == 403 && json(&payout)?["two_factor_required"] == true,
        "a payout change without a code: {} {}",
        payout.status,
        payout.body
    );

    // Turning it off needs the password besides a code; with a recovery code (no phone at
    // hand) and the password it is off, and the password alone signs in again.
    let without_password = post(
        &mut signed,
        "/api/v1/me/two-factor/disable",
        &serde_json::json!({ "code": recovery[2] }),
    )?;
    ensure!(
        without_password.status == 403 && json(&without_password)?["field"] == "password",
        "turn off without the password: {} {}",
        without_password.status,
        without_password.body
    );
    let off = post(
        &mut signed,
        "/api/v1/me/two-factor/disable",
        &serde_json::json!({ "code": recovery[1], "password": PASSWORD }),
    )?;
    ensure!(off.status == 200, "turn off: {} {}", off.status, off.body);
    let mut plain = world.client();
    let reply = plain.sign_in(PARTNER, PASSWORD, false)?;
    ensure!(
        reply.status == 303 && reply.location() == "/portal/",
        "the password alone once it is off: {} {}",
        reply.status,
        reply.location()
    );
    // The partner's details as they were (later steps mail the address on file).
    let original = serde_json::json!({
        "name": before["name"], "company": before["company"], "email": before["email"],
        "phone": before["phone"], "address": before["address"], "password": PASSWORD,
    });
    let restored = plain.put_json("/api/v1/me/profile", original.to_string().as_bytes())?;
    ensure!(
        restored.status == 200,
        "restore: {} {}",
        restored.status,
        restored.body
    );
    Ok(())
}
