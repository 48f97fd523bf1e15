//! The daily rollup (migration 0017): every figure of the reports, summed per partner, day and
//! dimension, so that a report reads a few rows per day (and per month) whatever the history.
//!
//! One run rolls up the complete days not rolled yet, oldest first, a bounded number per
//! run; and rolls up again each earlier day that a late row arrived for (a queued click, a
//! back-dated event, payout or adjustment), found by the raw tables' rowids past what the last
//! run saw. Each day is one transaction that replaces the day's rows and corrects its month,
//! so a run killed half-way leaves whole days, and running it again changes nothing.
//! Raw clicks older than the retention window (`RAW_CLICKS_DAYS`, default 90) are deleted once
//! their day is rolled up; events and the ledger are kept (they are the money's record).

use serde::Deserialize;

mod sql;

pub(crate) use sql::{event_figures, filtered_figures, ledger_figures};

use super::first;
use crate::platform::{Platform, PlatformError, Statement};

pub const DAY: i64 = 86_400;
/// Days rolled up in one run at most (a first run over a long history resumes next time).
pub const DAYS_PER_RUN: usize = 31;
/// Raw clicks older than this many days are deleted once rolled up, unless `RAW_CLICKS_DAYS`.
pub const DEFAULT_RAW_CLICKS_DAYS: i64 = 90;
/// Raw click rows deleted per statement.
const DELETE_CHUNK: i64 = 5_000;

/// The raw tables a rollup reads, each with its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Clicks,
    Filtered,
    Events,
    Ledger,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Clicks,
        Source::Filtered,
        Source::Events,
        Source::Ledger,
    ];

    /// The days (before `before`) of rows past `seen`.
    fn late_days(self) -> &'static str {
        match self {
            Source::Clicks => {
                "SELECT DISTINCT created_at / 86400 AS day FROM clicks WHERE rowid > ?1 AND created_at < ?2 ORDER BY day LIMIT 100"
            }
            Source::Filtered => {
                "SELECT DISTINCT created_at / 86400 AS day FROM filtered_clicks WHERE rowid > ?1 AND created_at < ?2 ORDER BY day LIMIT 100"
            }
            Source::Events => {
                "SELECT DISTINCT occurred_at / 86400 AS day FROM events WHERE rowid > ?1 AND occurred_at < ?2 ORDER BY day LIMIT 100"
            }
            Source::Ledger => {
                "SELECT DISTINCT occurred_at / 86400 AS day FROM ledger WHERE rowid > ?1 AND occurred_at < ?2 ORDER BY day LIMIT 100"
            }
        }
    }

    /// Its name in `rolled_days`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Clicks => "clicks",
            Source::Filtered => "filtered",
            Source::Events => "events",
            Source::Ledger => "ledger",
        }
    }

    /// Raw clicks are deleted after the retention window; a day before it is never rolled again.
    fn kept_forever(self) -> bool {
        matches!(self, Source::Events | Source::Ledger)
    }
}

/// How far the rollup has come.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct Progress {
    /// Days before this one are in the rollups.
    pub rolled_through: i64,
    pub clicks_seen: i64,
    pub filtered_seen: i64,
    pub events_seen: i64,
    pub ledger_seen: i64,
}

impl Progress {
    pub fn seen(&self, source: Source) -> i64 {
        match source {
            Source::Clicks => self.clicks_seen,
            Source::Filtered => self.filtered_seen,
            Source::Events => self.events_seen,
            Source::Ledger => self.ledger_seen,
        }
    }
}

/// Where the rollup stands; `None` before its first run (then nothing is rolled up).
pub async fn progress(platform: &impl Platform) -> Result<Option<Progress>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT rolled_through, clicks_seen, filtered_seen, events_seen, ledger_seen FROM rollup_state WHERE id = 1",
            vec![],
        ),
    )
    .await
}

/// The first day reports read raw rows for (days before it are rolled up).
pub async fn rolled_through(platform: &impl Platform) -> Result<i64, PlatformError> {
    Ok(progress(platform).await?.map_or(0, |p| p.rolled_through))
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rolled {
    /// Complete days rolled up for the first time.
    pub new_days: usize,
    /// Earlier days rolled up again for rows that arrived late.
    pub late_days: usize,
    /// Raw clicks (and filtered clicks) deleted past the retention window.
    pub raw_rows_deleted: u64,
    /// The first day not rolled up yet.
    pub rolled_through: i64,
}

/// The first day of the month `day` is in, as a day number.
pub fn month_of(day: i64) -> i64 {
    let date = time::Date::from_julian_day(UNIX_EPOCH_JULIAN + day as i32)
        .unwrap_or(time::Date::MIN)
        .replace_day(1)
        .unwrap_or(time::Date::MIN);
    i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN)
}

/// The first day of the month after the one starting on `month`.
pub fn next_month(month: i64) -> i64 {
    month_of(month + 31)
}

/// 1970-01-01 as a Julian day.
const UNIX_EPOCH_JULIAN: i32 = 2_440_588;

/// Replaces `day`'s rows of `sources` with their raw rows up to the rowids in `through`
/// (one transaction), and moves `rolled_through` past it when it is the next day to roll.
async fn roll_day(
    platform: &impl Platform,
    day: i64,
    sources: &[Source],
    through: &[i64; 4],
    advance: bool,
) -> Result<(), PlatformError> {
    let month = month_of(day);
    let mut batch: Vec<Statement> = Vec::new();
    for &source in sources {
        let last = through[Source::ALL.iter().position(|s| *s == source).unwrap_or(0)];
        let [take_out, delete, insert, program, add, drop_empty] = source.replace_day();
        batch.extend([
            Statement::new(take_out, vec![day.into(), month.into()]),
            Statement::new(delete, vec![day.into()]),
            Statement::new(
                insert,
                vec![
                    (day * DAY).into(),
                    ((day + 1) * DAY).into(),
                    day.into(),
                    last.into(),
                ],
            ),
        ]);
        if source == Source::Clicks {
            batch.push(Statement::new(sql::LINK_SUB_COUNT, vec![day.into()]));
        }
        batch.extend([
            Statement::new(program, vec![day.into()]),
            Statement::new(add, vec![day.into(), month.into()]),
            Statement::new(drop_empty, vec![month.into()]),
            Statement::new(
                "INSERT INTO rolled_days (source, day, through) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (source, day) DO UPDATE SET through = excluded.through",
                vec![source.name().into(), day.into(), last.into()],
            ),
        ]);
    }
    if advance {
        batch.push(Statement::new(
            "UPDATE rollup_state SET rolled_through = ?1 + 1 WHERE id = 1 AND rolled_through = ?1",
            vec![day.into()],
        ));
    }
    platform.batch(batch).await
}

/// The oldest day any raw table has a row for, or `today` when they are empty.
async fn first_day(platform: &impl Platform, today: i64) -> Result<i64, PlatformError> {
    #[derive(Deserialize)]
    struct First {
        day: Option<i64>,
    }
    let found: Option<First> = first(
        platform,
        Statement::new(
            "SELECT min(d) / 86400 AS day FROM (SELECT min(created_at) AS d FROM clicks UNION ALL \
             SELECT min(created_at) FROM filtered_clicks UNION ALL SELECT min(occurred_at) FROM events UNION ALL \
             SELECT min(occurred_at) FROM ledger)",
            vec![],
        ),
    )
    .await?;
    Ok(found.and_then(|f| f.day).map_or(today, |d| d.min(today)))
}

async fn max_rowids(platform: &impl Platform) -> Result<[i64; 4], PlatformError> {
    #[derive(Deserialize)]
    struct Max {
        clicks: Option<i64>,
        filtered: Option<i64>,
        events: Option<i64>,
        ledger: Option<i64>,
    }
    let max: Option<Max> = first(
        platform,
        Statement::new(
            "SELECT (SELECT max(rowid) FROM clicks) AS clicks, (SELECT max(rowid) FROM filtered_clicks) AS filtered, \
             (SELECT max(rowid) FROM events) AS events, (SELECT max(rowid) FROM ledger) AS ledger",
            vec![],
        ),
    )
    .await?;
    let max = max.unwrap_or(Max {
        clicks: None,
        filtered: None,
        events: None,
        ledger: None,
    });
    Ok([max.clicks, max.filtered, max.events, max.ledger].map(|m| m.unwrap_or(0)))
}

/// One rollup run at `now` (seconds), of at most `days` days. `raw_clicks_days` is the
/// retention window.
pub async fn run(
    platform: &impl Platform,
    now: i64,
    raw_clicks_days: i64,
    days: usize,
) -> Result<Rolled, PlatformError> {
    let today = now.div_euclid(DAY);
    let progress = if let Some(p) = progress(platform).await? {
        p
    } else {
        let start = first_day(platform, today).await?;
        platform
            .execute(Statement::new(
                "INSERT INTO rollup_state (id, rolled_through) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                vec![start.into()],
            ))
            .await?;
        Progress {
            rolled_through: start,
            ..Progress::default()
        }
    };
    let horizon = today - raw_clicks_days.max(1);
    let max = max_rowids(platform).await?;
    let mut rolled = Rolled::default();
    let mut budget = days;
    let mut all_late_done = true;
    // Days already rolled up that rows arrived for since the last run: each source again.
    let mut late: Vec<(i64, Vec<Source>)> = Vec::new();
    for source in Source::ALL {
        let days = platform
            .query(Statement::new(
                source.late_days(),
                vec![
                    progress.seen(source).into(),
                    (progress.rolled_through * DAY).into(),
                ],
            ))
            .await?;
        if days.len() >= 100 {
            all_late_done = false;
        }
        for row in days {
            let Some(day) = row.get("day").and_then(serde_json::Value::as_i64) else {
                continue;
            };
            if !source.kept_forever() && day < horizon {
                continue;
            }
            match late.iter_mut().find(|(d, _)| *d == day) {
                Some((_, sources)) => sources.push(source),
                None => late.push((day, vec![source])),
            }
        }
    }
    late.sort_by_key(|(d, _)| *d);
    for (day, sources) in &late {
        if budget == 0 {
            all_late_done = false;
            break;
        }
        roll_day(platform, *day, sources, &max, false).await?;
        rolled.late_days += 1;
        budget -= 1;
    }
    if all_late_done {
        platform
            .execute(Statement::new(
                "UPDATE rollup_state SET clicks_seen = ?, filtered_seen = ?, events_seen = ?, ledger_seen = ? WHERE id = 1",
                max.iter().map(|&m| m.into()).collect(),
            ))
            .await?;
    }
    // Complete days, oldest first.
    let mut day = progress.rolled_through;
    while day < today && budget > 0 {
        roll_day(platform, day, &Source::ALL, &max, true).await?;
        rolled.new_days += 1;
        budget -= 1;
        day += 1;
    }
    rolled.rolled_through = day;
    // Raw clicks past the window, once their day is rolled up.
    let delete_before = horizon.min(day) * DAY;
    for sql in [
        "DELETE FROM clicks WHERE rowid IN (SELECT rowid FROM clicks WHERE created_at < ?1 LIMIT ?2)",
        "DELETE FROM filtered_clicks WHERE rowid IN (SELECT rowid FROM filtered_clicks WHERE created_at < ?1 LIMIT ?2)",
    ] {
        loop {
            let deleted = platform
                .execute(Statement::new(
                    sql,
                    vec![delete_before.into(), DELETE_CHUNK.into()],
                ))
                .await?;
            rolled.raw_rows_deleted += deleted;
            if deleted < DELETE_CHUNK as u64 {
                break;
            }
        }
    }
    Ok(rolled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn day(date: time::Date) -> i64 {
        i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN)
    }

    #[test]
    fn months_start_on_their_first_day() {
        assert_eq!(day(date!(1970 - 01 - 02)), 1);
        assert_eq!(
            month_of(day(date!(2026 - 11 - 30))),
            day(date!(2026 - 11 - 01))
        );
        assert_eq!(
            month_of(day(date!(2026 - 11 - 01))),
            day(date!(2026 - 11 - 01))
        );
        assert_eq!(
            next_month(day(date!(2026 - 12 - 01))),
            day(date!(2027 - 01 - 01))
        );
        assert_eq!(
            next_month(day(date!(2028 - 02 - 01))),
            day(date!(2028 - 03 - 01))
        );
        assert_eq!(
            next_month(day(date!(2027 - 01 - 01))),
            day(date!(2027 - 02 - 01))
        );
    }
}
