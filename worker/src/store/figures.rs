//! The reports' figures over a range of days: whole months and days from the rollups, the
//! days not rolled up yet (today) from the raw rows, by the same grouping the rollup uses, so
//! a figure is the same before and after its day is rolled up.

use std::collections::HashMap;

use serde::Deserialize;

use super::parse;
pub use super::rollups::Source;
use super::rollups::{
    DAY, Progress, click_figures, event_figures, filtered_figures, ledger_figures, month_of,
    next_month, progress,
};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};

/// A count (`n`: clicks, events) and a sum (`m`: visitors, minor units), with an example (the
/// requests not counted).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Figure {
    pub n: i64,
    pub m: i64,
    pub example: Option<String>,
}

impl Figure {
    fn add(&mut self, n: i64, m: i64, example: Option<String>) {
        self.n += n;
        self.m += m;
        if example > self.example {
            self.example = example;
        }
    }
}

/// Figures by measure, dimension and key (see migration 0017 for the names).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Figures(HashMap<(String, String, String), Figure>);

impl Figures {
    fn add(&mut self, row: FigureRow) {
        self.0
            .entry((row.measure, row.dimension, row.key))
            .or_default()
            .add(row.n, row.m, row.example);
    }

    /// A measure in total (`all`), e.g. `total("clicks").n`.
    pub fn total(&self, measure: &str) -> Figure {
        self.get(measure, "all", "")
    }

    pub fn get(&self, measure: &str, dimension: &str, key: &str) -> Figure {
        self.0
            .get(&(measure.to_owned(), dimension.to_owned(), key.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    /// Every key of a measure in a dimension, in no particular order.
    pub fn keyed<'a>(
        &'a self,
        measure: &'a str,
        dimension: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Figure)> + 'a {
        self.0
            .iter()
            .filter(move |((m, d, _), _)| m == measure && d == dimension)
            .map(|((_, _, k), f)| (k.as_str(), f))
    }

    /// The keys (sorted) that any of `measures` has in `dimension`.
    pub fn keys(&self, measures: &[&str], dimension: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .0
            .keys()
            .filter(|(m, d, _)| d == dimension && measures.contains(&m.as_str()))
            .map(|(_, _, k)| k.clone())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

#[derive(Debug, Deserialize)]
struct FigureRow {
    #[serde(default)]
    partner: Option<String>,
    measure: String,
    dimension: String,
    key: String,
    n: i64,
    m: i64,
    example: Option<String>,
}

/// Which rows cover a range of days: whole months and single days from the rollups, and the
/// days from `rolled_through` on from the raw rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cover {
    months: (i64, i64),
    days_before: (i64, i64),
    days_after: (i64, i64),
    raw: (i64, i64),
}

impl Cover {
    fn of(from: i64, until: i64, rolled_through: i64) -> Cover {
        let rolled_until = until.min(rolled_through).max(from);
        let raw = (rolled_until, until.max(rolled_until));
        let first_month = if month_of(from) == from {
            from
        } else {
            next_month(month_of(from))
        };
        let last_month = month_of(rolled_until);
        if first_month < last_month {
            Cover {
                months: (first_month, last_month),
                days_before: (from, first_month),
                days_after: (last_month, rolled_until),
                raw,
            }
        } else {
            Cover {
                months: (0, 0),
                days_before: (from, rolled_until),
                days_after: (0, 0),
                raw,
            }
        }
    }

    fn rolled_params(&self, first: Option<SqlValue>) -> Vec<SqlValue> {
        let mut p: Vec<SqlValue> = first.into_iter().collect();
        for (a, b) in [self.months, self.days_before, self.days_after] {
            p.push(a.into());
            p.push(b.into());
        }
        p
    }

    /// The rolled-up days' window (seconds), where late rows may be.
    fn rolled_window(&self) -> Option<(i64, i64)> {
        let (a, b) = (self.days_before.0, self.raw.0);
        (a < b).then_some((a * DAY, b * DAY))
    }

    fn raw_window(&self) -> Option<(i64, i64)> {
        (self.raw.0 < self.raw.1).then_some((self.raw.0 * DAY, self.raw.1 * DAY))
    }
}

/// Every measure and dimension of one partner from the rollups, `?1` the partner.
const PARTNER_ROLLED: &str = "SELECT measure, dimension, key, sum(n) AS n, sum(m) AS m, max(example) AS example FROM ( \
     SELECT measure, dimension, key, n, m, example FROM rollups WHERE partner = ?1 AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'sale_from_click', 'earned', 'commission', 'own_commission') \
     AND dimension IN ('all', 'link', 'sub', 'country', 'device', 'referrer', 'program', 'reason') AND span = 'month' AND day >= ?2 AND day < ?3 \
     UNION ALL SELECT measure, dimension, key, n, m, example FROM rollups WHERE partner = ?1 AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'sale_from_click', 'earned', 'commission', 'own_commission') \
     AND dimension IN ('all', 'link', 'sub', 'country', 'device', 'referrer', 'program', 'reason') AND span = 'day' AND day >= ?4 AND day < ?5 \
     UNION ALL SELECT measure, dimension, key, n, m, example FROM rollups WHERE partner = ?1 AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'sale_from_click', 'earned', 'commission', 'own_commission') \
     AND dimension IN ('all', 'link', 'sub', 'country', 'device', 'referrer', 'program', 'reason') AND span = 'day' AND day >= ?6 AND day < ?7 \
     ) GROUP BY measure, dimension, key";

/// Rows of `$table` that arrived after their day was rolled up: past `$seen` (every row up to
/// it of a rolled day is in the rollups), past their day's `through`, and before `$before`
/// (seconds, the first day not rolled up), as the CTE `$name`.
macro_rules! late_rows {
    ($name:literal, $table:literal, $time:literal, $source:literal, $seen:literal, $before:literal) => {
        concat!(
            $name,
            " AS MATERIALIZED (SELECT t.* FROM ",
            $table,
            " t WHERE t.rowid > ",
            $seen,
            " AND t.",
            $time,
            " < ",
            $before,
            " AND t.rowid > coalesce((SELECT through FROM rolled_days r WHERE r.source = '",
            $source,
            "' \
             AND r.day = t.",
            $time,
            " / 86400), 0))"
        )
    };
}

/// The figures of the late rows (`?4` seen, before `?5`), read from the CTE `late`.
macro_rules! late {
    ($table:literal, $time:literal, $source:literal, $figures:expr) => {
        concat!(
            "WITH ",
            late_rows!("late", $table, $time, $source, "?4", "?5"),
            " ",
            $figures
        )
    };
}

/// One partner's (`?3`) figures of a source from its raw rows in `?1`..`?2` (seconds): the
/// days not rolled up, and (`late`) the rows that arrived after their day was.
fn partner_raw(source: Source, late: bool) -> &'static str {
    match (source, late) {
        (Source::Clicks, false) => click_figures!("clicks", "AND c.partner = ?3"),
        (Source::Filtered, false) => filtered_figures!("filtered_clicks", "AND partner = ?3"),
        (Source::Events, false) => event_figures!("events", "AND partner = ?3"),
        (Source::Ledger, false) => ledger_figures!("ledger", "AND l.partner = ?3"),
        (Source::Clicks, true) => late!(
            "clicks",
            "created_at",
            "clicks",
            click_figures!("late", "AND c.partner = ?3")
        ),
        (Source::Filtered, true) => late!(
            "filtered_clicks",
            "created_at",
            "filtered",
            filtered_figures!("late", "AND partner = ?3")
        ),
        (Source::Events, true) => late!(
            "events",
            "occurred_at",
            "events",
            event_figures!("late", "AND partner = ?3")
        ),
        (Source::Ledger, true) => late!(
            "ledger",
            "occurred_at",
            "ledger",
            ledger_figures!("late", "AND l.partner = ?3")
        ),
    }
}

/// The same for every partner (`?3` unused).
fn program_raw(source: Source, late: bool) -> &'static str {
    match (source, late) {
        (Source::Clicks, false) => click_figures!("clicks", "AND ?3 IS NOT NULL"),
        (Source::Filtered, false) => filtered_figures!("filtered_clicks", "AND ?3 IS NOT NULL"),
        (Source::Events, false) => event_figures!("events", "AND ?3 IS NOT NULL"),
        (Source::Ledger, false) => ledger_figures!("ledger", "AND ?3 IS NOT NULL"),
        (Source::Clicks, true) => late!(
            "clicks",
            "created_at",
            "clicks",
            click_figures!("late", "AND ?3 IS NOT NULL")
        ),
        (Source::Filtered, true) => late!(
            "filtered_clicks",
            "created_at",
            "filtered",
            filtered_figures!("late", "AND ?3 IS NOT NULL")
        ),
        (Source::Events, true) => late!(
            "events",
            "occurred_at",
            "events",
            event_figures!("late", "AND ?3 IS NOT NULL")
        ),
        (Source::Ledger, true) => late!(
            "ledger",
            "occurred_at",
            "ledger",
            ledger_figures!("late", "AND ?3 IS NOT NULL")
        ),
    }
}

/// The raw figure rows of `sources` for `cover` (the days not rolled up, and the late rows of
/// the rolled days), of one partner or (`None`) of all.
async fn raw_rows(
    platform: &impl Platform,
    cover: &Cover,
    progress: &Progress,
    partner: Option<&str>,
    sources: &[Source],
) -> Result<Vec<FigureRow>, PlatformError> {
    let who: SqlValue = partner.unwrap_or("").into();
    let sql = |source, late| match partner {
        Some(_) => partner_raw(source, late),
        None => program_raw(source, late),
    };
    let mut found = Vec::new();
    for &source in sources {
        let mut statements = Vec::new();
        if let Some((a, b)) = cover.raw_window() {
            statements.push(Statement::new(
                sql(source, false),
                vec![a.into(), b.into(), who.clone()],
            ));
        }
        if let Some((a, b)) = cover.rolled_window() {
            statements.push(Statement::new(
                sql(source, true),
                vec![
                    a.into(),
                    b.into(),
                    who.clone(),
                    progress.seen(source).into(),
                    (progress.rolled_through * DAY).into(),
                ],
            ));
        }
        for statement in statements {
            for row in platform.query(statement).await? {
                found.push(parse(row)?);
            }
        }
    }
    Ok(found)
}

/// One partner's figures for the days `from` ≤ day < `until`, complete for the measures of
/// `sources` (the rolled-up days have every measure; the raw days are read for these only).
pub async fn partner(
    platform: &impl Platform,
    code: &str,
    from: i64,
    until: i64,
    sources: &[Source],
) -> Result<Figures, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut figures = Figures::default();
    for row in platform
        .query(Statement::new(
            PARTNER_ROLLED,
            cover.rolled_params(Some(code.into())),
        ))
        .await?
    {
        figures.add(parse(row)?);
    }
    for row in raw_rows(platform, &cover, &progress, Some(code), sources).await? {
        figures.add(row);
    }
    Ok(figures)
}

/// The rollups' totals (`all`) of every partner, `''` (the whole program) excluded.
const PARTNERS_ROLLED: &str = "SELECT partner, measure, 'all' AS dimension, '' AS key, sum(n) AS n, sum(m) AS m, NULL AS example FROM ( \
     SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'month' AND day >= ?1 AND day < ?2 \
     UNION ALL SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'day' AND day >= ?3 AND day < ?4 \
     UNION ALL SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'day' AND day >= ?5 AND day < ?6 \
     ) WHERE partner != '' GROUP BY partner, measure";

/// The whole program's rows (partner `''`): totals and per program.
const PROGRAM_ROLLED: &str = "SELECT measure, dimension, key, sum(n) AS n, sum(m) AS m, NULL AS example FROM ( \
     SELECT measure, dimension, key, n, m FROM rollups WHERE partner = '' AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned', 'commission') \
     AND dimension IN ('all', 'program') AND span = 'month' AND day >= ?1 AND day < ?2 \
     UNION ALL SELECT measure, dimension, key, n, m FROM rollups WHERE partner = '' AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned', 'commission') \
     AND dimension IN ('all', 'program') AND span = 'day' AND day >= ?3 AND day < ?4 \
     UNION ALL SELECT measure, dimension, key, n, m FROM rollups WHERE partner = '' AND measure IN (\
     'clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned', 'commission') \
     AND dimension IN ('all', 'program') AND span = 'day' AND day >= ?5 AND day < ?6 \
     ) GROUP BY measure, dimension, key";

/// The whole program's figures: totals and per program.
pub async fn program(
    platform: &impl Platform,
    from: i64,
    until: i64,
) -> Result<Figures, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut whole = Figures::default();
    for row in platform
        .query(Statement::new(PROGRAM_ROLLED, cover.rolled_params(None)))
        .await?
    {
        whole.add(parse(row)?);
    }
    for row in raw_rows(platform, &cover, &progress, None, &Source::ALL).await? {
        if matches!(row.dimension.as_str(), "all" | "program") {
            whole.add(FigureRow {
                partner: None,
                example: None,
                ..row
            });
        }
    }
    Ok(whole)
}

/// Every partner's totals (`all`), by partner code.
pub async fn partners(
    platform: &impl Platform,
    from: i64,
    until: i64,
) -> Result<HashMap<String, Figures>, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut partners: HashMap<String, Figures> = HashMap::new();
    let rolled = platform
        .query(Statement::new(PARTNERS_ROLLED, cover.rolled_params(None)))
        .await?
        .into_iter()
        .map(parse::<FigureRow>)
        .collect::<Result<Vec<_>, _>>()?;
    let raw = raw_rows(platform, &cover, &progress, None, &Source::ALL).await?;
    for row in rolled
        .into_iter()
        .chain(raw.into_iter().filter(|r| r.dimension == "all"))
    {
        partners
            .entry(row.partner.clone().unwrap_or_default())
            .or_default()
            .add(row);
    }
    Ok(partners)
}

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

/// Per day, of one partner (`?3`, `''` for every partner) in the window `?1`..`?2`, from the
/// tables (or CTEs) `$clicks`, `$events`, `$ledger`.
macro_rules! daily_figures {
    ($clicks:literal, $events:literal, $ledger:literal) => {
        concat!(
            "SELECT 'clicks' AS measure, created_at / 86400 AS day, count(*) AS n, 0 AS m FROM ", $clicks,
            " WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 2 \
             UNION ALL SELECT 'sale', occurred_at / 86400, count(*), coalesce(sum(amount_minor), 0) FROM ", $events,
            " WHERE partner IS NOT NULL AND type = 'sale' AND occurred_at >= ?1 AND occurred_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 2 \
             UNION ALL SELECT 'earned', occurred_at / 86400, count(*), sum(amount_minor) FROM ", $ledger,
            " WHERE kind IN ('commission', 'clawback', 'adjustment') AND occurred_at >= ?1 AND occurred_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 2"
        )
    };
}

/// Per day, the late rows of clicks (`?4` seen), events (`?5`) and the ledger (`?6`) before
/// `?7` (seconds).
const DAILY_LATE: &str = concat!(
    "WITH ",
    late_rows!("late_clicks", "clicks", "created_at", "clicks", "?4", "?7"),
    ", ",
    late_rows!("late_events", "events", "occurred_at", "events", "?5", "?7"),
    ", ",
    late_rows!("late_ledger", "ledger", "occurred_at", "ledger", "?6", "?7"),
    " ",
    daily_figures!("late_clicks", "late_events", "late_ledger")
);

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

/// Per day, link and sub-id of partner `?1`: rolled-up days `?2`..`?3`, raw `?4`..`?5`
/// (seconds), and the late clicks (past `?6`, before `?7`) of the rolled-up days.
macro_rules! click_groups {
    ($select:literal, $tail:literal) => {
        concat!(
            "WITH ",
            late_rows!("late", "clicks", "created_at", "clicks", "?6", "?7"),
            " ", $select,
            " FROM (SELECT day, key, sum(n) AS n FROM (\
             SELECT day, key, n FROM rollups WHERE partner = ?1 AND measure = 'clicks' AND dimension = 'link_sub' \
             AND span = 'day' AND day >= ?2 AND day < ?3 \
             UNION ALL SELECT created_at / 86400 AS day, slug || char(31) || coalesce(sub, '') AS key, count(*) AS n FROM clicks \
             WHERE partner = ?1 AND created_at >= ?4 AND created_at < ?5 GROUP BY 1, 2 \
             UNION ALL SELECT created_at / 86400 AS day, slug || char(31) || coalesce(sub, '') AS key, count(*) AS n FROM late \
             WHERE partner = ?1 AND created_at >= ?2 * 86400 AND created_at < ?3 * 86400 GROUP BY 1, 2\
             ) GROUP BY day, key) ",
            $tail
        )
    };
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
    let count: Option<Count> = super::first(
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

#[cfg(test)]
mod tests {
    use super::Cover;
    use crate::store::rollups::{month_of, next_month};

    #[test]
    fn a_range_is_covered_by_whole_months_days_and_raw_days_without_overlap() {
        let nov = month_of(20_422);
        let dec = next_month(nov);
        let jan = next_month(dec);
        // Mid-November to mid-January, rolled up to January 10th.
        let c = Cover::of(nov + 10, jan + 15, jan + 9);
        assert_eq!(c.days_before, (nov + 10, dec));
        assert_eq!(c.months, (dec, jan));
        assert_eq!(c.days_after, (jan, jan + 9));
        assert_eq!(c.raw, (jan + 9, jan + 15));
        // Nothing rolled up: every day raw.
        let c = Cover::of(nov + 10, jan + 15, 0);
        assert_eq!(
            (c.days_before, c.months, c.raw),
            ((nov + 10, nov + 10), (0, 0), (nov + 10, jan + 15))
        );
        // Everything rolled up, within one month.
        let c = Cover::of(dec + 1, dec + 5, jan + 20);
        assert_eq!(
            (c.days_before, c.months, c.raw),
            ((dec + 1, dec + 5), (0, 0), (dec + 5, dec + 5))
        );
        assert_eq!(c.raw_window(), None);
        // Exactly one whole month.
        let c = Cover::of(dec, jan, jan + 1);
        assert_eq!(
            (c.days_before, c.months, c.days_after),
            ((dec, dec), (dec, jan), (jan, jan))
        );
    }
}
