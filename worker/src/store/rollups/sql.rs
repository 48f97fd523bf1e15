//! The rollup's statements: each raw table's figures per partner and dimension (the same
//! grouping the reports use for the days not rolled up), and the statements that replace a day.

use super::Source;

/// Every dimension a rollup row can have (named in full so the index serves each statement).
macro_rules! dimensions {
    () => {
        "('all', 'link', 'sub', 'link_sub', 'link_sub_count', 'country', 'device', 'referrer', 'program', 'reason')"
    };
}

/// A day's (`?1`) number of link-and-sub-id groups per partner (the Clicks report's rows),
/// from its `link_sub` rows just inserted; months sum them like any measure (migration 0019).
pub(super) const LINK_SUB_COUNT: &str = "INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example) \
     SELECT partner, 'clicks', 'link_sub_count', 'day', ?1, '', count(*), 0, NULL FROM rollups \
     WHERE measure = 'clicks' AND dimension = 'link_sub' AND span = 'day' AND day = ?1 GROUP BY partner";

/// Clicks of `$table` in a window (`?1` ≤ created_at < `?2`) per partner and dimension,
/// narrowed by `$scope` (e.g. `"AND c.rowid <= ?4"`): partner, measure, dimension, key, n, m
/// (visitors), example. One pass over the rows, each counted once per dimension (D1 takes at
/// most five terms in a compound SELECT; a VALUES list is none). (`+c.partner`: the window,
/// not the partner index's order, picks the index.) Reports group a partner's raw clicks the
/// same way in Rust (`figures::clicks`). The other sources' figures have the same shape.
macro_rules! click_figures {
    ($table:literal, $scope:literal) => {
        concat!(
            "SELECT c.partner AS partner, 'clicks' AS measure, d.column1 AS dimension, \
             CASE d.column1 WHEN 'all' THEN '' WHEN 'link' THEN c.slug WHEN 'sub' THEN coalesce(c.sub, '') \
             WHEN 'link_sub' THEN c.slug || char(31) || coalesce(c.sub, '') WHEN 'country' THEN coalesce(c.country, '') \
             WHEN 'device' THEN c.agent WHEN 'referrer' THEN coalesce(c.referrer_host, '') ELSE c.program END AS key, \
             count(*) AS n, count(DISTINCT c.visitor) AS m, NULL AS example FROM ", $table, " c CROSS JOIN \
             (VALUES ('all'), ('link'), ('sub'), ('link_sub'), ('country'), ('device'), ('referrer'), ('program')) d \
             WHERE c.created_at >= ?1 AND c.created_at < ?2 ", $scope, " GROUP BY +c.partner, d.column1, key"
        )
    };
}

/// Requests redirected but not counted, in total and per reason (with an example).
macro_rules! filtered_figures {
    ($table:literal, $scope:literal) => {
        concat!(
            "SELECT partner, 'filtered' AS measure, 'all' AS dimension, '' AS key, count(*) AS n, 0 AS m, NULL AS example \
             FROM ", $table, " WHERE created_at >= ?1 AND created_at < ?2 ", $scope, " GROUP BY partner",
            " UNION ALL SELECT partner, 'filtered', 'reason', reason, count(*), 0, max(detail) \
             FROM ", $table, " WHERE created_at >= ?1 AND created_at < ?2 ", $scope, " GROUP BY partner, reason",
        )
    };
}

/// Attributed events per type (n = count, m = amount), per link and sub-id for leads and
/// sales, per program, and sales that came through a click.
macro_rules! event_figures {
    ($table:literal, $scope:literal) => {
        concat!(
            "SELECT partner, type AS measure, 'all' AS dimension, '' AS key, count(*) AS n, coalesce(sum(amount_minor), 0) AS m, NULL AS example \
             FROM ", $table, " WHERE partner IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 ", $scope, " GROUP BY partner, type",
            " UNION ALL SELECT partner, 'sale_from_click', 'all', '', count(*), coalesce(sum(amount_minor), 0), NULL \
             FROM ", $table, " WHERE partner IS NOT NULL AND type = 'sale' AND click_id IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 ", $scope, " GROUP BY partner",
            " UNION ALL SELECT partner, type, 'link', coalesce(slug, ''), count(*), coalesce(sum(amount_minor), 0), NULL \
             FROM ", $table, " WHERE partner IS NOT NULL AND type IN ('lead', 'sale') AND occurred_at >= ?1 AND occurred_at < ?2 ", $scope, " GROUP BY partner, type, coalesce(slug, '')",
            " UNION ALL SELECT partner, type, 'sub', coalesce(sub, ''), count(*), coalesce(sum(amount_minor), 0), NULL \
             FROM ", $table, " WHERE partner IS NOT NULL AND type IN ('lead', 'sale') AND occurred_at >= ?1 AND occurred_at < ?2 ", $scope, " GROUP BY partner, type, coalesce(sub, '')",
            " UNION ALL SELECT partner, type, 'program', coalesce(program, ''), count(*), coalesce(sum(amount_minor), 0), NULL \
             FROM ", $table, " WHERE partner IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 ", $scope, " GROUP BY partner, type, coalesce(program, '')",
        )
    };
}

/// Earnings: everything earned (commissions, clawbacks, adjustments), commissions net of
/// clawbacks per program, and the partner's own (level 0) per link and sub-id of the sale;
/// a refund counts against the link of the sale it takes back from.
macro_rules! ledger_figures {
    ($table:literal, $scope:literal) => {
        concat!(
            "SELECT l.partner AS partner, 'earned' AS measure, 'all' AS dimension, '' AS key, count(*) AS n, sum(l.amount_minor) AS m, NULL AS example \
             FROM ", $table, " l WHERE l.kind IN ('commission', 'clawback', 'adjustment') AND l.occurred_at >= ?1 AND l.occurred_at < ?2 ", $scope, " GROUP BY l.partner",
            " UNION ALL SELECT l.partner, 'commission', 'all', '', count(*), sum(l.amount_minor), NULL \
             FROM ", $table, " l WHERE l.kind IN ('commission', 'clawback') AND l.occurred_at >= ?1 AND l.occurred_at < ?2 ", $scope, " GROUP BY l.partner",
            " UNION ALL SELECT l.partner, 'commission', 'program', coalesce(l.program, ''), count(*), sum(l.amount_minor), NULL \
             FROM ", $table, " l WHERE l.kind IN ('commission', 'clawback') AND l.occurred_at >= ?1 AND l.occurred_at < ?2 ", $scope, " GROUP BY l.partner, coalesce(l.program, '')",
            " UNION ALL SELECT l.partner, 'own_commission', 'link', coalesce(e.slug, ''), count(*), sum(l.amount_minor), NULL \
             FROM ", $table, " l JOIN ledger o ON o.id = coalesce(l.reverses, l.id) JOIN events e ON e.id = o.event_id \
             WHERE l.level = 0 AND l.kind IN ('commission', 'clawback') AND l.occurred_at >= ?1 AND l.occurred_at < ?2 ", $scope, " GROUP BY l.partner, coalesce(e.slug, '')",
            " UNION ALL SELECT l.partner, 'own_commission', 'sub', coalesce(e.sub, ''), count(*), sum(l.amount_minor), NULL \
             FROM ", $table, " l JOIN ledger o ON o.id = coalesce(l.reverses, l.id) JOIN events e ON e.id = o.event_id \
             WHERE l.level = 0 AND l.kind IN ('commission', 'clawback') AND l.occurred_at >= ?1 AND l.occurred_at < ?2 ", $scope, " GROUP BY l.partner, coalesce(e.sub, '')",
        )
    };
}

/// The statements that replace one day's rows of one source: take the old day out of its
/// month (`?1` the day, `?2` its month), delete it (`?1`), insert it again from the raw rows
/// of its window (`?1`..`?2` in seconds, `?3` the day, `?4` the last rowid included), add the
/// whole program's rows (`?1`), add the day to its month (`?1`, `?2`), drop emptied month
/// rows (`?1` the month).
macro_rules! replace_day {
    ($measures:literal, $figures:expr) => {
        [
            concat!(
                "INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example) \
                 SELECT partner, measure, dimension, 'month', ?2, key, -n, -m, example FROM rollups \
                 WHERE measure IN ", $measures, " AND dimension IN ", dimensions!(), " AND span = 'day' AND day = ?1 \
                 ON CONFLICT (partner, measure, dimension, span, day, key) DO UPDATE SET n = n + excluded.n, m = m + excluded.m"
            ),
            concat!(
                "DELETE FROM rollups WHERE measure IN ", $measures, " AND dimension IN ", dimensions!(),
                " AND span = 'day' AND day = ?1"
            ),
            concat!(
                "INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example) \
                 SELECT partner, measure, dimension, 'day', ?3, key, n, m, example FROM (", $figures, ") WHERE true"
            ),
            concat!(
                "INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example) \
                 SELECT '', measure, dimension, 'day', ?1, key, sum(n), sum(m), max(example) FROM rollups \
                 WHERE measure IN ", $measures, " AND dimension IN ('all', 'program') AND span = 'day' AND day = ?1 \
                 AND partner != '' GROUP BY measure, dimension, key"
            ),
            concat!(
                "INSERT INTO rollups (partner, measure, dimension, span, day, key, n, m, example) \
                 SELECT partner, measure, dimension, 'month', ?2, key, n, m, example FROM rollups \
                 WHERE measure IN ", $measures, " AND dimension IN ", dimensions!(), " AND span = 'day' AND day = ?1 \
                 ON CONFLICT (partner, measure, dimension, span, day, key) DO UPDATE SET n = n + excluded.n, \
                 m = m + excluded.m, example = coalesce(max(example, excluded.example), example, excluded.example)"
            ),
            concat!(
                "DELETE FROM rollups WHERE measure IN ", $measures, " AND dimension IN ", dimensions!(),
                " AND span = 'month' AND day = ?1 AND n = 0 AND m = 0"
            ),
        ]
    };
}

pub(crate) use {event_figures, filtered_figures, ledger_figures};

impl Source {
    /// The statements that replace one day of this source (see [`replace_day`]).
    pub(super) fn replace_day(self) -> [&'static str; 6] {
        match self {
            Source::Clicks => {
                replace_day!("('clicks')", click_figures!("clicks", "AND c.rowid <= ?4"))
            }
            Source::Filtered => replace_day!(
                "('filtered')",
                filtered_figures!("filtered_clicks", "AND rowid <= ?4")
            ),
            Source::Events => replace_day!(
                "('lead', 'sale', 'subscription_payment', 'refund', 'sale_from_click')",
                event_figures!("events", "AND rowid <= ?4")
            ),
            Source::Ledger => replace_day!(
                "('earned', 'commission', 'own_commission')",
                ledger_figures!("ledger", "AND l.rowid <= ?4")
            ),
        }
    }
}
