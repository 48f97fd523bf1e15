//! Stage 3: who gets the credit, and how we know: the click id, then the partner code, then
//! the coupon, then an earlier event of the same order; first-click programs keep a customer
//! with the partner who brought them first.

use http::StatusCode;
use pc_core::commission::Attribution as FirstOrLast;
use pc_core::{Amount, CommissionStructure, Currency};

use super::parse::Event;
use super::verify::SIGNATURE_WINDOW_SECONDS;
use super::{Reject, reject};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::events;

/// The click an event came through.
#[derive(Debug, Clone)]
pub(super) struct Click {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) sub: Option<String>,
    pub(super) referrer_host: Option<String>,
    /// The keyed hash of the visitor's public address.
    pub(super) address: Option<String>,
    /// The paid-ads click id parameter the link carried.
    pub(super) ad_param: Option<String>,
    pub(super) created_at: i64,
}

/// The partner credited, through which program, and how.
#[derive(Debug)]
pub(super) struct Attributed {
    pub(super) partner: String,
    pub(super) program: String,
    pub(super) method: &'static str,
    pub(super) click: Option<Click>,
}

/// A program's rules as stored by the seed.
#[derive(Debug)]
pub(super) struct ProgramRules {
    pub(super) currency: Currency,
    pub(super) rules: CommissionStructure,
    /// Where the rules are written (`programs/coffee-club.yaml:5`) and the build that seeded
    /// them: every commission keeps both.
    pub(super) source: Option<String>,
    pub(super) build_id: String,
    /// Whether partners may send paid ads to the program's links.
    pub(super) paid_ads: bool,
}

/// The outcome: a partner and their program's rules, or why nobody was credited.
#[derive(Debug)]
pub(super) enum Attribution {
    Credited(Box<Attributed>, Box<ProgramRules>),
    Nobody(&'static str),
}

pub(super) async fn program_rules<P: Platform>(
    ctx: &Ctx<'_, P>,
    id: &str,
) -> Result<Option<ProgramRules>, PlatformError> {
    let Some(stored) = events::program(ctx.platform, id).await? else {
        return Ok(None);
    };
    let Ok(currency) = Currency::parse(&stored.currency) else {
        return Ok(None);
    };
    let rules = serde_json::from_str::<CommissionStructure<Amount>>(&stored.rules_json)
        .ok()
        .and_then(|r| r.try_map_money(|a| a.in_currency(currency)).ok());
    Ok(rules.map(|rules| ProgramRules {
        currency,
        rules,
        source: stored.source.filter(|s| !s.is_empty()),
        build_id: stored.build_id,
        paid_ads: stored.paid_ads != 0,
    }))
}

async fn paying_program<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
) -> Result<Option<String>, PlatformError> {
    events::paying_program(ctx.platform, partner).await
}

/// By the click id, if it is known and inside the program's window.
async fn by_click<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &Event,
    click_id: &str,
) -> Result<Result<Option<Attributed>, &'static str>, PlatformError> {
    let Some(row) = events::click(ctx.platform, click_id).await? else {
        return Ok(Err("unknown_click"));
    };
    let program = row.program.clone();
    let window = program_rules(ctx, &program)
        .await?
        .map_or(30, |p| i64::from(p.rules.cookie_days))
        * 86_400;
    let clicked = row.created_at;
    let at = event.occurred_at;
    if at < clicked - SIGNATURE_WINDOW_SECONDS || at - clicked > window {
        return Ok(Err("click_outside_window"));
    }
    Ok(Ok(Some(Attributed {
        partner: row.partner,
        program,
        method: "click",
        click: Some(Click {
            id: click_id.to_owned(),
            slug: row.slug,
            sub: row.sub,
            referrer_host: row.referrer_host,
            address: row.address,
            ad_param: row.ad_param,
            created_at: row.created_at,
        }),
    })))
}

/// Attributes `event`; a 422 when it names a partner, coupon or click that does not exist.
pub(super) async fn attribute<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &Event,
) -> Result<Result<Attribution, Reject>, PlatformError> {
    let mut attributed: Option<Attributed> = None;
    let mut method_if_none = "none";
    if let Some(click_id) = &event.click_id {
        match by_click(ctx, event, click_id).await? {
            Ok(found) => attributed = found,
            Err("unknown_click") if event.partner.is_none() && event.coupon.is_none() => {
                return Ok(Err(reject(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown click_id",
                )));
            }
            Err("unknown_click") => {}
            Err(why) => method_if_none = why,
        }
    }
    if attributed.is_none()
        && let Some(code) = &event.partner
    {
        let exists = events::partner_exists(ctx.platform, code).await?;
        if !exists {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown partner {code:?}"),
            )));
        }
        if let Some(program) = paying_program(ctx, code).await? {
            attributed = Some(Attributed {
                partner: code.clone(),
                program,
                method: "partner",
                click: None,
            });
        }
    }
    if attributed.is_none()
        && let Some(coupon) = &event.coupon
    {
        let Some(partner) = events::coupon_partner(ctx.platform, coupon).await? else {
            return Ok(Err(reject(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown coupon {coupon:?}"),
            )));
        };
        if let Some(program) = paying_program(ctx, &partner).await? {
            attributed = Some(Attributed {
                partner,
                program,
                method: "coupon",
                click: None,
            });
        }
    }
    if attributed.is_none()
        && let Some(order) = &event.order_id
        && let Some((partner, program)) = events::order_partner(ctx.platform, order).await?
    {
        attributed = Some(Attributed {
            partner,
            program,
            method: "order",
            click: None,
        });
    }
    let Some(mut a) = attributed else {
        return Ok(Ok(Attribution::Nobody(method_if_none)));
    };
    let Some(program) = program_rules(ctx, &a.program).await? else {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the partner's program {:?} is not configured", a.program),
        )));
    };
    // First-click programs keep the customer with the partner who brought them first.
    if program.rules.attribution == FirstOrLast::FirstClick
        && let Some(hash) = &event.customer_hash
    {
        let window = i64::from(program.rules.cookie_days) * 86_400;
        let first = events::first_partner_of_customer(
            ctx.platform,
            hash,
            &a.program,
            (event.occurred_at - window, event.occurred_at),
        )
        .await?;
        if let Some(partner) = first
            && partner != a.partner
        {
            a.partner = partner;
            a.method = "first_click";
            a.click = None;
        }
    }
    Ok(Ok(Attribution::Credited(Box::new(a), Box::new(program))))
}
