-- Store integrations (Stripe, Shopify). A payment reference the store uses later (a Stripe
-- payment intent or charge, an invoice) and what it belongs to: an order id of `events`, or
-- another reference (a payment intent → its invoice → the subscription). Refunds name payments,
-- not orders; this is how they find the order whose commissions they claw back.
CREATE TABLE payment_refs (
  ref        TEXT PRIMARY KEY,
  target     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- What the store said was refunded on a payment, each observation once: `charge` rows carry a
-- charge's cumulative `amount_refunded` (charge.refunded), `refund` rows one refund's amount
-- (refund.created). The refund recorded is what the observations prove beyond what is already
-- recorded (`recorded_minor`), so a store sending both events never refunds twice.
CREATE TABLE refund_observations (
  source         TEXT NOT NULL CHECK (source IN ('charge', 'refund')),
  ref            TEXT NOT NULL,
  payment        TEXT NOT NULL,
  amount_minor   INTEGER NOT NULL,
  recorded_minor INTEGER NOT NULL,
  event_id       TEXT NOT NULL,
  PRIMARY KEY (source, ref)
);
CREATE INDEX refund_observations_by_payment ON refund_observations (payment);

-- Mail that a provider did not take stays in the outbox with the reason (nothing is lost).
ALTER TABLE outbox ADD COLUMN failure TEXT;
