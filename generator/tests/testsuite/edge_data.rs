//! dist/data: the deploy units (KV redirect table, D1 rows), deployed into real SQLite the way
//! `serve` does and `deploy` does to Cloudflare.

use std::collections::HashMap;
use std::path::Path;

use crate::helpers::{build, demo_content, demo_copy, deploy_native, read};

/// The KV entries, with each partner's `link:<code>` value also spelled out per link as
/// `link:<code>:<slug>` (and the default as `link:<code>`), each with the parameter names.
fn kv(out: &Path) -> HashMap<String, serde_json::Value> {
    let units = pc_generator::build::manifest::read_units(out).unwrap();
    let mut table = HashMap::new();
    for entry in units.into_iter().flat_map(|u| u.kv) {
        let value: serde_json::Value = serde_json::from_str(&entry.value).unwrap();
        if let Some(links) = value["links"].as_object() {
            let with_params = |mut target: serde_json::Value| {
                target["click_param"] = value["click_param"].clone();
                target["partner_param"] = value["partner_param"].clone();
                target
            };
            for (slug, target) in links {
                table.insert(format!("{}:{slug}", entry.key), with_params(target.clone()));
            }
            table.insert(entry.key, with_params(value["default"].clone()));
        } else {
            table.insert(entry.key, value);
        }
    }
    table
}

#[test]
fn the_kv_table_has_one_entry_per_partner_and_allowed_link() {
    let out = build(&demo_content());
    let table = kv(out.path());
    assert_eq!(
        table["link:abc123:home"]["url"],
        "https://brightloom.example/"
    );
    assert_eq!(table["link:abc123:home"]["program"], "coffee-club");
    assert_eq!(
        table["link:xyz789:espresso-pro"]["url"],
        "https://brightloom.example/shop/espresso-pro#reviews"
    );
    // /r/<code> goes to the default link of the partner's paying program.
    assert_eq!(
        table["link:xyz789"]["url"],
        "https://brightloom.example/shop/espresso-pro#reviews"
    );
    // Not allowed for the partner's programs: no key, so the redirect falls back.
    assert!(!table.contains_key("link:xyz789:subscribe"));
    assert!(!table.contains_key("link:abc123:espresso-pro"));
    // Sam is in equipment (priority 2) and coffee-club (priority 1): coffee-club pays for a
    // link both programs may use, equipment for its own links.
    assert_eq!(table["link:sam314:spring-sale"]["program"], "coffee-club");
    assert_eq!(table["link:sam314:grinders"]["program"], "equipment");
    // A redirect needs nothing else: the parameter names travel with the target.
    assert_eq!(table["link:abc123:home"]["click_param"], "bl_click");
    assert_eq!(table["link:abc123:home"]["partner_param"], "bl_ref");
    assert_eq!(
        table["config:site"]["fallback_url"],
        "https://brightloom.example/"
    );
    // risk.yaml has a disposable_email rule: the maintained list goes with it.
    assert!(
        table["config:disposable"]
            .as_array()
            .is_some_and(|l| l.len() > 8_000 && l.iter().any(|d| d == "mailinator.com"))
    );
    // Suspended partners have no links at all.
    assert!(table.keys().all(|k| !k.starts_with("link:leo777")));
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Deploys `out` into the database file in `dir` and opens it for reading.
fn deployed(out: &Path, dir: &Path) -> rusqlite::Connection {
    let path = dir.join("db.sqlite");
    deploy_native(out, &path);
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn the_deploy_applies_to_sqlite_and_a_second_one_changes_nothing() {
    let out = build(&demo_content());
    let units = read(&out.path().join("data/units.jsonl"));
    assert!(
        !units.contains("BEGIN"),
        "D1 imports must not open transactions"
    );
    let state = tempfile::tempdir().unwrap();
    let db = deployed(out.path(), state.path());
    let snapshot = |db: &rusqlite::Connection| {
        [
            "SELECT count(*) FROM partners",
            "SELECT count(*) FROM programs",
            "SELECT count(*) FROM partner_programs",
            "SELECT count(*) FROM coupons",
            "SELECT count(*) FROM links",
            "SELECT count(*) FROM ledger",
            "SELECT coalesce(sum(amount_minor), 0) FROM ledger",
        ]
        .map(|q| count(db, q))
    };
    let first = snapshot(&db);
    assert_eq!(first[0], 7);
    assert_eq!(first[1], 3);
    // Payouts are debits in the ledger: 184.20 + 310.00 + 96.75 + 41.60.
    assert_eq!(first[6], -(18_420 + 31_000 + 9_675 + 4_160));
    let again = deploy_native(out.path(), &state.path().join("db.sqlite"));
    assert_eq!(again.summary(), "plan: put 0, delete 0, unchanged 32");
    assert_eq!(snapshot(&db), first, "deploying twice changes nothing");
    let status: String = db
        .query_row(
            "SELECT status FROM partners WHERE code = 'leo777'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "suspended");
    let rank: i64 = db
        .query_row(
            "SELECT rank FROM partner_programs WHERE partner = 'sam314' AND program = 'coffee-club'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rank, 0, "the lowest priority number pays first");
}

#[test]
fn reseeding_after_removing_a_partner_marks_them_removed() {
    let tree = demo_copy();
    let state = tempfile::tempdir().unwrap();
    let first = build(&tree.path().join("content"));
    let db = deployed(first.path(), state.path());
    std::fs::remove_file(tree.path().join("content/partners/tess42.yaml")).unwrap();
    let second = build(&tree.path().join("content"));
    let plan = deploy_native(second.path(), &state.path().join("db.sqlite"));
    assert!(plan.summary().contains("delete 2"), "{}", plan.summary());
    assert!(
        plan.details().contains("delete pages:tess42"),
        "{}",
        plan.details()
    );
    let status: String = db
        .query_row(
            "SELECT status FROM partners WHERE code = 'tess42'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "removed");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM partner_programs WHERE partner = 'tess42'"
        ),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM partners WHERE status = 'active'"),
        5
    );
}

#[test]
fn owner_text_with_quotes_is_escaped_in_sql() {
    let tree = demo_copy();
    let path = tree.path().join("content/partners/abc123.yaml");
    let yaml = read(&path).replace(
        "company: Rivera Reviews",
        "company: \"O'Brien's Reviews'); DROP TABLE partners; --\"",
    );
    std::fs::write(&path, yaml).unwrap();
    let out = build(&tree.path().join("content"));
    let state = tempfile::tempdir().unwrap();
    let db = deployed(out.path(), state.path());
    let company: String = db
        .query_row(
            "SELECT company FROM partners WHERE code = 'abc123'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(company, "O'Brien's Reviews'); DROP TABLE partners; --");
}

#[test]
fn owners_yaml_requires_two_step_sign_in_by_name_or_of_every_admin() {
    let required = |db: &rusqlite::Connection| -> Vec<(String, bool)> {
        let mut rows = db
            .prepare("SELECT email, two_factor_required FROM owners ORDER BY email")
            .unwrap();
        rows.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // The demo asks it of Amara by name only.
    let out = build(&demo_content());
    let state = tempfile::tempdir().unwrap();
    let by_name = required(&deployed(out.path(), state.path()));
    assert_eq!(
        by_name,
        [
            ("amara@brightloom.example".to_owned(), true),
            ("olivia@brightloom.example".to_owned(), false),
            ("victor@brightloom.example".to_owned(), false),
        ]
    );
    // Of every admin: Olivia too, never the viewer; deploying again updates the rows.
    let tree = demo_copy();
    let path = tree.path().join("content/owners.yaml");
    let yaml = read(&path).replace("owners:\n", "require_two_factor: admins\nowners:\n");
    std::fs::write(&path, yaml).unwrap();
    let out = build(&tree.path().join("content"));
    let admins = required(&deployed(out.path(), state.path()));
    assert_eq!(
        admins,
        [
            ("amara@brightloom.example".to_owned(), true),
            ("olivia@brightloom.example".to_owned(), true),
            ("victor@brightloom.example".to_owned(), false),
        ]
    );
}
