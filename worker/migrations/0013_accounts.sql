-- Accounts nobody can take over.

-- A payout change still in its cooling-off period can be cancelled: by the partner, by an
-- admin, by a newer change (it replaces older pending ones) or by "this wasn't me". A
-- cancelled change never applies.
ALTER TABLE payout_changes ADD COLUMN cancelled_at INTEGER;
ALTER TABLE payout_changes ADD COLUMN cancelled_by TEXT;

-- Payout-detail changes frozen after "this wasn't me", until an owner lifts the freeze.
CREATE TABLE payout_freezes (
  partner    TEXT PRIMARY KEY,
  frozen_at  INTEGER NOT NULL,
  reason     TEXT NOT NULL
);
