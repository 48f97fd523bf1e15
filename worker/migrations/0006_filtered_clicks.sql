-- Requests to partner links that were redirected but not counted as clicks (prefetches, link
-- previews, scripts, crawlers), with the reason: partners see how many and why.
CREATE TABLE filtered_clicks (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  partner     TEXT NOT NULL,
  slug        TEXT NOT NULL,
  sub         TEXT,
  reason      TEXT NOT NULL,
  detail      TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX filtered_clicks_by_partner ON filtered_clicks (partner, created_at);
