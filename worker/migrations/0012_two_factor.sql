-- Two-step sign-in (TOTP, RFC 6238) for partners.
CREATE TABLE two_factor (
  partner     TEXT PRIMARY KEY,
  -- Base 32, as the authenticator app was given it.
  secret      TEXT NOT NULL,
  -- NULL while being set up (the QR code shown, no code confirmed yet).
  enabled_at  INTEGER,
  -- The last 30-second step a code was accepted for: no code is accepted twice.
  last_step   INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
);

-- Single-use recovery codes, stored as SHA-256 of the code.
CREATE TABLE recovery_codes (
  partner     TEXT NOT NULL,
  code_hash   TEXT NOT NULL,
  used_at     INTEGER,
  PRIMARY KEY (partner, code_hash)
);
