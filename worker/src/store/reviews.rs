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

/// The commissions of the conversion `$event` (an SQL expression) held for review and not
/// decided yet: not released, something left after refunds and reversals. `?1` is
/// [`HELD`].
macro_rules! still_held {
    ($columns:literal, $event:literal) => {
        concat!(
            "SELECT ", $columns, " FROM (SELECT l.id AS id, l.partner AS partner, l.program AS program, l.currency AS currency, \
             l.order_id AS order_id, l.amount_minor + coalesce((SELECT sum(c.amount_minor) FROM ledger c \
             WHERE c.reverses = l.id AND c.kind = 'clawback'), 0) AS left_minor \
             FROM ledger l WHERE l.event_id = ", $event, " AND l.kind = 'commission' AND l.payable_at >= ?1 \
             AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.reverses = l.id AND r.kind = 'release')) WHERE left_minor > 0"
        )
    };
}

/// The commissions of `event_id` still under review.
pub async fn held(platform: &impl Platform, event_id: &str) -> Result<Vec<Held>, PlatformError> {
    platform
        .query(Statement::new(
            still_held!("*", "?2"),
            vec![HELD.into(), event_id.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// A conversion the risk rules flagged, with the rules that fired and whether anything of it
/// is still under review.
#[derive(Debug, Clone, Deserialize)]
pub struct Flagged {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub partner: Option<String>,
    pub occurred_at: i64,
    pub amount_minor: Option<i64>,
    pub risk_band: String,
    pub risk_score: i64,
    /// JSON of `pc_core::risk::Fired`.
    pub risk_fired: Option<String>,
    /// How many of its commissions are still under review.
    pub under_review: i64,
}

/// The newest 200 flagged conversions (from their own partial index).
pub async fn flagged(platform: &impl Platform) -> Result<Vec<Flagged>, PlatformError> {
    platform
        .query(Statement::new(
            concat!(
                "SELECT e.id AS id, e.type AS type, e.partner AS partner, e.occurred_at AS occurred_at, \
                 e.amount_minor AS amount_minor, e.risk_band AS risk_band, e.risk_score AS risk_score, \
                 e.risk_fired AS risk_fired, (",
                still_held!("count(*)", "e.id"),
                ") AS under_review FROM events e INDEXED BY events_by_risk WHERE e.risk_band IS NOT NULL \
                 ORDER BY e.occurred_at DESC LIMIT 200"
            ),
            vec![HELD.into()],
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
