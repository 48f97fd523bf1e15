-- The partner whose recruitment link (/join?ref=<code>) an applicant came through: on
-- approval, the new partner's parent (second tier).
ALTER TABLE applications ADD COLUMN referred_by TEXT;
