//! A partner's rows for the Lead Tracking and Sales reports, paged, newest first, each with
//! the commission it earned the partner.

use serde::Deserialize;

use super::parse;
use crate::platform::{Platform, PlatformError, Statement};

/// Which conversions a report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversions {
    Leads,
    /// Sales and subscription payments.
    Sales,
}

/// One conversion as the reports show it.
#[derive(Debug, Clone, Deserialize)]
pub struct ConversionRow {
    pub occurred_at: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub order_id: Option<String>,
    pub product: Option<String>,
    pub slug: Option<String>,
    pub sub: Option<String>,
    /// The customer's masked e-mail or name.
    pub customer: Option<String>,
    pub amount: Option<i64>,
    /// What the partner's ledger credited for it (net of nothing: clawbacks are their own rows).
    pub commission: i64,
}

/// A page of `code`'s conversions of a kind with `from` ≤ time < `until` (seconds).
pub async fn conversions(
    platform: &impl Platform,
    code: &str,
    kind: Conversions,
    (from, until): (i64, i64),
    (limit, offset): (i64, i64),
) -> Result<Vec<ConversionRow>, PlatformError> {
    let (a, b) = match kind {
        Conversions::Leads => ("lead", "lead"),
        Conversions::Sales => ("sale", "subscription_payment"),
    };
    platform
        .query(Statement::new(
            "SELECT e.occurred_at AS occurred_at, e.type AS type, e.order_id AS order_id, e.product AS product, \
             e.slug AS slug, e.sub AS sub, e.customer_label AS customer, e.amount_minor AS amount, \
             (SELECT coalesce(sum(l.amount_minor), 0) FROM ledger l WHERE l.event_id = e.id AND l.partner = e.partner) AS commission \
             FROM events e WHERE e.partner = ?1 AND e.type IN (?2, ?3) AND e.occurred_at >= ?4 AND e.occurred_at < ?5 \
             ORDER BY e.occurred_at DESC, e.id LIMIT ?6 OFFSET ?7",
            vec![
                code.into(),
                a.into(),
                b.into(),
                from.into(),
                until.into(),
                limit.into(),
                offset.into(),
            ],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}
