//! The Clicks report's rows: clicks per day, link and sub-id, newest day first. A page reads
//! the rolled-up groups of its own days only, found from each day's number of groups (the
//! rollup's `link_sub_count`), so a page costs the same whatever the history.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::sql::{CLICK_GROUP_COUNTS, LATE_CLICK_GROUPS, RAW_CLICK_GROUPS, ROLLED_CLICK_GROUPS};
use super::{DAY, Source, progress};
use crate::platform::{Platform, PlatformError, Statement};
use crate::store::parse;

/// One row of the Clicks report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickGroup {
    pub day: i64,
    pub link: String,
    pub sub: String,
    pub clicks: i64,
}

/// A page of the Clicks report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickGroups {
    pub page: Vec<ClickGroup>,
    /// Rows in the whole range.
    pub rows: i64,
    /// Clicks in the whole range.
    pub clicks: i64,
}

#[derive(Deserialize)]
struct Group {
    day: i64,
    key: String,
    n: i64,
}

/// A day's groups by key (link, U+001F, sub-id).
type DayGroups = BTreeMap<String, i64>;

async fn groups(
    platform: &impl Platform,
    statement: Statement,
    into: &mut HashMap<i64, DayGroups>,
) -> Result<(), PlatformError> {
    for row in platform.query(statement).await? {
        let g: Group = parse(row)?;
        *into.entry(g.day).or_default().entry(g.key).or_default() += g.n;
    }
    Ok(())
}

/// How many groups and clicks each day has: the days read whole (not rolled up, or with late
/// clicks) from their groups, the other rolled-up days from the rollup's counts.
#[derive(Debug, Default)]
struct DayCounts {
    groups: HashMap<i64, i64>,
    clicks: HashMap<i64, i64>,
}

/// Partner `code`'s rows for the days `from` ≤ day < `until`: `per_page` of them from
/// `offset`, newest day first and by link and sub-id within a day.
pub async fn click_groups(
    platform: &impl Platform,
    code: &str,
    from: i64,
    until: i64,
    per_page: i64,
    offset: i64,
) -> Result<ClickGroups, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let rolled_until = until.min(progress.rolled_through).max(from);
    // Days known whole: the raw days, and the rolled-up days late clicks arrived for.
    let mut whole: HashMap<i64, DayGroups> = HashMap::new();
    if rolled_until < until {
        let window = vec![
            code.into(),
            (rolled_until * DAY).into(),
            (until * DAY).into(),
        ];
        groups(
            platform,
            Statement::new(RAW_CLICK_GROUPS, window),
            &mut whole,
        )
        .await?;
    }
    if from < rolled_until {
        let mut late = HashMap::new();
        let window = vec![
            code.into(),
            (from * DAY).into(),
            (rolled_until * DAY).into(),
            progress.seen(Source::Clicks).into(),
            (progress.rolled_through * DAY).into(),
        ];
        groups(
            platform,
            Statement::new(LATE_CLICK_GROUPS, window),
            &mut late,
        )
        .await?;
        for (day, late_groups) in late {
            let days = vec![code.into(), day.into(), (day + 1).into()];
            groups(
                platform,
                Statement::new(ROLLED_CLICK_GROUPS, days),
                &mut whole,
            )
            .await?;
            let known = whole.entry(day).or_default();
            for (key, n) in late_groups {
                *known.entry(key).or_default() += n;
            }
        }
    }
    let mut counts = DayCounts::default();
    if from < rolled_until {
        #[derive(Deserialize)]
        struct Count {
            day: i64,
            dimension: String,
            n: i64,
        }
        let days = vec![code.into(), from.into(), rolled_until.into()];
        for row in platform
            .query(Statement::new(CLICK_GROUP_COUNTS, days))
            .await?
        {
            let c: Count = parse(row)?;
            if whole.contains_key(&c.day) {
                continue;
            }
            let into = if c.dimension == "all" {
                &mut counts.clicks
            } else {
                &mut counts.groups
            };
            into.insert(c.day, c.n);
        }
    }
    for (day, g) in &whole {
        counts.groups.insert(*day, g.len() as i64);
        counts.clicks.insert(*day, g.values().sum());
    }
    // The days the page falls on, newest first, each with the rows of it the page skips.
    let (first, last) = (offset.max(0), offset.max(0) + per_page.max(0));
    let mut at = 0;
    let mut page_days: Vec<(i64, i64)> = Vec::new();
    for day in (from..until).rev() {
        let n = counts.groups.get(&day).copied().unwrap_or(0);
        if n > 0 && at + n > first && at < last {
            page_days.push((day, first.saturating_sub(at)));
        }
        at += n;
    }
    let to_read: Vec<i64> = page_days
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !whole.contains_key(d))
        .collect();
    if let (Some(&newest), Some(&oldest)) = (to_read.first(), to_read.last()) {
        let mut read = HashMap::new();
        let days = vec![code.into(), oldest.into(), (newest + 1).into()];
        groups(
            platform,
            Statement::new(ROLLED_CLICK_GROUPS, days),
            &mut read,
        )
        .await?;
        for day in to_read {
            whole.insert(day, read.remove(&day).unwrap_or_default());
        }
    }
    let per_page = usize::try_from(per_page).unwrap_or(0);
    let mut page = Vec::new();
    for (day, skip) in page_days {
        let wanted = per_page.saturating_sub(page.len());
        for (key, clicks) in whole
            .remove(&day)
            .unwrap_or_default()
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(0))
            .take(wanted)
        {
            let (link, sub) = key.split_once('\u{1f}').unwrap_or((&key, ""));
            page.push(ClickGroup {
                day,
                link: link.to_owned(),
                sub: sub.to_owned(),
                clicks,
            });
        }
    }
    Ok(ClickGroups {
        page,
        rows: at,
        clicks: counts.clicks.values().sum(),
    })
}
