-- Test mode: conversions a store sends as tests (Stripe `livemode: false`, Shopify test orders,
-- events API `"test": true`) run through the same attribution and the same rules, and are
-- recorded here instead: `test_events` has the columns of `events`, `test_ledger` those of
-- `ledger`. Nothing that sums money (balances, reports, payouts, checkpoints, rollups, risk)
-- reads these tables, so a test line can never become payable.
CREATE TABLE test_events (
  id              TEXT PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('lead', 'sale', 'subscription_payment', 'refund')),
  body_hash       TEXT NOT NULL,
  partner         TEXT,
  program         TEXT,
  attribution     TEXT NOT NULL,
  click_id        TEXT,
  slug            TEXT,
  sub             TEXT,
  order_id        TEXT,
  product         TEXT,
  amount_minor    INTEGER,
  currency        TEXT,
  customer_hash   TEXT,
  customer_label  TEXT,
  self_referral   INTEGER NOT NULL DEFAULT 0,
  occurred_at     INTEGER NOT NULL,
  received_at     INTEGER NOT NULL,
  result          TEXT NOT NULL,
  risk_band       TEXT,
  risk_score      INTEGER NOT NULL DEFAULT 0,
  risk_fired      TEXT
);
CREATE INDEX test_events_by_order ON test_events (order_id, type);
CREATE INDEX test_events_by_time ON test_events (received_at, id);

CREATE TABLE test_ledger (
  id           TEXT PRIMARY KEY,
  partner      TEXT NOT NULL,
  program      TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('commission', 'clawback')),
  amount_minor INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  payable_at   INTEGER NOT NULL,
  event_id     TEXT,
  order_id     TEXT,
  level        INTEGER NOT NULL DEFAULT 0,
  reverses     TEXT,
  rule         TEXT,
  memo         TEXT,
  seller       TEXT,
  conversion   TEXT,
  base_minor   INTEGER,
  source       TEXT,
  build_id     TEXT
);
CREATE INDEX test_ledger_by_partner ON test_ledger (partner, occurred_at);
CREATE INDEX test_ledger_by_order ON test_ledger (order_id);
CREATE INDEX test_ledger_by_reverses ON test_ledger (reverses);
CREATE INDEX test_ledger_by_event ON test_ledger (event_id);

-- What reached the worker from the stores, for the console's Setup page and `doctor`: the
-- last webhook per integration ('stripe', 'shopify', 'events') and what became of it, and the
-- last /pc.js report per store domain (whether it carried a click id, and whether that click
-- is one of ours).
CREATE TABLE store_deliveries (
  integration TEXT PRIMARY KEY,
  event_id    TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  test        INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  outcome     TEXT NOT NULL,
  detail      TEXT,
  partner     TEXT
);
CREATE TABLE script_hits (
  domain      TEXT PRIMARY KEY,
  seen_at     INTEGER NOT NULL,
  click_at    INTEGER,
  click_id    TEXT,
  click_known INTEGER NOT NULL DEFAULT 0
);
