//! The native backend's click journal (`<db>-clicks`), through the whole app: a redirect's row
//! is seen by the next query (read-your-writes) and by a reader beside the server once it
//! stops; rows a killed process left are moved at the next start, once each, a torn last line
//! dropped; one process owns a state.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::helpers::{demo_copy, deploy_native};

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

fn journal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-clicks", db.display()))
}

fn state(db: &Path, site: &Path) -> pc_worker::native::NativeState {
    let env: HashMap<String, String> = [
        (
            "SESSION_SECRET",
            "journal-session-secret-long-enough-0123456789",
        ),
        ("PORTAL_URL", "https://partners.example"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    pc_worker::native::NativeState::new(
        pc_worker::native::Database::open(db).unwrap(),
        site.to_owned(),
        env,
        Box::new(|_| {}),
    )
}

/// A redirect of `abc123`'s home link by a visitor of its own (one visitor's many clicks a
/// minute are not counted); the click id it carries.
fn click(state: &pc_worker::native::NativeState) -> String {
    static VISITOR: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = VISITOR.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let request = http::Request::builder()
        .uri("https://partners.example/r/abc123/home")
        .header("host", "partners.example")
        .header("user-agent", format!("{BROWSER} visit/{n}"))
        .body(Vec::new())
        .unwrap();
    let response = pc_worker::native::answer(state, request);
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("bl_click="))
        .expect("a click id")
        .to_owned()
}

fn count(db: &pc_worker::native::Database, sql: &'static str) -> i64 {
    db.query_json(sql, vec![]).unwrap()[0]["n"]
        .as_i64()
        .unwrap()
}

/// Counted by a connection of its own, as a tool reading the file beside `serve` would.
fn count_beside(db: &Path, id: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM clicks WHERE id = ?", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

fn deployed() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = demo_copy();
    let out = dir.path().join("dist");
    pc_generator::build::build(&dir.path().join("content"), &out).unwrap();
    let db = dir.path().join("db.sqlite");
    deploy_native(&out, &db);
    let site = out.join("site");
    (dir, db, site)
}

#[test]
fn a_click_is_seen_by_the_next_query_and_stored_when_the_server_stops() {
    let (_dir, db, site) = deployed();
    let serve = state(&db, &site);
    let before = count(&serve.db, "SELECT count(*) AS n FROM clicks");
    let ids: Vec<String> = (0..50).map(|_| click(&serve)).collect();
    // The very next query sees all of them, whatever the background thread has done.
    assert_eq!(
        count(&serve.db, "SELECT count(*) AS n FROM clicks"),
        before + 50
    );
    let last = ids.last().unwrap().clone();
    let more = click(&serve);
    drop(serve);
    // Stopped: everything is in the database, and the journal is empty.
    assert_eq!(count_beside(&db, &last), 1);
    assert_eq!(count_beside(&db, &more), 1);
    assert_eq!(std::fs::metadata(journal(&db)).unwrap().len(), 0);
}

#[test]
fn rows_left_by_a_killed_process_are_moved_once_at_the_next_start() {
    let (_dir, db, site) = deployed();
    let serve = state(&db, &site);
    let stored = click(&serve);
    drop(serve);
    // What a process killed mid-load leaves: rows never moved, a row already moved (the kill
    // came between its transaction and the journal's emptying), and a torn last line (its
    // append never returned, so its redirect was never answered).
    let row = |id: &str| {
        serde_json::json!({
            "kind": "counted", "id": id, "partner": "abc123", "program": "coffee-club",
            "slug": "home", "sub": null, "referrer_host": null, "country": null,
            "agent": "desktop", "visitor": "0123456789abcdef0123456789abcdef",
            "created_at": 1_700_000_000,
        })
        .to_string()
    };
    let left = format!(
        "{}\n{}\n{}\n{}",
        row("left-behind-1"),
        row(&stored),
        row("left-behind-2"),
        &row("torn")[..40]
    );
    std::fs::write(journal(&db), left).unwrap();

    let serve = state(&db, &site);
    for id in ["left-behind-1", "left-behind-2", stored.as_str()] {
        assert_eq!(count_beside(&db, id), 1, "{id}");
    }
    assert_eq!(count_beside(&db, "torn"), 0);
    assert_eq!(std::fs::metadata(journal(&db)).unwrap().len(), 0);
    // And the journal takes new rows after the torn line's bytes are gone.
    let new = click(&serve);
    drop(serve);
    assert_eq!(count_beside(&db, &new), 1);
}

#[test]
fn a_second_server_on_the_same_state_is_refused() {
    let (_dir, db, site) = deployed();
    let serve = state(&db, &site);
    let second = pc_worker::native::Database::open(&db).unwrap_err();
    assert!(
        second.to_string().contains("in use by another process"),
        "{second}"
    );
    drop(serve);
    pc_worker::native::Database::open(&db).unwrap();
}
