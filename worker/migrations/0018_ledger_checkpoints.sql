-- A partner's statement replays their ledger (pc_core::ledger::statement). A checkpoint is
-- that replay stopped at a moment (`through`, a UTC midnight): the balances and the credits
-- not yet fully paid, as pc_core::ledger::Checkpoint in JSON. A statement starts from it and
-- reads only the lines whose money moved since; the scheduled run moves it on.
CREATE TABLE ledger_checkpoints (
  partner  TEXT PRIMARY KEY,
  through  INTEGER NOT NULL,
  state    TEXT NOT NULL,
  -- 1 once a line dated before `through` arrives (a back-dated payout or event): the
  -- partner's statement replays everything until the next run makes the checkpoint again.
  void     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Every line a checkpoint has passed, with its status then (a credit still open at the
-- checkpoint says 'payable': the statement tells whether payouts have paid it since) and
-- when its money moved.
CREATE TABLE ledger_settled (
  id            TEXT PRIMARY KEY,
  status        TEXT NOT NULL,
  effective_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER ledger_line_voids_checkpoint AFTER INSERT ON ledger
WHEN NEW.occurred_at < (SELECT through FROM ledger_checkpoints WHERE partner = NEW.partner)
BEGIN
  UPDATE ledger_checkpoints SET void = 1 WHERE partner = NEW.partner;
END;

CREATE TRIGGER ledger_removal_voids_checkpoint AFTER DELETE ON ledger
BEGIN
  UPDATE ledger_checkpoints SET void = 1 WHERE partner = OLD.partner;
END;

-- How far the checkpoints have come: every partner with a line up to rowid `checkpoint_seen`
-- has a checkpoint (or a void one), made at `checkpoint_through` or before.
ALTER TABLE rollup_state ADD COLUMN checkpoint_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_state ADD COLUMN checkpoint_through INTEGER NOT NULL DEFAULT 0;

-- The lines that move money at or after a moment, one partner's or everyone's.
CREATE INDEX ledger_by_payable ON ledger (partner, payable_at, occurred_at, id, kind, amount_minor, reverses);
CREATE INDEX ledger_payable_time ON ledger (payable_at, partner, occurred_at, id, kind, amount_minor, reverses);
-- Payouts: their references, and their sums for My Ledger's opening balance (the rest of
-- the ledger's sums are in the rollups).
CREATE INDEX ledger_payouts ON ledger (partner, occurred_at, id, amount_minor) WHERE kind = 'payout';
