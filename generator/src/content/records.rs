//! Money the owner records by hand: `payouts/*.yaml` (what was paid) and
//! `adjustments/*.yaml` (bonuses, deductions, corrections of a payout). Both become ledger
//! lines that never change once published; a mistake is corrected by a new adjustment.

use std::collections::{HashMap, HashSet};

use pc_core::{Currency, PartnerCode};

use super::files::{AdjustmentsFile, PayoutsFile};
use super::load::{Loader, Located};
use super::source::SourceFile;
use super::{Adjustment, Partner, Payout};
use crate::diagnostics::ContentError;

const DATE_HINT: &str = "write dates as YYYY-MM-DD, e.g. 2026-10-31";

fn parse_date(file: &SourceFile, text: &str, errors: &mut Vec<ContentError>) -> Option<time::Date> {
    parse_date_of(file, "date", text, errors)
}

/// The date `text` written as `key: text` in `file`, or an error pointing at it.
pub(super) fn parse_date_of(
    file: &SourceFile,
    key: &str,
    text: &str,
    errors: &mut Vec<ContentError>,
) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .map_err(|e| {
            errors.push(
                file.error_at(
                    file.find_value(key, text),
                    format!("{text:?} is not a date ({e})"),
                )
                .hint(DATE_HINT),
            );
        })
        .ok()
}

impl Loader<'_> {
    /// `payouts/2026-10.yaml:4`: the line where `key: value` is written.
    fn source_of(&self, file: &SourceFile, key: &str, value: &str) -> String {
        self.cite(file, file.find_value(key, value).map_or(0, |(at, _)| at))
    }

    pub(super) fn payouts(&mut self, currency: Option<Currency>) -> Vec<Located<Vec<Payout>>> {
        let mut all = Vec::new();
        for path in self.files("payouts", "yaml") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some(raw) = self.parse::<PayoutsFile>(&file, file.text(), 0) else {
                continue;
            };
            let mut payouts = Vec::new();
            for entry in raw.payouts {
                let date = parse_date(&file, &entry.date, &mut self.errors);
                let Some(currency) = currency else { continue };
                let amount = entry.amount.in_currency(currency).map_err(|e| {
                    self.errors.push(file.error_at(
                        file.find_value("amount", &entry.amount.decimal().to_string()),
                        e.to_string(),
                    ));
                });
                if let Ok(a) = &amount
                    && a.minor() <= 0
                {
                    self.errors.push(
                        file.error_at(
                            file.find_value("amount", &entry.amount.decimal().to_string()),
                            "a payout's amount must be more than zero",
                        )
                        .hint("to take money back, add an adjustment in adjustments/ with a negative amount"),
                    );
                    continue;
                }
                if let (Some(date), Ok(amount)) = (date, amount) {
                    payouts.push(Payout {
                        source: self.source_of(&file, "reference", &entry.reference),
                        partner: entry.partner,
                        date,
                        amount,
                        method: entry.method,
                        reference: entry.reference,
                    });
                }
            }
            all.push(Located {
                file,
                value: payouts,
            });
        }
        all
    }

    pub(super) fn adjustments(
        &mut self,
        currency: Option<Currency>,
    ) -> Vec<Located<Vec<Adjustment>>> {
        let mut all = Vec::new();
        for path in self.files("adjustments", "yaml") {
            let Some(file) = self.read(&path) else {
                continue;
            };
            let Some(raw) = self.parse::<AdjustmentsFile>(&file, file.text(), 0) else {
                continue;
            };
            let mut adjustments = Vec::new();
            for entry in raw.adjustments {
                let date = parse_date(&file, &entry.date, &mut self.errors);
                let Some(currency) = currency else { continue };
                let at_amount = file.find_value("amount", &entry.amount.decimal().to_string());
                let amount = entry
                    .amount
                    .in_currency(currency)
                    .map_err(|e| self.errors.push(file.error_at(at_amount, e.to_string())));
                if let Ok(a) = &amount
                    && a.minor() == 0
                {
                    self.errors.push(
                        file.error_at(at_amount, "an adjustment of zero changes nothing")
                            .hint("a positive amount credits the partner, a negative one deducts"),
                    );
                    continue;
                }
                if entry.reason.trim().is_empty() {
                    self.errors.push(
                        file.error_at(file.find_value("id", &entry.id), "the adjustment has no reason")
                            .hint("`reason` is shown to the partner: say why, e.g. \"Holiday bonus\" or \"Payout PP-7 was recorded as 1842.00; 184.20 was paid\""),
                    );
                }
                if let (Some(date), Ok(amount)) = (date, amount) {
                    adjustments.push(Adjustment {
                        source: self.source_of(&file, "id", &entry.id),
                        id: entry.id,
                        partner: entry.partner,
                        date,
                        amount,
                        reason: entry.reason,
                        corrects: entry.corrects,
                    });
                }
            }
            all.push(Located {
                file,
                value: adjustments,
            });
        }
        all
    }
}

fn valid_reference(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

/// Cross-checks: known partners, unique references and ids, corrections of existing payouts
/// of the same partner.
pub(super) fn check(
    errors: &mut Vec<ContentError>,
    broken: &HashSet<String>,
    payouts: &[Located<Vec<Payout>>],
    adjustments: &[Located<Vec<Adjustment>>],
    partners: &[Partner],
) {
    let codes: HashSet<&PartnerCode> = partners.iter().map(|p| &p.code).collect();
    let mut unknown_partner = |file: &SourceFile, code: &PartnerCode, what: &str| {
        if !codes.contains(code) && !broken.contains(code.as_str()) {
            errors.push(
                file.error_at(
                    file.find_value("partner", code.as_str()),
                    format!("{what} to unknown partner `{code}`"),
                )
                .hint("use the code of a partner in partners/"),
            );
        }
    };
    let mut references: HashMap<&str, (&str, &PartnerCode)> = HashMap::new();
    let mut problems = Vec::new();
    for Located { file, value } in payouts {
        for payout in value {
            unknown_partner(file, &payout.partner, "payout");
            if !valid_reference(&payout.reference) {
                problems.push(
                    file.error_at(
                        file.find_value("reference", &payout.reference),
                        format!("payout reference {:?} is not valid", payout.reference),
                    )
                    .hint("use 1 to 64 letters, digits and - _ . /, e.g. PP-2026-10-abc123"),
                );
            }
            if let Some((first, _)) =
                references.insert(&payout.reference, (file.display_path(), &payout.partner))
            {
                problems.push(
                    file.error_at(file.find_value("reference", &payout.reference), format!("payout reference {:?} is already used in {first}", payout.reference))
                        .hint("each payout needs its own reference (it keeps a payout from being recorded twice)"),
                );
            }
        }
    }
    let mut ids: HashMap<&str, &str> = HashMap::new();
    for Located { file, value } in adjustments {
        for adjustment in value {
            unknown_partner(file, &adjustment.partner, "adjustment");
            if !valid_reference(&adjustment.id) {
                problems.push(
                    file.error_at(
                        file.find_value("id", &adjustment.id),
                        format!("adjustment id {:?} is not valid", adjustment.id),
                    )
                    .hint("use 1 to 64 letters, digits and - _ . /, e.g. ADJ-2026-11-abc123"),
                );
            }
            if let Some(first) = ids.insert(&adjustment.id, file.display_path()) {
                problems.push(
                    file.error_at(
                        file.find_value("id", &adjustment.id),
                        format!(
                            "adjustment id {:?} is already used in {first}",
                            adjustment.id
                        ),
                    )
                    .hint("each adjustment needs its own id"),
                );
            }
            let Some(corrects) = &adjustment.corrects else {
                continue;
            };
            match references.get(corrects.as_str()) {
                None => problems.push(
                    file.error_at(
                        file.find_value("corrects", corrects),
                        format!("no payout has the reference {corrects:?}"),
                    )
                    .hint("`corrects` names the reference of the payout this adjustment corrects"),
                ),
                Some((_, partner)) if *partner != &adjustment.partner => problems.push(
                    file.error_at(
                        file.find_value("corrects", corrects),
                        format!(
                            "payout {corrects:?} was made to `{partner}`, not `{}`",
                            adjustment.partner
                        ),
                    )
                    .hint("an adjustment corrects a payout of the same partner"),
                ),
                Some(_) => {}
            }
        }
    }
    errors.extend(problems);
}
