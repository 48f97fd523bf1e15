//! A partner file (`content/partners/<code>.yaml`) as the tools write it: from an approved
//! application (the CLI, the owner's console) and from an import. Every value is quoted and
//! every comment is one line, so text from outside stays data.

use std::fmt::Write as _;

use crate::text::{one_line, yaml_quoted};

/// The fields a written partner file has; the comments go first, a line each.
#[derive(Debug, Clone, Default)]
pub struct PartnerFile<'a> {
    pub comments: Vec<String>,
    pub code: &'a str,
    pub name: &'a str,
    pub company: Option<&'a str>,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub programs: &'a [String],
    pub parent: Option<&'a str>,
    pub coupons: &'a [String],
    pub suspended: bool,
    /// The payout method and its details.
    pub payout: Option<(&'a str, &'a str)>,
}

impl PartnerFile<'_> {
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        for comment in &self.comments {
            let _ = writeln!(out, "# {}", one_line(comment));
        }
        let _ = writeln!(out, "code: {}", yaml_quoted(self.code));
        let _ = writeln!(out, "name: {}", yaml_quoted(self.name));
        if let Some(company) = self.company {
            let _ = writeln!(out, "company: {}", yaml_quoted(company));
        }
        let _ = writeln!(out, "email: {}", yaml_quoted(self.email));
        if let Some(phone) = self.phone {
            let _ = writeln!(out, "phone: {}", yaml_quoted(phone));
        }
        out.push_str("programs:\n");
        for program in self.programs {
            let _ = writeln!(out, "  - {}", yaml_quoted(program));
        }
        if let Some(parent) = self.parent {
            let _ = writeln!(out, "parent: {}", yaml_quoted(parent));
        }
        if !self.coupons.is_empty() {
            out.push_str("coupons:\n");
            for coupon in self.coupons {
                let _ = writeln!(out, "  - {}", yaml_quoted(coupon));
            }
        }
        if self.suspended {
            out.push_str("status: suspended\n");
        }
        if let Some((method, details)) = self.payout {
            let _ = writeln!(
                out,
                "payout:\n  method: {}\n  details: {}",
                yaml_quoted(method),
                yaml_quoted(details)
            );
        }
        out
    }
}
