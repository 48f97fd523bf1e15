//! Lead Tracking, Sales and Clicks: a partner's rows in a date range, paged.

use pc_core::Currency;
use serde_json::json;

use super::{DAY, Range, Table, date_of, int, money, paged, rows, text};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::figures::{self, Figures, Source};

pub(super) async fn leads<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let found = rows(
        ctx,
        "SELECT e.occurred_at AS occurred_at, e.customer_label AS customer, e.slug AS slug, e.sub AS sub, \
         (SELECT coalesce(sum(l.amount_minor), 0) FROM ledger l WHERE l.event_id = e.id AND l.partner = e.partner) AS commission \
         FROM events e WHERE e.partner = ? AND e.type = 'lead' AND e.occurred_at >= ? AND e.occurred_at < ? \
         ORDER BY e.occurred_at DESC, e.id LIMIT ? OFFSET ?",
        paged(code, range),
    )
    .await?;
    let total = event_totals(ctx, code, range).await?.total("lead").n;
    Ok(Table {
        columns: &["date", "lead", "link", "sub_id", "commission"],
        rows: found
            .iter()
            .map(|r| {
                vec![
                    date_of(int(r, "occurred_at")).into(),
                    text(r, "customer").into(),
                    text(r, "slug").into(),
                    text(r, "sub").into(),
                    money(int(r, "commission"), currency).into(),
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
    let found = rows(
        ctx,
        "SELECT e.occurred_at AS occurred_at, e.type AS type, e.order_id AS order_id, e.product AS product, \
         e.slug AS slug, e.sub AS sub, e.customer_label AS customer, e.amount_minor AS amount, \
         (SELECT coalesce(sum(l.amount_minor), 0) FROM ledger l WHERE l.event_id = e.id AND l.partner = e.partner) AS commission \
         FROM events e WHERE e.partner = ? AND e.type IN ('sale', 'subscription_payment') AND e.occurred_at >= ? AND e.occurred_at < ? \
         ORDER BY e.occurred_at DESC, e.id LIMIT ? OFFSET ?",
        paged(code, range),
    )
    .await?;
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
                    date_of(int(r, "occurred_at")).into(),
                    text(r, "type").into(),
                    text(r, "order_id").into(),
                    text(r, "product").into(),
                    text(r, "customer").into(),
                    text(r, "slug").into(),
                    text(r, "sub").into(),
                    money(int(r, "amount"), currency).into(),
                    money(int(r, "commission"), currency).into(),
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
    let (groups, total_rows, clicks) = figures::click_groups(
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
        total_rows,
        totals: json!({ "clicks": clicks }),
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
