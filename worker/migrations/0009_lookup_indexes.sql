-- Lookups that must not read a whole table once a program has 100,000 partners (the tests plan
-- every statement the app runs): by e-mail address (forgot my code, sign-up duplicates) and the
-- owner's pending applications.
CREATE INDEX partners_by_email ON partners (lower(email));
CREATE INDEX profile_updates_by_email ON profile_updates (lower(email));
CREATE INDEX applications_by_status ON applications (status, created_at);
