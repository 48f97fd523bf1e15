//! Reports for the signed-in partner (`GET /api/v1/me/<report>`) and the owner's payable
//! balances (`GET /api/v1/owner/payable`), as JSON or `?format=csv`.
//!
//! Every query is scoped by the partner code from the session; no parameter can change it.

use http::{HeaderValue, StatusCode, header};
use pc_core::{Currency, Money};
use serde_json::{Map, Value, json};

use super::Ctx;
use super::ledger;
use crate::http_util::{self, field, json as json_response, json_error, query};
use crate::platform::{Platform, PlatformError, Row, SqlValue, Statement};
use crate::{Request, Response};

const DAY: i64 = 86_400;
/// Without `from`/`to`, reports cover the last 30 days.
const DEFAULT_DAYS: i64 = 30;
pub const MAX_PER_PAGE: i64 = 500;
/// Rows in one CSV download.
pub const MAX_CSV_ROWS: i64 = 100_000;

/// The reports a partner can ask for.
pub const REPORTS: &[&str] = &[
    "summary",
    "commissions",
    "leads",
    "sales",
    "clicks",
    "ledger",
];

/// A validated request: date range (inclusive days, UTC), page, format.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: i64,
    /// Exclusive end (the day after `to`).
    pub until: i64,
    pub page: i64,
    pub per_page: i64,
    pub csv: bool,
}

fn parse_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

pub fn date_of(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map_or_else(|_| String::new(), |d| d.date().to_string())
}

impl Range {
    pub fn parse(req: &Request, now: i64) -> Result<Range, String> {
        let q = query(req);
        let today = now - now.rem_euclid(DAY);
        let to = match field(&q, "to").filter(|v| !v.is_empty()) {
            Some(v) => parse_date(v)
                .ok_or_else(|| format!("`to` must be a date like 2026-11-24, not {v:?}"))?,
            None => today,
        };
        let from = match field(&q, "from").filter(|v| !v.is_empty()) {
            Some(v) => parse_date(v)
                .ok_or_else(|| format!("`from` must be a date like 2026-11-01, not {v:?}"))?,
            None => to - (DEFAULT_DAYS - 1) * DAY,
        };
        if from > to {
            return Err("`from` is after `to`".into());
        }
        if to - from > 3 * 366 * DAY {
            return Err("a report covers at most three years".into());
        }
        let number = |name: &str, default: i64| -> Result<i64, String> {
            field(&q, name).map_or(Ok(default), |v| {
                v.parse::<i64>()
                    .map_err(|_| format!("`{name}` must be a whole number"))
            })
        };
        let page = number("page", 1)?;
        let per_page = number("per_page", 100)?;
        if page < 1 || !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(format!(
                "`page` starts at 1; `per_page` is 1 to {MAX_PER_PAGE}"
            ));
        }
        let csv = match field(&q, "format") {
            None | Some("json") => false,
            Some("csv") => true,
            Some(other) => return Err(format!("`format` is json or csv, not {other:?}")),
        };
        Ok(Range {
            from,
            until: to + DAY,
            page,
            per_page,
            csv,
        })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

pub async fn rows<P: Platform>(
    ctx: &Ctx<'_, P>,
    sql: &'static str,
    params: Vec<SqlValue>,
) -> Result<Vec<Row>, PlatformError> {
    ctx.platform.query(Statement::new(sql, params)).await
}

pub fn int(row: &Row, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

pub fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub async fn currency<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Currency, PlatformError> {
    let found = rows(
        ctx,
        "SELECT currency FROM programs ORDER BY priority LIMIT 1",
        vec![],
    )
    .await?;
    Ok(found
        .first()
        .and_then(|r| Currency::parse(&text(r, "currency")).ok())
        .unwrap_or_else(|| Currency::parse("USD").expect("USD is known")))
}

pub fn money(minor: i64, currency: Currency) -> String {
    Money::from_minor(minor, currency).decimal_string()
}

/// A report's rows in one shape for JSON and CSV.
#[derive(Debug)]
pub struct Table {
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Value>>,
    pub total_rows: i64,
    pub totals: Value,
}

pub fn respond(report: &str, range: &Range, currency: Currency, table: Table) -> Response {
    if range.csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(table.columns);
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect();
            let _ = writer.write_record(&cells);
        }
        let body = writer.into_inner().unwrap_or_default();
        let mut response = http_util::text(StatusCode::OK, "");
        *response.body_mut() = body;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let name = format!(
            "attachment; filename=\"{report}-{}-to-{}.csv\"",
            date_of(range.from),
            date_of(range.until - DAY)
        );
        if let Ok(v) = HeaderValue::from_str(&name) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
        return response;
    }
    let rows: Vec<Value> = table
        .rows
        .into_iter()
        .map(|cells| {
            let map: Map<String, Value> = table
                .columns
                .iter()
                .map(|c| (*c).to_owned())
                .zip(cells)
                .collect();
            Value::Object(map)
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "report": report,
            "from": date_of(range.from),
            "to": date_of(range.until - DAY),
            "currency": currency.code(),
            "page": range.page,
            "per_page": range.per_page,
            "total_rows": table.total_rows,
            "columns": table.columns,
            "rows": rows,
            "totals": table.totals,
        }),
    )
}

/// `GET /api/v1/me/<report>` for `code`.
pub async fn report<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
    name: &str,
) -> Result<Response, PlatformError> {
    let range = match Range::parse(req, ctx.now) {
        Ok(r) => r,
        Err(message) => return Ok(json_error(StatusCode::BAD_REQUEST, &message)),
    };
    let currency = currency(ctx).await?;
    let table = match name {
        "summary" => return summary(ctx, code, &range, currency).await,
        "commissions" => ledger::commissions(ctx, code, &range, currency).await?,
        "leads" => leads(ctx, code, &range, currency).await?,
        "sales" => sales(ctx, code, &range, currency).await?,
        "clicks" => clicks(ctx, code, &range).await?,
        "ledger" => ledger::ledger_report(ctx, code, &range, currency).await?,
        _ => return Ok(json_error(StatusCode::NOT_FOUND, "no such report")),
    };
    Ok(respond(name, &range, currency, table))
}

fn scope(code: &str, range: &Range) -> Vec<SqlValue> {
    vec![code.into(), range.from.into(), range.until.into()]
}

fn paged(code: &str, range: &Range) -> Vec<SqlValue> {
    let mut p = scope(code, range);
    p.push(range.per_page.into());
    p.push(range.offset().into());
    p
}

async fn leads<P: Platform>(
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

async fn sales<P: Platform>(
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

async fn clicks<P: Platform>(
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

async fn summary<P: Platform>(
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
    let breakdown = |column: &'static str| async move {
        let sql = if column == "slug" {
            "SELECT slug AS key, count(*) AS clicks FROM clicks WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY slug"
        } else {
            "SELECT coalesce(sub, '') AS key, count(*) AS clicks FROM clicks WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY key"
        };
        let events_sql = if column == "slug" {
            "SELECT coalesce(slug, '') AS key, type, count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? AND occurred_at < ? \
             AND type IN ('lead', 'sale') AND click_id IS NOT NULL GROUP BY key, type"
        } else {
            "SELECT coalesce(sub, '') AS key, type, count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? AND occurred_at < ? \
             AND type IN ('lead', 'sale') AND click_id IS NOT NULL GROUP BY key, type"
        };
        let clicks = rows(ctx, sql, scope(code, range)).await?;
        let events = rows(ctx, events_sql, scope(code, range)).await?;
        let mut keys: Vec<String> = clicks
            .iter()
            .map(|r| text(r, "key"))
            .chain(events.iter().map(|r| text(r, "key")))
            .collect();
        keys.sort();
        keys.dedup();
        Ok::<Vec<Value>, PlatformError>(
            keys.into_iter()
                .map(|k| {
                    let c = clicks
                        .iter()
                        .find(|r| text(r, "key") == k)
                        .map_or(0, |r| int(r, "clicks"));
                    let n = |t: &str| {
                        events
                            .iter()
                            .find(|r| text(r, "key") == k && text(r, "type") == t)
                            .map_or(0, |r| int(r, "n"))
                    };
                    json!({ "key": k, "clicks": c, "leads": n("lead"), "sales": n("sale") })
                })
                .collect(),
        )
    };
    let by_link = breakdown("slug").await?;
    let by_sub = breakdown("sub").await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn req(q: &str) -> Request {
        http::Request::builder()
            .uri(format!("https://p.example/api/v1/me/sales?{q}"))
            .body(Vec::new())
            .unwrap()
    }

    #[test]
    fn ranges_default_to_the_last_30_days_and_refuse_nonsense() {
        let now = 1_795_996_800 + 3600; // 2026-11-30 01:00 UTC
        let r = Range::parse(&req(""), now).unwrap();
        assert_eq!(date_of(r.from), "2026-11-01");
        assert_eq!(date_of(r.until), "2026-12-01");
        let r = Range::parse(
            &req("from=2026-11-24&to=2026-11-24&format=csv&page=2&per_page=10"),
            now,
        )
        .unwrap();
        assert_eq!((r.until - r.from, r.csv, r.offset()), (DAY, true, 10));
        for bad in [
            "from=yesterday",
            "from=2026-12-01&to=2026-11-01",
            "per_page=0",
            "per_page=501",
            "page=0",
            "format=xml",
            "from=2020-01-01&to=2026-01-01",
        ] {
            assert!(Range::parse(&req(bad), now).is_err(), "{bad}");
        }
    }
}
