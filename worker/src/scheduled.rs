//! The scheduled work (the worker's cron triggers, `serve`'s timer, the owner API's
//! `POST /api/v1/owner/scheduled`): the notifications that are due, the reports' rollup, the
//! ledger's checkpoints, then the balance snapshots.

use crate::notify::{self, Run, Sent};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::statements::{self, Advanced};
use crate::store::rollups::{self, DEFAULT_RAW_CLICKS_DAYS, Rolled};

/// What a scheduled run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Done {
    pub sent: Sent,
    pub rolled_up: Rolled,
    pub checkpoints: Advanced,
    /// Partners whose balance snapshot changed.
    pub balances: usize,
}

/// How much one run may do (the rest is left for the next run, as if it had been stopped).
#[derive(Debug, Default, Clone, Copy)]
pub struct Budget {
    /// Days to roll up (default [`rollups::DAYS_PER_RUN`]).
    pub days: Option<usize>,
    /// Partners whose checkpoints move on (default [`statements::PARTNERS_PER_RUN`]).
    pub partners: Option<usize>,
}

/// Days raw clicks are kept (`RAW_CLICKS_DAYS`, at least 2; default 90).
fn raw_clicks_days(platform: &impl Platform) -> i64 {
    platform
        .env("RAW_CLICKS_DAYS")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(DEFAULT_RAW_CLICKS_DAYS, |d| d.max(2))
}

/// One scheduled run, within `budget`.
pub async fn run<P: Platform>(
    ctx: &Ctx<'_, P>,
    run: Run,
    budget: Budget,
) -> Result<Done, PlatformError> {
    let sent = notify::scheduled(ctx, run).await?;
    let rolled_up = rollups::run(
        ctx.platform,
        ctx.now,
        raw_clicks_days(ctx.platform),
        budget.days.unwrap_or(rollups::DAYS_PER_RUN),
    )
    .await?;
    let checkpoints = statements::advance(
        ctx.platform,
        ctx.now,
        budget.partners.unwrap_or(statements::PARTNERS_PER_RUN),
    )
    .await?;
    // Once every checkpoint is made (a first run over a long history takes several).
    let balances = if checkpoints.complete {
        statements::snapshot(ctx.platform, ctx.now).await?
    } else {
        0
    };
    // Sign-in addresses are compared with customers' for 90 days, then forgotten.
    ctx.platform
        .execute(crate::store::risk_facts::forget_addresses(ctx.now))
        .await?;
    Ok(Done {
        sent,
        rolled_up,
        checkpoints,
        balances,
    })
}
