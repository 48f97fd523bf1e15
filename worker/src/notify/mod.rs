//! E-mails the portal sends by itself: the owners on new applications (at once, or in a
//! digest when several arrive within [`APPLICATION_QUIET_SECONDS`]); partners a daily digest of
//! commissions credited and a note for each payout recorded. The owner switches each kind in
//! `site.yaml` (`notifications:`), a partner theirs in My Profile or by the signed link in
//! every such e-mail.
//!
//! Approved applicants are welcomed once their partner file is deployed.
//!
//! Scheduled work runs from the worker's cron trigger ([`FREQUENT_CRON`], [`DAILY_CRON`]) and
//! from a timer in `serve`. What was told is remembered by the ledger's rowid (a cursor per
//! kind), moved on only after the mails went out: a crash in between sends again rather than
//! never. Ledger lines from before this feature are never told (the migration starts the
//! cursors at the end of the ledger).

mod applications;
mod partners;

use serde::Deserialize;

pub use applications::{application_received, tell_applicant};
use applications::{tell_owners_of_applications, welcome_live_applicants};
use partners::{Kind, tell_partners};
pub use partners::{kind_words, partner_switches, set_partner_switches};

use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;

/// Every 15 minutes: applications not yet told, payouts recorded.
pub const FREQUENT_CRON: &str = "*/15 * * * *";
/// Once a day, 08:00 UTC: the commissions digest (and everything the frequent run does).
pub const DAILY_CRON: &str = "0 8 * * *";
/// An application arriving this soon after the owners were told waits for the next digest.
pub const APPLICATION_QUIET_SECONDS: i64 = 15 * 60;

/// The owner's switches from `site.yaml` (all on unless the owner turned one off).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct Switches {
    pub new_applications: bool,
    pub decisions: bool,
    pub commissions: bool,
    pub payouts: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            new_applications: true,
            decisions: true,
            commissions: true,
            payouts: true,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct SiteSettings {
    #[serde(default)]
    notifications: Switches,
    #[serde(default)]
    portal_url: Option<String>,
}

async fn site_settings(platform: &impl Platform) -> Result<SiteSettings, PlatformError> {
    Ok(platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub async fn switches(platform: &impl Platform) -> Result<Switches, PlatformError> {
    Ok(site_settings(platform).await?.notifications)
}

/// The portal's address for links in e-mails: `PORTAL_URL`, else the content's.
async fn portal_url<P: Platform>(ctx: &Ctx<'_, P>) -> Result<String, PlatformError> {
    Ok(match &ctx.config.portal_url {
        Some(url) => url.clone(),
        None => site_settings(ctx.platform)
            .await?
            .portal_url
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned(),
    })
}

/// Which scheduled run this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Frequent,
    Daily,
}

impl Run {
    /// The run a cron expression stands for (the daily one, or any other: frequent).
    pub fn of_cron(cron: &str) -> Run {
        if cron.trim() == DAILY_CRON {
            Run::Daily
        } else {
            Run::Frequent
        }
    }
}

/// What a scheduled run sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Sent {
    pub application_digests: usize,
    pub commission_digests: usize,
    pub payout_notes: usize,
    /// Approved applicants welcomed because their portal went live.
    pub welcomes: usize,
}

/// The scheduled work.
pub async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>, run: Run) -> Result<Sent, PlatformError> {
    let switches = switches(ctx.platform).await?;
    let mut sent = Sent::default();
    if switches.new_applications && tell_owners_of_applications(ctx, None).await? > 0 {
        sent.application_digests = 1;
    }
    sent.welcomes = welcome_live_applicants(ctx).await?;
    sent.payout_notes = tell_partners(ctx, Kind::Payouts, switches.payouts).await?;
    if run == Run::Daily {
        sent.commission_digests =
            tell_partners(ctx, Kind::Commissions, switches.commissions).await?;
    }
    Ok(sent)
}
