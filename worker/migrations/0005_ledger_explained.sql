-- Every ledger line explains itself: whose conversion it was (`seller`, for overrides), what
-- kind (`conversion`), the amount the rule applied to (`base_minor`; for a clawback, the
-- refunded amount), where its rule or record is written (`source`, e.g.
-- `programs/coffee-club.yaml:6`) and the build that seeded it (`build_id`).
ALTER TABLE ledger ADD COLUMN seller TEXT;
ALTER TABLE ledger ADD COLUMN conversion TEXT;
ALTER TABLE ledger ADD COLUMN base_minor INTEGER;
ALTER TABLE ledger ADD COLUMN source TEXT;
ALTER TABLE ledger ADD COLUMN build_id TEXT;
ALTER TABLE programs ADD COLUMN source TEXT;
CREATE INDEX ledger_by_reverses ON ledger (reverses);
