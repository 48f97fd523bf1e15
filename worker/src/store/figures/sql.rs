//! The statements the figures are read with (rollups, raw rows, late rows), each written for
//! D1's limits: at most five terms in a compound SELECT, every parameter numbered.

use crate::store::rollups::{Source, event_figures, filtered_figures, ledger_figures};

/// Every measure and dimension of one partner from the rollups, `?1` the partner.
pub(super) const PARTNER_ROLLED: &str = "SELECT measure, dimension, key, sum(n) AS n, sum(m) AS m, max(example) AS example FROM ( \
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

/// One partner's (`?3`) raw clicks in `?1`..`?2` (seconds) from `$table`, the columns the
/// figures group them by (grouped in [`super::clicks`]).
macro_rules! partner_clicks {
    ($table:literal) => {
        concat!(
            "SELECT slug, sub, referrer_host, country, agent, program, visitor FROM ",
            $table,
            " WHERE partner = ?3 AND created_at >= ?1 AND created_at < ?2"
        )
    };
}

/// Clicks per program and in all, of each partner (`$partner` is `partner`) or of the whole
/// program (`''`), in `?1`..`?2` from `$table` (`?3` unused): the whole program's figures and
/// the partners' table read no more. Visitors (`m`) are not counted here: no reader of the
/// whole program shows them.
macro_rules! click_counts {
    ($table:literal, $partner:literal) => {
        concat!(
            "g AS MATERIALIZED (SELECT ",
            $partner,
            " AS partner, program, count(*) AS n FROM ",
            $table,
            " WHERE created_at >= ?1 AND created_at < ?2 AND ?3 IS NOT NULL GROUP BY 1, 2) \
             SELECT partner, 'clicks' AS measure, 'program' AS dimension, program AS key, n, 0 AS m, NULL AS example FROM g \
             UNION ALL SELECT partner, 'clicks', 'all', '', sum(n), 0, NULL FROM g GROUP BY partner"
        )
    };
}

/// One partner's (`?3`) figures of a source from its raw rows in `?1`..`?2` (seconds): the
/// days not rolled up, and (`late`) the rows that arrived after their day was. Clicks are
/// the rows themselves ([`partner_clicks`]).
pub(super) fn partner_raw(source: Source, late: bool) -> &'static str {
    match (source, late) {
        (Source::Clicks, false) => partner_clicks!("clicks"),
        (Source::Filtered, false) => filtered_figures!("filtered_clicks", "AND partner = ?3"),
        (Source::Events, false) => event_figures!("events", "AND partner = ?3"),
        (Source::Ledger, false) => ledger_figures!("ledger", "AND l.partner = ?3"),
        (Source::Clicks, true) => late!("clicks", "created_at", "clicks", partner_clicks!("late")),
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

/// The whole program's (partner `''`) figures of a source from raw rows: clicks per program
/// and in all only; the other sources as [`partners_raw`].
pub(super) fn program_raw(source: Source, late: bool) -> &'static str {
    match (source, late) {
        (Source::Clicks, false) => concat!("WITH ", click_counts!("clicks", "''")),
        (Source::Clicks, true) => concat!(
            "WITH ",
            late_rows!("late", "clicks", "created_at", "clicks", "?4", "?5"),
            ", ",
            click_counts!("late", "''")
        ),
        _ => partners_raw(source, late),
    }
}

/// The same for every partner (`?3` unused), clicks only in total and per program (all the
/// partners' table reads).
pub(super) fn partners_raw(source: Source, late: bool) -> &'static str {
    match (source, late) {
        (Source::Clicks, false) => concat!("WITH ", click_counts!("clicks", "partner")),
        (Source::Filtered, false) => filtered_figures!("filtered_clicks", "AND ?3 IS NOT NULL"),
        (Source::Events, false) => event_figures!("events", "AND ?3 IS NOT NULL"),
        (Source::Ledger, false) => ledger_figures!("ledger", "AND ?3 IS NOT NULL"),
        (Source::Clicks, true) => concat!(
            "WITH ",
            late_rows!("late", "clicks", "created_at", "clicks", "?4", "?5"),
            ", ",
            click_counts!("late", "partner")
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

/// The rollups' totals (`all`) of every partner, `''` (the whole program) excluded.
pub(super) const PARTNERS_ROLLED: &str = "SELECT partner, measure, 'all' AS dimension, '' AS key, sum(n) AS n, sum(m) AS m, NULL AS example FROM ( \
     SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'month' AND day >= ?1 AND day < ?2 \
     UNION ALL SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'day' AND day >= ?3 AND day < ?4 \
     UNION ALL SELECT partner, measure, n, m FROM rollups WHERE measure IN ('clicks', 'filtered', 'lead', 'sale', 'subscription_payment', 'refund', 'earned') \
     AND dimension = 'all' AND span = 'day' AND day >= ?5 AND day < ?6 \
     ) WHERE partner != '' GROUP BY partner, measure";

/// The whole program's rows (partner `''`): totals and per program.
pub(super) const PROGRAM_ROLLED: &str = "SELECT measure, dimension, key, sum(n) AS n, sum(m) AS m, NULL AS example FROM ( \
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

/// Per day, of one partner (`?3`, `''` for every partner) in the window `?1`..`?2`, from the
/// tables (or CTEs) `$clicks`, `$events`, `$ledger`.
macro_rules! daily_figures {
    ($clicks:literal, $events:literal, $ledger:literal) => {
        concat!(
            "SELECT 'clicks' AS measure, created_at / 86400 AS day, count(*) AS n, 0 AS m FROM ", $clicks,
            " WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 2 \
             UNION ALL SELECT type, occurred_at / 86400, count(*), coalesce(sum(amount_minor), 0) FROM ", $events,
            " WHERE partner IS NOT NULL AND type IN ('lead', 'sale') AND occurred_at >= ?1 AND occurred_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 1, 2 \
             UNION ALL SELECT 'earned', occurred_at / 86400, count(*), sum(amount_minor) FROM ", $ledger,
            " WHERE kind IN ('commission', 'clawback', 'adjustment') AND occurred_at >= ?1 AND occurred_at < ?2 AND (?3 = '' OR partner = ?3) GROUP BY 2"
        )
    };
}

/// Per day, the late rows of clicks (`?4` seen), events (`?5`) and the ledger (`?6`) before
/// `?7` (seconds).
pub(super) const DAILY_LATE: &str = concat!(
    "WITH ",
    late_rows!("late_clicks", "clicks", "created_at", "clicks", "?4", "?7"),
    ", ",
    late_rows!("late_events", "events", "occurred_at", "events", "?5", "?7"),
    ", ",
    late_rows!("late_ledger", "ledger", "occurred_at", "ledger", "?6", "?7"),
    " ",
    daily_figures!("late_clicks", "late_events", "late_ledger")
);

/// The Clicks report's groups (day, link and sub-id) of partner `?1` from raw clicks
/// `?2`..`?3` (seconds): the days not rolled up.
pub(super) const RAW_CLICK_GROUPS: &str = "SELECT created_at / 86400 AS day, slug || char(31) || coalesce(sub, '') AS key, count(*) AS n \
     FROM clicks WHERE partner = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY 1, 2";

/// The same from the clicks that arrived after their day (`?2`..`?3`) was rolled up (past
/// `?4` seen, before `?5`).
pub(super) const LATE_CLICK_GROUPS: &str = concat!(
    "WITH ",
    late_rows!("late", "clicks", "created_at", "clicks", "?4", "?5"),
    " SELECT created_at / 86400 AS day, slug || char(31) || coalesce(sub, '') AS key, count(*) AS n \
     FROM late WHERE partner = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY 1, 2"
);

/// The rolled-up groups of partner `?1` on the days `?2`..`?3`.
pub(super) const ROLLED_CLICK_GROUPS: &str = "SELECT day, key, n FROM rollups WHERE partner = ?1 AND measure = 'clicks' \
     AND dimension = 'link_sub' AND span = 'day' AND day >= ?2 AND day < ?3";

/// Per rolled-up day of partner `?1` in `?2`..`?3`: its clicks (`all`) and its number of
/// groups (`link_sub_count`), so that a page of the Clicks report reads only its own days.
pub(super) const CLICK_GROUP_COUNTS: &str = "SELECT day, dimension, n FROM rollups WHERE partner = ?1 AND measure = 'clicks' \
     AND dimension IN ('all', 'link_sub_count') AND span = 'day' AND day >= ?2 AND day < ?3";

pub(super) use daily_figures;
