//! The payout rule, decided once for the CLI (`partner-center payouts plan`) and the console's
//! "Mark as paid": a partner is paid at most what they can be paid now (their payable balance),
//! less payouts already written down but not yet in the ledger. Partners the owner should look
//! at first are flagged: no payout method, new payout details still waiting out their
//! cooling-off period, a balance under the program's minimum payout, or not active.

use std::fmt::Write as _;

use crate::Money;

/// What a partner can be paid now, from the ledger and their payout details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payable {
    pub partner: String,
    pub name: String,
    pub active: bool,
    /// The method that applies now; empty when the partner has none.
    pub method: String,
    pub payable: Money,
    /// New payout details wait out their cooling-off period.
    pub pending_change: bool,
}

/// A payout written down (in the content, or committed by the console) that the ledger does not
/// have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub partner: String,
    pub reference: String,
    pub amount: Money,
    /// Where it is written: `payouts/2026-11.yaml:7`.
    pub source: String,
}

/// Why a partner is left out unless the owner chooses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    NoMethod,
    PendingChange,
    BelowMinimum,
    Inactive,
}

impl Flag {
    /// For the owner: what to check before paying.
    pub fn words(self) -> &'static str {
        match self {
            Flag::NoMethod => "no payout method yet",
            Flag::PendingChange => "new payout details are waiting out their cooling-off period",
            Flag::BelowMinimum => "under the minimum payout",
            Flag::Inactive => "not an active partner",
        }
    }
}

/// A partner who can be paid, what, and what to check first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub partner: String,
    pub name: String,
    pub amount: Money,
    pub method: String,
    pub flags: Vec<Flag>,
}

/// Every partner who can be paid something now, with their flags; `Err` lists the written-down
/// payouts that are more than a partner can be paid (nothing is planned then).
pub fn candidates(
    rows: &[Payable],
    waiting: &[Waiting],
    minimum: Option<Money>,
) -> Result<Vec<Candidate>, Vec<String>> {
    let mut found = Vec::new();
    let mut refusals = Vec::new();
    for row in rows {
        let theirs: Vec<&Waiting> = waiting
            .iter()
            .filter(|w| w.partner == row.partner)
            .collect();
        let waiting_sum: i64 = theirs.iter().map(|w| w.amount.minor()).sum();
        if waiting_sum > row.payable.minor().max(0) {
            for w in &theirs {
                refusals.push(format!(
                    "{}: payout {} of {} to {} is more than {}'s payable balance ({}{})",
                    w.source,
                    w.reference,
                    w.amount,
                    row.partner,
                    row.partner,
                    row.payable,
                    if theirs.len() > 1 {
                        ", with the other payouts not yet deployed"
                    } else {
                        ""
                    }
                ));
            }
            continue;
        }
        let amount = row.payable.minor() - waiting_sum;
        if amount <= 0 {
            continue;
        }
        let amount = Money::from_minor(amount, row.payable.currency());
        let flags = [
            (row.method.trim().is_empty(), Flag::NoMethod),
            (row.pending_change, Flag::PendingChange),
            (
                minimum.is_some_and(|m| amount.minor() < m.minor()),
                Flag::BelowMinimum,
            ),
            (!row.active, Flag::Inactive),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        found.push(Candidate {
            partner: row.partner.clone(),
            name: row.name.clone(),
            amount,
            method: row.method.clone(),
            flags,
        });
    }
    if refusals.is_empty() {
        Ok(found)
    } else {
        Err(refusals)
    }
}

/// A payout to write down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub partner: String,
    pub amount: Money,
    pub method: String,
    pub reference: String,
    /// A comment above the payout (why the owner should look at it).
    pub note: Option<String>,
}

/// The YAML of a payouts file (`payouts/<name>.yaml`): `header` as its comment lines.
pub fn payouts_yaml(planned: &[Planned], date: &str, header: &[&str]) -> String {
    let mut out = String::new();
    for line in header {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("payouts:\n");
    for p in planned {
        if let Some(note) = &p.note {
            let _ = writeln!(out, "  # {}", crate::text::one_line(note));
        }
        let _ = write!(
            out,
            "  - partner: {}\n    date: {date}\n    amount: {}\n    method: {}\n    reference: {}\n",
            p.partner,
            p.amount.decimal_string(),
            crate::text::yaml_quoted(&p.method),
            p.reference
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn usd(text: &str) -> Money {
        Money::parse(text, Currency::parse("USD").unwrap()).unwrap()
    }

    fn row(partner: &str, payable: &str) -> Payable {
        Payable {
            partner: partner.into(),
            name: partner.into(),
            active: true,
            method: "PayPal".into(),
            payable: usd(payable),
            pending_change: false,
        }
    }

    #[test]
    fn a_partner_is_paid_what_is_payable_less_what_is_written_down() {
        let waiting = [Waiting {
            partner: "abc123".into(),
            reference: "PP-1".into(),
            amount: usd("96.75"),
            source: "payouts/2026-11.yaml:3".into(),
        }];
        let found = candidates(
            &[row("abc123", "375.99"), row("xyz789", "0.00")],
            &waiting,
            None,
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].amount, usd("279.24"));
        assert!(found[0].flags.is_empty());
    }

    #[test]
    fn more_written_down_than_payable_is_refused_with_its_source() {
        let waiting = [Waiting {
            partner: "abc123".into(),
            reference: "PP-1".into(),
            amount: usd("60.00"),
            source: "payouts/2026-11.yaml:3".into(),
        }];
        let refused = candidates(&[row("abc123", "50.00")], &waiting, None).unwrap_err();
        assert!(
            refused[0].starts_with("payouts/2026-11.yaml:3: payout PP-1"),
            "{refused:?}"
        );
    }

    #[test]
    fn partners_to_look_at_first_are_flagged() {
        let mut no_method = row("nom001", "45.00");
        no_method.method = String::new();
        let mut switching = row("swi001", "80.00");
        switching.pending_change = true;
        let found = candidates(
            &[no_method, switching, row("sma001", "12.00")],
            &[],
            Some(usd("25.00")),
        )
        .unwrap();
        let flags: Vec<_> = found.iter().map(|c| c.flags.clone()).collect();
        assert_eq!(
            flags,
            [
                vec![Flag::NoMethod],
                vec![Flag::PendingChange],
                vec![Flag::BelowMinimum]
            ]
        );
    }

    #[test]
    fn the_file_writes_exact_amounts() {
        let planned = [Planned {
            partner: "abc123".into(),
            amount: usd("279.24"),
            method: "Bank: transfer".into(),
            reference: "PO-2026-12-01-abc123".into(),
            note: Some("look\u{2028}here".into()),
        }];
        let yaml = payouts_yaml(&planned, "2026-12-01", &["Recorded in the console."]);
        assert_eq!(
            yaml,
            "# Recorded in the console.\npayouts:\n  # look here\n  - partner: abc123\n    date: 2026-12-01\n    \
             amount: 279.24\n    method: \"Bank: transfer\"\n    reference: PO-2026-12-01-abc123\n"
        );
    }
}
