//! Per-day figures (the charts' series).

use std::collections::HashMap;

use serde::Deserialize;

use super::sql::{DAILY_LATE, daily_figures};
use super::{DAY, Figure, Source, progress};
use crate::platform::{Platform, PlatformError, Statement};
use crate::store::parse;

/// Clicks, leads, sales and earnings per day (`all`), of one partner or (`''`) the whole program.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Daily(HashMap<(String, i64), Figure>);

impl Daily {
    pub fn on(&self, measure: &str, day: i64) -> Figure {
        self.0
            .get(&(measure.to_owned(), day))
            .cloned()
            .unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
struct DailyRow {
    measure: String,
    day: i64,
    n: i64,
    m: i64,
}

/// Clicks, leads, sales and earnings for each day `from` ≤ day < `until` of `partner` (`''`: all).
pub async fn daily(
    platform: &impl Platform,
    partner: &str,
    from: i64,
    until: i64,
) -> Result<Daily, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let rolled_until = until.min(progress.rolled_through).max(from);
    let mut daily = Daily::default();
    let mut add = |row: DailyRow| {
        daily
            .0
            .entry((row.measure, row.day))
            .or_default()
            .add(row.n, row.m, None);
    };
    for row in platform
        .query(Statement::new(
            "SELECT measure, day, n, m FROM rollups WHERE partner = ?1 AND measure IN ('clicks', 'lead', 'sale', 'earned') \
             AND dimension = 'all' AND span = 'day' AND day >= ?2 AND day < ?3",
            vec![partner.into(), from.into(), rolled_until.into()],
        ))
        .await?
    {
        add(parse(row)?);
    }
    if rolled_until < until {
        for row in platform
            .query(Statement::new(
                daily_figures!("clicks", "events", "ledger"),
                vec![
                    (rolled_until * DAY).into(),
                    (until * DAY).into(),
                    partner.into(),
                ],
            ))
            .await?
        {
            add(parse(row)?);
        }
    }
    if from < rolled_until {
        for row in platform
            .query(Statement::new(
                DAILY_LATE,
                vec![
                    (from * DAY).into(),
                    (rolled_until * DAY).into(),
                    partner.into(),
                    progress.seen(Source::Clicks).into(),
                    progress.seen(Source::Events).into(),
                    progress.seen(Source::Ledger).into(),
                    (progress.rolled_through * DAY).into(),
                ],
            ))
            .await?
        {
            add(parse(row)?);
        }
    }
    Ok(daily)
}
