//! `require_two_factor: true` in site.yaml, through the whole app (native backend): a partner
//! without two-step sign-in is sent to My Profile and gets no data until it is on; then the
//! portal opens, and it cannot be turned off.

use std::collections::HashMap;

use pc_core::two_factor::{STEP_SECONDS, TotpSecret};

use crate::helpers::{demo_copy, deploy_native};

const SECRET: &str = "two-factor-session-secret-long-enough-0123456";
const PASSWORD: &str = "two-factor-partner-password";
const CSRF: &str = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";

fn request(method: &str, path: &str, body: &str) -> pc_worker::Request {
    let keys = pc_core::SigningKeys::new(SECRET, None).unwrap();
    let session = pc_core::Session::new(
        pc_core::PartnerCode::parse("abc123").unwrap(),
        0,
        false,
        pc_generator::serve::unix_now(),
    )
    .sign(&keys);
    http::Request::builder()
        .method(method)
        .uri(format!("https://partners.example{path}"))
        .header("host", "partners.example")
        .header("origin", "https://partners.example")
        .header("content-type", "application/json")
        .header("x-csrf-token", CSRF)
        .header(
            "cookie",
            format!("__Host-pc_session={session}; __Host-pc_csrf={CSRF}"),
        )
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn json(response: &pc_worker::Response) -> serde_json::Value {
    serde_json::from_slice(response.body()).unwrap()
}

#[test]
fn the_owner_can_require_two_step_sign_in_of_every_partner() {
    let dir = demo_copy();
    let content = dir.path().join("content");
    let site = content.join("site.yaml");
    let yaml = std::fs::read_to_string(&site).unwrap() + "require_two_factor: true\n";
    std::fs::write(&site, yaml).unwrap();
    let out = dir.path().join("dist");
    pc_generator::build::build(&content, &out).unwrap();
    let db = dir.path().join("db.sqlite");
    deploy_native(&out, &db);
    // abc123's password (session version 0, as the test's session): turning it on needs it.
    let salt = b"two-factor-salt1";
    let phc = pc_core::password::PasswordHash {
        iterations: 1000,
        salt: salt.to_vec(),
        hash: pc_core::password::derive(PASSWORD.as_bytes(), salt, 1000).to_vec(),
    }
    .to_phc();
    pc_worker::native::Database::open(&db)
        .unwrap()
        .execute(&pc_worker::Statement::new(
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES ('abc123', ?, 0, 0)",
            vec![phc.into()],
        ))
        .unwrap();
    let env: HashMap<String, String> = [
        ("SESSION_SECRET", SECRET),
        ("PORTAL_URL", "https://partners.example"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let state = pc_worker::native::NativeState::new(
        pc_worker::native::Database::open(&db).unwrap(),
        out.join("site"),
        env,
        Box::new(|_| {}),
    );
    let answer = |method: &str, path: &str, body: &str| {
        pc_worker::native::answer(&state, request(method, path, body))
    };

    // Not on yet: every page but My Profile sends there, and the data API refuses.
    let home = answer("GET", "/portal/", "");
    assert_eq!(home.status(), 303);
    assert_eq!(
        home.headers()["location"],
        "/portal/profile/?status=twofactorneeded#two-factor"
    );
    let profile = answer("GET", "/portal/profile/?status=twofactorneeded", "");
    assert_eq!(profile.status(), 200);
    let page = String::from_utf8_lossy(profile.body());
    assert!(page.contains("asks every partner to turn on two-step sign-in"));
    assert_eq!(answer("GET", "/api/v1/me/summary", "").status(), 403);
    assert_eq!(
        json(&answer("GET", "/api/v1/me/two-factor", ""))["required"],
        true
    );

    // Turned on: the portal and the data open; turning it off is refused.
    let setup = json(&answer(
        "POST",
        "/api/v1/me/two-factor/setup",
        &format!(r#"{{"password":"{PASSWORD}"}}"#),
    ));
    let secret = TotpSecret::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    let code = secret.code_at_step(pc_generator::serve::unix_now() / STEP_SECONDS);
    let on = answer(
        "POST",
        "/api/v1/me/two-factor/enable",
        &format!(r#"{{"code":"{code}"}}"#),
    );
    assert_eq!(on.status(), 200, "{}", String::from_utf8_lossy(on.body()));
    let recovery = json(&on)["recovery_codes"][0].as_str().unwrap().to_owned();
    assert_eq!(answer("GET", "/portal/", "").status(), 200);
    assert_eq!(answer("GET", "/api/v1/me/summary", "").status(), 200);
    let off = answer(
        "POST",
        "/api/v1/me/two-factor/disable",
        &format!(r#"{{"code":"{recovery}","password":"{PASSWORD}"}}"#),
    );
    assert_eq!(off.status(), 409);
    assert_eq!(
        json(&answer("GET", "/api/v1/me/two-factor", ""))["enabled"],
        true
    );
}
