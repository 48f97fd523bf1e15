//! An adjustment as the owner makes it from the console (a credit, a deduction, or the
//! correction of a payout), checked as `check` checks `adjustments/*.yaml`, and written as that
//! file with every value as data.

use std::fmt::Write as _;

use crate::Money;
use crate::text::{unsafe_char, yaml_quoted};

/// The longest reason (the partner reads it in their ledger).
pub const MAX_REASON: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub id: String,
    pub partner: String,
    /// `2026-12-02`.
    pub date: String,
    /// Positive: a credit; negative: a deduction.
    pub amount: Money,
    pub reason: String,
    /// The payout this corrects (its reference), if any.
    pub corrects: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdjustmentError {
    #[error(
        "an adjustment of zero changes nothing: give a positive amount to credit, a negative one to deduct"
    )]
    Zero,
    #[error("say why, in one line of at most {MAX_REASON} characters: the partner reads it")]
    Reason,
}

impl Adjustment {
    /// The adjustment, if its amount and reason are ones `check` accepts.
    pub fn checked(self) -> Result<Adjustment, AdjustmentError> {
        if self.amount.minor() == 0 {
            return Err(AdjustmentError::Zero);
        }
        let reason = self.reason.trim();
        if reason.is_empty()
            || reason.chars().count() > MAX_REASON
            || unsafe_char(reason, false).is_some()
        {
            return Err(AdjustmentError::Reason);
        }
        Ok(Adjustment {
            reason: reason.to_owned(),
            ..self
        })
    }

    /// The `adjustments/<name>.yaml` file that holds it.
    pub fn yaml(&self, header: &str) -> String {
        let mut out = format!("# {}\nadjustments:\n", crate::text::one_line(header));
        let _ = write!(
            out,
            "  - id: {}\n    partner: {}\n    date: {}\n    amount: {}\n    reason: {}\n",
            yaml_quoted(&self.id),
            yaml_quoted(&self.partner),
            self.date,
            self.amount.decimal_string(),
            yaml_quoted(&self.reason),
        );
        if let Some(payout) = &self.corrects {
            let _ = writeln!(out, "    corrects: {}", yaml_quoted(payout));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn adjustment(amount: &str, reason: &str) -> Adjustment {
        Adjustment {
            id: "ADJ-1".into(),
            partner: "abc123".into(),
            date: "2026-12-02".into(),
            amount: Money::parse(amount, Currency::parse("USD").unwrap()).unwrap(),
            reason: reason.into(),
            corrects: None,
        }
    }

    #[test]
    fn zero_and_reasons_that_are_not_one_line_are_refused() {
        assert_eq!(
            adjustment("0.00", "x").checked(),
            Err(AdjustmentError::Zero)
        );
        assert_eq!(
            adjustment("5.00", "  ").checked(),
            Err(AdjustmentError::Reason)
        );
        assert_eq!(
            adjustment("5.00", "one\u{2028}two").checked(),
            Err(AdjustmentError::Reason)
        );
        assert_eq!(
            adjustment("5.00", &"x".repeat(301)).checked(),
            Err(AdjustmentError::Reason)
        );
    }

    #[test]
    fn the_file_keeps_every_value_as_data() {
        let a = adjustment("-12.50", "Bonus: \"holiday\" # not a comment")
            .checked()
            .unwrap();
        assert_eq!(
            a.yaml("Added in the console."),
            "# Added in the console.\nadjustments:\n  - id: \"ADJ-1\"\n    partner: \"abc123\"\n    \
             date: 2026-12-02\n    amount: -12.50\n    reason: \"Bonus: \\\"holiday\\\" # not a comment\"\n"
        );
    }
}
