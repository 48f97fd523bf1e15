//! Per-day figures (the charts' series) and the Clicks report's rows.

use std::collections::HashMap;

use serde::Deserialize;

use super::sql::{DAILY_LATE, click_groups, daily_figures, late_rows};
use super::{DAY, Figure, Source, progress};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};
use crate::store::{first, parse};

/// Clicks, sales and earnings per day (`all`), of one partner or (`''`) the whole program.
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

/// Clicks, sales and earnings for each day `from` ≤ day < `until` of `partner` (`''`: all).
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
            "SELECT measure, day, n, m FROM rollups WHERE partner = ?1 AND measure IN ('clicks', 'sale', 'earned') \
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

/// Clicks per day, link and sub-id (the Clicks report), newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickGroup {
    pub day: i64,
    pub link: String,
    pub sub: String,
    pub clicks: i64,
}

/// A page of the Clicks report, the number of rows in all and the clicks in all.
pub async fn click_groups(
    platform: &impl Platform,
    code: &str,
    from: i64,
    until: i64,
    per_page: i64,
    offset: i64,
) -> Result<(Vec<ClickGroup>, i64, i64), PlatformError> {
    #[derive(Deserialize)]
    struct Group {
        day: i64,
        key: String,
        n: i64,
    }
    #[derive(Deserialize)]
    struct Count {
        rows: i64,
        clicks: i64,
    }
    let progress = progress(platform).await?.unwrap_or_default();
    let rolled_until = until.min(progress.rolled_through).max(from);
    let scope: Vec<SqlValue> = vec![
        code.into(),
        from.into(),
        rolled_until.into(),
        (rolled_until * DAY).into(),
        (until * DAY).into(),
        progress.seen(Source::Clicks).into(),
        (progress.rolled_through * DAY).into(),
    ];
    let mut paged = scope.clone();
    paged.push(per_page.into());
    paged.push(offset.into());
    let groups = platform
        .query(Statement::new(
            click_groups!(
                "SELECT day, key, n",
                "ORDER BY day DESC, key LIMIT ?8 OFFSET ?9"
            ),
            paged,
        ))
        .await?
        .into_iter()
        .map(|row| {
            let g: Group = parse(row)?;
            let (link, sub) = g.key.split_once('\u{1f}').unwrap_or((&g.key, ""));
            Ok(ClickGroup {
                day: g.day,
                link: link.to_owned(),
                sub: sub.to_owned(),
                clicks: g.n,
            })
        })
        .collect::<Result<Vec<_>, PlatformError>>()?;
    let count: Option<Count> = first(
        platform,
        Statement::new(
            click_groups!("SELECT count(*) AS rows, coalesce(sum(n), 0) AS clicks", ""),
            scope,
        ),
    )
    .await?;
    let count = count.unwrap_or(Count { rows: 0, clicks: 0 });
    Ok((groups, count.rows, count.clicks))
}
