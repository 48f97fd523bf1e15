//! Invites, sign-in, Remember Me, rate limits, suspension, logout.

use super::{ABC123_PASSWORD, abc123, forge, invite_path, now, session_version};
use crate::client::SESSION;
use crate::{Outcome, World, ensure};

pub fn invite_sets_password_once(world: &World) -> Outcome {
    let mut client = world.client();
    let link = invite_path(world, "abc123");
    let form = client.get(&link)?;
    ensure!(form.status == 200, "the invite page: {}", form.status);
    let token = link.trim_start_matches("/reset/?token=");
    ensure!(form.body.contains(token), "the form carries the token");
    // Too short, then mismatched: refused, nothing stored.
    let short = client.form(
        "/reset",
        &[
            ("token", token),
            ("password", "short"),
            ("confirm", "short"),
        ],
    )?;
    ensure!(
        short.status == 400 && short.body.contains("at least 10"),
        "short password: {}",
        short.status
    );
    let mismatch = client.form(
        "/reset",
        &[
            ("token", token),
            ("password", ABC123_PASSWORD),
            ("confirm", "something-else-entirely"),
        ],
    )?;
    ensure!(
        mismatch.status == 400 && mismatch.body.contains("not the same"),
        "mismatch: {}",
        mismatch.status
    );
    let set = client.form(
        "/reset",
        &[
            ("token", token),
            ("password", ABC123_PASSWORD),
            ("confirm", ABC123_PASSWORD),
        ],
    )?;
    ensure!(
        set.status == 303 && set.location() == "/portal/",
        "set: {} {}",
        set.status,
        set.location()
    );
    ensure!(
        client.cookies.contains_key(SESSION),
        "signed in after setting the password"
    );
    let home = client.get("/portal/")?;
    ensure!(
        home.status == 200 && home.body.contains("Welcome back, Alex!"),
        "portal: {}",
        home.status
    );
    // The same link again: refused.
    let mut other = world.client();
    let again = other.get(&link)?;
    ensure!(
        again.status == 400 && again.body.contains("expired or was already used"),
        "reused link page: {}",
        again.status
    );
    let reuse = other.form(
        "/reset",
        &[
            ("token", token),
            ("password", "another-password-1"),
            ("confirm", "another-password-1"),
        ],
    )?;
    ensure!(reuse.status == 400, "reusing the link: {}", reuse.status);
    let still = world.client().sign_in("abc123", ABC123_PASSWORD, false)?;
    ensure!(
        still.status == 303,
        "the first password still works: {}",
        still.status
    );
    Ok(())
}

pub fn remember_me(world: &World) -> Outcome {
    let mut remembered = world.client();
    let reply = remembered.sign_in("abc123", ABC123_PASSWORD, true)?;
    let cookie = reply.set_cookie(SESSION).ok_or("no session cookie")?;
    for part in [
        "Max-Age=2592000",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
    ] {
        ensure!(
            cookie.contains(part),
            "Remember Me cookie lacks {part}: {cookie}"
        );
    }
    ensure!(
        !cookie.contains("Domain="),
        "a __Host- cookie has no Domain"
    );
    let mut session = world.client();
    let reply = session.sign_in("abc123", ABC123_PASSWORD, false)?;
    let cookie = reply.set_cookie(SESSION).ok_or("no session cookie")?;
    ensure!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "without Remember Me the cookie ends with the browser session: {cookie}"
    );
    ensure!(
        cookie.contains("HttpOnly") && cookie.contains("Secure"),
        "{cookie}"
    );
    ensure!(
        session.get("/portal/")?.status == 200,
        "the session cookie works"
    );
    Ok(())
}

pub fn same_answer(world: &World) -> Outcome {
    let mut first = world.client();
    let mut second = world.client();
    let wrong = first.sign_in("abc123", "not-the-password", false)?;
    let unknown = second.sign_in("nobody1", "not-the-password", false)?;
    ensure!(
        wrong.status == 401 && unknown.status == 401,
        "statuses {} / {}",
        wrong.status,
        unknown.status
    );
    // The pages differ only in the username echoed into the form and the CSRF token.
    let normalise = |body: &str, code: &str, client: &crate::client::Client| {
        let token = client
            .cookies
            .get(crate::client::CSRF)
            .cloned()
            .unwrap_or_default();
        body.replace(&format!("value=\"{code}\""), "value=\"CODE\"")
            .replace(&token, "TOKEN")
    };
    let a = normalise(&wrong.body, "abc123", &first);
    let b = normalise(&unknown.body, "nobody1", &second);
    ensure!(a == b, "the two answers differ");
    ensure!(
        a.contains("partner code or password is not right"),
        "the message is shown"
    );
    // Where the partner was going survives a failed attempt (and only a portal path does).
    let mut client = world.client();
    let failed = client.form(
        "/login",
        &[
            ("username", "abc123"),
            ("password", "not-the-password"),
            ("next", "/portal/reports/ledger/"),
        ],
    )?;
    ensure!(
        failed.status == 401
            && failed
                .body
                .contains(r#"name="next" value="/portal/reports/ledger/""#),
        "the failed sign-in keeps next: {}",
        failed.status
    );
    let evil = client.form(
        "/login",
        &[
            ("username", "abc123"),
            ("password", "not-the-password"),
            ("next", "https://evil.example/"),
        ],
    )?;
    ensure!(
        !evil.body.contains("evil.example"),
        "a foreign next is not kept"
    );
    Ok(())
}

pub fn rate_limited(world: &World) -> Outcome {
    for attempt in 1..=10 {
        let reply = world.client().sign_in("xyz789", "guess-number-x", false)?;
        ensure!(reply.status == 401, "attempt {attempt}: {}", reply.status);
    }
    let eleventh = world.client().sign_in("xyz789", "guess-number-11", false)?;
    ensure!(
        eleventh.status == 429,
        "the 11th attempt: {}",
        eleventh.status
    );
    ensure!(eleventh.body.contains("Too many attempts"), "it says why");
    // Other partners are not affected.
    ensure!(
        world
            .client()
            .sign_in("abc123", ABC123_PASSWORD, false)?
            .status
            == 303,
        "abc123 can still sign in"
    );
    Ok(())
}

pub fn suspended(world: &World) -> Outcome {
    // leo777 is suspended in the content: their invite link is refused…
    let mut client = world.client();
    let page = client.get(&invite_path(world, "leo777"))?;
    ensure!(
        page.status == 400,
        "a suspended partner's link: {}",
        page.status
    );
    // …a password (set behind the portal's back) does not let them in…
    let salt = b"suspended-salt-1";
    let phc = pc_core::password::PasswordHash {
        iterations: 1000,
        salt: salt.to_vec(),
        hash: pc_core::password::derive(b"leo-password-123", salt, 1000).to_vec(),
    }
    .to_phc();
    world.db.execute(&format!(
        "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES ('leo777', '{phc}', 0, 0) \
         ON CONFLICT (partner) DO UPDATE SET password_hash = excluded.password_hash"
    ))?;
    let reply = world
        .client()
        .sign_in("leo777", "leo-password-123", false)?;
    ensure!(
        reply.status == 403 && reply.body.contains("suspended"),
        "sign-in: {}",
        reply.status
    );
    ensure!(
        reply.set_cookie(SESSION).is_none(),
        "no session for a suspended partner"
    );
    // …and a valid-looking session of theirs is refused.
    let version = session_version(world, "leo777")?;
    let mut forged = world.client();
    forged.cookies.insert(
        SESSION.into(),
        forge(&world.secret, "leo777", version, now() + 600),
    );
    let portal = forged.get("/portal/")?;
    ensure!(
        portal.status == 303 && portal.location().starts_with("/login/"),
        "portal: {}",
        portal.status
    );
    Ok(())
}

pub fn logout(world: &World) -> Outcome {
    let mut first = abc123(world, true)?;
    let mut second = abc123(world, false)?;
    ensure!(first.get("/portal/")?.status == 200, "signed in");
    let out = first.form("/logout", &[])?;
    ensure!(
        out.status == 303 && out.location().starts_with("/login/"),
        "logout: {} {}",
        out.status,
        out.location()
    );
    let cleared = out.set_cookie(SESSION).ok_or("the cookie is cleared")?;
    ensure!(cleared.contains("Max-Age=0"), "{cleared}");
    ensure!(
        !first.cookies.contains_key(SESSION),
        "the browser dropped the cookie"
    );
    // The old cookie value no longer works, here or on the other device.
    let portal = second.get("/portal/")?;
    ensure!(
        portal.status == 303,
        "the other session ended too: {}",
        portal.status
    );
    Ok(())
}
