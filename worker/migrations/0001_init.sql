-- Partner Center schema, applied to D1 by wrangler and to SQLite by the native backend.
-- Rows from content (programs, partners, links, payouts) are upserted by the generator's
-- dist/data/seed.sql; each carries the build_id of the build that last wrote it.

CREATE TABLE programs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  priority    INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  rules_json  TEXT NOT NULL,
  build_id    TEXT NOT NULL
);

CREATE TABLE partners (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  company     TEXT,
  email       TEXT NOT NULL,
  phone       TEXT,
  address     TEXT,
  status      TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
  parent      TEXT,
  payout_method  TEXT,
  payout_details TEXT,
  build_id    TEXT NOT NULL
);

-- A partner's programs; rank 0 is the program that pays by default (lowest priority number).
CREATE TABLE partner_programs (
  partner     TEXT NOT NULL,
  program     TEXT NOT NULL,
  rank        INTEGER NOT NULL,
  build_id    TEXT NOT NULL,
  PRIMARY KEY (partner, program)
);

CREATE TABLE coupons (
  code        TEXT PRIMARY KEY,
  partner     TEXT NOT NULL,
  build_id    TEXT NOT NULL
);

CREATE TABLE links (
  slug        TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  target      TEXT NOT NULL,
  build_id    TEXT NOT NULL
);

-- Append-only. Amounts in minor units; debits (payouts, clawbacks) are negative. Times are
-- Unix seconds. `rule` says which rule of which program produced a commission; `level` is
-- 0 for the referring partner, 1 and 2 for second- and third-tier overrides.
CREATE TABLE ledger (
  id           TEXT PRIMARY KEY,
  partner      TEXT NOT NULL,
  program      TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('commission', 'clawback', 'payout', 'adjustment')),
  amount_minor INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  payable_at   INTEGER NOT NULL,
  event_id     TEXT,
  order_id     TEXT,
  level        INTEGER NOT NULL DEFAULT 0,
  -- For a clawback: the commission row it takes back from.
  reverses     TEXT,
  rule         TEXT,
  memo         TEXT
);
CREATE INDEX ledger_by_partner ON ledger (partner, occurred_at);
CREATE INDEX ledger_by_order ON ledger (order_id);
