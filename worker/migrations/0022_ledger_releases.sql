-- An owner's release of a commission held for review is a ledger line of its own (kind
-- 'release', amount 0, `reverses` the commission, `payable_at` when it becomes payable;
-- pc_core::ledger::EntryKind::Release). SQLite cannot widen a CHECK constraint, so the table
-- is made again with the same rows, in the same rowid order (the rollup, the checkpoints and
-- the notifications remember rowids), with its indexes and triggers.
CREATE TABLE ledger_new (
  id           TEXT PRIMARY KEY,
  partner      TEXT NOT NULL,
  program      TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('commission', 'clawback', 'payout', 'adjustment', 'release')),
  amount_minor INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  payable_at   INTEGER NOT NULL,
  event_id     TEXT,
  order_id     TEXT,
  level        INTEGER NOT NULL DEFAULT 0,
  -- A clawback: the commission it takes back from; a release: the commission it releases;
  -- an adjustment: the payout it corrects.
  reverses     TEXT,
  rule         TEXT,
  memo         TEXT,
  seller       TEXT,
  conversion   TEXT,
  base_minor   INTEGER,
  source       TEXT,
  build_id     TEXT
);
INSERT INTO ledger_new (rowid, id, partner, program, kind, amount_minor, currency, occurred_at, payable_at,
  event_id, order_id, level, reverses, rule, memo, seller, conversion, base_minor, source, build_id)
  SELECT rowid, id, partner, program, kind, amount_minor, currency, occurred_at, payable_at,
  event_id, order_id, level, reverses, rule, memo, seller, conversion, base_minor, source, build_id
  FROM ledger ORDER BY rowid;
DROP TABLE ledger;
ALTER TABLE ledger_new RENAME TO ledger;

CREATE INDEX ledger_by_order ON ledger (order_id);
CREATE INDEX ledger_by_reverses ON ledger (reverses);
CREATE INDEX ledger_by_time ON ledger (occurred_at);
CREATE INDEX ledger_by_event ON ledger (event_id);
CREATE INDEX ledger_statement ON ledger (partner, occurred_at, id, kind, amount_minor, payable_at, reverses);
CREATE INDEX ledger_by_payable ON ledger (partner, payable_at, occurred_at, id, kind, amount_minor, reverses);
CREATE INDEX ledger_payable_time ON ledger (payable_at, partner, occurred_at, id, kind, amount_minor, reverses);
CREATE INDEX ledger_payouts ON ledger (partner, occurred_at, id, amount_minor) WHERE kind = 'payout';

CREATE TRIGGER ledger_line_voids_checkpoint AFTER INSERT ON ledger
WHEN NEW.occurred_at < (SELECT through FROM ledger_checkpoints WHERE partner = NEW.partner)
BEGIN
  UPDATE ledger_checkpoints SET void = 1 WHERE partner = NEW.partner;
END;
CREATE TRIGGER ledger_removal_voids_checkpoint AFTER DELETE ON ledger
BEGIN
  UPDATE ledger_checkpoints SET void = 1 WHERE partner = OLD.partner;
END;
CREATE TRIGGER ledger_line_ends_snapshot AFTER INSERT ON ledger
BEGIN
  DELETE FROM balance_snapshots WHERE partner = NEW.partner;
END;
CREATE TRIGGER ledger_removal_ends_snapshot AFTER DELETE ON ledger
BEGIN
  DELETE FROM balance_snapshots WHERE partner = OLD.partner;
END;
CREATE TRIGGER ledger_change_ends_snapshot AFTER UPDATE ON ledger
BEGIN
  DELETE FROM balance_snapshots WHERE partner IN (OLD.partner, NEW.partner);
END;
