//! The balance snapshots (migration 0020): every partner's balance as the last scheduled
//! run found it, and until when it holds.

use std::collections::HashMap;

use pc_core::ledger::Balance;
use serde::Deserialize;

use super::parse;
use crate::platform::{Platform, PlatformError, Statement};

/// Snapshots written in one statement.
const PER_STATEMENT: usize = 200;

#[derive(Deserialize)]
struct Row {
    partner: String,
    balance: String,
    valid_until: i64,
}

/// A partner's balance, and the moment it stops holding (its statement's next change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub balance: Balance,
    pub valid_until: i64,
}

fn decode(rows: Vec<crate::platform::Row>) -> Result<HashMap<String, Snapshot>, PlatformError> {
    rows.into_iter()
        .map(|row| {
            let row: Row = parse(row)?;
            let balance = serde_json::from_str(&row.balance)
                .map_err(|e| PlatformError(format!("balance of {}: {e}", row.partner)))?;
            Ok((
                row.partner,
                Snapshot {
                    balance,
                    valid_until: row.valid_until,
                },
            ))
        })
        .collect()
}

/// The snapshots that hold at `now`.
pub async fn valid_at(
    platform: &impl Platform,
    now: i64,
) -> Result<HashMap<String, Snapshot>, PlatformError> {
    decode(
        platform
            .query(Statement::new(
                "SELECT partner, balance, valid_until FROM balance_snapshots WHERE taken_at <= ?1 AND valid_until > ?1",
                vec![now.into()],
            ))
            .await?,
    )
}

/// Every snapshot, whether it holds or not.
pub async fn all(platform: &impl Platform) -> Result<HashMap<String, Snapshot>, PlatformError> {
    decode(
        platform
            .query(Statement::new(
                "SELECT partner, balance, valid_until FROM balance_snapshots",
                vec![],
            ))
            .await?,
    )
}

/// Stores `snapshots` taken at `now` from the ledger up to rowid `read_through`; a
/// partner's is not stored when a line of theirs arrived since (it would miss it).
pub async fn save(
    platform: &impl Platform,
    snapshots: &[(&str, Snapshot)],
    now: i64,
    read_through: i64,
) -> Result<(), PlatformError> {
    let mut statements = Vec::new();
    for chunk in snapshots.chunks(PER_STATEMENT) {
        let rows: Vec<(&str, String, i64)> = chunk
            .iter()
            .map(|(code, s)| {
                serde_json::to_string(&s.balance)
                    .map(|b| (*code, b, s.valid_until))
                    .map_err(|e| PlatformError(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let rows = serde_json::to_string(&rows).map_err(|e| PlatformError(e.to_string()))?;
        statements.push(Statement::new(
            "INSERT INTO balance_snapshots (partner, balance, taken_at, valid_until) \
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?2, json_extract(value, '$[2]') \
             FROM json_each(?1) \
             WHERE NOT EXISTS (SELECT 1 FROM ledger NOT INDEXED WHERE rowid > ?3 AND partner = json_extract(value, '$[0]')) \
             ON CONFLICT (partner) DO UPDATE SET balance = excluded.balance, taken_at = excluded.taken_at, \
             valid_until = excluded.valid_until",
            vec![rows.into(), now.into(), read_through.into()],
        ));
    }
    if statements.is_empty() {
        return Ok(());
    }
    platform.batch(statements).await
}
