-- Partner applications from /join, pending until the owner approves (through git) or rejects.
-- The password chosen at sign-up is kept as a PBKDF2 hash and moves to credentials on approval.
CREATE TABLE applications (
  code           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  email          TEXT NOT NULL,
  company        TEXT,
  website        TEXT,
  phone          TEXT,
  promotion      TEXT,
  programs       TEXT NOT NULL,
  password_hash  TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  reason         TEXT,
  created_at     INTEGER NOT NULL,
  decided_at     INTEGER
);
CREATE INDEX applications_by_email ON applications (email);
