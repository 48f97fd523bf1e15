//! The summary: balances (from the ledger), counts and earnings in the range, per day, per
//! program, per link and per sub-id.

use http::StatusCode;
use pc_core::Currency;
use serde_json::{Value, json};

use super::{DAY, Range, Table, analytics, date_of, int, money, respond, rows, scope, text};
use crate::Response;
use crate::http_util::json as json_response;
use crate::platform::{Platform, PlatformError};
use crate::routes::{Ctx, ledger};

pub(super) async fn summary<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Response, PlatformError> {
    let position = ledger::load(ctx, code).await?.statement;
    let counts = rows(
        ctx,
        "SELECT type, count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? AND occurred_at < ? GROUP BY type",
        scope(code, range),
    )
    .await?;
    let sales_from_clicks = rows(
        ctx,
        "SELECT count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? AND occurred_at < ? \
         AND type = 'sale' AND click_id IS NOT NULL",
        scope(code, range),
    )
    .await?
    .first()
    .map_or(0, |r| int(r, "n"));
    let count_of = |kind: &str| {
        counts
            .iter()
            .find(|r| text(r, "type") == kind)
            .map_or(0, |r| int(r, "n"))
    };
    let clicks_by_day = rows(
        ctx,
        "SELECT created_at / 86400 AS day, count(*) AS n FROM clicks WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY day",
        scope(code, range),
    )
    .await?;
    let earned_by_day = rows(
        ctx,
        "SELECT occurred_at / 86400 AS day, sum(amount_minor) AS amount FROM ledger \
         WHERE partner = ? AND kind IN ('commission', 'clawback', 'adjustment') AND occurred_at >= ? AND occurred_at < ? GROUP BY day",
        scope(code, range),
    )
    .await?;
    let by_program = rows(
        ctx,
        "SELECT l.program AS program, coalesce(p.name, l.program) AS name, sum(l.amount_minor) AS amount FROM ledger l \
         LEFT JOIN programs p ON p.id = l.program WHERE l.partner = ? AND l.kind IN ('commission', 'clawback') \
         AND l.occurred_at >= ? AND l.occurred_at < ? GROUP BY l.program ORDER BY amount DESC",
        scope(code, range),
    )
    .await?;
    let by_link = analytics::by_key(ctx, code, range, currency, true).await?;
    let by_sub = analytics::by_key(ctx, code, range, currency, false).await?;
    let audience = analytics::audience(ctx, code, range).await?;
    let filtered = analytics::filtered(ctx, code, range).await?;
    let visitors = rows(
        ctx,
        "SELECT count(DISTINCT visitor) AS n FROM clicks WHERE partner = ? AND created_at >= ? AND created_at < ?",
        scope(code, range),
    )
    .await?
    .first()
    .map_or(0, |r| int(r, "n"));
    let mut days = Vec::new();
    let mut day = range.from / DAY;
    while day * DAY < range.until {
        let c = clicks_by_day
            .iter()
            .find(|r| int(r, "day") == day)
            .map_or(0, |r| int(r, "n"));
        let e = earned_by_day
            .iter()
            .find(|r| int(r, "day") == day)
            .map_or(0, |r| int(r, "amount"));
        days.push(json!({ "date": date_of(day * DAY), "clicks": c, "earned": money(e, currency) }));
        day += 1;
    }
    let clicks: i64 = clicks_by_day.iter().map(|r| int(r, "n")).sum();
    let sales = count_of("sale");
    let earned_in_range: i64 = earned_by_day.iter().map(|r| int(r, "amount")).sum();
    let mut body = json!({
        "report": "summary",
        "from": date_of(range.from),
        "to": date_of(range.until - DAY),
        "currency": currency.code(),
        "in_range": {
            "earned": money(earned_in_range, currency),
            "clicks": clicks,
            // A visitor is counted once a day (their address is hashed with a daily key).
            "unique_visitors": visitors,
            "leads": count_of("lead"),
            "sales": sales,
            "subscription_payments": count_of("subscription_payment"),
            "refunds": count_of("refund"),
            // Sales that came through a click, per click, in percent.
            "conversion_rate": if clicks > 0 { (sales_from_clicks as f64 / clicks as f64 * 10_000.0).round() / 100.0 } else { 0.0 },
        },
        "by_day": days,
        "by_program": by_program.iter().map(|r| json!({ "program": text(r, "program"), "name": text(r, "name"), "earned": money(int(r, "amount"), currency) })).collect::<Vec<_>>(),
        "by_link": by_link,
        "by_sub_id": by_sub,
        "by_country": audience["by_country"],
        "by_device": audience["by_device"],
        "by_referrer": audience["by_referrer"],
        "filtered_clicks": filtered,
    });
    if let (Value::Object(body), Value::Object(balances)) =
        (&mut body, ledger::balance_json(&position, currency))
    {
        body.extend(balances);
    }
    if range.csv {
        let table = Table {
            columns: &["date", "clicks", "earned"],
            rows: body["by_day"]
                .as_array()
                .map(|d| {
                    d.iter()
                        .map(|r| vec![r["date"].clone(), r["clicks"].clone(), r["earned"].clone()])
                        .collect()
                })
                .unwrap_or_default(),
            total_rows: 0,
            totals: json!({}),
        };
        return Ok(respond("summary", range, currency, table));
    }
    Ok(json_response(StatusCode::OK, &body))
}
