//! The summary: balances (from the ledger), counts and earnings in the range, per day, per
//! program, per link and per sub-id.

use http::StatusCode;
use pc_core::Currency;
use serde_json::{Value, json};

use super::ledger;
use super::{DAY, Range, Table, analytics, date_of, money, respond};
use crate::Response;
use crate::http_util::json as json_response;
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::{self, figures, figures::Source};

pub(super) async fn summary<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Response, PlatformError> {
    let position = ledger::statement(ctx, code).await?;
    let (from, until) = (range.from / DAY, range.until / DAY);
    let figures = figures::partner(ctx.platform, code, from, until, &Source::ALL).await?;
    let daily = figures::daily(ctx.platform, code, from, until).await?;
    let names = store::program_names(ctx.platform).await?;
    let days: Vec<Value> = (from..until)
        .map(|day| {
            json!({
                "date": date_of(day * DAY),
                "clicks": daily.on("clicks", day).n,
                "leads": daily.on("lead", day).n,
                "sales": daily.on("sale", day).n,
                "earned": money(daily.on("earned", day).m, currency),
            })
        })
        .collect();
    let mut by_program: Vec<(&str, i64)> = figures
        .keyed("commission", "program")
        .map(|(program, f)| (program, f.m))
        .collect();
    by_program.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let clicks = figures.total("clicks");
    let sales = figures.total("sale").n;
    let sales_from_clicks = figures.total("sale_from_click").n;
    let audience = analytics::audience(&figures);
    let mut body = json!({
        "report": "summary",
        "from": date_of(range.from),
        "to": date_of(range.until - DAY),
        "currency": currency.code(),
        "in_range": {
            "earned": money(figures.total("earned").m, currency),
            "clicks": clicks.n,
            // A visitor is counted once a day (their address is hashed with a daily key).
            "unique_visitors": clicks.m,
            "leads": figures.total("lead").n,
            "sales": sales,
            "subscription_payments": figures.total("subscription_payment").n,
            "refunds": figures.total("refund").n,
            // Sales that came through a click, per click, in percent.
            "conversion_rate": if clicks.n > 0 { (sales_from_clicks as f64 / clicks.n as f64 * 10_000.0).round() / 100.0 } else { 0.0 },
        },
        "by_day": days,
        "by_program": by_program.iter().map(|(program, earned)| json!({
            "program": program,
            "name": names.get(*program).map_or(*program, String::as_str),
            "earned": money(*earned, currency),
        })).collect::<Vec<_>>(),
        "by_link": analytics::by_key(&figures, currency, "link"),
        "by_sub_id": analytics::by_key(&figures, currency, "sub"),
        "by_country": audience["by_country"],
        "by_device": audience["by_device"],
        "by_referrer": audience["by_referrer"],
        "filtered_clicks": analytics::filtered(&figures),
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
