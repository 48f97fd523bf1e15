//! `partner-center payouts plan`: the owner's monthly payout file, with exact amounts.
//!
//! It asks the portal what each partner can be paid now (`core`'s statement, through
//! `GET /api/v1/owner/payable`), subtracts payouts already in `content/payouts/` that the
//! portal has not recorded yet, and writes `content/payouts/<date>.yaml`. A payout in the
//! content above what the partner can be paid is refused, with its file and line.

use std::path::{Path, PathBuf};

use pc_core::{Currency, Money};
use serde::Deserialize;

use crate::applications::{ApplicationsError, OwnerApi};

#[derive(Debug, thiserror::Error)]
pub enum PayoutsError {
    #[error(transparent)]
    Api(#[from] ApplicationsError),
    #[error("the content has errors; run `partner-center check`")]
    Content(crate::diagnostics::Diagnostics),
    #[error("{0}")]
    Refused(String),
    #[error("{0} already exists; edit it, or plan for another date with --date")]
    Exists(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// One partner's row of `GET /api/v1/owner/payable`.
#[derive(Debug, Clone, Deserialize)]
pub struct PayableRow {
    pub partner: String,
    pub name: String,
    pub status: String,
    pub payout_method: String,
    pub payable: String,
    pub currency: String,
    /// The references of the payouts the portal has recorded, space-separated.
    #[serde(default)]
    pub payout_references: String,
}

pub use pc_core::payout_plan::Planned;
use pc_core::payout_plan::{Payable, Waiting, candidates};

/// What to pay: each partner's payable balance, less payouts in the content the portal has
/// not recorded yet (`core`'s rule, as the console's). Refuses any such payout that is more than
/// the partner can be paid.
pub fn plan(
    rows: &[PayableRow],
    content: &crate::content::Content,
    date: time::Date,
) -> Result<Vec<Planned>, PayoutsError> {
    let mut payable = Vec::new();
    let mut waiting = Vec::new();
    for row in rows {
        let currency = Currency::parse(&row.currency)
            .map_err(|e| PayoutsError::Refused(format!("{}: {e}", row.partner)))?;
        payable.push(Payable {
            partner: row.partner.clone(),
            name: row.name.clone(),
            active: row.status == "active",
            method: row.payout_method.clone(),
            payable: Money::parse(&row.payable, currency)
                .map_err(|e| PayoutsError::Refused(format!("{}: {e}", row.partner)))?,
            pending_change: false,
        });
        let recorded: Vec<&str> = row.payout_references.split_whitespace().collect();
        waiting.extend(
            content
                .payouts
                .iter()
                .filter(|p| {
                    p.partner.as_str() == row.partner && !recorded.contains(&p.reference.as_str())
                })
                .map(|p| Waiting {
                    partner: row.partner.clone(),
                    reference: p.reference.clone(),
                    amount: p.amount,
                    source: p.source.clone(),
                }),
        );
    }
    let found = candidates(&payable, &waiting, None).map_err(|refusals| {
        PayoutsError::Refused(format!(
            "{}\nA payout may not be more than the partner can be paid now: correct the amount (or deploy earlier payouts first), then plan again.",
            refusals.join("\n")
        ))
    })?;
    Ok(found
        .into_iter()
        .map(|c| Planned {
            reference: format!("PO-{date}-{}", c.partner),
            note: c
                .flags
                .contains(&pc_core::payout_plan::Flag::Inactive)
                .then(|| format!("{} is {}", c.name, status_of(rows, &c.partner))),
            method: if c.method.is_empty() {
                "(fill in)".into()
            } else {
                c.method
            },
            partner: c.partner,
            amount: c.amount,
        })
        .collect())
}

fn status_of<'a>(rows: &'a [PayableRow], partner: &str) -> &'a str {
    rows.iter()
        .find(|r| r.partner == partner)
        .map_or("", |r| r.status.as_str())
}

/// The YAML of a payouts file.
pub fn payouts_yaml(planned: &[Planned], date: time::Date) -> String {
    pc_core::payout_plan::payouts_yaml(
        planned,
        &date.to_string(),
        &[
            &format!(
                "Payouts planned on {date} from the portal's payable balances (partner-center payouts plan)."
            ),
            "Pay each partner, fill in methods where it says so, then commit.",
        ],
    )
}

/// Fetches, plans and writes `content/payouts/<date>.yaml`.
pub fn plan_file(
    api: &OwnerApi,
    content_dir: &Path,
    date: time::Date,
) -> Result<(PathBuf, Vec<Planned>), PayoutsError> {
    let content = crate::content::load(content_dir).map_err(PayoutsError::Content)?;
    let rows = api.payable()?;
    let planned = plan(&rows, &content, date)?;
    let path = content_dir.join("payouts").join(format!("{date}.yaml"));
    if planned.is_empty() {
        return Ok((path, planned));
    }
    if path.exists() {
        return Err(PayoutsError::Exists(path.display().to_string()));
    }
    let io = |source| PayoutsError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(content_dir.join("payouts")).map_err(io)?;
    std::fs::write(&path, payouts_yaml(&planned, date)).map_err(io)?;
    Ok((path, planned))
}

impl OwnerApi {
    /// `GET /api/v1/owner/payable`: every partner with money payable, pending or owed back.
    pub fn payable(&self) -> Result<Vec<PayableRow>, ApplicationsError> {
        #[derive(Deserialize)]
        struct Rows {
            rows: Vec<PayableRow>,
        }
        self.get_json::<Rows>("/api/v1/owner/payable")
            .map(|r| r.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(partner: &str, payable: &str, recorded: &str) -> PayableRow {
        PayableRow {
            partner: partner.into(),
            name: partner.into(),
            status: "active".into(),
            payout_method: "PayPal".into(),
            payable: payable.into(),
            currency: "USD".into(),
            payout_references: recorded.into(),
        }
    }

    fn demo() -> crate::content::Content {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        crate::content::load(&root).unwrap()
    }

    #[test]
    fn the_plan_pays_exactly_what_is_payable_less_payouts_not_yet_deployed() {
        let content = demo();
        let date = time::macros::date!(2026 - 12 - 01);
        let all_recorded = "PP-2026-09-abc123 PP-2026-10-abc123";
        let planned = plan(
            &[
                row("abc123", "375.99", all_recorded),
                row("xyz789", "0.00", "BT-2026-09-xyz789"),
            ],
            &content,
            date,
        )
        .unwrap();
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].amount.decimal_string(), "375.99");
        assert_eq!(planned[0].reference, "PO-2026-12-01-abc123");
        // abc123's November payout is in the content but not deployed yet: it is subtracted.
        let planned = plan(
            &[row("abc123", "375.99", "PP-2026-09-abc123")],
            &content,
            date,
        )
        .unwrap();
        assert_eq!(planned[0].amount.decimal_string(), "279.24");
        let yaml = payouts_yaml(&planned, date);
        assert!(
            yaml.contains("amount: 279.24") && yaml.contains("date: 2026-12-01"),
            "{yaml}"
        );
    }

    #[test]
    fn a_payout_above_the_payable_balance_is_refused() {
        let content = demo();
        let date = time::macros::date!(2026 - 12 - 01);
        let err = plan(
            &[row("abc123", "50.00", "PP-2026-09-abc123")],
            &content,
            date,
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("payouts/2026-10.yaml:")
                && message.contains("payout PP-2026-10-abc123 of $96.75 to abc123 is more than abc123's payable balance ($50.00)"),
            "{message}"
        );
    }
}
