//! Partners hear of their new ledger lines: a digest of commissions, a note per payout; and
//! their own switches for both.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pc_core::{Currency, PartnerCode, Unsubscribe};

use super::portal_url;
use crate::platform::{Mail, Platform, PlatformError, Row, Statement};
use crate::routes::Ctx;
use crate::routes::reports::{currency, date_of, int, money, text};

/// Ledger lines read per run and kind (the next run goes on from there).
const BATCH: i64 = 5_000;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) async fn tell_partners<P: Platform>(
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

/// What an unsubscribe link of `kind` stops, in words (None: no such kind).
pub fn kind_words(kind: &str) -> Option<&'static str> {
    match kind {
        "commissions" => Some("the daily digest of your commissions"),
        "payouts" => Some("the e-mail when a payout is recorded"),
        _ => None,
    }
}
