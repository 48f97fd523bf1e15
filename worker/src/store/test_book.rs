//! Test mode's book (`test_events`, `test_ledger`), read apart from everything that sums money:
//! a partner's test lines, and the latest test conversions for the console.

use serde::{Deserialize, Serialize};

use super::parse;
use crate::platform::{Platform, PlatformError, Statement};

/// Test lines shown at most (the newest).
pub const MAX_TEST_LINES: i64 = 50;

/// A line of the test book: what a test conversion (or test refund) earned a partner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestLine {
    pub id: String,
    pub partner: String,
    pub program: Option<String>,
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub occurred_at: i64,
    pub event_id: Option<String>,
    pub order_id: Option<String>,
    pub level: i64,
    pub rule: Option<String>,
    /// The conversion's type (`sale`, `lead`, `subscription_payment`).
    pub conversion: Option<String>,
    pub base_minor: Option<i64>,
}

/// `partner`'s newest test lines.
pub async fn partner_lines(
    platform: &impl Platform,
    partner: &str,
) -> Result<Vec<TestLine>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT id, partner, program, kind, amount_minor, currency, occurred_at, event_id, order_id, level, rule, \
             conversion, base_minor FROM test_ledger WHERE partner = ? ORDER BY occurred_at DESC, id DESC LIMIT ?",
            vec![partner.into(), MAX_TEST_LINES.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// A test event as the console lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub partner: Option<String>,
    pub attribution: String,
    pub order_id: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub received_at: i64,
    /// What its lines add up to (≤ 0 for a refund).
    pub earned_minor: i64,
}

/// The newest test events, with what each earned.
pub async fn recent_events(platform: &impl Platform) -> Result<Vec<TestEvent>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT e.id AS id, e.type AS type, e.partner AS partner, e.attribution AS attribution, \
             e.order_id AS order_id, e.amount_minor AS amount_minor, e.currency AS currency, e.received_at AS received_at, \
             (SELECT coalesce(sum(l.amount_minor), 0) FROM test_ledger l WHERE l.event_id = e.id) AS earned_minor \
             FROM test_events e ORDER BY e.received_at DESC, e.id DESC LIMIT ?",
            vec![MAX_TEST_LINES.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}
