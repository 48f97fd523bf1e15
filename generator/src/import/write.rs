//! The files an import writes: one partner file each, and one adjustments file with their
//! opening balances. Every value is quoted: an export's text stays data.

use std::fmt::Write as _;

use pc_core::text::{one_line, yaml_quoted};

use super::row::Imported;

/// `content/partners/<code>.yaml`.
pub(super) fn partner_yaml(p: &Imported, from: &str, programs: &[String]) -> String {
    let mut out = format!(
        "# {}: imported from {from}, line {}.\n",
        one_line(p.code.as_str()),
        p.line
    );
    let _ = writeln!(out, "code: {}", yaml_quoted(p.code.as_str()));
    let _ = writeln!(out, "name: {}", yaml_quoted(&p.name));
    if let Some(company) = &p.company {
        let _ = writeln!(out, "company: {}", yaml_quoted(company));
    }
    let _ = writeln!(out, "email: {}", yaml_quoted(&p.email));
    if let Some(phone) = &p.phone {
        let _ = writeln!(out, "phone: {}", yaml_quoted(phone));
    }
    out.push_str("programs:\n");
    for program in programs {
        let _ = writeln!(out, "  - {}", yaml_quoted(program));
    }
    if let Some(parent) = &p.parent {
        let _ = writeln!(out, "parent: {}", yaml_quoted(parent.as_str()));
    }
    if !p.coupons.is_empty() {
        out.push_str("coupons:\n");
        for coupon in &p.coupons {
            let _ = writeln!(out, "  - {}", yaml_quoted(coupon));
        }
    }
    if p.suspended {
        out.push_str("status: suspended\n");
    }
    if let Some((method, details)) = &p.payout {
        let _ = writeln!(
            out,
            "payout:\n  method: {}\n  details: {}",
            yaml_quoted(method),
            yaml_quoted(details)
        );
    }
    out
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
