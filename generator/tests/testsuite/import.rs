//! `partner-center import`: each peer's export (tests/fixtures/import, built from the columns
//! each product documents) becomes partners that pass `check`, with the export's unpaid
//! amounts as their opening balances in the ledger; a malformed row is refused with its line
//! and nothing is written.

use std::path::Path;

use predicates::prelude::*;

use crate::helpers::{build, cli, demo_copy, deploy_native, fixtures};

/// Imports `file` as `source` into a copy of the demo content, checks it, builds and deploys
/// it natively, and returns each imported partner's ledger balance in minor units.
fn import(source: &str, file: &str, extra: &[&str]) -> (tempfile::TempDir, Vec<(String, i64)>) {
    let dir = demo_copy();
    let content = dir.path().join("content");
    cli()
        .args(["import", source])
        .arg(fixtures().join("import").join(file))
        .arg("--content")
        .arg(&content)
        .args(["--program", "coffee-club", "--date", "2026-12-01"])
        .args(extra)
        .assert()
        .success()
        .stdout(predicate::str::contains("imported"));
    cli()
        .args(["check", "--content"])
        .arg(&content)
        .assert()
        .success();
    let out = build(&content);
    let db = dir.path().join("db.sqlite");
    deploy_native(out.path(), &db);
    let db = rusqlite::Connection::open(db).unwrap();
    let mut balances = db
        .prepare(
            "SELECT p.code, COALESCE(SUM(l.amount_minor), 0) FROM partners p \
             LEFT JOIN ledger l ON l.partner = p.code \
             WHERE p.code NOT IN ('abc123', 'cafe01', 'leo777', 'mia456', 'sam314', 'tess42', 'xyz789') \
             GROUP BY p.code ORDER BY p.code",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (dir, std::mem::take(&mut balances))
}

fn partner_file(dir: &Path, code: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(dir.join(format!("content/partners/{code}.yaml"))).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn owned(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(c, m)| ((*c).to_owned(), *m)).collect()
}

#[test]
fn a_rewardful_export_becomes_partners_with_their_unpaid_commissions() {
    let (dir, balances) = import("rewardful", "rewardful.csv", &[]);
    assert_eq!(
        balances,
        owned(&[("dana", 41250), ("leem", 0), ("priyaj", 3840)])
    );
    let dana = partner_file(dir.path(), "dana");
    assert_eq!(dana["name"], "Dana Okafor");
    assert_eq!(dana["coupons"][0], "DANA20");
    assert_eq!(dana["payout"]["method"], "PayPal");
    assert_eq!(dana["payout"]["details"], "pay@okafor.example");
    assert_eq!(partner_file(dir.path(), "leem")["payout"]["method"], "Wise");
    assert_eq!(
        partner_file(dir.path(), "priyaj")["name"],
        "Priya \"PJ\" Nair"
    );
}

#[test]
fn a_firstpromoter_export_keeps_parents_and_leaves_out_pending_applications() {
    let (dir, balances) = import("firstpromoter", "firstpromoter.csv", &[]);
    assert_eq!(balances, owned(&[("ines", 25000), ("tomf", 1999)]));
    assert_eq!(partner_file(dir.path(), "tomf")["parent"], "ines");
    assert_eq!(partner_file(dir.path(), "ines")["company"], "Ferro Media");
    assert!(!dir.path().join("content/partners/samnew.yaml").exists());
}

#[test]
fn a_tolt_export_keeps_suspensions_and_a_balance_owed_back() {
    let (dir, balances) = import("tolt", "tolt.csv", &[]);
    assert_eq!(balances, owned(&[("marah", 125_000), ("ravis", -1500)]));
    assert_eq!(partner_file(dir.path(), "ravis")["status"], "suspended");
    assert_eq!(partner_file(dir.path(), "marah")["company"], "Holt & Co");
}

#[test]
fn a_partnerstack_export_becomes_partners() {
    let (_dir, balances) = import("partnerstack", "partnerstack.csv", &[]);
    assert_eq!(balances, owned(&[("ps-elm-02", 0), ("ps-oak-01", 8812)]));
}

#[test]
fn any_csv_imports_with_a_map_of_its_columns() {
    let (dir, balances) = import(
        "csv",
        "generic.csv",
        &[
            "--map",
            "code=Ref,name=Full name,email=E-mail,unpaid=Balance owed,coupons=Coupon codes",
        ],
    );
    assert_eq!(balances, owned(&[("gen-one", 1000), ("gen-two", 0)]));
    assert_eq!(partner_file(dir.path(), "gen-one")["coupons"][1], "GWENVIP");
}

#[test]
fn malformed_rows_are_refused_with_their_lines_and_nothing_is_written() {
    let dir = demo_copy();
    let content = dir.path().join("content");
    let before = std::fs::read_dir(content.join("partners")).unwrap().count();
    cli()
        .args(["import", "rewardful"])
        .arg(fixtures().join("import/malformed.csv"))
        .arg("--content")
        .arg(&content)
        .args(["--program", "coffee-club"])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("3 of the rows are refused; nothing was written")
                .and(predicate::str::contains(
                    "malformed.csv:3: \"not-an-address\" is not an e-mail address",
                ))
                .and(predicate::str::contains(
                    "malformed.csv:4: unpaid amount \"12.345\"",
                ))
                .and(predicate::str::contains("malformed.csv:5: ")),
        );
    assert_eq!(
        std::fs::read_dir(content.join("partners")).unwrap().count(),
        before
    );
    assert!(
        !content.join("adjustments").exists()
            || std::fs::read_dir(content.join("adjustments"))
                .unwrap()
                .all(|e| !e.unwrap().file_name().to_string_lossy().contains("import"))
    );
}

#[test]
fn an_import_never_overwrites_a_partner() {
    let dir = demo_copy();
    let content = dir.path().join("content");
    let csv = dir.path().join("clash.csv");
    std::fs::write(
        &csv,
        "Token,First Name,Email\nabc123,Alex,alex@elsewhere.example\n",
    )
    .unwrap();
    cli()
        .args(["import", "rewardful"])
        .arg(&csv)
        .arg("--content")
        .arg(&content)
        .args(["--program", "coffee-club"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "clash.csv:2: partner abc123 already exists",
        ));
    assert!(
        std::fs::read_to_string(content.join("partners/abc123.yaml"))
            .unwrap()
            .contains("Alex Rivera")
    );
}
