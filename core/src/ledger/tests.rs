//! The lifecycle's examples and invariants, over random histories built the way the worker
//! builds them (commissions by rate, refunds by `engine::clawback`, payouts from `statement`).

use proptest::prelude::*;

use super::*;
use crate::engine;
use crate::money::{Currency, Money};

const DAY: i64 = 86_400;

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::parse("USD").unwrap())
}

fn entry(id: &str, kind: EntryKind, amount: i64, at: i64, payable_at: i64) -> Entry {
    Entry {
        id: id.into(),
        kind,
        amount,
        occurred_at: at,
        payable_at,
        reverses: None,
    }
}

fn reversing(mut e: Entry, id: &str) -> Entry {
    e.reverses = Some(id.into());
    e
}

fn status_of(s: &Statement, id: &str) -> Status {
    s.lines.iter().find(|l| l.entry.id == id).unwrap().status
}

#[test]
fn a_refund_inside_the_hold_reduces_pending_and_never_payable() {
    let entries = vec![
        entry("old", EntryKind::Commission, 500, 0, 10 * DAY),
        entry("c", EntryKind::Commission, 1_000, 20 * DAY, 50 * DAY),
        reversing(
            entry("r", EntryKind::Clawback, -400, 25 * DAY, 25 * DAY),
            "c",
        ),
    ];
    let now = 30 * DAY;
    let s = statement(&entries, now);
    assert_eq!((s.balance.payable, s.balance.pending), (500, 600));
    assert_eq!(status_of(&s, "r"), Status::ReducesPending);
    assert_eq!(s.becoming_payable, vec![(50 * DAY, 600)]);
    // A full refund voids it: nothing is becoming payable any more.
    let mut full = entries.clone();
    full.push(reversing(
        entry("r2", EntryKind::Clawback, -600, 26 * DAY, 26 * DAY),
        "c",
    ));
    let s = statement(&full, now);
    assert_eq!((s.balance.payable, s.balance.pending), (500, 0));
    assert_eq!(status_of(&s, "c"), Status::Reversed);
    assert!(s.becoming_payable.is_empty());
    // After the hold, what is left becomes payable; the refund line says it happened in hold.
    let s = statement(&entries, 60 * DAY);
    assert_eq!((s.balance.payable, s.balance.pending), (1_100, 0));
    assert_eq!(status_of(&s, "r"), Status::RefundedInHold);
}

#[test]
fn a_held_commission_is_under_review_past_its_hold_and_never_payable() {
    let entries = vec![
        entry("a", EntryKind::Commission, 1_000, 0, 30 * DAY),
        entry("held", EntryKind::Commission, 500, DAY, HELD),
        reversing(
            entry("r", EntryKind::Clawback, -100, 2 * DAY, 2 * DAY),
            "held",
        ),
    ];
    let s = statement(&entries, 400 * DAY);
    assert_eq!(status_of(&s, "held"), Status::UnderReview);
    assert_eq!(status_of(&s, "r"), Status::ReducesPending);
    let b = s.balance;
    assert_eq!((b.payable, b.pending, b.under_review), (1_000, 0, 400));
    assert!(s.becoming_payable.is_empty() && s.next_change.is_none());
    let line = s
        .lines
        .iter()
        .find(|l| l.entry.id == "held")
        .expect("the held line");
    assert!(describe(line, &Facts::default()).ends_with("; under review"));
    let facts = Facts {
        review: Some("timing"),
        ..Facts::default()
    };
    assert!(describe(line, &facts).ends_with("; under review (timing)"));
}

#[test]
fn payouts_pay_the_oldest_first_and_a_refund_after_payment_is_owed_back() {
    let mut entries = vec![
        entry("a", EntryKind::Commission, 1_000, 0, DAY),
        entry("b", EntryKind::Commission, 300, 0, 2 * DAY),
        entry("p", EntryKind::Payout, -1_000, 3 * DAY, 3 * DAY),
    ];
    let s = statement(&entries, 4 * DAY);
    assert_eq!(
        (status_of(&s, "a"), status_of(&s, "b"), status_of(&s, "p")),
        (Status::Paid, Status::Payable, Status::Paid)
    );
    assert_eq!((s.balance.payable, s.balance.paid), (300, 1_000));
    entries.push(reversing(
        entry("r", EntryKind::Clawback, -1_000, 5 * DAY, 5 * DAY),
        "a",
    ));
    let s = statement(&entries, 6 * DAY);
    assert_eq!(status_of(&s, "r"), Status::OwedBack);
    // The 300 still unpaid repays part of it; 700 is owed back.
    assert_eq!((s.balance.payable, s.balance.owed_back), (0, 700));
    assert_eq!(s.balance.balance, -700);
}

#[test]
fn an_adjustment_corrects_a_mistaken_payout() {
    let entries = vec![
        entry("a", EntryKind::Commission, 18_420, 0, DAY),
        // 1842.00 recorded where 184.20 was paid.
        entry("p", EntryKind::Payout, -184_200, 2 * DAY, 2 * DAY),
        reversing(
            entry("fix", EntryKind::Adjustment, 165_780, 3 * DAY, 3 * DAY),
            "p",
        ),
    ];
    let before = statement(&entries[..2], 2 * DAY);
    assert_eq!(
        (before.balance.payable, before.balance.owed_back),
        (0, 165_780)
    );
    let s = statement(&entries, 4 * DAY);
    assert_eq!(status_of(&s, "fix"), Status::Correction);
    assert_eq!(
        (s.balance.payable, s.balance.owed_back, s.balance.paid),
        (0, 0, 18_420)
    );
    assert_eq!(s.balance.earned, 18_420);
}

/// One step of a history.
#[derive(Debug, Clone)]
enum Step {
    /// A sale; a held one waits for an owner's review (no end of hold).
    Sale {
        amount: i64,
        hold_days: i64,
        held: bool,
    },
    Subscription {
        amount: i64,
    },
    Refund {
        order: usize,
        share: u8,
    },
    Payout {
        over: i64,
    },
    Adjustment {
        amount: i64,
        corrects_payout: bool,
    },
    /// An owner's review of a held sale: released, or reversed in full.
    Review {
        order: usize,
        release: bool,
    },
}

fn step() -> impl Strategy<Value = (Step, i64)> {
    let step = prop_oneof![
        4 => (100_i64..200_000, 0_i64..40, prop::bool::weighted(0.2)).prop_map(|(amount, hold_days, held)| Step::Sale { amount, hold_days, held }),
        2 => (100_i64..10_000).prop_map(|amount| Step::Subscription { amount }),
        3 => (0_usize..64, 1_u8..=100).prop_map(|(order, share)| Step::Refund { order, share }),
        2 => prop_oneof![4 => Just(0_i64), 1 => 1_i64..50_000].prop_map(|over| Step::Payout { over }),
        1 => (-20_000_i64..20_000, any::<bool>()).prop_map(|(amount, corrects_payout)| Step::Adjustment { amount, corrects_payout }),
        2 => (0_usize..64, any::<bool>()).prop_map(|(order, release)| Step::Review { order, release }),
    ];
    (step, 0_i64..6 * DAY)
}

/// A commission and what it was earned on.
struct Order {
    id: String,
    commission: String,
    credited: i64,
    sale: i64,
    /// Held for review: the end of the hold it would have had; `None` once reviewed.
    held_until: Option<i64>,
}

/// Builds the ledger the way the worker does, step by step.
fn history(steps: &[(Step, i64)]) -> (Vec<Entry>, Vec<Order>, i64) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut orders: Vec<Order> = Vec::new();
    let mut payouts: Vec<String> = Vec::new();
    let mut now = 1_800_000_000;
    for (n, (step, dt)) in steps.iter().enumerate() {
        now += dt;
        let id = format!("e{n}");
        match step {
            Step::Sale { .. } | Step::Subscription { .. } => {
                let (amount, hold_for, held) = match step {
                    Step::Sale {
                        amount,
                        hold_days,
                        held,
                    } => (amount, hold_days * DAY, *held),
                    Step::Subscription { amount } => (amount, 30 * DAY, false),
                    _ => continue,
                };
                // 20% of the sale, rounded as the engine rounds.
                let credited = (amount * 20 + 50) / 100;
                let payable_at = if held { HELD } else { now + hold_for };
                entries.push(entry(&id, EntryKind::Commission, credited, now, payable_at));
                orders.push(Order {
                    id: format!("order-{n}"),
                    commission: id,
                    credited,
                    sale: *amount,
                    held_until: held.then_some(now + hold_for),
                });
            }
            Step::Refund { order, share } => {
                let Some(o) = orders.get(order % orders.len().max(1)) else {
                    continue;
                };
                let clawed: i64 = entries
                    .iter()
                    .filter(|e| e.reverses.as_deref() == Some(o.commission.as_str()))
                    .map(|e| e.amount)
                    .sum();
                let refund = (o.sale * i64::from(*share) / 100).max(1);
                let back = engine::clawback(usd(o.credited), usd(clawed), usd(o.sale), usd(refund));
                if back.minor() < 0 {
                    entries.push(reversing(
                        entry(&id, EntryKind::Clawback, back.minor(), now, now),
                        &o.commission,
                    ));
                }
            }
            Step::Payout { over } => {
                // The payout routine pays what is payable; sometimes a typo pays more.
                let payable = statement(&entries, now).balance.payable;
                if payable + over > 0 {
                    entries.push(entry(&id, EntryKind::Payout, -(payable + over), now, now));
                    payouts.push(id);
                }
            }
            Step::Review { order, release } => {
                let count = orders.len().max(1);
                let Some(o) = orders
                    .get_mut(order % count)
                    .filter(|o| o.held_until.is_some())
                else {
                    continue;
                };
                let until = o.held_until.take().unwrap_or(now);
                if *release {
                    // Payable when its hold would have ended, or now if that has passed.
                    entries.push(reversing(
                        entry(&id, EntryKind::Release, 0, now, until.max(now)),
                        &o.commission,
                    ));
                } else {
                    let clawed: i64 = entries
                        .iter()
                        .filter(|e| e.reverses.as_deref() == Some(o.commission.as_str()))
                        .map(|e| e.amount)
                        .sum();
                    if o.credited + clawed > 0 {
                        entries.push(reversing(
                            entry(&id, EntryKind::Clawback, -(o.credited + clawed), now, now),
                            &o.commission,
                        ));
                    }
                }
            }
            Step::Adjustment {
                amount,
                corrects_payout,
            } => {
                let mut e = entry(&id, EntryKind::Adjustment, *amount, now, now);
                if *corrects_payout {
                    e.reverses = payouts.last().cloned();
                }
                entries.push(e);
            }
        }
    }
    (entries, orders, now)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// At every moment: payable is never negative; pending + payable + paid − owed back is
    /// what was earned; the running balance is the sum of the lines; no refund takes back more
    /// than its order earned; every line's words name where it came from.
    #[test]
    fn the_ledger_adds_up(steps in proptest::collection::vec(step(), 1..60), later in 0_i64..90 * DAY) {
        let (entries, orders, end) = history(&steps);
        for now in [end, end + later, end + 100 * DAY] {
            let s = statement(&entries, now);
            let b = s.balance;
            prop_assert!(b.payable >= 0 && b.pending >= 0 && b.owed_back >= 0, "{b:?}");
            prop_assert!(b.payable == 0 || b.owed_back == 0, "owed back is netted first: {b:?}");
            prop_assert!(b.under_review >= 0, "{b:?}");
            prop_assert_eq!(b.pending + b.under_review + b.payable + b.paid - b.owed_back, b.earned);
            prop_assert_eq!(b.balance, entries.iter().map(|e| e.amount).sum::<i64>());
            prop_assert_eq!(b.balance, b.pending + b.under_review + b.payable - b.owed_back);
            let becoming: i64 = s.becoming_payable.iter().map(|(_, a)| a).sum();
            prop_assert_eq!(becoming, b.pending);
            prop_assert!(s.becoming_payable.iter().all(|&(at, amount)| at > now && amount > 0));
            for line in &s.lines {
                let e = &line.entry;
                // A refund inside a hold that is still running never touches payable money.
                let held = s.lines.iter().map(|l| (&l.entry, l.effective_at)).find(|(c, _)| Some(c.id.as_str()) == e.reverses.as_deref() && c.kind == EntryKind::Commission);
                if let Some((c, _)) = held.filter(|&(_, end)| e.kind == EntryKind::Clawback && e.occurred_at < end && now < end) {
                    let without: Vec<Entry> = entries.iter().filter(|x| x.id != e.id).cloned().collect();
                    prop_assert_eq!(statement(&without, now).balance.payable, b.payable, "refund {} of {}", e.id, c.id);
                    prop_assert_eq!(line.status, Status::ReducesPending);
                }
                if e.kind == EntryKind::Payout {
                    prop_assert_eq!(line.status, Status::Paid);
                }
                if e.kind == EntryKind::Commission && line.effective_at > now {
                    prop_assert!(matches!(line.status, Status::Pending | Status::Reversed | Status::UnderReview));
                }
                // A held commission is never payable, whatever the time, until it is released;
                // released, it is an ordinary commission from its release's date.
                if e.kind == EntryKind::Commission && e.payable_at == HELD {
                    let release = entries.iter().find(|r| r.kind == EntryKind::Release && r.reverses.as_deref() == Some(e.id.as_str()));
                    match release {
                        None => prop_assert!(matches!(line.status, Status::UnderReview | Status::Reversed), "{:?}", line.status),
                        Some(r) => {
                            prop_assert_eq!(line.effective_at, r.payable_at);
                            prop_assert!(line.status != Status::UnderReview);
                            if r.payable_at > now {
                                prop_assert!(matches!(line.status, Status::Pending | Status::Reversed), "{:?}", line.status);
                            }
                        }
                    }
                }
                if e.kind == EntryKind::Release {
                    prop_assert_eq!(line.status, Status::Released);
                }
                let order = orders.iter().find(|o| o.commission == e.id || e.reverses.as_deref() == Some(o.commission.as_str()));
                let memo = format!("reference {}", e.id);
                let facts = Facts {
                    order: order.map(|o| o.id.as_str()),
                    memo: Some(&memo),
                    ..Facts::default()
                };
                let words = describe(line, &facts);
                match (e.kind, order) {
                    (EntryKind::Release, _) => prop_assert!(words.starts_with("Released after review"), "{words}"),
                    (EntryKind::Commission | EntryKind::Clawback, Some(o)) => prop_assert!(words.contains(&o.id), "{words}"),
                    (EntryKind::Payout | EntryKind::Adjustment, _) => prop_assert!(words.contains(&memo), "{words}"),
                    _ => prop_assert!(false, "a line without a source: {e:?}"),
                }
            }
        }
        for o in &orders {
            let clawed: i64 = entries.iter().filter(|e| e.reverses.as_deref() == Some(o.commission.as_str())).map(|e| e.amount).sum();
            prop_assert!(-clawed <= o.credited, "order {} earned {} and lost {}", o.id, o.credited, -clawed);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A statement stays what it is until its next change (the balance snapshots rely on
    /// it): at any moment before, every balance and line status is the same; at it, a hold
    /// has ended; without one, nothing changes ever after.
    #[test]
    fn a_statement_holds_until_its_next_change(
        steps in proptest::collection::vec(step(), 1..60),
        later in 0_i64..90 * DAY,
        share in 0.0_f64..1.0,
    ) {
        let (entries, _, end) = history(&steps);
        let now = end + later;
        let s = statement(&entries, now);
        let status = |s: &Statement| s.lines.iter().map(|l| l.status).collect::<Vec<_>>();
        if let Some(next) = s.next_change {
            prop_assert!(next > now);
            let before = now + ((next - 1 - now) as f64 * share) as i64;
            for at in [before, next - 1] {
                let t = statement(&entries, at);
                prop_assert_eq!(t.balance, s.balance, "at {}", at);
                prop_assert_eq!(status(&t), status(&s), "at {}", at);
                prop_assert_eq!(t.next_change, Some(next));
            }
            prop_assert!(entries.iter().any(|e| e.payable_at == next), "a hold ends at {}", next);
        } else {
            let t = statement(&entries, now + 1_000 * DAY);
            prop_assert_eq!(t.balance, s.balance);
            prop_assert_eq!(status(&t), status(&s));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A statement continued from checkpoints (taken at any two moments, each from all the
    /// entries as candidates) says what the whole replay says: every balance, what becomes
    /// payable when, and every line's status.
    #[test]
    fn a_checkpoint_changes_nothing(
        steps in proptest::collection::vec(step(), 1..60),
        first in 0.0_f64..1.0,
        second in 0.0_f64..1.0,
        later in 0_i64..90 * DAY,
    ) {
        let (mut entries, _, end) = history(&steps);
        entries.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
        let now = end + later;
        let begin = entries.first().map_or(now, |e| e.occurred_at);
        let at = |share: f64| begin + ((now - begin) as f64 * share) as i64;
        let (t1, t2) = (at(first.min(second)), at(first.max(second)));
        let whole = statement(&entries, now);
        let mut statuses = std::collections::HashMap::<String, Status>::new();
        let (one, lines, settled) = Checkpoint::start().advance(&entries, &entries, t1);
        statuses.extend(lines.into_iter().map(|l| (l.entry.id, l.status)));
        statuses.extend(settled);
        let (two, lines, settled) = one.advance(&entries, &entries, t2);
        statuses.extend(lines.into_iter().map(|l| (l.entry.id, l.status)));
        statuses.extend(settled);
        prop_assert!(two.open.iter().all(|o| o.left > 0));
        let after = statement_after(&two, &entries, &entries, now);
        prop_assert_eq!(after.balance, whole.balance);
        prop_assert_eq!(&after.becoming_payable, &whole.becoming_payable);
        statuses.extend(after.earlier.iter().cloned());
        statuses.extend(after.lines.iter().map(|l| (l.entry.id.clone(), l.status)));
        for line in &whole.lines {
            prop_assert_eq!(statuses.get(&line.entry.id), Some(&line.status), "{}", line.entry.id);
        }
        for line in &after.lines {
            prop_assert!(line.effective_at >= t2);
        }
    }
}
