//! The Partner Center edge app: one set of routes over a small [`Platform`] trait, with two
//! backends — Cloudflare Workers (`wasm32`: KV, D1, static assets) and native (SQLite + an
//! HTTP server, feature `native`, used by `partner-center serve` and the tests).

pub mod app;
pub mod clicks;
pub mod config;
pub mod content_change;
pub mod git;
pub mod http_util;
pub mod mail;
pub mod notify;
pub mod platform;
pub mod risk;
pub mod routes;
pub mod scheduled;
pub mod security;
pub mod statements;
pub mod store;

#[cfg(target_arch = "wasm32")]
mod cf;
#[cfg(feature = "native")]
pub mod native;

pub use app::handle;

/// The D1/SQLite schema, in order. wrangler applies the same files from `migrations/`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../migrations/0001_init.sql")),
    ("0002_auth.sql", include_str!("../migrations/0002_auth.sql")),
    (
        "0003_tracking.sql",
        include_str!("../migrations/0003_tracking.sql"),
    ),
    (
        "0004_applications.sql",
        include_str!("../migrations/0004_applications.sql"),
    ),
    (
        "0005_ledger_explained.sql",
        include_str!("../migrations/0005_ledger_explained.sql"),
    ),
    (
        "0006_filtered_clicks.sql",
        include_str!("../migrations/0006_filtered_clicks.sql"),
    ),
    (
        "0007_payout_changes.sql",
        include_str!("../migrations/0007_payout_changes.sql"),
    ),
    (
        "0008_deploy_units.sql",
        include_str!("../migrations/0008_deploy_units.sql"),
    ),
    (
        "0009_lookup_indexes.sql",
        include_str!("../migrations/0009_lookup_indexes.sql"),
    ),
    (
        "0010_store_integrations.sql",
        include_str!("../migrations/0010_store_integrations.sql"),
    ),
    (
        "0011_owner_console.sql",
        include_str!("../migrations/0011_owner_console.sql"),
    ),
    (
        "0012_two_factor.sql",
        include_str!("../migrations/0012_two_factor.sql"),
    ),
    (
        "0013_accounts.sql",
        include_str!("../migrations/0013_accounts.sql"),
    ),
    (
        "0014_owner_two_factor.sql",
        include_str!("../migrations/0014_owner_two_factor.sql"),
    ),
    (
        "0015_console_commits.sql",
        include_str!("../migrations/0015_console_commits.sql"),
    ),
    (
        "0016_payout_runs.sql",
        include_str!("../migrations/0016_payout_runs.sql"),
    ),
    (
        "0017_rollups.sql",
        include_str!("../migrations/0017_rollups.sql"),
    ),
    (
        "0018_ledger_checkpoints.sql",
        include_str!("../migrations/0018_ledger_checkpoints.sql"),
    ),
    (
        "0019_click_group_counts.sql",
        include_str!("../migrations/0019_click_group_counts.sql"),
    ),
    (
        "0020_balance_snapshots.sql",
        include_str!("../migrations/0020_balance_snapshots.sql"),
    ),
    (
        "0021_conversion_risk.sql",
        include_str!("../migrations/0021_conversion_risk.sql"),
    ),
    (
        "0022_ledger_releases.sql",
        include_str!("../migrations/0022_ledger_releases.sql"),
    ),
    (
        "0023_application_risk.sql",
        include_str!("../migrations/0023_application_risk.sql"),
    ),
    (
        "0024_risk_facts.sql",
        include_str!("../migrations/0024_risk_facts.sql"),
    ),
    (
        "0025_test_mode.sql",
        include_str!("../migrations/0025_test_mode.sql"),
    ),
    (
        "0026_referrals.sql",
        include_str!("../migrations/0026_referrals.sql"),
    ),
];
pub use platform::{Asset, Mail, Platform, PlatformError, SqlValue, Statement};

/// Requests and responses as the app sees them, on both backends.
pub type Request = http::Request<Vec<u8>>;
pub type Response = http::Response<Vec<u8>>;

#[cfg(test)]
mod tests {
    /// Every SQL statement lives in the data layer (`store/`); the native backend's own
    /// bookkeeping (`native/`: migrations, its KV and page tables) is the platform, below it.
    #[test]
    fn no_sql_outside_the_data_layer() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    if name != "store" && name != "native" {
                        walk(&path, found);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let sql = [
                            "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP",
                            "ALTER",
                        ]
                        .iter()
                        .any(|k| line.contains(&format!("\"{k} ")));
                        if sql {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "SQL outside store/:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn every_migration_file_is_compiled_in_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                std::path::Path::new(n)
                    .extension()
                    .is_some_and(|x| x == "sql")
            })
            .collect();
        files.sort();
        let listed: Vec<&str> = super::MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(listed, files);
    }
}
