-- Payout details a partner changed in My Profile. A change applies to payouts from
-- `effective_at` (after the owner's cooling-off period); until then the previous details
-- (the latest applied change, or the content's) are used.
CREATE TABLE payout_changes (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  partner       TEXT NOT NULL,
  method        TEXT NOT NULL,
  details       TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  effective_at  INTEGER NOT NULL
);
CREATE INDEX payout_changes_by_partner ON payout_changes (partner, effective_at);
