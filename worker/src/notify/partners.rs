//! Partners hear of their new ledger lines: a digest of commissions, a note per payout; and
//! their own switches for both.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pc_core::{Currency, PartnerCode, Unsubscribe};

use super::portal_url;
use crate::platform::{Mail, Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::reports::{currency, date_of, money};
use crate::store::notifications::{self, NewLine};

/// Ledger lines read per run and kind (the next run goes on from there).
const BATCH: i64 = 5_000;

pub(super) use crate::store::notifications::Told as Kind;
pub use crate::store::notifications::{partner_switches, set_partner_switches};

/// Tells each partner of their new ledger lines of `kind` (if the owner's switch and theirs
/// are on), then moves the cursor past them either way: lines credited while a partner had
/// the e-mails off are never sent later.
pub(super) async fn tell_partners<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    owner_switch: bool,
) -> Result<usize, PlatformError> {
    let lines = notifications::untold_lines(ctx.platform, kind, BATCH).await?;
    let Some(last) = lines.last().map(|l| l.seq) else {
        return Ok(0);
    };
    let mut by_partner: BTreeMap<&str, Vec<&NewLine>> = BTreeMap::new();
    for line in &lines {
        by_partner.entry(&line.partner).or_default().push(line);
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
        .execute(notifications::move_cursor(kind, last, ctx.now))
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
    lines: &[&NewLine],
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
        let amount = line.amount_minor;
        total += amount;
        let order = line.order_id.as_deref().unwrap_or("");
        let _ = match kind {
            Kind::Commissions => writeln!(
                list,
                "- {} {}: {}{}{}",
                date_of(line.occurred_at),
                line.program.as_deref().unwrap_or(""),
                signed(amount, currency),
                if order.is_empty() {
                    String::new()
                } else {
                    format!(" (order {order})")
                },
                if line.kind == "clawback" && crate::store::reviews::is_reversal(&line.id) {
                    format!(
                        " — reversed after review: {}",
                        line.memo.as_deref().unwrap_or("")
                    )
                } else if line.kind == "clawback" {
                    " — a refund".to_owned()
                } else if line.payable_at >= pc_core::ledger::HELD {
                    ", under review".to_owned()
                } else {
                    format!(", payable from {}", date_of(line.payable_at))
                },
            ),
            Kind::Payouts => writeln!(
                list,
                "- {}: {} paid ({})",
                date_of(line.occurred_at),
                money(-amount, currency),
                line.memo.as_deref().unwrap_or(""),
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
