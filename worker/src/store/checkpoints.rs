//! The ledger's checkpoints (`pc_core::ledger::Checkpoint`, one per partner), the lines that
//! moved money since, and the statuses of the lines a checkpoint has passed.

use std::collections::{HashMap, HashSet};

use pc_core::ledger::{Checkpoint, Entry, EntryKind, Line, Status};
use serde::Deserialize;

use super::ledger::StoredEntry;
use super::{first, parse};
use crate::platform::{Platform, PlatformError, Statement};

/// A moment after every line (for "from then on"; below 2^53, so D1 keeps it an integer).
pub const FAR: i64 = 1 << 50;

/// A partner's checkpoint as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub checkpoint: Checkpoint,
    /// A line dated before it has arrived since: it cannot be used until it is made again.
    pub void: bool,
}

#[derive(Deserialize)]
struct StoredRow {
    partner: String,
    state: String,
    void: i64,
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, PlatformError> {
    serde_json::to_string(value).map_err(|e| PlatformError(e.to_string()))
}

fn stored(rows: Vec<crate::platform::Row>) -> Result<HashMap<String, Stored>, PlatformError> {
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let row: StoredRow = parse(row)?;
        let checkpoint = serde_json::from_str(&row.state)
            .map_err(|e| PlatformError(format!("checkpoint of {}: {e}", row.partner)))?;
        found.insert(
            row.partner,
            Stored {
                checkpoint,
                void: row.void != 0,
            },
        );
    }
    Ok(found)
}

/// The checkpoints of `codes`.
pub async fn of(
    platform: &impl Platform,
    codes: &[&str],
) -> Result<HashMap<String, Stored>, PlatformError> {
    stored(
        platform
            .query(Statement::new(
                "SELECT partner, state, void FROM ledger_checkpoints WHERE partner IN (SELECT value FROM json_each(?1))",
                vec![json(codes)?.into()],
            ))
            .await?,
    )
}

/// Every partner's checkpoint.
pub async fn all(platform: &impl Platform) -> Result<HashMap<String, Stored>, PlatformError> {
    stored(
        platform
            .query(Statement::new(
                "SELECT partner, state, void FROM ledger_checkpoints",
                vec![],
            ))
            .await?,
    )
}

/// Every partner with a checkpoint.
pub async fn partners(platform: &impl Platform) -> Result<Vec<String>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT partner FROM ledger_checkpoints",
            vec![],
        ))
        .await?
        .into_iter()
        .map(|r| parse::<PartnerRow>(r).map(|r| r.partner))
        .collect()
}

/// Lines whose money moves in a window, by partner, and the lines they reverse.
#[derive(Debug, Default)]
pub struct Moving {
    pub by_partner: HashMap<String, Vec<Entry>>,
    /// The lines the moving ones reverse (wherever those are).
    pub known: Vec<Entry>,
}

/// The line a moving line reverses (the `r_` columns of its row; the line itself is a
/// `StoredEntry` of the same row, read apart: `serde(flatten)` costs more than the query).
#[derive(Deserialize)]
struct ReversedColumns {
    #[serde(rename = "r_kind")]
    kind: Option<String>,
    #[serde(rename = "r_amount")]
    amount: Option<i64>,
    #[serde(rename = "r_occurred_at")]
    occurred_at: Option<i64>,
    #[serde(rename = "r_payable_at")]
    payable_at: Option<i64>,
}

/// The lines that (may) move money from `?2` until `?3`: those payable then, and refunds
/// inside the hold of a commission payable then (they move when its hold ends). Each with
/// the line it reverses. `$lines` and `$commissions` limit the partners (`?1`). A line can be
/// both (`UNION ALL`: told apart by id in Rust, cheaper than SQLite's sort to remove it).
macro_rules! moving_sql {
    ($lines:literal, $commissions:literal) => {
        concat!(
            "SELECT l.partner AS partner, l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, \
             l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.reverses AS reverses, r.kind AS r_kind, \
             r.amount_minor AS r_amount, r.occurred_at AS r_occurred_at, r.payable_at AS r_payable_at \
             FROM ledger l LEFT JOIN ledger r ON r.id = l.reverses \
             WHERE l.payable_at >= ?2 AND l.payable_at < ?3 ", $lines,
            " UNION ALL SELECT h.partner, h.id, h.kind, h.amount_minor, h.occurred_at, h.payable_at, h.reverses, \
             c.kind, c.amount_minor, c.occurred_at, c.payable_at \
             FROM ledger c JOIN ledger h ON h.reverses = c.id \
             WHERE c.kind = 'commission' AND c.payable_at >= ?2 AND c.payable_at < ?3 AND h.occurred_at < c.payable_at ",
            $commissions
        )
    };
}

/// The lines of `codes` (every partner's with `None`) that move money from `from` until
/// `until` (a superset: `core` keeps those that do).
pub async fn moving(
    platform: &impl Platform,
    codes: Option<&[&str]>,
    from: i64,
    until: i64,
) -> Result<Moving, PlatformError> {
    let rows = match codes {
        Some(codes) => {
            platform
                .query(Statement::new(
                    moving_sql!(
                        "AND l.partner IN (SELECT value FROM json_each(?1))",
                        "AND c.partner IN (SELECT value FROM json_each(?1))"
                    ),
                    vec![json(codes)?.into(), from.into(), until.into()],
                ))
                .await?
        }
        None => {
            platform
                .query(Statement::new(
                    moving_sql!("AND ?1 IS NULL", "AND ?1 IS NULL"),
                    vec![crate::platform::SqlValue::Null, from.into(), until.into()],
                ))
                .await?
        }
    };
    let mut found = Moving::default();
    let mut known: HashMap<String, Entry> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::with_capacity(rows.len());
    for row in rows {
        let row = serde_json::Value::Object(row);
        let (line, r) = match (
            StoredEntry::deserialize(&row),
            ReversedColumns::deserialize(&row),
        ) {
            (Ok(line), Ok(r)) => (line, r),
            (Err(e), _) | (_, Err(e)) => return Err(PlatformError(format!("row: {e}"))),
        };
        if !seen.insert(line.id.clone()) {
            continue;
        }
        let partner = line.partner.clone().unwrap_or_default();
        let Some(entry) = line.entry() else {
            continue;
        };
        if let (Some(id), Some(kind), Some(amount), Some(occurred_at), Some(payable_at)) = (
            entry.reverses.as_ref(),
            r.kind.as_deref().and_then(EntryKind::parse),
            r.amount,
            r.occurred_at,
            r.payable_at,
        ) {
            known.entry(id.clone()).or_insert_with(|| Entry {
                id: id.clone(),
                kind,
                amount,
                occurred_at,
                payable_at,
                reverses: None,
            });
        }
        found.by_partner.entry(partner).or_default().push(entry);
    }
    found.known = known.into_values().collect();
    Ok(found)
}

#[derive(Deserialize)]
struct SettledRow {
    id: String,
    status: String,
    effective_at: i64,
}

/// The settled status, and when its money moved, of each line of `ids` a checkpoint passed.
pub async fn settled(
    platform: &impl Platform,
    ids: &[&str],
) -> Result<HashMap<String, (Status, i64)>, PlatformError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut found = HashMap::with_capacity(ids.len());
    for row in platform
        .query(Statement::new(
            "SELECT id, status, effective_at FROM ledger_settled WHERE id IN (SELECT value FROM json_each(?1))",
            vec![json(ids)?.into()],
        ))
        .await?
    {
        let row: SettledRow = parse(row)?;
        if let Some(status) = Status::parse(&row.status) {
            found.insert(row.id, (status, row.effective_at));
        }
    }
    Ok(found)
}

/// Lines per statement that stores statuses (one JSON parameter, well under D1's limits).
const SETTLED_PER_STATEMENT: usize = 500;

/// Stores `code`'s new checkpoint and the statuses it settled, unless a line dated before it
/// arrived after the lines it was made from were read (past rowid `read_through`): then the
/// next run makes it again.
pub fn save(
    code: &str,
    checkpoint: &Checkpoint,
    lines: &[Line],
    changed: &[(String, Status)],
    read_through: i64,
) -> Result<Vec<Statement>, PlatformError> {
    let mut statements = Vec::new();
    let settled: Vec<(&str, &str, i64)> = lines
        .iter()
        .map(|l| (l.entry.id.as_str(), l.status.as_str(), l.effective_at))
        .collect();
    for chunk in settled.chunks(SETTLED_PER_STATEMENT) {
        statements.push(Statement::new(
            "INSERT INTO ledger_settled (id, status, effective_at) \
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') \
             FROM json_each(?1) WHERE true \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, effective_at = excluded.effective_at",
            vec![json(chunk)?.into()],
        ));
    }
    let changed: Vec<(&str, &str)> = changed
        .iter()
        .map(|(id, s)| (id.as_str(), s.as_str()))
        .collect();
    for chunk in changed.chunks(SETTLED_PER_STATEMENT) {
        statements.push(Statement::new(
            "UPDATE ledger_settled SET status = (SELECT json_extract(value, '$[1]') FROM json_each(?1) \
             WHERE json_extract(value, '$[0]') = ledger_settled.id) \
             WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each(?1))",
            vec![json(chunk)?.into()],
        ));
    }
    statements.push(Statement::new(
        "INSERT INTO ledger_checkpoints (partner, through, state, void) SELECT ?1, ?2, ?3, 0 \
         WHERE NOT EXISTS (SELECT 1 FROM ledger WHERE rowid > ?4 AND partner = ?1 AND occurred_at < ?2) \
         ON CONFLICT (partner) DO UPDATE SET through = excluded.through, state = excluded.state, void = 0",
        vec![
            code.into(),
            checkpoint.through.into(),
            json(checkpoint)?.into(),
            read_through.into(),
        ],
    ));
    Ok(statements)
}

/// How far the checkpoints have come (see migration 0018).
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct Progress {
    pub checkpoint_seen: i64,
    pub checkpoint_through: i64,
}

pub async fn progress(platform: &impl Platform) -> Result<Option<Progress>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT checkpoint_seen, checkpoint_through FROM rollup_state WHERE id = 1",
            vec![],
        ),
    )
    .await
}

pub fn set_progress(seen: i64, through: i64) -> Statement {
    Statement::new(
        "UPDATE rollup_state SET checkpoint_seen = ?1, checkpoint_through = ?2 WHERE id = 1",
        vec![seen.into(), through.into()],
    )
}

#[derive(Deserialize)]
struct MaxRow {
    max: Option<i64>,
}

/// The ledger's last rowid.
pub async fn last_line(platform: &impl Platform) -> Result<i64, PlatformError> {
    Ok(first::<MaxRow>(
        platform,
        Statement::new("SELECT max(rowid) AS max FROM ledger", vec![]),
    )
    .await?
    .and_then(|r| r.max)
    .unwrap_or(0))
}

#[derive(Deserialize)]
struct PartnerRow {
    partner: String,
}

/// Partners with a line past rowid `seen` (up to `through`), or with money that moved from
/// `from` until `until`: whose checkpoints a run moves on.
pub async fn partners_to_move(
    platform: &impl Platform,
    seen: i64,
    through: i64,
    from: i64,
    until: i64,
) -> Result<Vec<String>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT partner FROM ledger NOT INDEXED WHERE rowid > ?1 AND rowid <= ?2 \
             UNION SELECT partner FROM ledger WHERE payable_at >= ?3 AND payable_at < ?4 ORDER BY partner",
            vec![seen.into(), through.into(), from.into(), until.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| parse::<PartnerRow>(r).map(|r| r.partner))
        .collect()
}

/// Partners with a line past rowid `seen` (they may have no checkpoint yet).
pub async fn partners_since(
    platform: &impl Platform,
    seen: i64,
) -> Result<Vec<String>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT DISTINCT partner FROM ledger NOT INDEXED WHERE rowid > ?1",
            vec![seen.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| parse::<PartnerRow>(r).map(|r| r.partner))
        .collect()
}
