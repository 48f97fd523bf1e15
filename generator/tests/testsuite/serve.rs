//! `serve` and `invite`: the local portal and set-password links.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::helpers::{cli, demo_content, demo_copy, read};

const SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

#[test]
fn invite_prints_a_signed_link_for_known_partners_only() {
    let output = cli()
        .env("SESSION_SECRET", SECRET)
        .args([
            "invite",
            "abc123",
            "--base-url",
            "https://partners.example/",
            "--content",
        ])
        .arg(demo_content())
        .output()
        .unwrap();
    assert!(output.status.success());
    let link = String::from_utf8(output.stdout).unwrap();
    let token = link
        .trim()
        .strip_prefix("https://partners.example/reset/?token=")
        .expect("a link to the reset page");
    let keys = pc_core::SigningKeys::new(SECRET, None).unwrap();
    let now = pc_generator::serve::unix_now();
    let verified = pc_core::PasswordLink::verify(token, &keys, now).unwrap();
    assert_eq!(verified.partner.as_str(), "abc123");
    assert!(
        verified.expires_at > now + 6 * 24 * 3600,
        "valid for a week"
    );
    cli()
        .env("SESSION_SECRET", SECRET)
        .args(["invite", "nobody1", "--content"])
        .arg(demo_content())
        .assert()
        .failure()
        .stderr(predicate::str::contains("there is no partner `nobody1`"));
    cli()
        .env("SESSION_SECRET", SECRET)
        .args(["invite", "Not A Code"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("partner code"));
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` over HTTP/1.0 with extra header lines; the whole response.
fn request(port: u16, path: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

fn get(port: u16, path: &str) -> String {
    request(port, path, "")
}

/// `GET path` as `code` (a session cookie signed with the state's secret); the JSON body.
fn get_as(port: u16, secret: &str, code: &str, path: &str) -> serde_json::Value {
    let keys = pc_core::SigningKeys::new(secret, None).unwrap();
    let cookie = pc_core::Session {
        partner: pc_core::PartnerCode::parse(code).unwrap(),
        version: 0,
        expires_at: pc_generator::serve::unix_now() + 3600,
        remember: false,
    }
    .sign(&keys);
    let response = request(
        port,
        path,
        &format!("Cookie: __Host-pc_session={cookie}\r\n"),
    );
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {response}"))
}

fn minor(text: &serde_json::Value) -> i64 {
    let text = text.as_str().unwrap_or_else(|| panic!("an amount: {text}"));
    let (units, cents) = text.split_once('.').unwrap();
    let sign = if units.starts_with('-') { -1 } else { 1 };
    units.parse::<i64>().unwrap() * 100 + sign * cents.parse::<i64>().unwrap()
}

/// The first `serve` on the demo fills in sample activity; every partner's balance cards are
/// zero or more and say what the ledger says.
fn demo_balances_add_up(port: u16, secret: &str) {
    for code in ["abc123", "mia456", "xyz789", "sam314", "tess42", "cafe01"] {
        let s = get_as(port, secret, code, "/api/v1/me/summary");
        for card in [
            "balance",
            "payable",
            "pending",
            "under_review",
            "paid_to_date",
            "owed_back",
        ] {
            assert!(minor(&s[card]) >= 0, "{code}'s {card} is {}", s[card]);
        }
        assert_eq!(
            minor(&s["balance"]),
            minor(&s["payable"]) + minor(&s["pending"]) + minor(&s["under_review"])
                - minor(&s["owed_back"]),
            "{code}: {s}"
        );
        // The ledger's running balance over all time ends at the balance card.
        let two_years_ago = pc_core::ledger::date(pc_generator::serve::unix_now() - 700 * 86_400);
        let ledger = get_as(
            port,
            secret,
            code,
            &format!("/api/v1/me/ledger?from={two_years_ago}&per_page=500"),
        );
        assert_eq!(
            ledger["totals"]["closing_balance"], s["balance"],
            "{code}: ledger {} vs card {}",
            ledger["totals"]["closing_balance"], s["balance"]
        );
        let rows = ledger["rows"].as_array().unwrap();
        let sum: i64 = rows.iter().map(|r| minor(&r["amount"])).sum();
        assert_eq!(sum, minor(&s["balance"]), "{code}: the lines add up");
        let paid: i64 = rows
            .iter()
            .filter(|r| r["entry"] == "payout")
            .map(|r| -minor(&r["amount"]))
            .sum();
        assert_eq!(paid, minor(&s["paid_to_date"]), "{code}: paid to date");
        if code == "abc123" {
            assert!(
                minor(&s["payable"]) > 0 && minor(&s["pending"]) > 0 && rows.len() > 20,
                "abc123 has a history: {s}"
            );
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_signs_in_the_demo_partner_and_rebuilds_on_change() {
    let tree = demo_copy();
    let port = free_port();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("partner-center"))
        .current_dir(tree.path())
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Serve(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.contains("is running at");
        printed.push(line);
        if done {
            break;
        }
    }
    let printed = printed.join("\n");
    assert!(printed.contains("as abc123 with password: "), "{printed}");
    assert!(
        printed.contains("sample activity for the demo"),
        "{printed}"
    );
    assert!(
        printed.contains("xyz789") && printed.contains("/reset/?token="),
        "invites for the others"
    );
    // Dev secrets are kept in the state dir (not in git), readable by the owner only.
    let secrets = tree.path().join(".partner-center/secrets.json");
    assert!(read(&secrets).contains("SESSION_SECRET"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secrets).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "secrets.json is private");
    }
    assert!(get(port, "/login/").contains("Brightloom Partner Center"));
    let secrets: serde_json::Value = serde_json::from_str(&read(&secrets)).unwrap();
    demo_balances_add_up(port, secrets["SESSION_SECRET"].as_str().unwrap());

    let site = tree.path().join("content/site.yaml");
    std::fs::write(
        &site,
        read(&site).replace("Brightloom Partner Center", "Brightloom Partner Hub"),
    )
    .unwrap();
    let started = Instant::now();
    while !get(port, "/login/").contains("Brightloom Partner Hub") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no rebuild after a content change"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(server);
}

#[test]
fn sign_event_prints_a_header_the_worker_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("sale.json");
    let text = r#"{"id":"s-1","type":"sale","occurred_at":"2026-11-24T10:00:00Z","partner":"abc123","order_id":"o-1","amount":"49.00","currency":"USD"}"#;
    std::fs::write(&body, text).unwrap();
    let output = cli()
        .env("EVENTS_SECRET", SECRET)
        .arg("sign-event")
        .arg(&body)
        .output()
        .unwrap();
    assert!(output.status.success());
    let line = String::from_utf8(output.stdout).unwrap();
    let value = line
        .trim()
        .strip_prefix("Partner-Signature: ")
        .expect("a header line");
    let now = pc_generator::serve::unix_now();
    assert!(
        pc_worker::routes::events::verify_signature(Some(value), text.as_bytes(), SECRET, now)
            .is_ok()
    );
    assert!(pc_worker::routes::events::verify_signature(Some(value), b"{}", SECRET, now).is_err());
    std::fs::write(&body, "not json").unwrap();
    cli()
        .env("EVENTS_SECRET", SECRET)
        .arg("sign-event")
        .arg(&body)
        .assert()
        .failure()
        .stderr(predicate::str::contains("not valid JSON"));
}

/// `POST path` with a JSON body over HTTP/1.0 and extra header lines; the whole response.
fn post_json(port: u16, path: &str, headers: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn serve_commits_an_approval_to_the_content_repository_and_rebuilds() {
    // The owner's content in a git repository of its own.
    let tree = demo_copy();
    let repo = tree.path();
    git(repo, &["init", "--quiet", "--initial-branch=main"]);
    git(repo, &["add", "content"]);
    git(
        repo,
        &[
            "-c",
            "user.name=Owner",
            "-c",
            "user.email=owner@example.org",
            "commit",
            "--quiet",
            "-m",
            "The program",
        ],
    );
    let port = free_port();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("partner-center"))
        .current_dir(repo)
        .args(["serve", "--no-demo-history", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Serve(child);
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("is running at") {
            break;
        }
    }
    // Keep reading what serve prints, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});

    // An application, as /join stores it.
    let state = repo.join(".partner-center");
    let secrets: serde_json::Value =
        serde_json::from_str(&read(&state.join("secrets.json"))).unwrap();
    let salt = [7u8; pc_core::password::SALT_LEN];
    let hash = pc_core::password::PasswordHash {
        iterations: 10_000,
        salt: salt.to_vec(),
        hash: pc_core::password::derive(b"gita-password-2026", &salt, 10_000).to_vec(),
    };
    let db = rusqlite::Connection::open(state.join("partner-center.sqlite")).unwrap();
    db.execute(
        "INSERT INTO applications (code, name, email, programs, password_hash, status, created_at) \
         VALUES ('gita01', 'Gita Grinder', 'gita@grinds.example', '[\"coffee-club\"]', ?1, 'pending', 1)",
        [hash.to_phc()],
    )
    .unwrap();

    // Olivia approves in the console.
    let keys =
        pc_core::SigningKeys::new(secrets["SESSION_SECRET"].as_str().unwrap(), None).unwrap();
    let now = pc_generator::serve::unix_now();
    let session = pc_core::OwnerSession::new("olivia@brightloom.example", 0, now).sign(&keys);
    let csrf = "c".repeat(64);
    let answer = post_json(
        port,
        "/api/v1/owner/applications/gita01/approve",
        &format!(
            "origin: http://127.0.0.1:{port}\r\nx-csrf-token: {csrf}\r\n\
             cookie: __Host-pc_owner={session}; __Host-pc_csrf={csrf}\r\n"
        ),
        "{}",
    );
    assert!(
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200"),
        "{answer}"
    );
    // One commit in the owner's repository, by her, adding the partner's file.
    let head = git(repo, &["log", "-1", "--format=%an <%ae>|%s"]);
    assert_eq!(
        head,
        "Olivia Brightloom <olivia@brightloom.example>|Approve partner gita01 (by Olivia Brightloom via the console)"
    );
    assert_eq!(
        git(repo, &["show", "--name-only", "--format=", "HEAD"]),
        "content/partners/gita01.yaml"
    );
    assert!(
        answer.contains(&git(repo, &["rev-parse", "HEAD"])),
        "the answer names the commit"
    );
    // serve rebuilds: the partner signs in with the password chosen at sign-up.
    let started = Instant::now();
    loop {
        let exists: i64 = db
            .query_row(
                "SELECT count(*) FROM partners WHERE code = 'gita01'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if exists == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no rebuild after the commit"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let form = "username=gita01&password=gita-password-2026&csrf=".to_owned() + &csrf;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /login HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\norigin: http://127.0.0.1:{port}\r\n\
         content-type: application/x-www-form-urlencoded\r\ncookie: __Host-pc_csrf={csrf}\r\n\
         content-length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(
        reply.contains(" 303 ") && reply.contains("location: /portal/"),
        "{reply}"
    );
    drop(server);
}
