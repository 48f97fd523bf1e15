-- Filtered clicks get an ordered rowid (`seq`), as every other raw table has, so that the
-- rollup can tell the rows it has seen (below) from new ones; their random 63-bit `id` stays,
-- as the click Queue's idempotency key.
CREATE TABLE filtered_clicks_ordered (
  seq         INTEGER PRIMARY KEY,
  id          INTEGER NOT NULL UNIQUE,
  partner     TEXT NOT NULL,
  slug        TEXT NOT NULL,
  sub         TEXT,
  reason      TEXT NOT NULL,
  detail      TEXT,
  created_at  INTEGER NOT NULL
);
INSERT INTO filtered_clicks_ordered (id, partner, slug, sub, reason, detail, created_at)
  SELECT id, partner, slug, sub, reason, detail, created_at FROM filtered_clicks ORDER BY created_at, id;
DROP TABLE filtered_clicks;
ALTER TABLE filtered_clicks_ordered RENAME TO filtered_clicks;
CREATE INDEX filtered_clicks_by_partner ON filtered_clicks (partner, created_at);
CREATE INDEX filtered_clicks_by_time ON filtered_clicks (created_at, partner);

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

-- Leads and Sales show each event's commission: found by the event, not by reading the ledger.
CREATE INDEX ledger_by_event ON ledger (event_id);

-- A partner's statement reads every line of theirs in order: from this index alone (it
-- replaces ledger_by_partner, its first two columns).
CREATE INDEX ledger_statement ON ledger (partner, occurred_at, id, kind, amount_minor, payable_at, reverses);
DROP INDEX ledger_by_partner;
