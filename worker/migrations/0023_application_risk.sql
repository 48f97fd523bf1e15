-- The risk rules (content/risk.yaml) that fired on an application at /join, with their
-- reasons (JSON of pc_core::risk::Fired; NULL when none did): shown to the owner beside it.
ALTER TABLE applications ADD COLUMN risk_fired TEXT;
