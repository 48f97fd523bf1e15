//! Ledger arithmetic: balances derived from append-only entries. Nothing is stored twice;
//! every figure a report shows comes from here.

use serde::Serialize;

/// An entry's kind, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Commission,
    Clawback,
    Payout,
    Adjustment,
}

impl EntryKind {
    pub fn parse(text: &str) -> Option<EntryKind> {
        Some(match text {
            "commission" => EntryKind::Commission,
            "clawback" => EntryKind::Clawback,
            "payout" => EntryKind::Payout,
            "adjustment" => EntryKind::Adjustment,
            _ => return None,
        })
    }
}

/// One ledger row: an amount in minor units, payable from a time (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    pub amount: i64,
    pub payable_at: i64,
}

/// A partner's position at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balance {
    /// Everything credited (commissions and positive adjustments).
    pub earned: i64,
    /// Everything taken back (clawbacks and negative adjustments), ≤ 0.
    pub clawed_back: i64,
    /// Paid out so far, ≤ 0.
    pub paid: i64,
    /// Entries not yet payable (within their hold period).
    pub pending: i64,
    /// What can be paid now: the sum of every entry that is payable.
    pub payable: i64,
    /// The sum of all entries: payable + pending.
    pub balance: i64,
}

/// The balance of `entries` at `now`.
pub fn balance(entries: &[Entry], now: i64) -> Balance {
    let mut b = Balance::default();
    for e in entries {
        match e.kind {
            EntryKind::Payout => b.paid += e.amount,
            EntryKind::Commission | EntryKind::Adjustment if e.amount >= 0 => b.earned += e.amount,
            _ => b.clawed_back += e.amount,
        }
        if e.payable_at <= now {
            b.payable += e.amount;
        } else {
            b.pending += e.amount;
        }
        b.balance += e.amount;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn commissions_become_payable_after_their_hold() {
        let entries = [
            Entry {
                kind: EntryKind::Commission,
                amount: 1_000,
                payable_at: 100,
            },
            Entry {
                kind: EntryKind::Commission,
                amount: 500,
                payable_at: 300,
            },
            Entry {
                kind: EntryKind::Payout,
                amount: -600,
                payable_at: 150,
            },
            Entry {
                kind: EntryKind::Clawback,
                amount: -100,
                payable_at: 200,
            },
        ];
        let at = |now| balance(&entries, now);
        assert_eq!(at(50).payable, 0);
        assert_eq!(at(50).pending, 800);
        assert_eq!(at(250).payable, 300);
        assert_eq!(at(250).pending, 500);
        assert_eq!(at(400).payable, 800);
        assert_eq!(
            (at(400).earned, at(400).paid, at(400).clawed_back),
            (1_500, -600, -100)
        );
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (0_usize..4, -100_000_i64..100_000, 0_i64..1_000).prop_map(|(k, amount, payable_at)| {
            let kind = [
                EntryKind::Commission,
                EntryKind::Clawback,
                EntryKind::Payout,
                EntryKind::Adjustment,
            ][k];
            let amount = match kind {
                EntryKind::Commission => amount.abs(),
                EntryKind::Clawback | EntryKind::Payout => -amount.abs(),
                EntryKind::Adjustment => amount,
            };
            Entry {
                kind,
                amount,
                payable_at,
            }
        })
    }

    proptest! {
        /// The balance is credits minus debits, split exactly into payable and pending.
        #[test]
        fn balance_is_credits_minus_debits(entries in proptest::collection::vec(entry(), 0..50), now in 0_i64..1_000) {
            let b = balance(&entries, now);
            let credits: i64 = entries.iter().filter(|e| e.amount > 0).map(|e| e.amount).sum();
            let debits: i64 = entries.iter().filter(|e| e.amount < 0).map(|e| -e.amount).sum();
            prop_assert_eq!(b.balance, credits - debits);
            prop_assert_eq!(b.payable + b.pending, b.balance);
            prop_assert_eq!(b.earned + b.clawed_back + b.paid, b.balance);
        }
    }
}
