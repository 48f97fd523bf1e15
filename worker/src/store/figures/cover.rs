//! Which rows cover a range of days.

use super::DAY;
use crate::platform::SqlValue;
use crate::store::rollups::{month_of, next_month};

/// Which rows cover a range of days: whole months and single days from the rollups, and the
/// days from `rolled_through` on from the raw rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cover {
    months: (i64, i64),
    days_before: (i64, i64),
    days_after: (i64, i64),
    raw: (i64, i64),
}

impl Cover {
    pub(super) fn of(from: i64, until: i64, rolled_through: i64) -> Cover {
        let rolled_until = until.min(rolled_through).max(from);
        let raw = (rolled_until, until.max(rolled_until));
        let first_month = if month_of(from) == from {
            from
        } else {
            next_month(month_of(from))
        };
        let last_month = month_of(rolled_until);
        if first_month < last_month {
            Cover {
                months: (first_month, last_month),
                days_before: (from, first_month),
                days_after: (last_month, rolled_until),
                raw,
            }
        } else {
            Cover {
                months: (0, 0),
                days_before: (from, rolled_until),
                days_after: (0, 0),
                raw,
            }
        }
    }

    pub(super) fn rolled_params(&self, first: Option<SqlValue>) -> Vec<SqlValue> {
        let mut p: Vec<SqlValue> = first.into_iter().collect();
        for (a, b) in [self.months, self.days_before, self.days_after] {
            p.push(a.into());
            p.push(b.into());
        }
        p
    }

    /// The rolled-up days' window (seconds), where late rows may be.
    pub(super) fn rolled_window(&self) -> Option<(i64, i64)> {
        let (a, b) = (self.days_before.0, self.raw.0);
        (a < b).then_some((a * DAY, b * DAY))
    }

    pub(super) fn raw_window(&self) -> Option<(i64, i64)> {
        (self.raw.0 < self.raw.1).then_some((self.raw.0 * DAY, self.raw.1 * DAY))
    }
}

#[cfg(test)]
mod tests {
    use super::Cover;
    use crate::store::rollups::{month_of, next_month};

    #[test]
    fn a_range_is_covered_by_whole_months_days_and_raw_days_without_overlap() {
        let nov = month_of(20_422);
        let dec = next_month(nov);
        let jan = next_month(dec);
        // Mid-November to mid-January, rolled up to January 10th.
        let c = Cover::of(nov + 10, jan + 15, jan + 9);
        assert_eq!(c.days_before, (nov + 10, dec));
        assert_eq!(c.months, (dec, jan));
        assert_eq!(c.days_after, (jan, jan + 9));
        assert_eq!(c.raw, (jan + 9, jan + 15));
        // Nothing rolled up: every day raw.
        let c = Cover::of(nov + 10, jan + 15, 0);
        assert_eq!(
            (c.days_before, c.months, c.raw),
            ((nov + 10, nov + 10), (0, 0), (nov + 10, jan + 15))
        );
        // Everything rolled up, within one month.
        let c = Cover::of(dec + 1, dec + 5, jan + 20);
        assert_eq!(
            (c.days_before, c.months, c.raw),
            ((dec + 1, dec + 5), (0, 0), (dec + 5, dec + 5))
        );
        assert_eq!(c.raw_window(), None);
        // Exactly one whole month.
        let c = Cover::of(dec, jan, jan + 1);
        assert_eq!(
            (c.days_before, c.months, c.days_after),
            ((dec, dec), (dec, jan), (jan, jan))
        );
    }
}
