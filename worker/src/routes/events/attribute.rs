//! Stage 3: who gets the credit, and how we know: the click id, then the partner code, then
//! the coupon, then an earlier event of the same order; first-click programs keep a customer
//! with the partner who brought them first.

use http::StatusCode;
use pc_core::commission::Attribution as FirstOrLast;
use pc_core::{Amount, CommissionStructure, Currency};
use serde_json::Value;

use super::parse::Event;
use super::verify::SIGNATURE_WINDOW_SECONDS;
use super::{Reject, one_int, one_text, reject};
use crate::platform::{Platform, PlatformError, Statement};
use crate::routes::Ctx;

/// The click an event came through.
#[derive(Debug, Clone)]
pub(super) struct Click {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) sub: Option<String>,
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
}

/// The outcome: a partner and their program's rules, or why nobody was credited.
#[derive(Debug)]
pub(super) enum Attribution {
    Credited(Attributed, Box<ProgramRules>),
    Nobody(&'static str),
}

pub(super) async fn program_rules<P: Platform>(
    ctx: &Ctx<'_, P>,
    id: &str,
) -> Result<Option<ProgramRules>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT currency, rules_json, source, build_id FROM programs WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let text = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let Ok(currency) = Currency::parse(&text("currency")) else {
        return Ok(None);
    };
    let rules = serde_json::from_str::<CommissionStructure<Amount>>(&text("rules_json"))
        .ok()
        .and_then(|r| r.try_map_money(|a| a.in_currency(currency)).ok());
    Ok(rules.map(|rules| ProgramRules {
        currency,
        rules,
        source: Some(text("source")).filter(|s| !s.is_empty()),
        build_id: text("build_id"),
    }))
}

async fn paying_program<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
) -> Result<Option<String>, PlatformError> {
    one_text(
        ctx,
        "SELECT program FROM partner_programs WHERE partner = ? ORDER BY rank LIMIT 1",
        vec![partner.into()],
    )
    .await
}

/// By the click id, if it is known and inside the program's window.
async fn by_click<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &Event,
    click_id: &str,
) -> Result<Result<Option<Attributed>, &'static str>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT partner, program, slug, sub, created_at FROM clicks WHERE id = ?",
            vec![click_id.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(Err("unknown_click"));
    };
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    let program = text("program").unwrap_or_default();
    let window = program_rules(ctx, &program)
        .await?
        .map_or(30, |p| i64::from(p.rules.cookie_days))
        * 86_400;
    let clicked = row.get("created_at").and_then(Value::as_i64).unwrap_or(0);
    let at = event.occurred_at;
    if at < clicked - SIGNATURE_WINDOW_SECONDS || at - clicked > window {
        return Ok(Err("click_outside_window"));
    }
    Ok(Ok(Some(Attributed {
        partner: text("partner").unwrap_or_default(),
        program,
        method: "click",
        click: Some(Click {
            id: click_id.to_owned(),
            slug: text("slug").unwrap_or_default(),
            sub: text("sub"),
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
        let exists = one_int(
            ctx,
            "SELECT count(*) AS n FROM partners WHERE code = ?",
            vec![code.as_str().into()],
        )
        .await?
            > 0;
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
        let Some(partner) = one_text(
            ctx,
            "SELECT partner FROM coupons WHERE code = ?",
            vec![coupon.as_str().into()],
        )
        .await?
        else {
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
    {
        let rows = ctx
            .platform
            .query(Statement::new(
                "SELECT partner, program FROM events WHERE order_id = ? AND partner IS NOT NULL ORDER BY occurred_at LIMIT 1",
                vec![order.as_str().into()],
            ))
            .await?;
        if let Some(row) = rows.into_iter().next() {
            let text = |k: &str| {
                row.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            attributed = Some(Attributed {
                partner: text("partner"),
                program: text("program"),
                method: "order",
                click: None,
            });
        }
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
        let first = ctx
            .platform
            .query(Statement::new(
                "SELECT partner FROM events WHERE customer_hash = ? AND program = ? AND partner IS NOT NULL \
                 AND occurred_at >= ? AND occurred_at <= ? ORDER BY occurred_at LIMIT 1",
                vec![
                    hash.as_str().into(),
                    a.program.as_str().into(),
                    (event.occurred_at - window).into(),
                    event.occurred_at.into(),
                ],
            ))
            .await?;
        if let Some(partner) = first
            .first()
            .and_then(|r| r.get("partner"))
            .and_then(Value::as_str)
            && partner != a.partner
        {
            partner.clone_into(&mut a.partner);
            a.method = "first_click";
            a.click = None;
        }
    }
    Ok(Ok(Attribution::Credited(a, Box::new(program))))
}
