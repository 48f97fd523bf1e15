//! The Partner Center edge app: one set of routes over a small [`Platform`] trait, with two
//! backends — Cloudflare Workers (`wasm32`: KV, D1, static assets) and native (SQLite + an
//! HTTP server, feature `native`, used by `partner-center serve` and the tests).

pub mod app;
pub mod config;
pub mod http_util;
pub mod platform;
pub mod routes;
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
];
pub use platform::{Asset, Mail, Platform, PlatformError, SqlValue, Statement};

/// Requests and responses as the app sees them, on both backends.
pub type Request = http::Request<Vec<u8>>;
pub type Response = http::Response<Vec<u8>>;
