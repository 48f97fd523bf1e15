//! The ledger's rows as the partner's reports read them, and every partner's entries for the
//! owner's balances. What the entries mean is `pc_core::ledger`'s alone.

use pc_core::ledger::{Entry, EntryKind};
use serde::Deserialize;

use super::{first, parse};
use crate::platform::{Platform, PlatformError, Statement};

/// One stored ledger row, with its program's name.
#[derive(Debug, Clone, Deserialize)]
pub struct LedgerRow {
    pub id: String,
    pub kind: String,
    pub amount_minor: i64,
    pub occurred_at: i64,
    pub payable_at: i64,
    pub reverses: Option<String>,
    pub program_name: Option<String>,
    pub rule: Option<String>,
    pub memo: Option<String>,
    pub order_id: Option<String>,
    /// 0 the partner's own sale, 1 a referred partner's, 2 second level.
    pub level: i64,
    /// Whose sale a referred or second-level line comes from.
    pub seller: Option<String>,
    /// The conversion's type (`sale`, `lead`, `subscription_payment`).
    pub conversion: Option<String>,
    /// The sale (or, for a clawback, the refund) amount the line was computed from.
    pub base_minor: Option<i64>,
    /// Where the rule is written (`programs/coffee-club.yaml:7`).
    pub source: Option<String>,
    pub build_id: Option<String>,
    pub event_id: Option<String>,
}

/// The stored rows of `code`'s lines `ids` (a page of a report), in no particular order.
pub async fn rows_by_id(
    platform: &impl Platform,
    code: &str,
    ids: &[&str],
) -> Result<Vec<LedgerRow>, PlatformError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).map_err(|e| PlatformError(e.to_string()))?;
    platform
        .query(Statement::new(
            "SELECT l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, l.occurred_at AS occurred_at, \
             l.payable_at AS payable_at, l.reverses AS reverses, coalesce(p.name, l.program) AS program_name, \
             l.rule AS rule, l.memo AS memo, l.order_id AS order_id, l.level AS level, l.seller AS seller, \
             l.conversion AS conversion, l.base_minor AS base_minor, l.source AS source, l.build_id AS build_id, \
             l.event_id AS event_id FROM ledger l LEFT JOIN programs p ON p.id = l.program \
             WHERE l.id IN (SELECT value FROM json_each(?2)) AND l.partner = ?1",
            vec![code.into(), ids.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The columns of an entry (and its partner, when several partners' are read).
#[derive(Deserialize)]
struct StoredEntry {
    #[serde(default)]
    partner: Option<String>,
    id: String,
    kind: String,
    amount_minor: i64,
    occurred_at: i64,
    payable_at: i64,
    reverses: Option<String>,
}

impl StoredEntry {
    fn entry(self) -> Option<Entry> {
        Some(Entry {
            id: self.id,
            kind: EntryKind::parse(&self.kind)?,
            amount: self.amount_minor,
            occurred_at: self.occurred_at,
            payable_at: self.payable_at,
            reverses: self.reverses.filter(|r| !r.is_empty()),
        })
    }
}

/// A partner's entries, oldest first (what their statement needs, from one covering index).
pub async fn partner_entries(
    platform: &impl Platform,
    code: &str,
) -> Result<Vec<Entry>, PlatformError> {
    let stored = platform
        .query(Statement::new(
            "SELECT l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, l.occurred_at AS occurred_at, \
             l.payable_at AS payable_at, l.reverses AS reverses FROM ledger l WHERE l.partner = ? ORDER BY l.occurred_at, l.id",
            vec![code.into()],
        ))
        .await?;
    let mut entries = Vec::with_capacity(stored.len());
    for row in stored {
        entries.extend(parse::<StoredEntry>(row)?.entry());
    }
    Ok(entries)
}

/// The conversion behind a commission, and the click it came through.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversion {
    #[serde(rename = "type")]
    pub kind: String,
    pub order_id: Option<String>,
    pub amount: Option<i64>,
    pub occurred_at: i64,
    pub attribution: Option<String>,
    pub product: Option<String>,
    pub click_id: Option<String>,
    pub slug: Option<String>,
    pub sub: Option<String>,
    pub clicked_at: Option<i64>,
}

pub async fn conversion(
    platform: &impl Platform,
    event_id: &str,
) -> Result<Option<Conversion>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT e.type AS type, e.order_id AS order_id, e.amount_minor AS amount, e.occurred_at AS occurred_at, \
             e.attribution AS attribution, e.product AS product, e.click_id AS click_id, e.slug AS slug, e.sub AS sub, \
             c.created_at AS clicked_at FROM events e LEFT JOIN clicks c ON c.id = e.click_id WHERE e.id = ?",
            vec![event_id.into()],
        ),
    )
    .await
}

/// Every partner's entries, in one ordered pass: `(partner, entries oldest first)`.
pub async fn every_partners_entries(
    platform: &impl Platform,
) -> Result<Vec<(String, Vec<Entry>)>, PlatformError> {
    let stored = platform
        .query(Statement::new(
            "SELECT l.partner AS partner, l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, \
             l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.reverses AS reverses FROM ledger l \
             ORDER BY l.partner, l.occurred_at, l.id",
            vec![],
        ))
        .await?;
    let mut found: Vec<(String, Vec<Entry>)> = Vec::new();
    for row in stored {
        let stored: StoredEntry = parse(row)?;
        let partner = stored.partner.clone().unwrap_or_default();
        let Some(entry) = stored.entry() else {
            continue;
        };
        match found.last_mut() {
            Some((p, entries)) if *p == partner => entries.push(entry),
            _ => found.push((partner, vec![entry])),
        }
    }
    Ok(found)
}
