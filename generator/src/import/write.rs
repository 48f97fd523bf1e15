//! The files an import writes: one partner file each, and one adjustments file with their
//! opening balances. Every value is quoted: an export's text stays data.

use std::fmt::Write as _;

use pc_core::PartnerCode;
use pc_core::partner_file::PartnerFile;
use pc_core::text::yaml_quoted;

use super::row::Imported;

/// `content/partners/<code>.yaml`.
pub(super) fn partner_yaml(p: &Imported, from: &str, programs: &[String]) -> String {
    PartnerFile {
        comments: vec![format!(
            "{}: imported from {from}, line {}.",
            p.code.as_str(),
            p.line
        )],
        code: p.code.as_str(),
        name: &p.name,
        company: p.company.as_deref(),
        email: &p.email,
        phone: p.phone.as_deref(),
        programs,
        parent: p.parent.as_ref().map(PartnerCode::as_str),
        coupons: &p.coupons,
        suspended: p.suspended,
        payout: p.payout.as_ref().map(|(m, d)| (m.as_str(), d.as_str())),
    }
    .to_yaml()
}

/// `content/adjustments/<file>`: each partner's unpaid balance at the peer, as a credit (a
/// negative balance, owed back, as a deduction). `None` when no one had one.
pub(super) fn opening_balances_yaml(
    partners: &[Imported],
    title: &str,
    from: &str,
    date: &str,
) -> Option<String> {
    let mut out = format!(
        "# Opening balances: what {title} still owed each partner, from {from}.\nadjustments:\n"
    );
    let mut any = false;
    for p in partners.iter().filter(|p| p.unpaid.minor() != 0) {
        any = true;
        let _ = writeln!(
            out,
            "  - id: {}\n    partner: {}\n    date: {}\n    amount: {}\n    reason: {}",
            yaml_quoted(&format!("IMPORT-{}", p.code.as_str())),
            yaml_quoted(p.code.as_str()),
            yaml_quoted(date),
            p.unpaid.decimal_string(),
            yaml_quoted(&format!(
                "Opening balance: unpaid commissions carried over from {title}"
            )),
        );
    }
    any.then_some(out)
}

#[cfg(test)]
mod tests {
    use pc_core::PartnerCode;
    use pc_core::money::{Currency, Money};

    use super::*;

    #[test]
    fn an_exports_text_stays_data() {
        let usd = Currency::parse("USD").unwrap();
        let p = Imported {
            line: 7,
            code: PartnerCode::parse("jo-ann").unwrap(),
            name: "Jo\nprograms: [evil] # \"quoted\"".into(),
            email: "jo@example.com".into(),
            company: Some("a: b".into()),
            phone: None,
            parent: None,
            coupons: vec!["JO10".into()],
            payout: Some(("PayPal".into(), "jo@example.com\nstatus: active".into())),
            suspended: false,
            unpaid: Money::parse("-12.50", usd).unwrap(),
        };
        let value: serde_yaml::Value =
            serde_yaml::from_str(&partner_yaml(&p, "x.csv", &["coffee-club".into()])).unwrap();
        assert_eq!(value["name"], "Jo\nprograms: [evil] # \"quoted\"");
        assert_eq!(value["programs"].as_sequence().unwrap().len(), 1);
        assert_eq!(value["payout"]["details"], "jo@example.com\nstatus: active");
        assert!(value.get("status").is_none());
        let balances = opening_balances_yaml(&[p], "Tolt", "x.csv", "2026-12-01").unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&balances).unwrap();
        assert_eq!(value["adjustments"][0]["amount"].as_f64(), Some(-12.5));
    }
}
