//! Lead Tracking, Sales and Clicks: a partner's rows in a date range, paged.

use pc_core::Currency;
use serde_json::json;

use super::{DAY, Range, Table, date_of, money};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::figures::{self, Figures, Source};
use crate::store::reports::{ConversionRow, Conversions, conversions};

/// A text column's value: the text, or empty.
fn text(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

/// The range's page of a partner's conversions.
async fn page<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    kind: Conversions,
) -> Result<Vec<ConversionRow>, PlatformError> {
    conversions(
        ctx.platform,
        code,
        kind,
        (range.from, range.until),
        (range.per_page, range.offset()),
    )
    .await
}

pub(super) async fn leads<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let found = page(ctx, code, range, Conversions::Leads).await?;
    let total = event_totals(ctx, code, range).await?.total("lead").n;
    Ok(Table {
        columns: &["date", "lead", "link", "sub_id", "commission"],
        rows: found
            .iter()
            .map(|r| {
                vec![
                    date_of(r.occurred_at).into(),
                    text(r.customer.as_ref()).into(),
                    text(r.slug.as_ref()).into(),
                    text(r.sub.as_ref()).into(),
                    money(r.commission, currency).into(),
                ]
            })
            .collect(),
        total_rows: total,
        totals: json!({}),
    })
}

pub(super) async fn sales<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let found = page(ctx, code, range, Conversions::Sales).await?;
    let events = event_totals(ctx, code, range).await?;
    let (sales, payments) = (events.total("sale"), events.total("subscription_payment"));
    Ok(Table {
        columns: &[
            "date",
            "type",
            "order",
            "product",
            "customer",
            "link",
            "sub_id",
            "amount",
            "commission",
        ],
        rows: found
            .iter()
            .map(|r| {
                vec![
                    date_of(r.occurred_at).into(),
                    r.kind.clone().into(),
                    text(r.order_id.as_ref()).into(),
                    text(r.product.as_ref()).into(),
                    text(r.customer.as_ref()).into(),
                    text(r.slug.as_ref()).into(),
                    text(r.sub.as_ref()).into(),
                    money(r.amount.unwrap_or(0), currency).into(),
                    money(r.commission, currency).into(),
                ]
            })
            .collect(),
        total_rows: sales.n + payments.n,
        totals: json!({ "amount": money(sales.m + payments.m, currency) }),
    })
}

pub(super) async fn clicks<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
) -> Result<Table, PlatformError> {
    let groups = figures::click_groups(
        ctx.platform,
        code,
        range.from / DAY,
        range.until / DAY,
        range.per_page,
        range.offset(),
    )
    .await?;
    Ok(Table {
        columns: &["date", "link", "sub_id", "clicks"],
        rows: groups
            .page
            .into_iter()
            .map(|g| {
                vec![
                    date_of(g.day * DAY).into(),
                    g.link.into(),
                    g.sub.into(),
                    g.clicks.into(),
                ]
            })
            .collect(),
        total_rows: groups.rows,
        totals: json!({ "clicks": groups.clicks }),
    })
}

/// The range's events (counts and amounts per type) from the rollups and today's rows.
async fn event_totals<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
) -> Result<Figures, PlatformError> {
    figures::partner(
        ctx.platform,
        code,
        range.from / DAY,
        range.until / DAY,
        &[Source::Events],
    )
    .await
}
