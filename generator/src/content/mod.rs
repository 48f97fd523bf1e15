//! The owner's content, loaded from `content/` and validated once into typed values.
//!
//! Pipeline: [`load`] reads every file (collecting every error with its location), then
//! checks references between files. Nothing downstream re-validates.

mod files;
pub mod ledger_lock;
mod load;
mod owners;
pub mod placeholders;
mod records;
mod risk;
pub mod source;
mod values;

use std::path::PathBuf;

use pc_core::{CommissionStructure, Currency, Money, PartnerCode, ProgramId, Slug};

pub use load::load;
pub use placeholders::{Placeholder, PlaceholderValues, Template};
pub use values::{Color, EmailAddress, WebUrl};

/// Everything in a content tree, valid and cross-checked.
#[derive(Debug)]
pub struct Content {
    pub root: PathBuf,
    pub site: Site,
    pub welcome: Template,
    pub programs: Vec<Program>,
    pub partners: Vec<Partner>,
    pub links: Vec<Link>,
    pub banners: Vec<Banner>,
    pub emails: Vec<EmailCopy>,
    pub pages: Vec<ResourcePage>,
    pub payouts: Vec<Payout>,
    pub adjustments: Vec<Adjustment>,
    /// From `owners.yaml`: who can open the owner's console.
    pub owners: Vec<Owner>,
    /// From `risk.yaml`: the fraud and risk rules.
    pub risk: pc_core::risk::RiskRules,
}

/// An owner of the program, who signs in at `/owner/`.
#[derive(Debug, Clone)]
pub struct Owner {
    pub name: String,
    /// Lowercase.
    pub email: String,
    pub role: pc_core::OwnerRole,
    /// Signing in needs two-step sign-in (by name, or as every admin, in `owners.yaml`).
    pub two_factor_required: bool,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub portal_name: String,
    pub business_name: String,
    pub website: WebUrl,
    pub portal_url: WebUrl,
    pub currency: Currency,
    pub fallback_url: WebUrl,
    pub link_params: LinkParams,
    pub support: Support,
    pub branding: Branding,
    pub menu: Menu,
    pub theme: String,
    pub signup: Signup,
    /// Sample content (`demo: true`): `serve` adds sample activity to a new database.
    pub demo: bool,
    /// The day of the month payouts are made (1 to 28).
    pub payout_day: Option<u8>,
    /// The payout methods partners may choose (default PayPal, Bank transfer).
    pub payout_methods: Vec<String>,
    /// Hours before new payout details apply (default 72).
    pub payout_cooling_off_hours: u32,
    /// The least a payout run pays a partner, if the owner set one.
    pub payout_minimum: Option<pc_core::Money>,
    /// Which e-mails the portal sends.
    pub notifications: Notifications,
    /// Whether every partner must use two-step sign-in.
    pub require_two_factor: bool,
    /// The hosts partners' deep links may go to (and their subdomains).
    pub link_domains: Vec<String>,
}

/// The e-mails the portal sends on its own, each switchable by the owner (partners switch
/// theirs off in My Profile).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Notifications {
    /// The owners, about new applications (a digest when several arrive together).
    pub new_applications: bool,
    /// Applicants, when their application is approved or rejected.
    pub decisions: bool,
    /// Partners: a daily digest of commissions credited.
    pub commissions: bool,
    /// Partners: a payout recorded.
    pub payouts: bool,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications {
            new_applications: true,
            decisions: true,
            commissions: true,
            payouts: true,
        }
    }
}

/// Fields an application may be required to fill in (name, e-mail and password always are).
pub const SIGNUP_FIELDS: &[&str] = &["company", "website", "phone", "promotion"];
/// Placeholders of the approval and rejection e-mails (filled in by the worker).
pub const SIGNUP_PLACEHOLDERS: &[&str] = &["name", "code", "portal_name", "portal_url", "reason"];

/// The application form: open or closed, for which programs, with which terms and e-mails.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Signup {
    pub open: bool,
    pub programs: Vec<ProgramId>,
    pub required: Vec<String>,
    pub terms_html: String,
    pub approval_email: String,
    pub rejection_email: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkParams {
    pub click_id: String,
    pub partner: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Support {
    pub email: EmailAddress,
    pub phone: Option<String>,
    pub hours: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Branding {
    /// The logo's file in the content tree, and its name under `/assets/brand/`.
    pub logo: Option<(PathBuf, String)>,
    pub primary_color: Color,
    pub accent_color: Color,
}

/// The Home menu switches (Keap's "CRM > Settings > Referral Partner Center").
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Menu {
    pub welcome: bool,
    pub profile: bool,
    pub programs: bool,
    pub commission_structure: bool,
}

impl Default for Menu {
    fn default() -> Self {
        Menu {
            welcome: true,
            profile: true,
            programs: true,
            commission_structure: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Program {
    pub id: ProgramId,
    pub name: String,
    pub description_html: String,
    /// Which program pays when a partner is in several: the lowest number.
    pub priority: u32,
    /// The link `/r/<code>` goes to.
    pub default_link: Option<Slug>,
    /// Whether partners may send paid ads to its links (the `paid_ads_click` risk rule).
    pub paid_ads: bool,
    pub commission: CommissionStructure,
    /// Where the commission rules are written: `programs/coffee-club.yaml:6`.
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    Active,
    Suspended,
}

impl PartnerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerStatus::Active => "active",
            PartnerStatus::Suspended => "suspended",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayoutDetails {
    /// e.g. "PayPal", "Bank transfer", "Store credit".
    pub method: String,
    /// Where to send it: an account e-mail, IBAN, … (shown to the owner only).
    #[serde(default)]
    pub details: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Partner {
    pub code: PartnerCode,
    pub name: String,
    pub company: Option<String>,
    pub email: EmailAddress,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// In priority order (the paying program first).
    pub programs: Vec<ProgramId>,
    pub parent: Option<PartnerCode>,
    pub coupons: Vec<String>,
    pub status: PartnerStatus,
    pub payout: Option<PayoutDetails>,
}

impl Partner {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// Which programs' partners see a link or resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    All,
    Programs(Vec<ProgramId>),
}

impl Audience {
    pub fn includes_any(&self, programs: &[ProgramId]) -> bool {
        match self {
            Audience::All => true,
            Audience::Programs(allowed) => programs.iter().any(|p| allowed.contains(p)),
        }
    }

    pub fn includes(&self, program: &ProgramId) -> bool {
        match self {
            Audience::All => true,
            Audience::Programs(allowed) => allowed.contains(program),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Link {
    pub slug: Slug,
    pub title: String,
    pub target: WebUrl,
    pub description: Option<String>,
    pub audience: Audience,
    /// The last day it is offered, if it expires.
    pub expires: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct Banner {
    pub slug: Slug,
    pub title: String,
    /// The image in the content tree, and its file name under `/assets/banners/`.
    pub image: (PathBuf, String),
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub link: Slug,
    pub audience: Audience,
    /// The last day it is offered, if it expires.
    pub expires: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct EmailCopy {
    pub slug: Slug,
    pub title: String,
    pub subject: Template,
    pub body: Template,
    pub link: Slug,
    pub audience: Audience,
    /// The last day it is offered, if it expires.
    pub expires: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct ResourcePage {
    pub slug: Slug,
    pub title: String,
    pub summary: Option<String>,
    pub body: Template,
    pub audience: Audience,
    /// The last day it is offered, if it expires.
    pub expires: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct Payout {
    pub partner: PartnerCode,
    pub date: time::Date,
    pub amount: Money,
    pub method: String,
    pub reference: String,
    /// `payouts/2026-10.yaml:4`.
    pub source: String,
}

/// The owner's correction, bonus or deduction: shown to the partner with its reason.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub id: String,
    pub partner: PartnerCode,
    pub date: time::Date,
    /// Positive: a credit; negative: a deduction.
    pub amount: Money,
    pub reason: String,
    /// The payout reference this corrects, if any.
    pub corrects: Option<String>,
    /// `adjustments/2026-11.yaml:3`.
    pub source: String,
}

/// Whether something that expires after `expires` (its last day) is still offered on `today`.
pub fn offered(expires: Option<time::Date>, today: time::Date) -> bool {
    expires.is_none_or(|last| today <= last)
}

impl Content {
    /// What has expired by `today`, as text: a build's pages depend on it.
    pub fn expired_on(&self, today: time::Date) -> String {
        let links = self.links.iter().map(|l| (l.slug.as_str(), l.expires));
        let banners = self.banners.iter().map(|b| (b.slug.as_str(), b.expires));
        let emails = self.emails.iter().map(|e| (e.slug.as_str(), e.expires));
        let pages = self.pages.iter().map(|p| (p.slug.as_str(), p.expires));
        let mut out = String::new();
        for (kind, items) in [
            ("link", links.collect::<Vec<_>>()),
            ("banner", banners.collect()),
            ("email", emails.collect()),
            ("page", pages.collect()),
        ] {
            for (slug, expires) in items {
                if !offered(expires, today) {
                    out.push_str(kind);
                    out.push(':');
                    out.push_str(slug);
                    out.push('\n');
                }
            }
        }
        out
    }

    pub fn program(&self, id: &ProgramId) -> Option<&Program> {
        self.programs.iter().find(|p| &p.id == id)
    }

    pub fn link(&self, slug: &Slug) -> Option<&Link> {
        self.links.iter().find(|l| &l.slug == slug)
    }
}
