-- Each conversion's risk assessment (pc_core::risk, by content/risk.yaml): its band ('watch',
-- 'hold', 'block'; NULL when nothing fired), its score and the rules that fired with their
-- reasons (JSON). The console's Risk page lists the conversions with a band.
ALTER TABLE events ADD COLUMN risk_band TEXT;
ALTER TABLE events ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN risk_fired TEXT;
CREATE INDEX events_by_risk ON events (risk_band, occurred_at) WHERE risk_band IS NOT NULL;
