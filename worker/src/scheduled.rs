//! The scheduled work (the worker's cron triggers, `serve`'s timer, the owner API's
//! `POST /api/v1/owner/scheduled`): the notifications that are due, then the reports' rollup.

use crate::notify::{self, Run, Sent};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::rollups::{self, DEFAULT_RAW_CLICKS_DAYS, Rolled};

/// What a scheduled run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Done {
    pub sent: Sent,
    pub rolled_up: Rolled,
}

/// Days raw clicks are kept (`RAW_CLICKS_DAYS`, at least 2; default 90).
fn raw_clicks_days(platform: &impl Platform) -> i64 {
    platform
        .env("RAW_CLICKS_DAYS")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(DEFAULT_RAW_CLICKS_DAYS, |d| d.max(2))
}

/// One scheduled run; the rollup rolls up at most `days` days (default
/// [`rollups::DAYS_PER_RUN`]; the rest is left for the next run, as if it had been stopped).
pub async fn run<P: Platform>(
    ctx: &Ctx<'_, P>,
    run: Run,
    days: Option<usize>,
) -> Result<Done, PlatformError> {
    let sent = notify::scheduled(ctx, run).await?;
    let rolled_up = rollups::run(
        ctx.platform,
        ctx.now,
        raw_clicks_days(ctx.platform),
        days.unwrap_or(rollups::DAYS_PER_RUN),
    )
    .await?;
    Ok(Done { sent, rolled_up })
}
