//! Where each field of a partner is in a peer's export: the column names each product's
//! export and API documentation use (compared without case, spaces or punctuation), or, for the
//! generic `csv`, the owner's own `--map field=Column`.

use std::collections::HashMap;

/// A field the importer fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Code,
    Name,
    FirstName,
    LastName,
    Email,
    Company,
    Phone,
    Parent,
    Coupons,
    PayoutMethod,
    PayoutDetails,
    PaypalEmail,
    WiseEmail,
    Unpaid,
    Currency,
    Status,
}

impl Field {
    const ALL: [(Field, &'static str); 16] = [
        (Field::Code, "code"),
        (Field::Name, "name"),
        (Field::FirstName, "first_name"),
        (Field::LastName, "last_name"),
        (Field::Email, "email"),
        (Field::Company, "company"),
        (Field::Phone, "phone"),
        (Field::Parent, "parent"),
        (Field::Coupons, "coupons"),
        (Field::PayoutMethod, "payout_method"),
        (Field::PayoutDetails, "payout_details"),
        (Field::PaypalEmail, "paypal_email"),
        (Field::WiseEmail, "wise_email"),
        (Field::Unpaid, "unpaid"),
        (Field::Currency, "currency"),
        (Field::Status, "status"),
    ];

    pub fn name(self) -> &'static str {
        Field::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, n)| n)
    }

    pub fn parse(name: &str) -> Option<Field> {
        let name = normalized(name);
        Field::ALL.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    /// Every field's name, for messages.
    pub fn names() -> String {
        Field::ALL.map(|(_, n)| n).join(", ")
    }
}

/// The peer products whose exports are read as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    Rewardful,
    Firstpromoter,
    Tolt,
    Partnerstack,
    /// Any CSV: columns named as the fields, or mapped with `--map field=Column`.
    Csv,
}

impl Source {
    /// As the product spells itself.
    pub fn title(self) -> &'static str {
        match self {
            Source::Rewardful => "Rewardful",
            Source::Firstpromoter => "FirstPromoter",
            Source::Tolt => "Tolt",
            Source::Partnerstack => "PartnerStack",
            Source::Csv => "a CSV file",
        }
    }

    /// As on the command line (and in the adjustments file's name).
    pub fn slug(self) -> &'static str {
        match self {
            Source::Rewardful => "rewardful",
            Source::Firstpromoter => "firstpromoter",
            Source::Tolt => "tolt",
            Source::Partnerstack => "partnerstack",
            Source::Csv => "csv",
        }
    }

    /// The column names this product uses for each field, most specific first.
    fn columns(self, field: Field) -> &'static [&'static str] {
        match (self, field) {
            // Rewardful: affiliates (first_name, last_name, email, paypal_email, wise_email,
            // the link `token`, coupons) and their unpaid commissions.
            (Source::Rewardful, Field::Code) => &["token", "link_token", "referral_token"],
            (Source::Rewardful, Field::Coupons) => &["coupon", "coupons", "coupon_code"],
            (Source::Rewardful, Field::Unpaid) => {
                &["unpaid_commissions", "commissions_unpaid", "unpaid"]
            }
            (Source::Rewardful, Field::Parent) => &["referred_by_token", "parent_token"],
            // FirstPromoter: promoters (email, default_ref_id, pref = the parent's ref id,
            // profile first/last name, company_name, phone_number, paypal_email) and their
            // current_balance (unpaid).
            (Source::Firstpromoter, Field::Code) => &["default_ref_id", "ref_id", "referral_id"],
            (Source::Firstpromoter, Field::Parent) => {
                &["pref", "parent_ref_id", "parent_referral_id"]
            }
            (Source::Firstpromoter, Field::Phone) => &["phone_number", "phone"],
            (Source::Firstpromoter, Field::Coupons) => &["promo_code", "coupon_code", "coupons"],
            (Source::Firstpromoter, Field::Unpaid) => {
                &["current_balance", "unpaid_balance", "unpaid"]
            }
            // Tolt: partners (first_name, last_name, email, company_name, payout_method,
            // payout_details, status, their referral code) and unpaid commissions.
            (Source::Tolt, Field::Code) => &["referral_code", "partner_code", "code"],
            (Source::Firstpromoter | Source::Tolt, Field::Company) => &["company_name", "company"],
            (Source::Tolt, Field::Parent) => &["parent_referral_code", "referred_by"],
            (Source::Tolt | Source::Partnerstack, Field::Coupons) => &["coupon_code", "coupons"],
            (Source::Tolt, Field::Unpaid) => &["unpaid_commissions", "unpaid_amount", "unpaid"],
            // PartnerStack: partners (partner_key, email, first_name, last_name, company,
            // group) and their balance.
            (Source::Partnerstack, Field::Code) => &["partner_key", "key"],
            (Source::Partnerstack, Field::Parent) => {
                &["referred_by_partner_key", "parent_partner_key"]
            }
            (Source::Partnerstack, Field::Unpaid) => &["balance", "unpaid_balance", "unpaid"],
            (_, Field::Name) => &["name", "full_name"],
            (_, Field::FirstName) => &["first_name"],
            (_, Field::LastName) => &["last_name"],
            (_, Field::Email) => &["email", "email_address"],
            (_, Field::Company) => &["company", "company_name"],
            (_, Field::Phone) => &["phone", "phone_number"],
            (_, Field::PayoutMethod) => &["payout_method", "payment_method"],
            (_, Field::PayoutDetails) => &["payout_details", "payment_details"],
            (_, Field::PaypalEmail) => &["paypal_email", "paypal"],
            (_, Field::WiseEmail) => &["wise_email"],
            (_, Field::Currency) => &["currency", "currency_code"],
            (_, Field::Status) => &["status", "state"],
            (Source::Csv, Field::Code) => &["code"],
            (Source::Csv, Field::Parent) => &["parent"],
            (Source::Csv, Field::Coupons) => &["coupons", "coupon"],
            (Source::Csv, Field::Unpaid) => &["unpaid", "balance"],
        }
    }
}

/// A column name compared as the exports vary it: `Unpaid Commissions`, `unpaid_commissions`.
pub(super) fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Each field's column index in this export.
#[derive(Debug, Default)]
pub(super) struct Layout(HashMap<Field, usize>);

impl Layout {
    /// Finds the fields in `headers`; `map` (from `--map field=Column`) comes first.
    pub(super) fn resolve(
        source: Source,
        headers: &[String],
        map: &[(Field, String)],
    ) -> Result<Layout, String> {
        let given = headers.join(", ");
        let headers: Vec<String> = headers.iter().map(|h| normalized(h)).collect();
        let mut layout = Layout::default();
        for (field, column) in map {
            let wanted = normalized(column);
            let index = headers.iter().position(|h| *h == wanted).ok_or_else(|| {
                format!(
                    "--map {}={column}: the file has no column {column:?} (it has: {})",
                    field.name(),
                    given
                )
            })?;
            layout.0.insert(*field, index);
        }
        for (field, _) in Field::ALL {
            if layout.0.contains_key(&field) {
                continue;
            }
            if let Some(index) = source
                .columns(field)
                .iter()
                .find_map(|c| headers.iter().position(|h| h == c))
            {
                layout.0.insert(field, index);
            }
        }
        let has = |f| layout.0.contains_key(&f);
        let missing: Vec<&str> = [
            (Field::Code, has(Field::Code)),
            (Field::Email, has(Field::Email)),
            (
                Field::Name,
                has(Field::Name) || has(Field::FirstName) || has(Field::LastName),
            ),
        ]
        .into_iter()
        .filter(|(_, found)| !found)
        .map(|(f, _)| f.name())
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the file has no column for {} (looked for {}); name it with --map {}=<column>",
                missing.join(", "),
                missing
                    .iter()
                    .filter_map(|m| Field::parse(m))
                    .flat_map(|f| source.columns(f).iter().copied())
                    .collect::<Vec<_>>()
                    .join(", "),
                missing[0]
            ));
        }
        Ok(layout)
    }

    /// The row's value of `field`, trimmed; `None` when empty or not in the file.
    pub(super) fn get<'r>(&self, row: &'r csv::StringRecord, field: Field) -> Option<&'r str> {
        let value = row.get(*self.0.get(&field)?)?.trim();
        (!value.is_empty()).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_compare_without_case_or_punctuation() {
        assert_eq!(normalized("Unpaid Commissions"), "unpaid_commissions");
        assert_eq!(normalized("\u{feff}E-mail "), "e_mail");
        assert_eq!(normalized("default_ref_id"), "default_ref_id");
    }

    #[test]
    fn a_missing_column_names_what_was_looked_for() {
        let headers = ["Email".to_owned(), "First Name".to_owned()];
        let err = Layout::resolve(Source::Partnerstack, &headers, &[]).unwrap_err();
        assert!(err.contains("no column for code"), "{err}");
        assert!(err.contains("partner_key"), "{err}");
        let map = [(Field::Code, "Email".to_owned())];
        assert!(Layout::resolve(Source::Partnerstack, &headers, &map).is_ok());
    }
}
