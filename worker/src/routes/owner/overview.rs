//! The program at a glance (`GET /api/v1/owner/overview`) and every partner in one table
//! (`GET /api/v1/owner/partners`, JSON or CSV). The figures are the partners' own report
//! figures summed: the same queries' scope (attributed rows, the same range), the same
//! balances from `core`'s statement.

use std::collections::HashMap;

use http::StatusCode;
use pc_core::ledger::Balance;
use serde_json::{Value, json};

use super::{Need, access};
use crate::http_util::{field, json as json_response, json_error, query};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::reports::analytics::per_click;
use crate::routes::reports::{Range, Table, currency, date_of, money, respond};
use crate::statements;
use crate::store::{self, figures, figures::Figures};
use crate::{Request, Response};

const DAY: i64 = 86_400;

/// Counts and sums per partner in a range.
#[derive(Debug, Default, Clone, Copy)]
struct Activity {
    clicks: i64,
    filtered: i64,
    leads: i64,
    sales: i64,
    subscription_payments: i64,
    refunds: i64,
    /// Sales and subscription payments, less refunds (minor units).
    revenue: i64,
    /// Commissions, clawbacks and adjustments dated in the range.
    earned: i64,
}

impl Activity {
    fn of(figures: &Figures) -> Activity {
        let (sales, payments, refunds) = (
            figures.total("sale"),
            figures.total("subscription_payment"),
            figures.total("refund"),
        );
        Activity {
            clicks: figures.total("clicks").n,
            filtered: figures.total("filtered").n,
            leads: figures.total("lead").n,
            sales: sales.n,
            subscription_payments: payments.n,
            refunds: refunds.n,
            revenue: sales.m + payments.m - refunds.m,
            earned: figures.total("earned").m,
        }
    }
}

/// Each partner's activity in the range.
async fn activity<P: Platform>(
    ctx: &Ctx<'_, P>,
    range: &Range,
) -> Result<HashMap<String, Activity>, PlatformError> {
    let partners = figures::partners(ctx.platform, range.from / DAY, range.until / DAY).await?;
    Ok(partners
        .iter()
        .map(|(code, f)| (code.clone(), Activity::of(f)))
        .collect())
}

/// `GET /api/v1/owner/overview?from&to`: totals, by day and by program.
pub async fn overview<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let range = match Range::parse(req, ctx.now) {
        Ok(r) => r,
        Err(message) => return Ok(json_error(StatusCode::BAD_REQUEST, &message)),
    };
    let currency = currency(ctx).await?;
    let whole = figures::program(ctx.platform, range.from / DAY, range.until / DAY).await?;
    let total = Activity::of(&whole);
    let balances = statements::balances(ctx.platform, ctx.now).await?;
    let sum = |f: fn(&Balance) -> i64| balances.iter().map(|(_, b)| f(b)).sum::<i64>();
    let partners = store::partners_by_status(ctx.platform).await?;
    let pending_applications = store::applications::pending_count(ctx.platform).await?;
    let (from, until) = (range.from / DAY, range.until / DAY);
    let daily = figures::daily(ctx.platform, "", from, until).await?;
    let by_day: Vec<Value> = (from..until)
        .map(|day| {
            json!({
                "date": date_of(day * DAY),
                "clicks": daily.on("clicks", day).n,
                "sales": daily.on("sale", day).n,
                "earned": money(daily.on("earned", day).m, currency),
            })
        })
        .collect();
    let by_program = program_rows(ctx, &whole, currency).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "report": "overview",
            "from": date_of(range.from),
            "to": date_of(range.until - DAY),
            "currency": currency.code(),
            "in_range": {
                "clicks": total.clicks,
                "filtered_clicks": total.filtered,
                "leads": total.leads,
                "sales": total.sales,
                "subscription_payments": total.subscription_payments,
                "refunds": total.refunds,
                "revenue": money(total.revenue, currency),
                "earned": money(total.earned, currency),
                "earnings_per_click": money(per_click(total.earned, total.clicks), currency),
            },
            "balances": {
                "payable": money(sum(|b| b.payable), currency),
                "pending": money(sum(|b| b.pending), currency),
                "under_review": money(sum(|b| b.under_review), currency),
                "owed_back": money(sum(|b| b.owed_back), currency),
                "paid_to_date": money(sum(|b| b.paid), currency),
                "earned_to_date": money(sum(|b| b.earned), currency),
            },
            "partners": partners,
            "pending_applications": pending_applications,
            "by_day": by_day,
            "by_program": by_program,
        }),
    ))
}

async fn program_rows<P: Platform>(
    ctx: &Ctx<'_, P>,
    whole: &Figures,
    currency: pc_core::Currency,
) -> Result<Vec<Value>, PlatformError> {
    Ok(store::programs(ctx.platform)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let sales = whole.get("sale", "program", &id);
            json!({
                "program": id, "name": name,
                "clicks": whole.get("clicks", "program", &id).n,
                "sales": sales.n,
                "sales_amount": money(sales.m, currency),
                "earned": money(whole.get("commission", "program", &id).m, currency),
            })
        })
        .collect())
}

const PARTNER_COLUMNS: &[&str] = &[
    "partner",
    "name",
    "email",
    "status",
    "clicks",
    "leads",
    "sales",
    "revenue",
    "earned",
    "epc",
    "payable",
    "pending",
    "paid_to_date",
    "balance",
];

/// `GET /api/v1/owner/partners?from&to&q&sort&dir[&format=csv]`: one row per partner, with
/// the range's activity and today's balance. `q` matches code, name or e-mail; `sort` is any
/// column (default: earned, highest first).
pub async fn partners<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let range = match Range::parse(req, ctx.now) {
        Ok(r) => r,
        Err(message) => return Ok(json_error(StatusCode::BAD_REQUEST, &message)),
    };
    let q = query(req);
    let search = field(&q, "q").unwrap_or("").trim().to_lowercase();
    let sort = field(&q, "sort").unwrap_or("earned");
    let Some(sort_at) = PARTNER_COLUMNS.iter().position(|c| *c == sort) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            &format!("`sort` is one of: {}", PARTNER_COLUMNS.join(", ")),
        ));
    };
    let descending = match field(&q, "dir") {
        None | Some("") => !matches!(sort, "partner" | "name" | "email" | "status"),
        Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Ok(json_error(StatusCode::BAD_REQUEST, "`dir` is asc or desc")),
    };
    let currency = currency(ctx).await?;
    let activity = activity(ctx, &range).await?;
    let balances: HashMap<String, Balance> = statements::balances(ctx.platform, ctx.now)
        .await?
        .into_iter()
        .collect();
    let mut people: Vec<_> = store::partner_contacts(ctx.platform)
        .await?
        .into_iter()
        .filter(|p| p.status != "removed")
        .collect();
    people.sort_by(|a, b| a.code.cmp(&b.code));
    // Each row with its sort key (minor units or counts; text for the text columns).
    let mut found: Vec<(Value, Vec<Value>)> = Vec::new();
    for person in people {
        let (code, name, email) = (person.code, person.name, person.email);
        if !search.is_empty()
            && ![&code, &name, &email]
                .iter()
                .any(|t| t.to_lowercase().contains(&search))
        {
            continue;
        }
        let a = activity.get(&code).copied().unwrap_or_default();
        let b = balances.get(&code).copied().unwrap_or_default();
        let epc = per_click(a.earned, a.clicks);
        let numbers = [
            a.clicks, a.leads, a.sales, a.revenue, a.earned, epc, b.payable, b.pending, b.paid,
            b.balance,
        ];
        let mut row: Vec<Value> = vec![
            code.into(),
            name.into(),
            email.into(),
            person.status.into(),
            a.clicks.into(),
            a.leads.into(),
            a.sales.into(),
        ];
        row.extend(
            numbers[3..]
                .iter()
                .map(|m| Value::from(money(*m, currency))),
        );
        let key = match sort_at {
            0..4 => Value::from(row[sort_at].as_str().unwrap_or("").to_lowercase()),
            _ => Value::from(numbers[sort_at - 4]),
        };
        found.push((key, row));
    }
    found.sort_by(|(a, ra), (b, rb)| {
        let order = match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.as_str().unwrap_or("").cmp(b.as_str().unwrap_or("")),
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| ra[0].as_str().cmp(&rb[0].as_str()))
    });
    let total_rows = found.len() as i64;
    let rows: Vec<Vec<Value>> = if range.csv {
        found.into_iter().map(|(_, r)| r).collect()
    } else {
        found
            .into_iter()
            .skip(usize::try_from(range.offset()).unwrap_or(0))
            .take(usize::try_from(range.per_page).unwrap_or(100))
            .map(|(_, r)| r)
            .collect()
    };
    let table = Table {
        columns: PARTNER_COLUMNS,
        rows,
        total_rows,
        totals: json!({}),
    };
    Ok(respond("partners", &range, currency, table))
}
