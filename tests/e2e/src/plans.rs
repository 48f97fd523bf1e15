//! `pc-e2e plans`: every statement the app ran during the scenarios (the native backend's
//! statement log) is planned by SQLite; none may read a whole table that grows with the program
//! (partners, clicks, events, the ledger …): with 100,000 partners and 10 million clicks, a full
//! scan is a timeout. Small tables (programs, links) and the deploy's own bookkeeping may be
//! scanned.

use std::path::Path;

/// Tables whose size does not grow with partners or traffic.
/// `store_deliveries` holds one row per integration; `script_hits` at most 20 store domains.
const SMALL: &[&str] = &[
    "programs",
    "links",
    "deploy_units",
    "_migrations",
    "owners",
    "store_deliveries",
    "script_hits",
];

/// Statements that read the whole program on purpose, with why.
const WHOLE_PROGRAM: &[(&str, &str)] = &[
    (
        "SELECT partner, rule, detail, times, first_at, last_at FROM partner_flags ORDER BY last_at DESC LIMIT 500",
        "the Risk page: the newest 500 partner flags, read in index order (stops at 500)",
    ),
    (
        "SELECT e.id AS id, e.type AS type, e.partner AS partner, e.attribution AS attribution,",
        "the Setup page: the newest 50 test conversions, read in index order (stops at 50)",
    ),
    (
        "SELECT 1 AS x FROM credentials LIMIT 1",
        "serve's first-run check: stops at the first row",
    ),
    (
        "SELECT l.partner AS partner, l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.reverses AS reverses FROM ledger l ORDER BY",
        "the owner's balances before the first checkpoints: every partner's ledger, in one ordered pass",
    ),
    (
        "SELECT partner, state, void FROM ledger_checkpoints",
        "the owner's balances: every partner's checkpoint (one row each)",
    ),
    (
        "SELECT partner FROM ledger_checkpoints",
        "the owner's balances: who has ledger lines (one row each)",
    ),
    (
        "SELECT partner, balance, valid_until FROM balance_snapshots",
        "the owner's balances: every partner's snapshot (one row each), and the scheduled run's comparison",
    ),
    (
        "SELECT partner, id FROM ledger WHERE kind = 'payout'",
        "the owner's payable list: the references of the payouts (from their own index)",
    ),
    (
        "SELECT p.code AS code, coalesce(u.name, p.name) AS name,",
        "the owner's payable list: every partner's payout details",
    ),
    (
        "SELECT status, count(*) AS n FROM partners GROUP BY status",
        "the console's overview: how many partners, by status",
    ),
    (
        "SELECT owner, action, subject, at FROM owner_audit ORDER BY id DESC LIMIT 200",
        "the console's activity log: the newest 200 lines, read from the end",
    ),
    (
        "SELECT u.partner AS code, u.name AS name,",
        "the owner's list of pending profile changes (only pending ones are kept)",
    ),
];

/// The plan of `sql` (parameters bound to NULL), one detail line per step.
fn plan(conn: &rusqlite::Connection, sql: &str) -> Result<Vec<String>, String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .map_err(|e| format!("{e}: {sql}"))?;
    let params = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}

/// The table a `SCAN` step reads whole, if it is one that grows.
fn full_scan(detail: &str) -> Option<&str> {
    let rest = detail.strip_prefix("SCAN ")?;
    let table = rest.split_whitespace().next()?;
    // "SCAN (subquery-1)", "SCAN CONSTANT ROW", "SCAN 8-ROW VALUES CLAUSE", "SCAN 8 CONSTANT
    // ROWS", a parameter's JSON list ("SCAN json_each VIRTUAL TABLE") and temp b-trees are not
    // tables.
    let constant = table.starts_with(|c: char| c.is_ascii_digit())
        || (table == "json_each" && rest.contains("VIRTUAL TABLE"));
    if table.starts_with('(') || table == "CONSTANT" || constant || SMALL.contains(&table) {
        return None;
    }
    Some(table)
}

/// The names (and aliases in `sql`) of the CTEs the plan materializes: the reports' late rows
/// (those since the last rollup run, found by rowid, a search the plan shows), read whole on
/// purpose.
fn materialized(steps: &[String], sql: &str) -> Vec<String> {
    let mut names = Vec::new();
    for step in steps {
        if let Some(name) = step.strip_prefix("MATERIALIZE ") {
            let name = name.trim().to_owned();
            let words: Vec<&str> = sql.split_whitespace().collect();
            for pair in words.windows(3) {
                if matches!(pair[0], "FROM" | "JOIN") && pair[1] == name {
                    names.push(pair[2].trim_end_matches(',').to_owned());
                }
            }
            names.push(name);
        }
    }
    names
}

pub fn run(db: &Path, statements: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(statements).map_err(|e| e.to_string())?;
    let mut checked = 0;
    let mut scans = Vec::new();
    for sql in text.lines().filter(|l| !l.trim().is_empty()) {
        if WHOLE_PROGRAM.iter().any(|(s, _)| sql.starts_with(s)) {
            continue;
        }
        checked += 1;
        let steps = plan(&conn, sql)?;
        let materialized = materialized(&steps, sql);
        for detail in steps {
            if let Some(table) = full_scan(&detail).filter(|t| !materialized.iter().any(|m| m == t))
            {
                scans.push(format!("{detail} (table {table}) in: {sql}"));
            }
        }
    }
    if !scans.is_empty() {
        return Err(format!("full scans:\n  {}", scans.join("\n  ")));
    }
    println!("plans: {checked} statements, none reads a growing table whole");
    Ok(())
}
