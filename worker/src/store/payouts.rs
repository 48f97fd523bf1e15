//! Payout details partners change in My Profile: changes waiting out the cooling-off period,
//! their cancellation, and the freeze "this wasn't me" puts on further changes.

use serde::Deserialize;

use super::first;
use crate::platform::{Platform, PlatformError, Statement};

/// A partner's payout change as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct PayoutChange {
    pub id: i64,
    pub method: String,
    pub details: String,
    pub requested_at: i64,
    pub effective_at: i64,
}

/// The content's payout method and details of a partner (empty when none).
pub async fn content_details(
    platform: &impl Platform,
    code: &str,
) -> Result<(String, String), PlatformError> {
    #[derive(Deserialize)]
    struct Details {
        method: String,
        details: String,
    }
    Ok(first::<Details>(
        platform,
        Statement::new(
            "SELECT coalesce(payout_method, '') AS method, coalesce(payout_details, '') AS details \
             FROM partners WHERE code = ?",
            vec![code.into()],
        ),
    )
    .await?
    .map(|d| (d.method, d.details))
    .unwrap_or_default())
}

/// The partner's latest changes that were not cancelled, newest first.
pub async fn changes(
    platform: &impl Platform,
    code: &str,
) -> Result<Vec<PayoutChange>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT id, method, details, requested_at, effective_at FROM payout_changes \
             WHERE partner = ? AND cancelled_at IS NULL ORDER BY effective_at DESC, id DESC LIMIT 20",
            vec![code.into()],
        ))
        .await?
        .into_iter()
        .map(super::parse)
        .collect()
}

/// A new change applying from `effective_at`; it replaces the partner's older pending ones
/// (one batch: they are cancelled and it is recorded, or neither).
pub fn request_change(
    code: &str,
    method: &str,
    details: &str,
    now: i64,
    effective_at: i64,
) -> Vec<Statement> {
    vec![
        cancel_all_pending(code, "replaced by a newer change", now),
        Statement::new(
            "INSERT INTO payout_changes (partner, method, details, requested_at, effective_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                code.into(),
                method.into(),
                details.into(),
                now.into(),
                effective_at.into(),
            ],
        ),
    ]
}

/// Cancels one pending change of `code` (by id); changes one row only if it is still pending.
pub fn cancel_pending(code: &str, id: i64, by: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE payout_changes SET cancelled_at = ?, cancelled_by = ? \
         WHERE partner = ? AND id = ? AND cancelled_at IS NULL AND effective_at > ?",
        vec![now.into(), by.into(), code.into(), id.into(), now.into()],
    )
}

/// Cancels every pending change of `code`.
pub fn cancel_all_pending(code: &str, by: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE payout_changes SET cancelled_at = ?, cancelled_by = ? \
         WHERE partner = ? AND cancelled_at IS NULL AND effective_at > ?",
        vec![now.into(), by.into(), code.into(), now.into()],
    )
}

/// Freezes the partner's payout-detail changes (kept if already frozen).
pub fn freeze(code: &str, reason: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO payout_freezes (partner, frozen_at, reason) VALUES (?, ?, ?) \
         ON CONFLICT (partner) DO NOTHING",
        vec![code.into(), now.into(), reason.into()],
    )
}

/// Lifts the freeze; changes one row if there was one.
pub fn lift_freeze(code: &str) -> Statement {
    Statement::new(
        "DELETE FROM payout_freezes WHERE partner = ?",
        vec![code.into()],
    )
}

/// Since when the partner's payout-detail changes are frozen, if they are.
pub async fn frozen_since(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<i64>, PlatformError> {
    #[derive(Deserialize)]
    struct Frozen {
        frozen_at: i64,
    }
    Ok(first::<Frozen>(
        platform,
        Statement::new(
            "SELECT frozen_at FROM payout_freezes WHERE partner = ?",
            vec![code.into()],
        ),
    )
    .await?
    .map(|f| f.frozen_at))
}
