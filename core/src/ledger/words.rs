//! Ledger lines in plain words, the same everywhere they are shown.

use std::fmt::Write as _;

use super::{EntryKind, Line, Status};
use crate::money::Money;

/// Whose conversion a commission was earned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level<'a> {
    /// The partner's own.
    Own,
    /// A partner they referred (second tier).
    Referred(&'a str),
    /// A partner referred by someone they referred (third tier).
    SecondLevel(&'a str),
}

impl<'a> Level<'a> {
    /// From the stored level (0, 1, 2) and the partner who made the conversion.
    pub fn from_stored(level: i64, seller: &'a str) -> Level<'a> {
        match level {
            0 => Level::Own,
            1 => Level::Referred(seller),
            _ => Level::SecondLevel(seller),
        }
    }
}

/// "your sale", "your referred partner mia456's sale", "second level: leo777's sale (referred
/// by a partner you referred)". `what` is the conversion: "sale", "lead", "subscription payment".
pub fn level_words(level: Level<'_>, what: &str) -> String {
    match level {
        Level::Own => format!("your {what}"),
        Level::Referred(code) => format!("your referred partner {code}'s {what}"),
        Level::SecondLevel(code) => {
            format!("second level: {code}'s {what} (referred by a partner you referred)")
        }
    }
}

/// What a line was made from, as stored beside it (everything optional: older rows and
/// payouts have less to say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The program's name.
    pub program: Option<&'a str>,
    /// The rule and rate, as My Commission Structure words it ("20% of the sale").
    pub rule: Option<&'a str>,
    /// "sale", "lead", "subscription payment".
    pub conversion: Option<&'a str>,
    /// The partner's own order id (never shown for someone else's order).
    pub order: Option<&'a str>,
    /// The amount the rule was applied to.
    pub base: Option<Money>,
    /// Whose conversion.
    pub level: Option<Level<'a>>,
    /// A payout's method and reference; an adjustment's reason.
    pub memo: Option<&'a str>,
    /// A clawback's refunded amount.
    pub refund: Option<Money>,
    /// The line this one reverses or corrects, in words ("the commission of 2026-11-02").
    pub reverses: Option<&'a str>,
    /// A clawback that reverses a commission held for review: the owner's reason.
    pub reviewed: Option<&'a str>,
    /// What a line under review is held for, in categories ("timing, traffic source").
    pub review: Option<&'a str>,
}

/// Unix seconds as `2026-11-24` (UTC).
pub fn date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    // Days to civil date (proleptic Gregorian), after Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// One sentence that says where a line's money came from and what it means now.
pub fn describe(line: &Line, facts: &Facts<'_>) -> String {
    let e = &line.entry;
    let what = facts.conversion.unwrap_or("sale");
    let mut out = String::new();
    match e.kind {
        EntryKind::Commission => {
            if let Some(program) = facts.program {
                out.push_str(program);
                out.push_str(": ");
            }
            out.push_str(facts.rule.unwrap_or("commission"));
            out.push_str(" — ");
            out.push_str(&level_words(facts.level.unwrap_or(Level::Own), what));
            if let Some(order) = facts.order {
                let _ = write!(out, ", order {order}");
            }
            if let Some(base) = facts.base {
                let _ = write!(out, " ({what} amount {base})");
            }
            let _ = match line.status {
                Status::Pending => write!(out, "; on hold until {}", date(line.effective_at)),
                Status::UnderReview => match facts.review.filter(|r| !r.is_empty()) {
                    Some(categories) => write!(out, "; under review ({categories})"),
                    None => write!(out, "; under review"),
                },
                Status::Reversed => write!(out, "; refunded, nothing to pay"),
                _ => write!(out, "; payable from {}", date(line.effective_at)),
            };
        }
        // An owner reversed a commission held for review, with the reason.
        EntryKind::Clawback if facts.reviewed.is_some() => {
            out.push_str("Reversed after review");
            if let Some(reversed) = facts.reverses {
                let _ = write!(out, ": {reversed}");
            }
            if let Some(reason) = facts.reviewed {
                let _ = write!(out, " — {reason}");
            }
        }
        EntryKind::Clawback => {
            out.push_str("Refund");
            if let Some(refund) = facts.refund {
                let _ = write!(out, " of {refund}");
            }
            out.push_str(" — ");
            out.push_str(&level_words(facts.level.unwrap_or(Level::Own), what));
            if let Some(order) = facts.order {
                let _ = write!(out, ", order {order}");
            }
            if let Some(reversed) = facts.reverses {
                let _ = write!(out, ": takes back from {reversed}");
            }
            out.push_str(match line.status {
                Status::ReducesPending => {
                    "; reduces your pending commission (it was still on hold)"
                }
                Status::RefundedInHold => "; refunded while on hold, so it was never payable",
                Status::OwedBack => {
                    "; it had been paid, so it is owed back from your next earnings"
                }
                _ => "; deducted before payment",
            });
        }
        EntryKind::Payout => {
            out.push_str("Payout");
            if let Some(memo) = facts.memo {
                let _ = write!(out, ": {memo}");
            }
        }
        EntryKind::Release => {
            out.push_str("Released after review");
            if let Some(reversed) = facts.reverses {
                let _ = write!(out, ": {reversed}");
            }
            let _ = write!(out, " is payable from {}", date(e.payable_at));
            if let Some(memo) = facts.memo {
                let _ = write!(out, " ({memo})");
            }
        }
        EntryKind::Adjustment => {
            out.push_str(if e.amount >= 0 { "Credit" } else { "Deduction" });
            out.push_str(" by the program owner");
            if let Some(memo) = facts.memo {
                let _ = write!(out, ": {memo}");
            }
            if let Some(reversed) = facts.reverses {
                let _ = write!(out, " (corrects {reversed})");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_as_sentences() {
        assert_eq!(level_words(Level::Own, "sale"), "your sale");
        assert_eq!(
            level_words(Level::from_stored(1, "mia456"), "sale"),
            "your referred partner mia456's sale"
        );
        assert!(level_words(Level::from_stored(2, "leo777"), "sale").starts_with("second level"));
    }

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_795_996_800 + 3_600), "2026-11-30");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
    }
}
