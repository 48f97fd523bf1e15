//! One row of an export → one partner, or the reason it is refused.

use pc_core::money::{Currency, Money};
use pc_core::{PartnerCode, ids};

use super::layout::{Field, Layout};

/// A partner read from an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Imported {
    /// The export's line (1 = the header).
    pub(super) line: u64,
    pub(super) code: PartnerCode,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) company: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) parent: Option<PartnerCode>,
    pub(super) coupons: Vec<String>,
    /// `(method, details)`.
    pub(super) payout: Option<(String, String)>,
    pub(super) suspended: bool,
    /// What the peer still owed the partner.
    pub(super) unpaid: Money,
}

/// What became of a row.
#[derive(Debug)]
pub(super) enum Row {
    Partner(Box<Imported>),
    /// An application never accepted (pending, denied, rejected): not a partner yet.
    Skipped {
        line: u64,
        code: String,
        status: String,
    },
}

/// A partner code as peers write theirs (`Alex_R`, `alex-r`): lower case, else as it is.
fn partner_code(value: &str) -> Result<PartnerCode, String> {
    PartnerCode::parse(&value.to_ascii_lowercase()).map_err(|e| {
        format!("{e} (the partner code is their sign-in name and link; fix the row or map another column with --map code=<column>)")
    })
}

pub(super) fn read(
    layout: &Layout,
    record: &csv::StringRecord,
    line: u64,
    currency: Currency,
) -> Result<Row, String> {
    let get = |f| layout.get(record, f);
    let code_text = get(Field::Code).ok_or("no partner code")?;
    if let Some(status) = get(Field::Status) {
        let status = status.to_ascii_lowercase();
        if matches!(
            status.as_str(),
            "pending" | "denied" | "rejected" | "declined" | "invited"
        ) {
            return Ok(Row::Skipped {
                line,
                code: code_text.to_owned(),
                status,
            });
        }
    }
    let code = partner_code(code_text)?;
    let name = match get(Field::Name) {
        Some(name) => name.to_owned(),
        None => [get(Field::FirstName), get(Field::LastName)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    };
    if name.is_empty() {
        return Err("no name".into());
    }
    let email = get(Field::Email).ok_or("no e-mail address")?;
    if !ids::plausible_email(email) {
        return Err(format!("{email:?} is not an e-mail address"));
    }
    if let Some(theirs) = get(Field::Currency)
        && !theirs.eq_ignore_ascii_case(currency.code())
    {
        return Err(format!(
            "the amounts are in {theirs}, the program's currency is {} (content/site.yaml): convert them first",
            currency.code()
        ));
    }
    let unpaid = match get(Field::Unpaid) {
        None => Money::zero(currency),
        Some(text) => Money::parse(&text.replace(['$', '€', '£', ','], ""), currency)
            .map_err(|e| format!("unpaid amount {text:?}: {e}"))?,
    };
    let coupons = get(Field::Coupons)
        .map(|c| {
            c.split([',', ';', ' '])
                .filter(|c| !c.is_empty())
                .map(str::to_ascii_uppercase)
                .collect()
        })
        .unwrap_or_default();
    let payout = match (get(Field::PayoutMethod), get(Field::PayoutDetails)) {
        (Some(method), Some(details)) => Some((method.to_owned(), details.to_owned())),
        _ => get(Field::PaypalEmail)
            .map(|d| ("PayPal".to_owned(), d.to_owned()))
            .or_else(|| get(Field::WiseEmail).map(|d| ("Wise".to_owned(), d.to_owned()))),
    };
    Ok(Row::Partner(Box::new(Imported {
        line,
        code,
        name,
        email: email.to_owned(),
        company: get(Field::Company).map(str::to_owned),
        phone: get(Field::Phone).map(str::to_owned),
        parent: get(Field::Parent).map(partner_code).transpose()?,
        coupons,
        payout,
        suspended: get(Field::Status).is_some_and(|s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "suspended" | "blocked" | "inactive" | "disabled"
            )
        }),
        unpaid,
    })))
}
