//! The ledger: append-only entries, and the one place that decides what they mean.
//!
//! A commission is **pending** during its hold, then **payable**, then **paid** once payouts
//! cover it (oldest first). A refund inside the hold reduces the pending commission and never
//! touches payable money; a refund after the hold is deducted from what is still unpaid of
//! that commission, and what was already paid is **owed back** (recovered from later
//! earnings). Payouts are their own kind, always "paid". Adjustments are the owner's
//! corrections: a credit, a deduction, or the correction of a payout. A commission held for
//! review (`risk.yaml`'s hold band) has no end of hold ([`HELD`]): it is **under review** until
//! an owner releases it (a release line: it becomes payable at the release line's
//! `payable_at`) or reverses it (a clawback of all of it).
//!
//! Every figure a report shows comes from [`statement`]; nothing else computes balances. A
//! [`Checkpoint`] is the same replay stopped at a moment, so that a statement reads only the
//! entries that moved since ([`statement_after`]).

mod checkpoint;
mod statement;
#[cfg(test)]
mod tests;
mod words;

pub use checkpoint::{Checkpoint, Open};
pub use statement::{Balance, Line, Statement, Status, statement, statement_after};
pub use words::{Facts, Level, date, describe, level_words};

use serde::Serialize;

/// The end of hold of a commission held for review: never, until an owner decides (in unix
/// seconds, far beyond any real date yet below every window's end).
pub const HELD: i64 = 1 << 49;

/// An entry's kind, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Commission,
    Clawback,
    Payout,
    Adjustment,
    /// An owner released a commission held for review (amount 0; `reverses` names it).
    Release,
}

impl EntryKind {
    pub fn parse(text: &str) -> Option<EntryKind> {
        Some(match text {
            "commission" => EntryKind::Commission,
            "clawback" => EntryKind::Clawback,
            "payout" => EntryKind::Payout,
            "adjustment" => EntryKind::Adjustment,
            "release" => EntryKind::Release,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Commission => "commission",
            EntryKind::Clawback => "clawback",
            EntryKind::Payout => "payout",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Release => "release",
        }
    }
}

/// One ledger row: an amount in minor units (credits positive, debits negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The row's id (unique in the ledger).
    pub id: String,
    pub kind: EntryKind,
    pub amount: i64,
    /// When it happened (unix seconds).
    pub occurred_at: i64,
    /// For a commission, the end of its hold ([`HELD`] while held for review); for a release,
    /// when the released commission becomes payable; for the other kinds, `occurred_at`.
    pub payable_at: i64,
    /// A clawback: the commission it takes back from. An adjustment: the payout or entry it
    /// corrects. A release: the commission it releases.
    pub reverses: Option<String>,
}
