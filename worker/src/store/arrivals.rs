//! What reached the worker from the owner's stores, kept for the console's Setup page and
//! `partner-center doctor`: the last webhook per integration and what became of it, and the
//! last report of the tracking script (`/pc.js`) per store domain.

use serde::{Deserialize, Serialize};

use super::parse;
use crate::platform::{Platform, PlatformError, Statement};

/// Store domains remembered at most (anyone can report a domain; the newest are kept).
pub const MAX_DOMAINS: i64 = 20;

/// A script report (or a request to an integration without its secret) is written at most once
/// a minute per domain (or integration), unless it brings a click of ours.
pub const SCRIPT_QUIET_SECONDS: i64 = 60;

/// The last webhook of an integration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub integration: String,
    pub event_id: String,
    pub event_type: String,
    pub test: bool,
    pub received_at: i64,
    /// `recorded`, `duplicate`, `remembered`, `ignored`, `refused` or `not configured`.
    pub outcome: String,
    /// How it was attributed (`click`, `coupon`, …, `none`), or why it was ignored or refused.
    pub detail: Option<String>,
    pub partner: Option<String>,
}

/// Keeps `delivery` as its integration's last.
pub fn record_delivery(delivery: &Delivery) -> Statement {
    Statement::new(
        "INSERT INTO store_deliveries (integration, event_id, event_type, test, received_at, outcome, detail, partner) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (integration) DO UPDATE SET event_id = excluded.event_id, event_type = excluded.event_type, \
         test = excluded.test, received_at = excluded.received_at, outcome = excluded.outcome, \
         detail = excluded.detail, partner = excluded.partner",
        vec![
            delivery.integration.as_str().into(),
            delivery.event_id.as_str().into(),
            delivery.event_type.as_str().into(),
            i64::from(delivery.test).into(),
            delivery.received_at.into(),
            delivery.outcome.as_str().into(),
            delivery.detail.clone().into(),
            delivery.partner.clone().into(),
        ],
    )
}

/// A request to an integration whose secret is not set: kept as its last delivery (outcome
/// `not configured`), at most once a minute, so that Setup and `doctor` can say the store
/// sends webhooks the worker cannot check. Nothing of the request is kept.
pub fn record_unconfigured(integration: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO store_deliveries (integration, event_id, event_type, test, received_at, outcome) \
         VALUES (?, '', '', 0, ?, 'not configured') \
         ON CONFLICT (integration) DO UPDATE SET event_id = '', event_type = '', test = 0, \
         received_at = excluded.received_at, outcome = excluded.outcome, detail = NULL, partner = NULL \
         WHERE store_deliveries.received_at <= excluded.received_at - ?",
        vec![integration.into(), now.into(), SCRIPT_QUIET_SECONDS.into()],
    )
}

pub async fn deliveries(platform: &impl Platform) -> Result<Vec<Delivery>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT integration, event_id, event_type, test, received_at, outcome, detail, partner \
             FROM store_deliveries ORDER BY received_at DESC",
            vec![],
        ))
        .await?
        .into_iter()
        .map(|mut row| {
            // Stored as 0/1.
            let test = row.get("test").and_then(serde_json::Value::as_i64) == Some(1);
            row.insert("test".into(), test.into());
            parse(row)
        })
        .collect()
}

/// The tracking script's last report from a store domain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScriptHit {
    pub domain: String,
    pub seen_at: i64,
    /// The last report that carried a click id: when, which, and whether the click is ours.
    pub click_at: Option<i64>,
    pub click_id: Option<String>,
    pub click_known: i64,
}

/// The script's report from `domain` at `now`, with the click id it carried (and whether it
/// is a click of ours). A report is written at most once a minute per domain unless it brings
/// a click of ours, and only the newest [`MAX_DOMAINS`] domains are kept.
pub fn record_script_hit(domain: &str, click: Option<(&str, bool)>, now: i64) -> Vec<Statement> {
    let (click_at, click_id, known) = match click {
        Some((id, known)) => (Some(now), Some(id), known),
        None => (None, None, false),
    };
    let values = vec![
        domain.into(),
        now.into(),
        click_at.into(),
        click_id.into(),
        i64::from(known).into(),
    ];
    let hit = if known {
        Statement::new(
            "INSERT INTO script_hits (domain, seen_at, click_at, click_id, click_known) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (domain) DO UPDATE SET seen_at = excluded.seen_at, click_at = excluded.click_at, \
             click_id = excluded.click_id, click_known = excluded.click_known",
            values,
        )
    } else {
        let mut values = values;
        values.push(SCRIPT_QUIET_SECONDS.into());
        Statement::new(
            "INSERT INTO script_hits (domain, seen_at, click_at, click_id, click_known) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (domain) DO UPDATE SET seen_at = excluded.seen_at, \
             click_at = coalesce(excluded.click_at, script_hits.click_at), \
             click_id = coalesce(excluded.click_id, script_hits.click_id), \
             click_known = CASE WHEN excluded.click_id IS NULL THEN script_hits.click_known ELSE 0 END \
             WHERE script_hits.seen_at <= excluded.seen_at - ?",
            values,
        )
    };
    vec![
        hit,
        Statement::new(
            "DELETE FROM script_hits WHERE domain NOT IN \
             (SELECT domain FROM script_hits ORDER BY seen_at DESC, domain LIMIT ?)",
            vec![MAX_DOMAINS.into()],
        ),
    ]
}

pub async fn script_hits(platform: &impl Platform) -> Result<Vec<ScriptHit>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT domain, seen_at, click_at, click_id, click_known FROM script_hits ORDER BY seen_at DESC, domain",
            vec![],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}
