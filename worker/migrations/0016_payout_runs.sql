-- "Mark as paid" in the console: each payout run, committed once as payouts/<date>-<run>.yaml
-- (the run's id makes a second click commit nothing), and its payouts, which count as written
-- down until the deploy puts them in the ledger.
CREATE TABLE payout_runs (
  id          TEXT PRIMARY KEY,
  file        TEXT NOT NULL,
  commit_sha  TEXT,
  commit_url  TEXT,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE TABLE payout_run_lines (
  run           TEXT NOT NULL,
  partner       TEXT NOT NULL,
  reference     TEXT NOT NULL,
  amount_minor  INTEGER NOT NULL,
  PRIMARY KEY (run, partner)
);
CREATE INDEX payout_runs_by_time ON payout_runs (created_at);
