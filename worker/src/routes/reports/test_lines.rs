//! `GET /api/v1/me/test`: the partner's test lines, what test conversions from the owner's
//! store (its test mode) would have earned them. Shown apart from every figure; never payable.

use pc_core::Currency;
use serde_json::json;

use super::{date_of, money};
use crate::Response;
use crate::http_util::json as json_response;
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::test_book;

pub(super) async fn lines<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    currency: Currency,
) -> Result<Response, PlatformError> {
    let lines: Vec<_> = test_book::partner_lines(ctx.platform, code)
        .await?
        .into_iter()
        .map(|l| {
            json!({
                "id": l.id,
                "date": date_of(l.occurred_at),
                "kind": l.kind,
                "conversion": l.conversion,
                "order": l.order_id,
                "program": l.program,
                "level": l.level,
                "rule": l.rule,
                "base": l.base_minor.map(|m| money(m, currency)),
                "amount": money(l.amount_minor, currency),
            })
        })
        .collect();
    Ok(json_response(
        http::StatusCode::OK,
        &json!({ "currency": currency.code(), "lines": lines }),
    ))
}
