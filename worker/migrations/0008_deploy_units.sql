-- What the last deploy put in place, unit by unit (see `partner-center deploy`): the unit's
-- hash, and the KV keys it wrote, so the next deploy sends only the difference and deletes the
-- keys of what is gone. Written in the same batch as the unit's own statements.
CREATE TABLE deploy_units (
  unit     TEXT PRIMARY KEY,
  hash     TEXT NOT NULL,
  kv_keys  TEXT NOT NULL DEFAULT ''
);
