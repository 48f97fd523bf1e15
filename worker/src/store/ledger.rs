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
    /// The rules that fired on the line's conversion (JSON of `pc_core::risk::Fired`).
    pub risk_fired: Option<String>,
    /// The line it reverses (the partner's own): its kind, amount and date.
    pub r_kind: Option<String>,
    pub r_amount: Option<i64>,
    pub r_occurred_at: Option<i64>,
}

/// The line a row reverses: what its explanation names.
#[derive(Debug, Clone)]
pub struct Reversed {
    pub id: String,
    pub kind: EntryKind,
    pub amount: i64,
    pub occurred_at: i64,
}

impl LedgerRow {
    /// What a held line is under review for, in the partner's words ("timing, traffic
    /// source"): the categories of the rules that fired on its conversion.
    pub fn review(&self) -> String {
        let fired: Vec<pc_core::risk::Fired> = self
            .risk_fired
            .as_deref()
            .and_then(|f| serde_json::from_str(f).ok())
            .unwrap_or_default();
        pc_core::risk::categories(&fired).join(", ")
    }

    /// The line this one reverses.
    pub fn reversed(&self) -> Option<Reversed> {
        Some(Reversed {
            id: self.reverses.clone().filter(|r| !r.is_empty())?,
            kind: EntryKind::parse(self.r_kind.as_deref()?)?,
            amount: self.r_amount?,
            occurred_at: self.r_occurred_at?,
        })
    }
}

/// A ledger row's columns (with its program's name and the line it reverses), from `l`.
macro_rules! ledger_row {
    ($filter:literal) => {
        concat!(
            "SELECT l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, l.occurred_at AS occurred_at, \
             l.payable_at AS payable_at, l.reverses AS reverses, coalesce(p.name, l.program) AS program_name, \
             l.rule AS rule, l.memo AS memo, l.order_id AS order_id, l.level AS level, l.seller AS seller, \
             l.conversion AS conversion, l.base_minor AS base_minor, l.source AS source, l.build_id AS build_id, \
             l.event_id AS event_id, ev.risk_fired AS risk_fired, r.kind AS r_kind, r.amount_minor AS r_amount, \
             r.occurred_at AS r_occurred_at \
             FROM ledger l LEFT JOIN programs p ON p.id = l.program LEFT JOIN events ev ON ev.id = l.event_id \
             LEFT JOIN ledger r ON r.id = l.reverses AND r.partner = l.partner ",
            $filter
        )
    };
}

/// `code`'s line `id` (nobody else's).
pub async fn line(
    platform: &impl Platform,
    code: &str,
    id: &str,
) -> Result<Option<LedgerRow>, PlatformError> {
    first(
        platform,
        Statement::new(
            ledger_row!("WHERE l.id = ?2 AND l.partner = ?1"),
            vec![code.into(), id.into()],
        ),
    )
    .await
}

/// Which lines a report lists.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// Every line, newest first (My Ledger).
    Ledger,
    /// Commissions and clawbacks, newest first.
    Commissions,
}

/// A page of `code`'s lines that happened in `window` (seconds): `(limit, offset)`.
pub async fn page(
    platform: &impl Platform,
    code: &str,
    listing: Listing,
    window: (i64, i64),
    (limit, offset): (i64, i64),
) -> Result<Vec<LedgerRow>, PlatformError> {
    let sql = match listing {
        Listing::Ledger => ledger_row!(
            "WHERE l.partner = ?1 AND l.occurred_at >= ?2 AND l.occurred_at < ?3 \
             ORDER BY l.occurred_at DESC, l.id DESC LIMIT ?4 OFFSET ?5"
        ),
        Listing::Commissions => ledger_row!(
            "WHERE l.partner = ?1 AND l.occurred_at >= ?2 AND l.occurred_at < ?3 \
             AND l.kind IN ('commission', 'clawback') ORDER BY l.occurred_at DESC, l.id LIMIT ?4 OFFSET ?5"
        ),
    };
    platform
        .query(Statement::new(
            sql,
            vec![
                code.into(),
                window.0.into(),
                window.1.into(),
                limit.into(),
                offset.into(),
            ],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

#[derive(Deserialize)]
struct Sum {
    n: Option<i64>,
    m: Option<i64>,
}

/// The sum of the last `n` of `code`'s lines in `window`, in ledger order (what comes after a
/// page of My Ledger, which runs newest first).
pub async fn sum_of_last(
    platform: &impl Platform,
    code: &str,
    window: (i64, i64),
    n: i64,
) -> Result<i64, PlatformError> {
    if n <= 0 {
        return Ok(0);
    }
    let sum: Option<Sum> = first(
        platform,
        Statement::new(
            "SELECT count(*) AS n, sum(amount_minor) AS m FROM (SELECT amount_minor FROM ledger \
             WHERE partner = ?1 AND occurred_at >= ?2 AND occurred_at < ?3 ORDER BY occurred_at DESC, id DESC LIMIT ?4)",
            vec![code.into(), window.0.into(), window.1.into(), n.into()],
        ),
    )
    .await?;
    Ok(sum.and_then(|s| s.m).unwrap_or(0))
}

/// The count and sum of `code`'s payouts from `from` until `until` (seconds).
pub async fn payouts_in(
    platform: &impl Platform,
    code: &str,
    from: i64,
    until: i64,
) -> Result<(i64, i64), PlatformError> {
    let sum: Option<Sum> = first(
        platform,
        Statement::new(
            "SELECT count(*) AS n, sum(amount_minor) AS m FROM ledger \
             WHERE kind = 'payout' AND partner = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
            vec![code.into(), from.into(), until.into()],
        ),
    )
    .await?;
    Ok(sum.map_or((0, 0), |s| (s.n.unwrap_or(0), s.m.unwrap_or(0))))
}

/// The midnight before `code`'s first line (now's, without lines).
pub async fn first_line_day(platform: &impl Platform, code: &str) -> Result<i64, PlatformError> {
    let sum: Option<Sum> = first(
        platform,
        Statement::new(
            "SELECT NULL AS n, min(occurred_at) AS m FROM ledger WHERE partner = ?1",
            vec![code.into()],
        ),
    )
    .await?;
    Ok(sum
        .and_then(|s| s.m)
        .map_or(i64::MAX, |t| t - t.rem_euclid(86_400)))
}

#[derive(Deserialize)]
struct PayoutId {
    partner: String,
    id: String,
}

/// Every partner's payout references (`payout:<reference>` ids).
pub async fn payout_ids(
    platform: &impl Platform,
) -> Result<std::collections::HashMap<String, Vec<String>>, PlatformError> {
    let mut found = std::collections::HashMap::<String, Vec<String>>::new();
    for row in platform
        .query(Statement::new(
            "SELECT partner, id FROM ledger WHERE kind = 'payout'",
            vec![],
        ))
        .await?
    {
        let p: PayoutId = parse(row)?;
        found.entry(p.partner).or_default().push(p.id);
    }
    Ok(found)
}

/// The columns of an entry (and its partner, when several partners' are read).
#[derive(Deserialize)]
pub(super) struct StoredEntry {
    #[serde(default)]
    pub(super) partner: Option<String>,
    pub(super) id: String,
    kind: String,
    amount_minor: i64,
    occurred_at: i64,
    payable_at: i64,
    reverses: Option<String>,
}

impl StoredEntry {
    pub(super) fn entry(self) -> Option<Entry> {
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
