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
    pub id: String,
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

/// A page of `code`'s conversions of a kind with `from` ≤ time < `until` (seconds). Each type
/// is read newest first from its own index range, at most `limit + offset` rows, and the
/// types are merged: a page never sorts the partner's whole range.
pub async fn conversions(
    platform: &impl Platform,
    code: &str,
    kind: Conversions,
    (from, until): (i64, i64),
    (limit, offset): (i64, i64),
) -> Result<Vec<ConversionRow>, PlatformError> {
    let types: &[&str] = match kind {
        Conversions::Leads => &["lead"],
        Conversions::Sales => &["sale", "subscription_payment"],
    };
    let mut found: Vec<ConversionRow> = Vec::new();
    for &type_ in types {
        let rows = platform
            .query(Statement::new(
                "SELECT e.id AS id, e.occurred_at AS occurred_at, e.type AS type, e.order_id AS order_id, e.product AS product, \
                 e.slug AS slug, e.sub AS sub, e.customer_label AS customer, e.amount_minor AS amount, \
                 (SELECT coalesce(sum(l.amount_minor), 0) FROM ledger l WHERE l.event_id = e.id AND l.partner = e.partner) AS commission \
                 FROM events e WHERE e.partner = ?1 AND e.type = ?2 AND e.occurred_at >= ?3 AND e.occurred_at < ?4 \
                 ORDER BY e.occurred_at DESC, e.id LIMIT ?5",
                vec![
                    code.into(),
                    type_.into(),
                    from.into(),
                    until.into(),
                    (limit + offset).into(),
                ],
            ))
            .await?;
        for row in rows {
            found.push(parse(row)?);
        }
    }
    found.sort_by(|a, b| {
        b.occurred_at
            .cmp(&a.occurred_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(found
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect())
}
