-- Sign-in: password hashes and session versions, kept apart from the content-seeded
-- partners table so that reseeding never touches them.
CREATE TABLE credentials (
  partner          TEXT PRIMARY KEY,
  password_hash    TEXT,
  -- Bumped on logout and password change: older session cookies stop working.
  session_version  INTEGER NOT NULL DEFAULT 0,
  updated_at       INTEGER NOT NULL
);

-- Set-password links are single use: their nonce is recorded when used.
CREATE TABLE used_tokens (
  nonce       TEXT PRIMARY KEY,
  partner     TEXT NOT NULL,
  used_at     INTEGER NOT NULL
);

-- Fixed-window counters for sign-in and reset attempts.
CREATE TABLE rate_limits (
  key           TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  count         INTEGER NOT NULL
);

-- The partner's own changes to their profile (shown instead of the content's values).
CREATE TABLE profile_updates (
  partner     TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  company     TEXT,
  email       TEXT NOT NULL,
  phone       TEXT,
  address     TEXT,
  updated_at  INTEGER NOT NULL
);

-- Mail in development (and where no mail API is configured): what would have been sent.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
