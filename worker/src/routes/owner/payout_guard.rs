//! An admin's answers to a partner's payout changes: cancel a change that has not applied yet
//! (`POST /api/v1/owner/partners/<code>/payout-changes/<id>/cancel`) and lift the freeze that
//! "this wasn't me" put on the partner's payout details (`POST …/<code>/unfreeze`). Both are in
//! the activity log.

use http::StatusCode;
use pc_core::PartnerCode;

use super::{Need, access, audit};
use crate::http_util::json_error;
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::payouts;
use crate::{Request, Response};

/// `POST /api/v1/owner/partners/<rest>`: the actions above.
pub async fn partner_action<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    rest: &str,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let (code, action) = match parts.as_slice() {
        [code, "unfreeze"] => (*code, None),
        [code, "payout-changes", id, "cancel"] => match id.parse::<i64>() {
            Ok(id) => (*code, Some(id)),
            Err(_) => return Ok(json_error(StatusCode::NOT_FOUND, "no such payout change")),
        },
        _ => return Ok(json_error(StatusCode::NOT_FOUND, "no such API route")),
    };
    let Ok(code) = PartnerCode::parse(code) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such partner"));
    };
    let code = code.as_str();
    let (statement, done, nothing) = match action {
        Some(id) => (
            payouts::cancel_pending(code, id, &format!("owner {}", who.who()), ctx.now),
            "cancelled a payout change",
            "that change is not pending any more (it applied or was cancelled)",
        ),
        None => (
            payouts::lift_freeze(code),
            "lifted the payout freeze",
            "the partner's payout details are not frozen",
        ),
    };
    if ctx.platform.execute(statement).await? != 1 {
        return Ok(json_error(StatusCode::CONFLICT, nothing));
    }
    ctx.platform
        .execute(audit(who.who(), done, Some(code), ctx.now))
        .await?;
    super::console::partner(ctx, req, code).await
}
