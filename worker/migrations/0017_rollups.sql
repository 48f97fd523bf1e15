-- Daily rollups: every figure the reports and the console show, summed per partner, day
-- and dimension by the scheduled rollup (store::rollups), so that a report reads a few rows
-- per day whatever the history. Whole months are summed again ('month' rows), so a year is
-- twelve rows and the days at its edges. partner '' is the whole program.
--
--   measure    clicks (n = clicks, m = visitors), filtered (n, example), lead, sale,
--              subscription_payment, refund, sale_from_click (n = count, m = amount),
--              earned (m = commissions, clawbacks and adjustments), commission (m = commissions
--              and clawbacks), own_commission (m = the partner's own, level 0)
--   dimension  all ('' key), link, sub, link_sub (slug, U+001F, sub), country, device,
--              referrer, program, reason
--   day        the day's number since 1970-01-01 (UTC), or the month's first day
CREATE TABLE rollups (
  partner    TEXT NOT NULL,
  measure    TEXT NOT NULL,
  dimension  TEXT NOT NULL,
  span       TEXT NOT NULL CHECK (span IN ('day', 'month')),
  day        INTEGER NOT NULL,
  key        TEXT NOT NULL,
  n          INTEGER NOT NULL,
  m          INTEGER NOT NULL,
  example    TEXT,
  PRIMARY KEY (partner, measure, dimension, span, day, key)
) WITHOUT ROWID;
CREATE INDEX rollups_by_day ON rollups (measure, dimension, span, day);

-- How far the rollup has come: days before `rolled_through` are in `rollups` (reports read
-- raw rows only from there on), and every row up to each `*_seen` rowid of a day before it is
-- in them. A row that arrives late for a rolled day (a queued click, a back-dated event or
-- adjustment) has its day rolled again by the next run; until then reports add it from the
-- raw table (rows past `*_seen` and past their day's `rolled_days.through`).
CREATE TABLE rollup_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  rolled_through  INTEGER NOT NULL,
  clicks_seen     INTEGER NOT NULL DEFAULT 0,
  filtered_seen   INTEGER NOT NULL DEFAULT 0,
  events_seen     INTEGER NOT NULL DEFAULT 0,
  ledger_seen     INTEGER NOT NULL DEFAULT 0
);

-- Each rolled day and source: the rollup holds exactly its rows up to rowid `through`.
CREATE TABLE rolled_days (
  source   TEXT NOT NULL,
  day      INTEGER NOT NULL,
  through  INTEGER NOT NULL,
  PRIMARY KEY (source, day)
) WITHOUT ROWID;
