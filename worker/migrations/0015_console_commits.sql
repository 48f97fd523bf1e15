-- The console commits its decisions to git for the owner.

-- An approval's commit (the partner's file), who made it, and when the applicant was welcomed:
-- once their file is live (the partner exists in the deployed content), not before.
ALTER TABLE applications ADD COLUMN commit_sha TEXT;
ALTER TABLE applications ADD COLUMN commit_url TEXT;
ALTER TABLE applications ADD COLUMN decided_by TEXT;
ALTER TABLE applications ADD COLUMN welcomed_at INTEGER;
-- Applications approved before this migration were welcomed at approval.
UPDATE applications SET welcomed_at = decided_at WHERE status = 'approved';
CREATE INDEX applications_waiting_welcome ON applications (status, welcomed_at);
