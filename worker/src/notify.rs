//! E-mails the portal sends by itself: the owners on new applications (at once, or in a
//! digest when several arrive within [`APPLICATION_QUIET_SECONDS`]); partners a daily digest of
//! commissions credited and a note for each payout recorded. The owner switches each kind in
//! `site.yaml` (`notifications:`), a partner theirs in My Profile or by the signed link in
//! every such e-mail.
//!
//! Scheduled work runs from the worker's cron trigger ([`FREQUENT_CRON`], [`DAILY_CRON`]) and
//! from a timer in `serve`. What was told is remembered by the ledger's rowid (a cursor per
//! kind), moved on only after the mails went out: a crash in between sends again rather than
//! never. Ledger lines from before this feature are never told (the migration starts the
//! cursors at the end of the ledger).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pc_core::{Currency, PartnerCode, Unsubscribe};
use serde::Deserialize;

use crate::platform::{Mail, Platform, PlatformError, Row, SqlValue, Statement};
use crate::routes::Ctx;
use crate::routes::reports::{currency, date_of, int, money, text};

/// Every 15 minutes: applications not yet told, payouts recorded.
pub const FREQUENT_CRON: &str = "*/15 * * * *";
/// Once a day, 08:00 UTC: the commissions digest (and everything the frequent run does).
pub const DAILY_CRON: &str = "0 8 * * *";
/// An application arriving this soon after the owners were told waits for the next digest.
pub const APPLICATION_QUIET_SECONDS: i64 = 15 * 60;
/// Ledger lines read per run and kind (the next run goes on from there).
const BATCH: i64 = 5_000;

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

/// The kinds of partner e-mail a partner can switch off.
pub const PARTNER_KINDS: &[&str] = &["commissions", "payouts"];

/// A partner's own switches (no row: both on).
pub async fn partner_switches(
    platform: &impl Platform,
    code: &str,
) -> Result<(bool, bool), PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT commissions, payouts FROM notification_prefs WHERE partner = ?",
            vec![code.into()],
        ))
        .await?;
    Ok(rows.first().map_or((true, true), |r| {
        (int(r, "commissions") != 0, int(r, "payouts") != 0)
    }))
}

pub fn set_partner_switches(code: &str, commissions: bool, payouts: bool, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO notification_prefs (partner, commissions, payouts, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (partner) DO UPDATE SET commissions = excluded.commissions, payouts = excluded.payouts, updated_at = excluded.updated_at",
        vec![
            code.into(),
            i64::from(commissions).into(),
            i64::from(payouts).into(),
            now.into(),
        ],
    )
}

/// After `POST /join` stored an application: the owners hear of it now, unless they were told
/// of another one a moment ago (then the next frequent run sends a digest).
pub async fn application_received<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<(), PlatformError> {
    if !switches(ctx.platform).await?.new_applications {
        return Ok(());
    }
    let recent = ctx
        .platform
        .query(Statement::new(
            "SELECT 1 AS told FROM applications WHERE notified_at >= ? LIMIT 1",
            vec![(ctx.now - APPLICATION_QUIET_SECONDS).into()],
        ))
        .await?;
    if recent.is_empty() {
        tell_owners_of_applications(ctx, Some(code)).await?;
    }
    Ok(())
}

/// Sends the owners one e-mail about the pending applications not yet told (only `only`, if
/// given) and marks them told.
async fn tell_owners_of_applications<P: Platform>(
    ctx: &Ctx<'_, P>,
    only: Option<&str>,
) -> Result<usize, PlatformError> {
    let apps = ctx
        .platform
        .query(Statement::new(
            "SELECT code, name, email, website, promotion, programs FROM applications \
             WHERE status = 'pending' AND notified_at IS NULL AND (? IS NULL OR code = ?) ORDER BY created_at LIMIT 200",
            vec![
                only.map_or(SqlValue::Null, Into::into),
                only.map_or(SqlValue::Null, Into::into),
            ],
        ))
        .await?;
    if apps.is_empty() {
        return Ok(0);
    }
    let owners = ctx
        .platform
        .query(Statement::new(
            "SELECT email, name FROM owners WHERE role = 'admin' ORDER BY email",
            vec![],
        ))
        .await?;
    let url = portal_url(ctx).await?;
    let subject = if apps.len() == 1 {
        format!("New partner application: {}", text(&apps[0], "name"))
    } else {
        format!("{} new partner applications", apps.len())
    };
    let mut list = String::new();
    for a in &apps {
        let _ = writeln!(
            list,
            "- {} <{}>, code {}{}",
            text(a, "name"),
            text(a, "email"),
            text(a, "code"),
            Some(text(a, "website"))
                .filter(|w| !w.is_empty())
                .map_or_else(String::new, |w| format!(", {w}"))
        );
    }
    for owner in &owners {
        crate::mail::send(
            ctx.platform,
            Mail {
                to: text(owner, "email"),
                subject: subject.clone(),
                body: format!(
                    "Hello {},\n\n{}\n\n{list}\nReview them in the console: {url}/owner/applications/\n",
                    text(owner, "name"),
                    if apps.len() == 1 {
                        "A new partner application is waiting for you:"
                    } else {
                        "New partner applications are waiting for you:"
                    }
                ),
            },
        )
        .await?;
    }
    let mut told = Vec::new();
    for a in &apps {
        told.push(Statement::new(
            "UPDATE applications SET notified_at = ? WHERE code = ?",
            vec![ctx.now.into(), text(a, "code").into()],
        ));
    }
    ctx.platform.batch(told).await?;
    Ok(apps.len())
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
}

/// The scheduled work.
pub async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>, run: Run) -> Result<Sent, PlatformError> {
    let switches = switches(ctx.platform).await?;
    let mut sent = Sent::default();
    if switches.new_applications && tell_owners_of_applications(ctx, None).await? > 0 {
        sent.application_digests = 1;
    }
    sent.payout_notes = tell_partners(ctx, Kind::Payouts, switches.payouts).await?;
    if run == Run::Daily {
        sent.commission_digests =
            tell_partners(ctx, Kind::Commissions, switches.commissions).await?;
    }
    Ok(sent)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commissions,
    Payouts,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Commissions => "commissions",
            Kind::Payouts => "payouts",
        }
    }

    /// The new ledger lines of this kind, after a rowid, oldest first.
    fn new_lines(self) -> &'static str {
        match self {
            Kind::Commissions => {
                "SELECT l.rowid AS seq, l.partner AS partner, l.kind AS kind, l.amount_minor AS amount_minor, \
                 l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.order_id AS order_id, l.memo AS memo, \
                 coalesce(p.name, l.program) AS program FROM ledger l LEFT JOIN programs p ON p.id = l.program \
                 WHERE l.rowid > ? AND l.kind IN ('commission', 'clawback') ORDER BY l.rowid LIMIT ?"
            }
            Kind::Payouts => {
                "SELECT l.rowid AS seq, l.partner AS partner, l.kind AS kind, l.amount_minor AS amount_minor, \
                 l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.order_id AS order_id, l.memo AS memo, \
                 '' AS program FROM ledger l WHERE l.rowid > ? AND l.kind = 'payout' ORDER BY l.rowid LIMIT ?"
            }
        }
    }
}

/// Tells each partner of their new ledger lines of `kind` (if the owner's switch and theirs
/// are on), then moves the cursor past them either way: lines credited while a partner had
/// the e-mails off are never sent later.
async fn tell_partners<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    owner_switch: bool,
) -> Result<usize, PlatformError> {
    let cursor = ctx
        .platform
        .query(Statement::new(
            "SELECT position FROM notify_cursors WHERE name = ?",
            vec![kind.name().into()],
        ))
        .await?
        .first()
        .map_or(0, |r| int(r, "position"));
    let lines = ctx
        .platform
        .query(Statement::new(
            kind.new_lines(),
            vec![cursor.into(), BATCH.into()],
        ))
        .await?;
    let Some(last) = lines.last().map(|r| int(r, "seq")) else {
        return Ok(0);
    };
    let mut by_partner: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for line in &lines {
        by_partner
            .entry(text(line, "partner"))
            .or_default()
            .push(line);
    }
    let mut sent = 0;
    if owner_switch {
        let currency = currency(ctx).await?;
        let url = portal_url(ctx).await?;
        for (code, lines) in &by_partner {
            let (commissions_on, payouts_on) = partner_switches(ctx.platform, code).await?;
            let on = match kind {
                Kind::Commissions => commissions_on,
                Kind::Payouts => payouts_on,
            };
            if !on {
                continue;
            }
            let Some(person) = crate::store::partner_auth(ctx.platform, code).await? else {
                continue;
            };
            if !person.is_active() {
                continue;
            }
            let mail = partner_mail(
                ctx,
                kind,
                code,
                &person.name,
                &person.email,
                lines,
                currency,
                &url,
            );
            crate::mail::send(ctx.platform, mail).await?;
            sent += 1;
        }
    }
    ctx.platform
        .execute(Statement::new(
            "INSERT INTO notify_cursors (name, position, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
            vec![kind.name().into(), last.into(), ctx.now.into()],
        ))
        .await?;
    Ok(sent)
}

#[allow(clippy::too_many_arguments)]
fn partner_mail<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    code: &str,
    name: &str,
    email: &str,
    lines: &[&Row],
    currency: Currency,
    url: &str,
) -> Mail {
    let first = name.split_whitespace().next().unwrap_or(name);
    let unsubscribe = PartnerCode::parse(code).map_or_else(
        |_| String::new(),
        |partner| {
            let token = Unsubscribe {
                partner,
                kind: kind.name().into(),
            }
            .sign(&ctx.config.keys);
            format!("{url}/unsubscribe/?token={token}")
        },
    );
    let mut list = String::new();
    let mut total = 0;
    for line in lines {
        let amount = int(line, "amount_minor");
        total += amount;
        let order = text(line, "order_id");
        let _ = match kind {
            Kind::Commissions => writeln!(
                list,
                "- {} {}: {}{}{}",
                date_of(int(line, "occurred_at")),
                text(line, "program"),
                signed(amount, currency),
                if order.is_empty() {
                    String::new()
                } else {
                    format!(" (order {order})")
                },
                if text(line, "kind") == "clawback" {
                    " — a refund".to_owned()
                } else {
                    format!(", payable from {}", date_of(int(line, "payable_at")))
                },
            ),
            Kind::Payouts => writeln!(
                list,
                "- {}: {} paid ({})",
                date_of(int(line, "occurred_at")),
                money(-amount, currency),
                text(line, "memo"),
            ),
        };
    }
    let (subject, intro, place) = match kind {
        Kind::Commissions => (
            format!("Your commissions: {} new", signed(total, currency)),
            "Commissions credited to your partner account since our last e-mail:",
            "reports/commissions/",
        ),
        Kind::Payouts => (
            format!("A payout of {} is on its way", money(-total, currency)),
            "We recorded a payout to you:",
            "reports/ledger/",
        ),
    };
    Mail {
        to: email.to_owned(),
        subject,
        body: format!(
            "Hello {first},\n\n{intro}\n\n{list}\nEvery line, with where it came from: {url}/portal/{place}\n\n\
             You get these e-mails because they are on in My Profile. To stop them: {unsubscribe}\n"
        ),
    }
}

fn signed(minor: i64, currency: Currency) -> String {
    if minor >= 0 {
        format!("+{}", money(minor, currency))
    } else {
        money(minor, currency)
    }
}

/// `Value` of a kind name, for the unsubscribe page.
pub fn kind_words(kind: &str) -> Option<&'static str> {
    match kind {
        "commissions" => Some("the daily digest of your commissions"),
        "payouts" => Some("the e-mail when a payout is recorded"),
        _ => None,
    }
}
