//! The native backend: SQLite in place of D1 and KV, the built site on disk in place of the
//! assets binding, pure-Rust PBKDF2, an outbox for mail, and a small threaded HTTP server.

mod click_journal;
mod database;
mod local_git;
mod platform;
mod server;

pub use database::{Database, DatabaseError, DeployBatch};
pub use platform::{MailLog, NativeState};
pub use server::{Server, ServerError};

/// Answers one request with the app, its deferred writes done after (what the server does for
/// each request; tests and the fuzzer call it directly).
pub fn answer(state: &NativeState, req: crate::Request) -> crate::Response {
    let platform = platform::RequestPlatform::new(state);
    let response = pollster::block_on(crate::handle(&platform, req));
    platform.run_deferred();
    response
}

/// Runs the scheduled work for `cron` (what the worker's cron trigger does), as `serve`'s timer.
pub fn run_scheduled(state: &NativeState, cron: &str) -> Result<crate::scheduled::Done, String> {
    let platform = platform::RequestPlatform::new(state);
    let done = pollster::block_on(crate::app::scheduled(&platform, cron));
    platform.run_deferred();
    done
}

/// The cron trigger's times, natively: the frequent run every 15 minutes and the daily one at
/// 08:00 UTC, on a thread of its own (checks twice a minute).
pub fn start_schedule(state: std::sync::Arc<NativeState>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs().cast_signed())
        };
        let mut last_quarter = now() / 900;
        let mut last_day = (now() - 8 * 3600) / 86_400;
        loop {
            std::thread::sleep(std::time::Duration::from_secs(30));
            let t = now();
            let day = (t - 8 * 3600) / 86_400;
            let cron = if day > last_day {
                last_day = day;
                last_quarter = t / 900;
                crate::notify::DAILY_CRON
            } else if t / 900 > last_quarter {
                last_quarter = t / 900;
                crate::notify::FREQUENT_CRON
            } else {
                continue;
            };
            match run_scheduled(&state, cron) {
                Ok(done) => eprintln!("scheduled {cron}: {done:?}"),
                Err(e) => eprintln!("scheduled {cron} failed: {e}"),
            }
        }
    })
}
