//! The lifecycle: replays the entries in the order money moved and gives every line its
//! status and the partner's balances.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Checkpoint, Entry, EntryKind, HELD};

/// What a line means for the partner now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A commission in its hold period.
    Pending,
    /// Earned and not yet paid (a commission after its hold, or a credit).
    Payable,
    /// Covered by payouts; a payout itself.
    Paid,
    /// A commission refunded in full within its hold: it will never be payable.
    Reversed,
    /// A refund within the hold of a commission that is still pending.
    ReducesPending,
    /// A refund within the hold of a commission that has since become payable.
    RefundedInHold,
    /// Taken from money not yet paid out.
    Deducted,
    /// Taken back from money already paid: recovered from later earnings.
    OwedBack,
    /// An adjustment correcting a payout.
    Correction,
    /// A commission held for review: not payable until an owner releases it.
    UnderReview,
    /// An owner's release of a commission held for review.
    Released,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Pending,
        Status::Payable,
        Status::Paid,
        Status::Reversed,
        Status::ReducesPending,
        Status::RefundedInHold,
        Status::Deducted,
        Status::OwedBack,
        Status::Correction,
        Status::UnderReview,
        Status::Released,
    ];

    /// The status [`Status::as_str`] names.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Payable => "payable",
            Status::Paid => "paid",
            Status::Reversed => "reversed",
            Status::ReducesPending => "reduces pending",
            Status::RefundedInHold => "refunded in hold",
            Status::Deducted => "deducted",
            Status::OwedBack => "owed back",
            Status::Correction => "correction",
            Status::UnderReview => "under review",
            Status::Released => "released",
        }
    }
}

/// A partner's position at a moment. All fields are in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Balance {
    /// Commissions still in their hold, net of refunds inside it. Never negative.
    pub pending: i64,
    /// Commissions held for review, net of refunds: pending until an owner releases them.
    /// Never negative.
    #[serde(default)]
    pub under_review: i64,
    /// What can be paid now. Never negative.
    pub payable: i64,
    /// Taken back after it was paid, not yet recovered. Never negative.
    pub owed_back: i64,
    /// Paid out so far, net of corrected payouts.
    pub paid: i64,
    /// Lifetime earnings: commissions and adjustments, net of refunds
    /// (= pending + under review + payable + paid − owed back).
    pub earned: i64,
    /// Taken back by refunds, in total (≥ 0).
    pub refunded: i64,
    /// The sum of all entries, as the ledger's running balance shows it
    /// (= pending + under review + payable − owed back).
    pub balance: i64,
}

/// One entry with its status now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub entry: Entry,
    pub status: Status,
    /// When this entry's money counts as payable (a refund inside a hold counts at the
    /// commission's end of hold).
    pub effective_at: i64,
}

/// Every line with its status, the balances, and what becomes payable when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub lines: Vec<Line>,
    pub balance: Balance,
    /// Pending money by the date it becomes payable: `(payable_at, amount)`, soonest first,
    /// only commissions with something left after refunds.
    pub becoming_payable: Vec<(i64, i64)>,
    /// When the statement continues from a checkpoint: the statuses now of its open credits
    /// (the lines before it that payouts could still change).
    pub earlier: Vec<(String, Status)>,
    /// The next moment the statement changes by time alone (a hold ends), if any: until
    /// then, and without new lines, it stays what it is now.
    pub next_change: Option<i64>,
}

/// A credit waiting to be paid: what is left of it, and how much of it was paid. `line` is
/// the credit's key in a replay: a checkpoint's open credits first, then the replayed lines.
pub(super) struct Unpaid {
    pub(super) line: usize,
    pub(super) left: i64,
    pub(super) paid: i64,
}

/// The money that has matured, replayed in order.
#[derive(Default)]
pub(super) struct Replay {
    pub(super) queue: Vec<Unpaid>,
    pub(super) owed: i64,
}

impl Replay {
    /// A credit first repays what is owed (the partner had that money already).
    fn credit(&mut self, line: usize, amount: i64) {
        let recovered = amount.min(self.owed);
        self.owed -= recovered;
        self.queue.push(Unpaid {
            line,
            left: amount - recovered,
            paid: recovered,
        });
    }

    /// Takes `amount` (> 0) from the unpaid credits: from `first` (the commission a refund
    /// reverses) before any other, then oldest first; what nothing covers is owed. A payment
    /// pays what it takes; a deduction removes it. Returns what `first` did not cover and
    /// what became owed.
    fn debit(&mut self, amount: i64, first: Option<usize>, payment: bool) -> (i64, i64) {
        let mut left = amount;
        let mut uncovered = amount;
        let take_from = |u: &mut Unpaid, left: &mut i64| {
            let take = u.left.min(*left);
            u.left -= take;
            *left -= take;
            // Money a refund takes from other credits repays what the partner already had.
            if payment || first.is_some_and(|f| f != u.line) {
                u.paid += take;
            }
            take
        };
        if let Some(u) = first.and_then(|line| self.queue.iter_mut().find(|u| u.line == line)) {
            uncovered -= take_from(u, &mut left);
        }
        for u in &mut self.queue {
            take_from(u, &mut left);
        }
        self.owed += left;
        (uncovered, left)
    }

    fn payable(&self) -> i64 {
        self.queue.iter().map(|u| u.left).sum()
    }
}

/// The statement of `entries` (in ledger order: by time, then id) at `now`.
pub fn statement(entries: &[Entry], now: i64) -> Statement {
    replay(&Checkpoint::start(), entries, &[], now).0
}

/// The statement at `now` that continues from `checkpoint`: `tail` holds (at least) every
/// entry whose money moves at or after the checkpoint, in ledger order; `known` the entries
/// they reverse that are not among them. Entries already in the checkpoint are left out.
/// Its lines are the tail's; [`Statement::earlier`] has the checkpoint's open credits.
pub fn statement_after(
    checkpoint: &Checkpoint,
    tail: &[Entry],
    known: &[Entry],
    now: i64,
) -> Statement {
    let later = Moves::of(tail, known).select(tail, checkpoint.through..i64::MAX);
    replay(checkpoint, &later, known, now).0
}

/// When each entry's money moves, and the entries a replay can look up.
pub(super) struct Moves<'a> {
    by_id: HashMap<&'a str, &'a Entry>,
    /// The release of each released commission, by the commission's id.
    releases: HashMap<&'a str, &'a Entry>,
}

impl<'a> Moves<'a> {
    pub(super) fn of(entries: &'a [Entry], known: &'a [Entry]) -> Moves<'a> {
        let by_id = known
            .iter()
            .chain(entries)
            .map(|e| (e.id.as_str(), e))
            .collect();
        let releases = known
            .iter()
            .chain(entries)
            .filter(|e| e.kind == EntryKind::Release)
            .filter_map(|e| Some((e.reverses.as_deref()?, e)))
            .collect();
        Moves { by_id, releases }
    }

    /// When a commission becomes payable: the end of its hold, or for one held for review,
    /// when its release says (never without one).
    fn matures(&self, c: &Entry) -> i64 {
        if c.payable_at >= HELD {
            self.releases
                .get(c.id.as_str())
                .map_or(c.payable_at, |r| r.payable_at.min(HELD))
        } else {
            c.payable_at
        }
    }

    fn reversed(&self, e: &Entry) -> Option<&'a Entry> {
        e.reverses
            .as_deref()
            .and_then(|id| self.by_id.get(id).copied())
    }

    /// When the entry's money moves: a commission at the end of its hold, a refund inside a
    /// hold at the end of that hold, everything else when it happened.
    fn effective(&self, e: &Entry) -> i64 {
        match e.kind {
            EntryKind::Commission => self.matures(e),
            EntryKind::Clawback => match self.reversed(e) {
                Some(c) if e.occurred_at < self.matures(c) => self.matures(c),
                _ => e.occurred_at,
            },
            EntryKind::Payout | EntryKind::Adjustment | EntryKind::Release => e.occurred_at,
        }
    }

    /// The entries whose money moves within `window`, in ledger order.
    pub(super) fn select(&self, entries: &[Entry], window: std::ops::Range<i64>) -> Vec<Entry> {
        let mut found: Vec<Entry> = entries
            .iter()
            .filter(|e| window.contains(&self.effective(e)))
            .cloned()
            .collect();
        found.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
        found.dedup_by(|a, b| a.id == b.id);
        found
    }
}

/// Replays `entries` (in ledger order, all moving at or after `start.through`) from `start`.
pub(super) fn replay(
    start: &Checkpoint,
    entries: &[Entry],
    known: &[Entry],
    now: i64,
) -> (Statement, Replay) {
    let moves = Moves::of(entries, known);
    let index: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    // A credit's key: the checkpoint's open credits first, then the lines.
    let open = start.open.len();
    let earlier: HashMap<&str, usize> = start
        .open
        .iter()
        .enumerate()
        .map(|(k, o)| (o.id.as_str(), k))
        .collect();
    // The credit a refund takes from first: a line, an open credit, or one already settled.
    let first_of = |e: &Entry| {
        let id = e.reverses.as_deref()?;
        moves.by_id.get(id)?;
        Some(index.get(id).map_or_else(
            || earlier.get(id).copied().unwrap_or(usize::MAX),
            |&i| open + i,
        ))
    };
    let effective: Vec<i64> = entries.iter().map(|e| moves.effective(e)).collect();
    let in_hold =
        |i: usize| entries[i].kind == EntryKind::Clawback && effective[i] > entries[i].occurred_at;
    // A commission's amount when its hold ends: refunds inside the hold are netted into it.
    let mut net = vec![0_i64; entries.len()];
    for (i, e) in entries.iter().enumerate() {
        match e.kind {
            EntryKind::Commission => net[i] += e.amount,
            EntryKind::Clawback if in_hold(i) => {
                if let Some(&c) = e.reverses.as_deref().and_then(|id| index.get(id)) {
                    net[c] += e.amount;
                }
            }
            _ => {}
        }
    }
    let corrects_payout = |e: &Entry| {
        e.kind == EntryKind::Adjustment
            && moves
                .reversed(e)
                .is_some_and(|p| p.kind == EntryKind::Payout)
    };

    let mut status: Vec<Status> = vec![Status::Pending; entries.len()];
    let mut balance = start.balance;
    let mut becoming: HashMap<i64, i64> = HashMap::new();
    // Payouts and adjustments are facts the owner recorded: they count whatever their date.
    let matured = |i: usize| {
        effective[i] <= now
            || matches!(
                entries[i].kind,
                EntryKind::Payout | EntryKind::Adjustment | EntryKind::Release
            )
    };
    let mut order: Vec<usize> = (0..entries.len()).collect();
    // Oldest first; at the same moment credits before debits, so a payout covers what
    // became payable that day.
    order.sort_by_key(|&i| (effective[i], entries[i].amount < 0, i));
    let mut replay = Replay {
        queue: start
            .open
            .iter()
            .enumerate()
            .map(|(k, o)| Unpaid {
                line: k,
                left: o.left,
                paid: o.paid,
            })
            .collect(),
        owed: start.owed,
    };
    for &i in &order {
        let e = &entries[i];
        balance.balance += e.amount;
        match e.kind {
            EntryKind::Payout => balance.paid -= e.amount,
            EntryKind::Clawback => balance.refunded -= e.amount,
            _ if corrects_payout(e) => balance.paid -= e.amount,
            _ => {}
        }
        if e.kind != EntryKind::Payout && !corrects_payout(e) {
            balance.earned += e.amount;
        }
        if !matured(i) {
            let held = effective[i] >= HELD;
            status[i] = match e.kind {
                EntryKind::Commission if net[i] <= 0 => Status::Reversed,
                EntryKind::Commission if held => Status::UnderReview,
                EntryKind::Commission => {
                    *becoming.entry(effective[i]).or_default() += net[i];
                    Status::Pending
                }
                _ => Status::ReducesPending,
            };
            if held {
                balance.under_review += e.amount;
            } else {
                balance.pending += e.amount;
            }
            continue;
        }
        status[i] = match e.kind {
            EntryKind::Commission if net[i] <= 0 => Status::Reversed,
            EntryKind::Commission => {
                replay.credit(open + i, net[i]);
                Status::Payable
            }
            EntryKind::Clawback if in_hold(i) => Status::RefundedInHold,
            EntryKind::Clawback => {
                if replay.debit(-e.amount, first_of(e), false).0 > 0 {
                    Status::OwedBack
                } else {
                    Status::Deducted
                }
            }
            EntryKind::Payout => {
                replay.debit(-e.amount, None, true);
                Status::Paid
            }
            EntryKind::Release => Status::Released,
            EntryKind::Adjustment if e.amount >= 0 => {
                replay.credit(open + i, e.amount);
                if corrects_payout(e) {
                    Status::Correction
                } else {
                    Status::Payable
                }
            }
            EntryKind::Adjustment => {
                let (_, owed) = replay.debit(-e.amount, None, corrects_payout(e));
                if corrects_payout(e) {
                    Status::Correction
                } else if owed > 0 {
                    Status::OwedBack
                } else {
                    Status::Deducted
                }
            }
        };
    }
    // A payable credit with nothing left was paid, or taken back before it was.
    let settled = |was: Status, u: &Unpaid| match was {
        Status::Payable if u.left == 0 && u.paid > 0 => Status::Paid,
        Status::Payable if u.left == 0 => Status::Reversed,
        was => was,
    };
    let mut earlier_status: Vec<(String, Status)> = Vec::with_capacity(open);
    for u in &replay.queue {
        if u.line < open {
            let o = &start.open[u.line];
            earlier_status.push((o.id.clone(), settled(o.status, u)));
        } else {
            status[u.line - open] = settled(status[u.line - open], u);
        }
    }
    balance.payable = replay.payable();
    balance.owed_back = replay.owed;
    let mut becoming_payable: Vec<(i64, i64)> = becoming.into_iter().collect();
    becoming_payable.sort_unstable();
    let statement = Statement {
        lines: entries
            .iter()
            .enumerate()
            .map(|(i, e)| Line {
                entry: e.clone(),
                status: status[i],
                effective_at: effective[i],
            })
            .collect(),
        earlier: earlier_status,
        balance,
        becoming_payable,
        next_change: effective
            .iter()
            .copied()
            .filter(|&at| at > now && at < HELD)
            .min(),
    };
    (statement, replay)
}
