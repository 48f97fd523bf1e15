//! A report's table as JSON or CSV.

use http::{HeaderValue, StatusCode, header};
use pc_core::{Currency, Money};
use serde_json::{Map, Value, json};

use super::{DAY, Range, date_of};
use crate::Response;
use crate::http_util::{self, json as json_response};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;

pub async fn currency<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Currency, PlatformError> {
    crate::store::currency(ctx.platform).await
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

/// A CSV file to download as `name`.
pub fn csv_download(body: Vec<u8>, name: &str) -> Response {
    let mut response = http_util::text(StatusCode::OK, "");
    *response.body_mut() = body;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

pub fn respond(report: &str, range: &Range, currency: Currency, table: Table) -> Response {
    if range.csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(table.columns);
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    // Partners type names, sub-ids and addresses: never a formula for the owner.
                    Value::String(s) => pc_core::csv_cell::cell(s).into_owned(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect();
            let _ = writer.write_record(&cells);
        }
        let name = format!(
            "{report}-{}-to-{}.csv",
            date_of(range.from),
            date_of(range.until - DAY)
        );
        return csv_download(writer.into_inner().unwrap_or_default(), &name);
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
