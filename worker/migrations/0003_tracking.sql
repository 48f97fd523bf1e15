-- Clicks on partner links, written after the redirect answers. No raw client address is
-- stored: `visitor` is an HMAC of it with a key that changes every day.
CREATE TABLE clicks (
  id             TEXT PRIMARY KEY,
  partner        TEXT NOT NULL,
  program        TEXT NOT NULL,
  slug           TEXT NOT NULL,
  sub            TEXT,
  referrer_host  TEXT,
  country        TEXT,
  agent          TEXT NOT NULL,
  visitor        TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX clicks_by_partner ON clicks (partner, created_at);

-- Conversions from the owner's store, one row per event id (idempotency). `result` is the
-- JSON answer, replayed for duplicates. Customer e-mails are kept only as a hash (matching)
-- and a masked label (reports).
CREATE TABLE events (
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
  result          TEXT NOT NULL
);
CREATE INDEX events_by_partner ON events (partner, type, occurred_at);
CREATE INDEX events_by_order ON events (order_id, type);
CREATE INDEX events_by_customer ON events (customer_hash, occurred_at);
