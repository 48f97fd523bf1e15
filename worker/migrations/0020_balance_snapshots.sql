-- Every partner's balance as the last scheduled run found it (pc_core::ledger::Balance in
-- JSON), and until when it holds: the statement changes by time alone only when a hold ends
-- (`valid_until`, its next change), and otherwise only with a new or removed line, which
-- removes the snapshot here. The console's overview and partner table sum the snapshots
-- that hold and replay only the partners without one.
CREATE TABLE balance_snapshots (
  partner      TEXT PRIMARY KEY,
  balance      TEXT NOT NULL,
  taken_at     INTEGER NOT NULL,
  valid_until  INTEGER NOT NULL
) WITHOUT ROWID;

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
