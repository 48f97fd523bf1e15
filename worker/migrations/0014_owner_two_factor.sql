-- Owners get two-step sign-in as partners have it: its tables now hold both kinds of account,
-- under the account's key (a partner's code, or 'owner:<e-mail>').
ALTER TABLE two_factor RENAME COLUMN partner TO account;
ALTER TABLE recovery_codes RENAME COLUMN partner TO account;

-- 1 when owners.yaml requires two-step sign-in of this owner (by name, or every admin).
ALTER TABLE owners ADD COLUMN two_factor_required INTEGER NOT NULL DEFAULT 0;
