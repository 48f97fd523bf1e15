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
pub mod routes;
pub mod scheduled;
pub mod security;
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
];
pub use platform::{Asset, Mail, Platform, PlatformError, SqlValue, Statement};

/// Requests and responses as the app sees them, on both backends.
pub type Request = http::Request<Vec<u8>>;
pub type Response = http::Response<Vec<u8>>;

#[cfg(test)]
mod tests {
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
