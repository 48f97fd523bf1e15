//! CSRF, origin checks, security headers, and bad input.

use super::{ABC123_PASSWORD, abc123};
use crate::client::{CSRF, SESSION, encode_form};
use crate::{Outcome, World, ensure};

pub fn csrf_and_origin(world: &World) -> Outcome {
    let mut client = world.client();
    client.get("/login/")?;
    let token = client
        .cookies
        .get(CSRF)
        .cloned()
        .ok_or("the login page sets the CSRF cookie")?;
    let page = client.get("/login/")?;
    ensure!(
        page.body.contains(&format!("value=\"{token}\" data-csrf")),
        "the form carries the token"
    );
    let base = world.base.clone();
    let body = |csrf: &str| {
        encode_form(&[
            ("username", "abc123"),
            ("password", ABC123_PASSWORD),
            ("csrf", csrf),
        ])
    };
    let form = "application/x-www-form-urlencoded";
    let no_token = client.send(
        "POST",
        "/login",
        form,
        body("").as_bytes(),
        &[("origin", &base)],
    )?;
    ensure!(
        no_token.status == 403,
        "without the token: {}",
        no_token.status
    );
    let wrong = client.send(
        "POST",
        "/login",
        form,
        body(&"0".repeat(64)).as_bytes(),
        &[("origin", &base)],
    )?;
    ensure!(wrong.status == 403, "with another token: {}", wrong.status);
    let cross = client.send(
        "POST",
        "/login",
        form,
        body(&token).as_bytes(),
        &[("origin", "https://evil.example")],
    )?;
    ensure!(
        cross.status == 403 && cross.set_cookie(SESSION).is_none(),
        "cross-site: {}",
        cross.status
    );
    let fetch_site = client.send(
        "POST",
        "/login",
        form,
        body(&token).as_bytes(),
        &[("sec-fetch-site", "cross-site")],
    )?;
    ensure!(
        fetch_site.status == 403,
        "Sec-Fetch-Site cross-site: {}",
        fetch_site.status
    );
    let ok = client.send(
        "POST",
        "/login",
        form,
        body(&token).as_bytes(),
        &[("origin", &base)],
    )?;
    ensure!(
        ok.status == 303,
        "same origin with the token: {}",
        ok.status
    );
    // Logout and profile need them too.
    let mut signed = abc123(world, false)?;
    let logout = signed.send("POST", "/logout", form, b"csrf=", &[("origin", &base)])?;
    ensure!(
        logout.status == 403 && signed.get("/portal/")?.status == 200,
        "logout without token"
    );
    let put = signed.send(
        "PUT",
        "/api/v1/me/profile",
        "application/json",
        b"{}",
        &[("origin", "https://evil.example")],
    )?;
    ensure!(put.status == 403, "cross-site PUT: {}", put.status);
    let signed_token = signed.cookies.get(CSRF).cloned().unwrap_or_default();
    let text = signed.send(
        "PUT",
        "/api/v1/me/profile",
        "text/plain",
        br#"{"name":"x","email":"a@b.example"}"#,
        &[("origin", &base), ("x-csrf-token", &signed_token)],
    )?;
    ensure!(
        text.status == 415,
        "a text/plain body (a cross-site simple request): {}",
        text.status
    );
    Ok(())
}

pub fn security_headers(world: &World) -> Outcome {
    let mut client = abc123(world, false)?;
    for path in [
        "/login/",
        "/portal/",
        "/portal/links/",
        "/assets/style.css",
        "/nope",
        "/_p/xyz789/",
    ] {
        let reply = client.get(path)?;
        let csp = reply.header("content-security-policy").unwrap_or("");
        ensure!(csp.contains("frame-ancestors 'none'"), "{path}: CSP {csp}");
        ensure!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: no inline script"
        );
        ensure!(
            reply.header("x-content-type-options") == Some("nosniff"),
            "{path}: nosniff"
        );
        ensure!(
            reply.header("referrer-policy").is_some(),
            "{path}: Referrer-Policy"
        );
    }
    let css = client.get("/assets/style.css")?;
    ensure!(
        css.status == 200
            && css
                .header("content-type")
                .unwrap_or("")
                .starts_with("text/css"),
        "CSS: {:?}",
        css.header("content-type")
    );
    Ok(())
}

pub fn bad_input(world: &World) -> Outcome {
    let mut client = world.client();
    let base = world.base.clone();
    let huge = vec![b'a'; 70 * 1024];
    let big = client.send(
        "POST",
        "/login",
        "application/x-www-form-urlencoded",
        &huge,
        &[("origin", &base)],
    )?;
    ensure!(big.status == 413, "an oversized body: {}", big.status);
    let not_form = client.send(
        "POST",
        "/login",
        "application/json",
        b"{}",
        &[("origin", &base)],
    )?;
    ensure!(not_form.status == 400, "not a form: {}", not_form.status);
    let junk_cookie = client.get_with(
        "/portal/",
        &[("cookie", "__Host-pc_session=\u{1}\u{2}; ;;=; a")],
    );
    if let Ok(reply) = junk_cookie {
        ensure!(
            reply.status == 303,
            "a malformed cookie header: {}",
            reply.status
        );
    }
    ensure!(client.get("/no/such/page")?.status == 404, "unknown route");
    ensure!(
        client.get("/api/v1/nothing")?.status == 404,
        "unknown API route"
    );
    let bin = client.send(
        "POST",
        "/login",
        "application/x-www-form-urlencoded",
        &[0xff, 0xfe, b'=', 0x00],
        &[("origin", &base)],
    )?;
    ensure!(
        bin.status == 403 || bin.status == 400,
        "binary junk: {}",
        bin.status
    );
    let long_user = "a".repeat(5000);
    let reply = client.form("/login", &[("username", &long_user), ("password", "x")])?;
    ensure!(
        reply.status == 401,
        "a very long username: {}",
        reply.status
    );
    ensure!(
        client
            .send("DELETE", "/portal/", "text/plain", b"", &[])?
            .status
            >= 400,
        "DELETE"
    );
    Ok(())
}

/// Every cookie-authenticated JSON change (the `/api/v1/me/` routes that accept PUT) needs the
/// same-origin proof and the page's token; without either, nothing changes.
pub fn json_changes_need_origin_and_token(world: &World) -> Outcome {
    let mut signed = abc123(world, false)?;
    let token = signed.cookies.get(CSRF).cloned().ok_or("the CSRF cookie")?;
    let base = world.base.clone();
    let routes: [(&str, String); 2] = [
        (
            "/api/v1/me/profile",
            r#"{"name":"Changed By Forgery","email":"forged@evil.example"}"#.to_owned(),
        ),
        (
            "/api/v1/me/payout",
            format!(
                r#"{{"method":"PayPal","details":"forged@evil.example","password":"{ABC123_PASSWORD}"}}"#
            ),
        ),
    ];
    for (route, body) in &routes {
        let before = signed.get(route)?.body;
        let json = "application/json";
        let attempts: [(&str, Vec<(&str, &str)>); 5] = [
            (
                "no Origin, no Sec-Fetch-Site",
                vec![("x-csrf-token", &token)],
            ),
            (
                "another Origin",
                vec![("origin", "https://evil.example"), ("x-csrf-token", &token)],
            ),
            (
                "Sec-Fetch-Site cross-site",
                vec![("sec-fetch-site", "cross-site"), ("x-csrf-token", &token)],
            ),
            ("the same Origin without the token", vec![("origin", &base)]),
            (
                "the same Origin with another token",
                vec![
                    ("origin", &base),
                    (
                        "x-csrf-token",
                        "0000000000000000000000000000000000000000000000000000000000000000",
                    ),
                ],
            ),
        ];
        for (what, headers) in &attempts {
            let reply = signed.send("PUT", route, json, body.as_bytes(), headers)?;
            ensure!(
                reply.status == 403,
                "PUT {route} with {what}: {} {}",
                reply.status,
                reply.body
            );
        }
        ensure!(
            signed.get(route)?.body == before,
            "PUT {route}: a refused change changed something"
        );
        // Sec-Fetch-Site same-origin (a browser that sends no Origin) with the token passes the
        // check and reaches the route's own validation.
        let reply = signed.send(
            "PUT",
            route,
            json,
            b"{}",
            &[("sec-fetch-site", "same-origin"), ("x-csrf-token", &token)],
        )?;
        ensure!(
            reply.status == 400 || reply.status == 422,
            "PUT {route} from the portal's page reaches the route: {} {}",
            reply.status,
            reply.body
        );
    }
    Ok(())
}

/// Sends `raw` over a new connection; the status code of the answer (None: no answer).
fn raw_status(world: &World, raw: &[u8]) -> Result<Option<u16>, String> {
    use std::io::{Read, Write};
    let authority = world
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&authority).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    stream.write_all(raw).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    // The status line is all that is needed.
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    Ok(line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok()))
}

pub fn invalid_bytes_get_4xx(world: &World) -> Outcome {
    let authority = world
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let cases: [(&str, Vec<u8>); 3] = [
        (
            "a Cookie header carrying bytes 0xFF 0xFE",
            [
                format!("GET /portal/ HTTP/1.1\r\nHost: {authority}\r\nCookie: __Host-pc_session=")
                    .as_bytes(),
                &[0xff, 0xfe],
                b"\r\nConnection: close\r\n\r\n",
            ]
            .concat(),
        ),
        (
            "a User-Agent with a byte 0x80",
            [
                format!("GET /r/abc123/home HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: Mozilla")
                    .as_bytes(),
                &[0x80],
                b"\r\nConnection: close\r\n\r\n",
            ]
            .concat(),
        ),
        (
            "a request line with a byte 0xFF",
            [
                b"GET /login/".as_slice(),
                &[0xff],
                format!(" HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").as_bytes(),
            ]
            .concat(),
        ),
    ];
    for (what, raw) in cases {
        let status = raw_status(world, &raw)?;
        ensure!(
            status.is_some_and(|s| (400..500).contains(&s)),
            "{what}: answered {status:?}, not a 4xx"
        );
    }
    Ok(())
}

/// Every change a signed-in browser can make, sent with a valid session and the right CSRF token
/// but without same-origin proof (no Origin, no Sec-Fetch-Site; or another site's Origin), is
/// refused with 403 and changes nothing. Route by route.
pub fn changes_without_origin_proof_change_nothing(world: &World) -> Outcome {
    let mut partner = abc123(world, false)?;
    let token = partner
        .cookies
        .get(CSRF)
        .cloned()
        .ok_or("the CSRF cookie")?;
    let form = "application/x-www-form-urlencoded";
    let json = "application/json";
    let csrf_form = |extra: &str| format!("csrf={token}{extra}");
    let state = |client: &mut crate::client::Client| -> Result<String, String> {
        Ok(format!(
            "{}|{}|{}|{}",
            client.get("/portal/")?.status,
            client.get("/api/v1/me/profile")?.body,
            client.get("/api/v1/me/two-factor")?.body,
            world
                .db
                .query("SELECT count(*) AS n FROM notification_prefs WHERE partner = 'abc123'")?[0]
                ["n"]
        ))
    };
    let before = state(&mut partner)?;
    let partner_routes: [(&str, &str, &str, String); 6] = [
        ("POST", "/logout", form, csrf_form("")),
        (
            "POST",
            "/portal/profile",
            form,
            csrf_form("&name=Forged&email=forged%40evil.example"),
        ),
        ("POST", "/portal/notifications", form, csrf_form("")),
        (
            "PUT",
            "/api/v1/me/profile",
            json,
            r#"{"name":"Forged","email":"forged@evil.example"}"#.into(),
        ),
        (
            "PUT",
            "/api/v1/me/payout",
            json,
            format!(
                r#"{{"method":"PayPal","details":"forged@evil.example","password":"{ABC123_PASSWORD}"}}"#
            ),
        ),
        ("POST", "/api/v1/me/two-factor/setup", json, "{}".into()),
    ];
    let unproven: [(&str, Vec<(&str, &str)>); 2] = [
        (
            "no Origin and no Sec-Fetch-Site",
            vec![("x-csrf-token", &token)],
        ),
        (
            "another site's Origin",
            vec![("origin", "https://evil.example"), ("x-csrf-token", &token)],
        ),
    ];
    for (method, route, content_type, body) in &partner_routes {
        for (what, headers) in &unproven {
            let reply = partner.send(method, route, content_type, body.as_bytes(), headers)?;
            ensure!(
                reply.status == 403,
                "{method} {route} with {what}: {} {}",
                reply.status,
                reply.body
            );
        }
    }
    ensure!(
        state(&mut partner)? == before,
        "a refused change changed the partner's session, profile, two-step setting or notifications"
    );

    // The owner's console: sign-out, an application decision, the scheduled run.
    let mut console = super::owner::owner(world, "olivia@brightloom.example")?;
    let owner_token = console.cookies.get(CSRF).cloned().unwrap_or_default();
    let decided_before = world.db.query("SELECT count(*) AS n FROM owner_audit")?[0]["n"].clone();
    let owner_routes: [(&str, &str, String); 4] = [
        ("/owner/logout", form, format!("csrf={owner_token}")),
        (
            "/api/v1/owner/applications/zz9999/approve",
            json,
            "{}".into(),
        ),
        (
            "/api/v1/owner/scheduled?cron=*/15+*+*+*+*",
            json,
            "{}".into(),
        ),
        (
            "/api/v1/owner/conversions/zz-risk/release",
            json,
            "{}".into(),
        ),
    ];
    for (route, content_type, body) in &owner_routes {
        let reply = console.send(
            "POST",
            route,
            content_type,
            body.as_bytes(),
            &[("x-csrf-token", &owner_token)],
        )?;
        ensure!(
            reply.status == 403,
            "POST {route} without origin proof: {} {}",
            reply.status,
            reply.body
        );
    }
    ensure!(
        world.db.query("SELECT count(*) AS n FROM owner_audit")?[0]["n"] == decided_before,
        "a refused owner change was recorded"
    );
    ensure!(
        console.get("/api/v1/owner/overview")?.status == 200,
        "the owner is still signed in"
    );
    Ok(())
}
