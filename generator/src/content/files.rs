//! The shape of each content file as written by the owner (serde, strict: unknown fields are
//! errors). [`super::load`] turns these into the validated model.

use pc_core::{Amount, CommissionStructure, Currency, PartnerCode, ProgramId, SignedAmount, Slug};
use serde::Deserialize;

use super::values::{Color, EmailAddress, WebUrl};
use super::{Menu, Notifications, PartnerStatus, PayoutDetails};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteFile {
    pub portal_name: String,
    pub business: BusinessFile,
    pub currency: Currency,
    pub fallback_url: WebUrl,
    #[serde(default)]
    pub link_params: LinkParamsFile,
    pub support: SupportFile,
    #[serde(default)]
    pub branding: BrandingFile,
    #[serde(default)]
    pub menu: Menu,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub signup: Option<SignupFile>,
    /// Sample content: `serve` fills a new database with eight weeks of sample activity.
    #[serde(default)]
    pub demo: bool,
    /// The day of the month payouts are made (1 to 28), shown to partners as their next payout.
    #[serde(default)]
    pub payout_day: Option<u8>,
    /// The payout methods partners may choose in My Profile.
    #[serde(default)]
    pub payout_methods: Option<Vec<String>>,
    /// Hours before a partner's new payout details apply to payouts (default 72).
    #[serde(default)]
    pub payout_cooling_off_hours: Option<u32>,
    /// The least a payout run pays a partner (the console flags smaller balances).
    #[serde(default)]
    pub payout_minimum: Option<pc_core::Amount>,
    /// Which e-mails the portal sends (all on by default).
    #[serde(default)]
    pub notifications: Notifications,
    /// Every partner must turn on two-step sign-in (an authenticator app) before using the
    /// portal (default false: each partner chooses in My Profile).
    #[serde(default)]
    pub require_two_factor: bool,
    /// The hosts a partner's deep link may go to (a page under one of them, or a subdomain);
    /// default: the host of `business.website`.
    #[serde(default)]
    pub link_domains: Option<Vec<String>>,
}

/// The partner application form (`/join`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignupFile {
    pub open: bool,
    pub programs: Vec<ProgramId>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub terms: String,
    pub approval_email: String,
    pub rejection_email: String,
}

fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BusinessFile {
    pub name: String,
    pub website: WebUrl,
    pub portal_url: WebUrl,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct LinkParamsFile {
    pub click_id: String,
    pub partner: String,
}

impl Default for LinkParamsFile {
    fn default() -> Self {
        LinkParamsFile {
            click_id: "pc_click".into(),
            partner: "pc_ref".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SupportFile {
    pub email: EmailAddress,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct BrandingFile {
    pub logo: Option<String>,
    pub primary_color: Color,
    pub accent_color: Color,
}

impl Default for BrandingFile {
    fn default() -> Self {
        BrandingFile {
            logo: None,
            primary_color: Color::new_unchecked("#1f4b99"),
            accent_color: Color::new_unchecked("#e07a1f"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProgramFile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub priority: u32,
    #[serde(default)]
    pub default_link: Option<Slug>,
    /// `false`: partners may not send paid ads (search ads on the brand, …) to its links.
    #[serde(default = "allowed")]
    pub paid_ads: bool,
    pub commission: CommissionStructure<Amount>,
}

fn allowed() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartnerFile {
    pub code: PartnerCode,
    pub name: String,
    #[serde(default)]
    pub company: Option<String>,
    pub email: EmailAddress,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    pub programs: Vec<ProgramId>,
    #[serde(default)]
    pub parent: Option<PartnerCode>,
    #[serde(default)]
    pub coupons: Vec<String>,
    #[serde(default = "active")]
    pub status: PartnerStatus,
    #[serde(default)]
    pub payout: Option<PayoutDetails>,
}

fn active() -> PartnerStatus {
    PartnerStatus::Active
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinkFile {
    pub slug: Slug,
    pub title: String,
    pub target: WebUrl,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub programs: Option<Vec<ProgramId>>,
    /// The last day it is offered (YYYY-MM-DD): after it, it leaves the partners' pages, and
    /// a link's redirect goes to the fallback URL with the reason recorded.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BannerFile {
    pub title: String,
    pub image: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub link: Slug,
    #[serde(default)]
    pub programs: Option<Vec<ProgramId>>,
    /// The last day it is offered (YYYY-MM-DD): after it, it leaves the partners' pages, and
    /// a link's redirect goes to the fallback URL with the reason recorded.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EmailFrontMatter {
    pub title: String,
    pub subject: String,
    pub link: Slug,
    #[serde(default)]
    pub programs: Option<Vec<ProgramId>>,
    /// The last day it is offered (YYYY-MM-DD): after it, it leaves the partners' pages, and
    /// a link's redirect goes to the fallback URL with the reason recorded.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageFrontMatter {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub programs: Option<Vec<ProgramId>>,
    /// The last day it is offered (YYYY-MM-DD): after it, it leaves the partners' pages, and
    /// a link's redirect goes to the fallback URL with the reason recorded.
    #[serde(default)]
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PayoutsFile {
    pub payouts: Vec<PayoutEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PayoutEntry {
    pub partner: PartnerCode,
    pub date: String,
    pub amount: Amount,
    pub method: String,
    pub reference: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdjustmentsFile {
    pub adjustments: Vec<AdjustmentEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdjustmentEntry {
    pub id: String,
    pub partner: PartnerCode,
    pub date: String,
    pub amount: SignedAmount,
    pub reason: String,
    #[serde(default)]
    pub corrects: Option<String>,
}
