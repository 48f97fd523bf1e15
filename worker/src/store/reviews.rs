//! Conversions held for review (`risk.yaml`'s hold band): their commissions still under
//! review, and the lines an owner's decision writes (a release, or a clawback of what is
//! left).

use pc_core::ledger::HELD;
use serde::Deserialize;

use super::{first, parse};
use crate::platform::{Platform, PlatformError, Statement};

/// A conversion as a review needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct Reviewed {
    pub occurred_at: i64,
    pub program: Option<String>,
    pub risk_band: Option<String>,
}

pub async fn conversion(
    platform: &impl Platform,
    event_id: &str,
) -> Result<Option<Reviewed>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT occurred_at, program, risk_band FROM events WHERE id = ?1",
            vec![event_id.into()],
        ),
    )
    .await
}

/// A commission still under review, with what is left of it after refunds.
#[derive(Debug, Clone, Deserialize)]
pub struct Held {
    pub id: String,
    pub partner: String,
    pub program: Option<String>,
    pub currency: String,
    pub order_id: Option<String>,
    pub left_minor: i64,
}

/// The commissions of `event_id` still under review (not released).
pub async fn held(platform: &impl Platform, event_id: &str) -> Result<Vec<Held>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT l.id AS id, l.partner AS partner, l.program AS program, l.currency AS currency, l.order_id AS order_id, \
             l.amount_minor + coalesce((SELECT sum(c.amount_minor) FROM ledger c WHERE c.reverses = l.id AND c.kind = 'clawback'), 0) AS left_minor \
             FROM ledger l WHERE l.event_id = ?1 AND l.kind = 'commission' AND l.payable_at >= ?2 \
             AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.reverses = l.id AND r.kind = 'release')",
            vec![event_id.into(), HELD.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The release of `held`: payable from `payable_at`, with the owner's note.
pub fn release(held: &Held, now: i64, payable_at: i64, note: &str) -> Statement {
    Statement::new(
        "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, order_id, reverses, memo) \
         VALUES (?1, ?2, ?3, 'release', 0, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        vec![
            format!("release:{}", held.id).into(),
            held.partner.as_str().into(),
            held.program.clone().into(),
            held.currency.as_str().into(),
            now.into(),
            payable_at.into(),
            held.order_id.clone().into(),
            held.id.as_str().into(),
            note.into(),
        ],
    )
}

/// The id of the reversal of commission `id` (`review:<id>`).
fn reversal_id(id: &str) -> String {
    format!("review:{id}")
}

/// Whether a ledger line is an owner's reversal after review.
pub fn is_reversal(id: &str) -> bool {
    id.starts_with("review:")
}

/// The reversal of what is left of `held`, with the owner's reason.
pub fn reverse(held: &Held, now: i64, reason: &str) -> Statement {
    Statement::new(
        "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, order_id, reverses, memo) \
         VALUES (?1, ?2, ?3, 'clawback', ?4, ?5, ?6, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        vec![
            reversal_id(&held.id).into(),
            held.partner.as_str().into(),
            held.program.clone().into(),
            (-held.left_minor).into(),
            held.currency.as_str().into(),
            now.into(),
            held.order_id.clone().into(),
            held.id.as_str().into(),
            reason.into(),
        ],
    )
}
