//! Stage 4: what the event earns (by `core`'s engine) and the rows that record it: the event
//! row and its ledger rows, written by the caller in one atomic batch.

use http::StatusCode;
use pc_core::engine::{self, Conversion, Credit};
use pc_core::ledger::HELD;
use pc_core::risk::{Assessment, Band, PartnerFacts};
use pc_core::{Currency, Money};
use serde_json::{Value, json};

use super::attribute::{Attributed, Attribution, ProgramRules};
use super::parse::{Event, Kind};
use super::{Reject, reject, risk};
use crate::platform::{Platform, PlatformError, Statement};
use crate::routes::Ctx;
use crate::store::events::{self, Book};
use crate::store::risk_facts;

/// The rows to write and the answer to give.
pub(super) type Recorded = (Vec<Statement>, Value);

/// The event's amount in the program's currency.
fn amount_of(event: &Event, program: &ProgramRules) -> Result<Option<Money>, Reject> {
    let currency_text = event.currency.as_deref().unwrap_or(program.currency.code());
    if event.kind != Kind::Lead && currency_text != program.currency.code() {
        return Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "this portal pays in {}; the event is in {currency_text}",
                program.currency
            ),
        ));
    }
    event
        .amount
        .as_deref()
        .map(|text| Money::parse(text, program.currency))
        .transpose()
        .map_err(|e| reject(StatusCode::BAD_REQUEST, format!("`amount`: {e}")))
}

/// The commissions: the partner's own, then overrides up the referral chain to active
/// parents; and the conversion's risk. Nothing for inactive partners, self-referrals or a
/// conversion the risk rules block (flagged instead).
async fn credits<P: Platform>(
    ctx: &Ctx<'_, P>,
    book: Book,
    event: &Event,
    a: &Attributed,
    program: &ProgramRules,
    money: Option<Money>,
    flags: &mut Vec<&'static str>,
) -> Result<(Vec<(String, Credit)>, Assessment), PlatformError> {
    let partner = events::creditee(ctx.platform, &a.partner).await?;
    let active = partner.is_active();
    let self_referral = event.email.is_some() && event.email == partner.email;
    let rules = crate::risk::rules(ctx.platform).await?;
    let assessment = risk::assess(
        ctx.platform,
        &rules,
        event,
        a.click.as_ref(),
        program,
        &a.partner,
        partner.email.as_deref(),
    )
    .await?;
    let blocked = assessment.band == Band::Block;
    if !active {
        flags.push("partner_not_active");
    }
    if self_referral {
        flags.push("self_referral");
    }
    if blocked {
        flags.push("risk_blocked");
    }
    if !active || self_referral || blocked {
        return Ok((Vec::new(), assessment));
    }
    let conversion = match event.kind {
        Kind::Lead => Some(Conversion::Lead),
        Kind::Sale => money.map(|amount| Conversion::Sale {
            amount,
            product: event.product.as_deref(),
        }),
        Kind::SubscriptionPayment => {
            let earlier =
                events::paid_months(ctx.platform, book, event.order_id.as_deref()).await?;
            // A free trial's zero payment earns nothing and is not one of the paid months.
            money
                .filter(|m| m.minor() > 0)
                .map(|amount| Conversion::SubscriptionPayment {
                    amount,
                    number: u32::try_from(earlier + 1).unwrap_or(u32::MAX),
                })
        }
        Kind::Refund => None,
    };
    let Some(conversion) = conversion else {
        return Ok((Vec::new(), assessment));
    };
    let month_start = event
        .occurred
        .date()
        .replace_day(1)
        .map_or(event.occurred_at, |d| {
            d.midnight().assume_utc().unix_timestamp()
        });
    let sales_before =
        events::sales_between(ctx.platform, &a.partner, month_start, event.occurred_at).await?;
    let mut credits = Vec::new();
    if let Some(c) = engine::direct(
        &program.rules,
        conversion,
        u32::try_from(sales_before).unwrap_or(u32::MAX),
    ) {
        credits.push((a.partner.clone(), c));
    }
    let mut ancestor = partner.parent;
    for o in engine::overrides(&program.rules, conversion) {
        let Some(code) = ancestor.clone() else { break };
        let parent = events::creditee(ctx.platform, &code).await?;
        if parent.is_active() {
            credits.push((code.clone(), o));
        }
        ancestor = parent.parent;
    }
    Ok((credits, assessment))
}

/// The book an event goes in: the test book for a test, and for a refund of an order that
/// only test mode knows (a store's refund of a test order need not say it is one).
pub(super) async fn book_of<P: Platform>(
    ctx: &Ctx<'_, P>,
    event: &Event,
) -> Result<Book, PlatformError> {
    if event.test {
        return Ok(Book::Test);
    }
    if event.kind == Kind::Refund
        && let Some(order) = event.order_id.as_deref()
        && events::sold(ctx.platform, Book::Live, order).await?.n == 0
        && events::sold(ctx.platform, Book::Test, order).await?.n > 0
    {
        return Ok(Book::Test);
    }
    Ok(Book::Live)
}

/// A lead, sale or subscription payment.
pub(super) async fn conversion<P: Platform>(
    ctx: &Ctx<'_, P>,
    book: Book,
    event: &Event,
    body_hash: &str,
    attribution: Attribution,
) -> Result<Result<Recorded, Reject>, PlatformError> {
    let mut flags: Vec<&'static str> = Vec::new();
    let (attributed, program, method, money, (credits, risk)) = match attribution {
        Attribution::Nobody(why) => (None, None, why, None, (Vec::new(), Assessment::default())),
        Attribution::Credited(a, program) => {
            let money = match amount_of(event, &program) {
                Ok(m) => m,
                Err(r) => return Ok(Err(r)),
            };
            let credited = credits(ctx, book, event, &a, &program, money, &mut flags).await?;
            let method = a.method;
            (Some(a), Some(program), method, money, credited)
        }
    };
    let hold = program
        .as_ref()
        .map_or(0, |p| i64::from(p.rules.hold_days) * 86_400);
    // Held for review: pending, whatever its hold, until an owner releases it.
    let under_review = risk.band == Band::Hold;
    let payable_at = if under_review {
        HELD
    } else {
        event.occurred_at + hold
    };
    let mut result = json!({
        "id": event.id,
        "type": event.kind.as_str(),
        "status": "recorded",
        "attributed": attributed.is_some(),
        "attribution": method,
        "partner": attributed.as_ref().map(|a| a.partner.clone()),
        "program": attributed.as_ref().map(|a| a.program.clone()),
        "flags": flags,
        "risk": risk,
        "commissions": credits.iter().map(|(partner, c)| json!({
            "partner": partner,
            "amount": c.amount.decimal_string(),
            "currency": c.amount.currency().code(),
            "level": c.level,
            "rule": c.rule,
            "payable_at": (!under_review).then_some(payable_at),
            "under_review": under_review,
        })).collect::<Vec<_>>(),
    });
    if book.is_test() {
        result["test"] = true.into();
    }
    let click = attributed.as_ref().and_then(|a| a.click.clone());
    let mut statements = vec![events::insert_conversion(
        book,
        vec![
            event.id.as_str().into(),
            event.kind.as_str().into(),
            body_hash.into(),
            attributed.as_ref().map(|a| a.partner.clone()).into(),
            attributed.as_ref().map(|a| a.program.clone()).into(),
            method.into(),
            click.as_ref().map(|c| c.id.clone()).into(),
            click.as_ref().map(|c| c.slug.clone()).into(),
            click.and_then(|c| c.sub).into(),
            event.order_id.clone().into(),
            event.product.clone().into(),
            money.map(Money::minor).into(),
            program.as_ref().map(|p| p.currency.code()).into(),
            event.customer_hash.clone().into(),
            event.customer_label.clone().into(),
            i64::from(flags.contains(&"self_referral")).into(),
            event.occurred_at.into(),
            ctx.now.into(),
            result.to_string().into(),
            (risk.band != Band::Clear)
                .then(|| risk.band.as_str())
                .into(),
            i64::from(risk.score).into(),
            (!risk.fired.is_empty())
                .then(|| serde_json::to_string(&risk.fired).unwrap_or_default())
                .into(),
        ],
    )];
    if let (Some(a), Some(program)) = (&attributed, &program) {
        for (partner, c) in &credits {
            statements.push(events::insert_commission(
                book,
                vec![
                    format!("{}:{}", event.id, c.level).into(),
                    partner.as_str().into(),
                    a.program.as_str().into(),
                    c.amount.minor().into(),
                    c.amount.currency().code().into(),
                    event.occurred_at.into(),
                    payable_at.into(),
                    event.id.as_str().into(),
                    event.order_id.clone().into(),
                    i64::from(c.level).into(),
                    c.rule.as_str().into(),
                    a.partner.as_str().into(),
                    event.kind.as_str().into(),
                    money.map(Money::minor).into(),
                    program.source.clone().into(),
                    program.build_id.as_str().into(),
                ],
            ));
        }
    }
    Ok(Ok((statements, result)))
}

/// A refund: clawbacks for every commission of the order, proportional, never more than
/// what is left of each (`core`'s rule). Each keeps the commission's end of hold, so the
/// ledger can tell a refund inside the hold from one after it.
pub(super) async fn refund<P: Platform>(
    ctx: &Ctx<'_, P>,
    book: Book,
    event: &Event,
    body_hash: &str,
) -> Result<Result<Recorded, Reject>, PlatformError> {
    let order = event.order_id.clone().unwrap_or_default();
    let sold = events::sold(ctx.platform, book, &order).await?;
    if sold.n == 0 {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("no sale with order_id {order:?} to refund"),
        )));
    }
    let Some(currency) = sold
        .currency
        .as_deref()
        .and_then(|c| Currency::parse(c).ok())
    else {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the order's sale has no currency",
        )));
    };
    if event
        .currency
        .as_deref()
        .is_some_and(|c| c != currency.code())
    {
        return Ok(Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the order was paid in {currency}"),
        )));
    }
    let refund = match Money::parse(event.amount.as_deref().unwrap_or("0"), currency) {
        Ok(m) => m,
        Err(e) => {
            return Ok(Err(reject(
                StatusCode::BAD_REQUEST,
                format!("`amount`: {e}"),
            )));
        }
    };
    let total = Money::from_minor(sold.total, currency);
    let mut statements = Vec::new();
    let mut clawbacks = Vec::new();
    for row in events::order_commissions(ctx.platform, book, &order).await? {
        let id = row.id;
        let back = engine::clawback(
            Money::from_minor(row.amount, currency),
            Money::from_minor(row.clawed, currency),
            total,
            refund,
        );
        if back.minor() >= 0 {
            continue;
        }
        let partner = row.partner;
        clawbacks
            .push(json!({ "partner": partner, "amount": back.decimal_string(), "reverses": id }));
        statements.push(events::insert_clawback(
            book,
            vec![
                format!("{}:{id}", event.id).into(),
                partner.into(),
                row.program.into(),
                back.minor().into(),
                currency.code().into(),
                event.occurred_at.into(),
                event.occurred_at.into(),
                event.id.as_str().into(),
                order.as_str().into(),
                row.level.into(),
                id.into(),
                format!("refund of {refund}").into(),
                row.seller.into(),
                row.conversion.into(),
                refund.minor().into(),
            ],
        ));
    }
    let mut result = json!({
        "id": event.id,
        "type": "refund",
        "status": "recorded",
        "attributed": sold.partner.is_some(),
        "attribution": "order",
        "partner": sold.partner,
        "program": sold.program,
        "flags": [],
        "clawbacks": clawbacks,
    });
    if book.is_test() {
        result["test"] = true.into();
    }
    // The event row first: a second refund with this id fails the whole batch.
    statements.insert(
        0,
        events::insert_refund(
            book,
            vec![
                event.id.as_str().into(),
                body_hash.into(),
                sold.partner.clone().into(),
                sold.program.clone().into(),
                order.as_str().into(),
                refund.minor().into(),
                currency.code().into(),
                event.customer_hash.clone().into(),
                event.customer_label.clone().into(),
                event.occurred_at.into(),
                ctx.now.into(),
                result.to_string().into(),
            ],
        ),
    );
    // The partner's refund rate, with this refund counted (flagged in the same batch); a test
    // refund counts for nothing.
    let rules = crate::risk::rules(ctx.platform).await?;
    if let Some(partner) = sold.partner.as_deref()
        && !book.is_test()
        && rules.rules.refund_rate.is_some()
    {
        let (sales, refunds) = risk_facts::sales_and_refunds(ctx.platform, partner, &order).await?;
        let assessed = rules.partner(&PartnerFacts {
            sales,
            refunds,
            ..PartnerFacts::default()
        });
        if assessed.fired.iter().any(|f| f.rule == "refund_rate") {
            statements.push(risk_facts::flag(
                partner,
                "refund_rate",
                &format!("{refunds} of {sales} sales refunded"),
                ctx.now,
            ));
        }
    }
    Ok(Ok((statements, result)))
}
