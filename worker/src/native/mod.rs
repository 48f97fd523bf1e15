//! The native backend: SQLite in place of D1 and KV, the built site on disk in place of the
//! assets binding, pure-Rust PBKDF2, an outbox for mail, and a small threaded HTTP server.

mod click_writer;
mod database;
mod platform;
mod server;

pub use database::{Database, DatabaseError, DeployBatch};
pub use platform::{MailLog, NativeState};
pub use server::{Server, ServerError};
