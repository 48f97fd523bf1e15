-- The owner's console and notifications.

-- Owner accounts, seeded from content/owners.yaml. A removed owner keeps the row, role 'removed'.
CREATE TABLE owners (
  email       TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'viewer', 'removed')),
  build_id    TEXT NOT NULL
);

-- Owners' password hashes and session versions (never in git, never reseeded).
CREATE TABLE owner_credentials (
  email            TEXT PRIMARY KEY,
  password_hash    TEXT,
  session_version  INTEGER NOT NULL DEFAULT 0,
  updated_at       INTEGER NOT NULL
);

-- What owners did in the console: who, what, about whom, when.
CREATE TABLE owner_audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  owner     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT,
  at        INTEGER NOT NULL
);
CREATE INDEX owner_audit_by_subject ON owner_audit (subject, at);

-- A partner's notification switches from My Profile (no row: both on).
CREATE TABLE notification_prefs (
  partner      TEXT PRIMARY KEY,
  commissions  INTEGER NOT NULL,
  payouts      INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

-- How far the scheduled notifications have read: the ledger's rowid already told about.
CREATE TABLE notify_cursors (
  name        TEXT PRIMARY KEY,
  position    INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- When the owner was told about an application (NULL: not yet; the next digest tells).
ALTER TABLE applications ADD COLUMN notified_at INTEGER;

-- The console reads the whole program over a date range: by time, not partner by partner.
CREATE INDEX clicks_by_time ON clicks (created_at, partner, program);
CREATE INDEX filtered_clicks_by_time ON filtered_clicks (created_at, partner);
CREATE INDEX events_by_time ON events (occurred_at);
CREATE INDEX ledger_by_time ON ledger (occurred_at);
CREATE INDEX applications_by_notified ON applications (notified_at);
CREATE INDEX owners_by_role ON owners (role);

-- Lines already in the ledger are never told: the cursors start at its end.
INSERT INTO notify_cursors (name, position, updated_at) SELECT 'commissions', coalesce(max(rowid), 0), 0 FROM ledger;
INSERT INTO notify_cursors (name, position, updated_at) SELECT 'payouts', coalesce(max(rowid), 0), 0 FROM ledger;
