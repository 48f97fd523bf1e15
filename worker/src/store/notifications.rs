//! What the partners' e-mails read and remember: their own switches, the ledger lines not told
//! yet (by rowid, past a cursor per kind), and the cursors.

use serde::Deserialize;

use super::{first, parse};
use crate::platform::{Platform, PlatformError, Statement};

/// A partner's own switches (no row: both on): (commissions, payouts).
pub async fn partner_switches(
    platform: &impl Platform,
    code: &str,
) -> Result<(bool, bool), PlatformError> {
    #[derive(Deserialize)]
    struct Switches {
        commissions: i64,
        payouts: i64,
    }
    let found: Option<Switches> = first(
        platform,
        Statement::new(
            "SELECT commissions, payouts FROM notification_prefs WHERE partner = ?",
            vec![code.into()],
        ),
    )
    .await?;
    Ok(found.map_or((true, true), |s| (s.commissions != 0, s.payouts != 0)))
}

pub fn set_partner_switches(code: &str, commissions: bool, payouts: bool, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO notification_prefs (partner, commissions, payouts, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (partner) DO UPDATE SET commissions = excluded.commissions, payouts = excluded.payouts, updated_at = excluded.updated_at",
        vec![
            code.into(),
            i64::from(commissions).into(),
            i64::from(payouts).into(),
            now.into(),
        ],
    )
}

/// The lines a kind of e-mail tells of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Commissions and clawbacks (the daily digest).
    Commissions,
    /// Payouts (a note each).
    Payouts,
}

impl Told {
    /// The cursor's name.
    pub fn name(self) -> &'static str {
        match self {
            Told::Commissions => "commissions",
            Told::Payouts => "payouts",
        }
    }
}

/// A ledger line an e-mail tells of.
#[derive(Debug, Clone, Deserialize)]
pub struct NewLine {
    /// Its rowid: the cursor moves past it.
    pub seq: i64,
    pub id: String,
    pub partner: String,
    pub kind: String,
    pub amount_minor: i64,
    pub occurred_at: i64,
    pub payable_at: i64,
    pub order_id: Option<String>,
    pub memo: Option<String>,
    /// The program's name (commissions only).
    pub program: Option<String>,
}

/// Up to `limit` lines of `kind` past the kind's cursor, oldest first, and the cursor.
pub async fn untold_lines(
    platform: &impl Platform,
    kind: Told,
    limit: i64,
) -> Result<Vec<NewLine>, PlatformError> {
    #[derive(Deserialize)]
    struct Cursor {
        position: i64,
    }
    let cursor: Option<Cursor> = first(
        platform,
        Statement::new(
            "SELECT position FROM notify_cursors WHERE name = ?",
            vec![kind.name().into()],
        ),
    )
    .await?;
    let sql = match kind {
        Told::Commissions => {
            "SELECT l.rowid AS seq, l.id AS id, l.partner AS partner, l.kind AS kind, l.amount_minor AS amount_minor, \
             l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.order_id AS order_id, l.memo AS memo, \
             coalesce(p.name, l.program) AS program FROM ledger l LEFT JOIN programs p ON p.id = l.program \
             WHERE l.rowid > ? AND l.kind IN ('commission', 'clawback') ORDER BY l.rowid LIMIT ?"
        }
        Told::Payouts => {
            "SELECT l.rowid AS seq, l.id AS id, l.partner AS partner, l.kind AS kind, l.amount_minor AS amount_minor, \
             l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.order_id AS order_id, l.memo AS memo, \
             '' AS program FROM ledger l WHERE l.rowid > ? AND l.kind = 'payout' ORDER BY l.rowid LIMIT ?"
        }
    };
    platform
        .query(Statement::new(
            sql,
            vec![cursor.map_or(0, |c| c.position).into(), limit.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// Moves the kind's cursor to `position`.
pub fn move_cursor(kind: Told, position: i64, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO notify_cursors (name, position, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
        vec![kind.name().into(), position.into(), now.into()],
    )
}
