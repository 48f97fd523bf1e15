-- What the risk rules (content/risk.yaml) need to know about clicks, sign-ins and partners.
-- Addresses are kept only as keyed hashes (HMAC with the session key; never in clear), and
-- only public ones: a loopback or private address says nothing about who a person is.

-- A click's address hash (self_referral_ip: compared with the partner's own sign-ins) and the
-- paid-ads click id parameter its link carried (paid_ads_click: gclid, fbclid, …).
ALTER TABLE clicks ADD COLUMN address TEXT;
ALTER TABLE clicks ADD COLUMN ad_param TEXT;
-- click_burst: one visitor's recent clicks on one partner's links, read at most `clicks` rows.
CREATE INDEX clicks_by_visitor ON clicks (partner, visitor, created_at);

-- A program's file says `paid_ads: false` to forbid ads that bid on the brand.
ALTER TABLE programs ADD COLUMN paid_ads INTEGER NOT NULL DEFAULT 1;

-- The click_burst rule's numbers (one row, written by every deploy from risk.yaml; none: the
-- rule is off). The click writer reads them in the same statement that writes the click.
CREATE TABLE click_burst (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  clicks   INTEGER NOT NULL CHECK (clicks > 0),
  seconds  INTEGER NOT NULL CHECK (seconds > 0)
);

-- The addresses a partner signed in from (hashed as above), kept 90 days after the last.
CREATE TABLE partner_addresses (
  partner    TEXT NOT NULL,
  address    TEXT NOT NULL,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (partner, address)
) WITHOUT ROWID;
CREATE INDEX partner_addresses_by_time ON partner_addresses (last_seen);

-- Rules that fired on a partner (not on one conversion): duplicate_payout_details,
-- click_burst, refund_rate. `detail` says what was found (another partner's code, counts),
-- `times` how often it fired, `first_at` and `last_at` when.
CREATE TABLE partner_flags (
  partner     TEXT NOT NULL,
  rule        TEXT NOT NULL,
  detail      TEXT,
  times       INTEGER NOT NULL DEFAULT 1,
  first_at    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL,
  PRIMARY KEY (partner, rule)
) WITHOUT ROWID;
CREATE INDEX partner_flags_by_time ON partner_flags (last_at);

-- A click the writer did not count because its visitor went past click_burst flags the
-- partner (the same transaction, on both backends).
CREATE TRIGGER repeated_clicks_flag_the_partner AFTER INSERT ON filtered_clicks
WHEN new.reason = 'repeated'
BEGIN
  INSERT INTO partner_flags (partner, rule, detail, times, first_at, last_at)
    VALUES (new.partner, 'click_burst', NULL, 1, new.created_at, new.created_at)
    ON CONFLICT (partner, rule) DO UPDATE SET times = times + 1, last_at = max(last_at, excluded.last_at);
END;

-- duplicate_payout_details: partners paid (or asking to be paid) to the same account, compared
-- without spaces and case (the expression store::risk_facts uses).
CREATE INDEX partners_by_payout_details ON partners (lower(replace(payout_details, ' ', '')));
CREATE INDEX payout_changes_by_details ON payout_changes (lower(replace(details, ' ', '')));
