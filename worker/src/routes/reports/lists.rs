//! Lead Tracking, Sales and Clicks: a partner's rows in a date range, paged.

use pc_core::Currency;
use serde_json::json;

use super::{DAY, Range, Table, date_of, int, money, paged, rows, scope, text};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;

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
    let total = rows(
        ctx,
        "SELECT count(*) AS n FROM events WHERE partner = ? AND type = 'lead' AND occurred_at >= ? AND occurred_at < ?",
        scope(code, range),
    )
    .await?;
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
        total_rows: total.first().map_or(0, |t| int(t, "n")),
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
    let total = rows(
        ctx,
        "SELECT count(*) AS n, coalesce(sum(amount_minor), 0) AS amount FROM events \
         WHERE partner = ? AND type IN ('sale', 'subscription_payment') AND occurred_at >= ? AND occurred_at < ?",
        scope(code, range),
    )
    .await?;
    let t = total.first();
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
        total_rows: t.map_or(0, |t| int(t, "n")),
        totals: json!({ "amount": money(t.map_or(0, |t| int(t, "amount")), currency) }),
    })
}

pub(super) async fn clicks<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
) -> Result<Table, PlatformError> {
    let found = rows(
        ctx,
        "SELECT created_at / 86400 AS day, slug, coalesce(sub, '') AS sub, count(*) AS clicks FROM clicks \
         WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY day, slug, sub \
         ORDER BY day DESC, slug, sub LIMIT ? OFFSET ?",
        paged(code, range),
    )
    .await?;
    let total = rows(
        ctx,
        "SELECT count(*) AS n, coalesce(sum(c), 0) AS clicks FROM (SELECT count(*) AS c FROM clicks \
         WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY created_at / 86400, slug, coalesce(sub, ''))",
        scope(code, range),
    )
    .await?;
    let t = total.first();
    Ok(Table {
        columns: &["date", "link", "sub_id", "clicks"],
        rows: found
            .iter()
            .map(|r| {
                vec![
                    date_of(int(r, "day") * DAY).into(),
                    text(r, "slug").into(),
                    text(r, "sub").into(),
                    int(r, "clicks").into(),
                ]
            })
            .collect(),
        total_rows: t.map_or(0, |t| int(t, "n")),
        totals: json!({ "clicks": t.map_or(0, |t| int(t, "clicks")) }),
    })
}
