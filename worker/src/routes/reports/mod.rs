//! Reports for the signed-in partner (`GET /api/v1/me/<report>`), as JSON or `?format=csv`,
//! one module per kind: [`summary`], [`lists`] (leads, sales, clicks); the ledger's reports
//! are in [`ledger`].
//!
//! Every query is scoped by the partner code from the session; no parameter can change it.

pub mod analytics;
pub mod ledger;
mod lists;
mod range;
mod summary;
mod table;
mod test_lines;

use http::StatusCode;

pub use range::{Range, date_of};
pub use table::{Table, csv_download, currency, money, respond};

use super::Ctx;
use crate::http_util::json_error;
use crate::platform::{Platform, PlatformError};
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
    "test",
];

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
        "summary" => return summary::summary(ctx, code, &range, currency).await,
        "test" => return test_lines::lines(ctx, code, currency).await,
        "commissions" => ledger::commissions(ctx, code, &range, currency).await?,
        "leads" => lists::leads(ctx, code, &range, currency).await?,
        "sales" => lists::sales(ctx, code, &range, currency).await?,
        "clicks" => lists::clicks(ctx, code, &range).await?,
        "ledger" => ledger::ledger_report(ctx, code, &range, currency).await?,
        _ => return Ok(json_error(StatusCode::NOT_FOUND, "no such report")),
    };
    Ok(respond(name, &range, currency, table))
}
