//! Rate limits: fixed windows of `window_seconds`, counted first and decided after, in one
//! statement, so requests sent at once cannot all read the same count and all pass.

use serde::Deserialize;

use super::first;
use crate::platform::{Platform, PlatformError, Statement};

/// At most `max` counted attempts per window of `window_seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_seconds: i64,
}

/// An attempt counted against a limit: whether it may go on, and how to give its slot back
/// when it succeeds (a limit counts failures, not a partner signing in every day).
#[derive(Debug)]
#[must_use = "an attempt over the limit must be refused"]
pub struct Attempt {
    key: String,
    window: i64,
    pub allowed: bool,
}

impl Attempt {
    /// The attempt succeeded: its slot is freed (one statement; never below zero).
    pub async fn succeeded(self, platform: &impl Platform) -> Result<(), PlatformError> {
        platform
            .execute(Statement::new(
                "UPDATE rate_limits SET count = count - 1 \
                 WHERE key = ? AND window_start = ? AND count > 0",
                vec![self.key.into(), self.window.into()],
            ))
            .await
            .map(drop)
    }
}

/// Counts one attempt at `key` and says whether it is within `limit`: the count is raised
/// and read back in one statement (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), so of any
/// number of attempts sent at once, at most `limit.max` are allowed in a window.
pub async fn attempt(
    platform: &impl Platform,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Attempt, PlatformError> {
    #[derive(Deserialize)]
    struct Count {
        count: i64,
    }
    let window = now / limit.window_seconds;
    let count = first::<Count>(
        platform,
        Statement::new(
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1) \
             ON CONFLICT (key) DO UPDATE SET \
             count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END, \
             window_start = excluded.window_start \
             RETURNING count",
            vec![key.into(), window.into()],
        ),
    )
    .await?
    .map_or(i64::MAX, |c| c.count);
    Ok(Attempt {
        key: key.to_owned(),
        window,
        allowed: count <= limit.max,
    })
}
