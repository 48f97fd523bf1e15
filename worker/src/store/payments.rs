//! What the store integrations remember about payments: which order a payment reference
//! belongs to, and the refunds observed per payment (so each is recorded once).

use serde::Deserialize;

use super::first;
use crate::platform::{Platform, PlatformError, Statement};

/// Remembers that payment reference `reference` belongs to `target` (an order id, or another
/// reference that leads to one). The first word stands.
pub fn remember(reference: &str, target: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT OR IGNORE INTO payment_refs (ref, target, created_at) VALUES (?, ?, ?)",
        vec![reference.into(), target.into(), now.into()],
    )
}

/// What a payment reference was remembered to belong to.
pub async fn target_of(
    platform: &impl Platform,
    reference: &str,
) -> Result<Option<String>, PlatformError> {
    #[derive(Deserialize)]
    struct Target {
        target: String,
    }
    Ok(first::<Target>(
        platform,
        Statement::new(
            "SELECT target FROM payment_refs WHERE ref = ?",
            vec![reference.into()],
        ),
    )
    .await?
    .map(|t| t.target))
}

/// A payment's refund observations so far: the highest running total a charge reported, the
/// sum of single refunds, and what was recorded as refunds.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Observations {
    pub running: i64,
    pub singles: i64,
    pub recorded: i64,
}

pub async fn observations(
    platform: &impl Platform,
    payment: &str,
) -> Result<Observations, PlatformError> {
    Ok(first(
        platform,
        Statement::new(
            "SELECT coalesce(max(CASE WHEN source = 'charge' THEN amount_minor END), 0) AS running, \
             coalesce(sum(CASE WHEN source = 'refund' THEN amount_minor END), 0) AS singles, \
             coalesce(sum(recorded_minor), 0) AS recorded \
             FROM refund_observations WHERE payment = ?",
            vec![payment.into()],
        ),
    )
    .await?
    .unwrap_or_default())
}

/// One refund observation.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    /// `charge` (a running total) or `refund` (one refund).
    pub source: &'static str,
    pub reference: &'a str,
    pub payment: &'a str,
    pub amount: i64,
    /// The payment's recorded refunds when the observation was computed.
    pub recorded_before: i64,
    /// The refund recorded now.
    pub recorded: i64,
    pub event_id: &'a str,
}

/// The observation's row, written only if the payment's recorded refunds are still what they
/// were when it was computed: otherwise `recorded_minor` is NULL, the NOT NULL constraint
/// fails the whole batch (the refund with it), and the store's retry computes again. Two events
/// of one refund arriving together can then never both be counted.
pub fn observe(o: Observation<'_>) -> Statement {
    Statement::new(
        "INSERT INTO refund_observations (source, ref, payment, amount_minor, recorded_minor, event_id) \
         VALUES (?1, ?2, ?3, ?4, CASE WHEN (SELECT coalesce(sum(recorded_minor), 0) FROM refund_observations \
         WHERE payment = ?3) = ?5 THEN ?6 END, ?7)",
        vec![
            o.source.into(),
            o.reference.into(),
            o.payment.into(),
            o.amount.into(),
            o.recorded_before.into(),
            o.recorded.into(),
            o.event_id.into(),
        ],
    )
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use super::{Observation, observe};

    #[test]
    fn an_observation_computed_on_stale_totals_fails_its_batch() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, recipient TEXT, subject TEXT, body TEXT, created_at INTEGER);",
        )
        .unwrap();
        db.execute_batch(include_str!("../../migrations/0010_store_integrations.sql"))
            .unwrap();
        let observe = |r: &str, read: i64, delta: i64| {
            let o = Observation {
                source: "charge",
                reference: r,
                payment: "pi_1",
                amount: 1450,
                recorded_before: read,
                recorded: delta,
                event_id: r,
            };
            let sql = observe(o).sql;
            db.execute(
                sql,
                rusqlite::params![
                    o.source,
                    o.reference,
                    o.payment,
                    o.amount,
                    o.recorded_before,
                    o.recorded,
                    o.event_id
                ],
            )
        };
        // charge.refunded and refund.created of one refund, both computed on an empty history:
        // the first is recorded, the second fails (its batch, refund included, rolls back).
        assert!(observe("evt_a", 0, 1450).is_ok());
        assert!(observe("evt_b", 0, 1450).is_err());
        // Computed again on the current totals, it records nothing more.
        assert!(observe("evt_b", 1450, 0).is_ok());
    }
}
