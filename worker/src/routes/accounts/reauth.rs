//! Re-authentication before anything that takes an account over: a new e-mail address,
//! two-step sign-in turned on or off, new recovery codes, new payout details. Each needs the
//! current password in the request, and a fresh code when two-step sign-in is on; a session
//! alone (a shared computer, a stolen cookie) is never enough. Every check counts against the
//! same limit as sign-in ([`count_attempt`]), so a stolen session cannot guess the password here.

use http::StatusCode;

use super::{Checked, check_password, codes};
use crate::http_util::json;
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::{Account, AccountAuth};
use crate::{Request, Response};

/// What the account's holder typed to prove it is them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Proof<'a> {
    pub password: Option<&'a str>,
    pub two_factor_code: Option<&'a str>,
}

/// `None` when `proof` holds for `account` (its password, and a code when two-step sign-in is
/// on); else the refusal to send (403 with the field to fill in, or 429 over the limit).
/// `what` ends "enter your current password to change …".
pub async fn confirm<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
    auth: &AccountAuth,
    proof: Proof<'_>,
    what: &str,
) -> Result<Option<Response>, PlatformError> {
    let refusal = |field: &str, message: String| {
        Some(json(
            StatusCode::FORBIDDEN,
            &serde_json::json!({
                "error": message,
                "field": field,
                "two_factor_required": field == "two_factor_code",
            }),
        ))
    };
    let Some(password) = proof.password.filter(|p| !p.is_empty()) else {
        return Ok(refusal(
            "password",
            format!("enter your current password to change {what}"),
        ));
    };
    let limited = || {
        Some(json(
            StatusCode::TOO_MANY_REQUESTS,
            &serde_json::json!({ "error": "too many attempts; wait a few minutes" }),
        ))
    };
    match check_password(ctx, req, &account.limit_key(), Some(account), password).await? {
        Checked::Limited => return Ok(limited()),
        Checked::Wrong(_) => {
            return Ok(refusal(
                "password",
                format!("that password is not right: enter your current password to change {what}"),
            ));
        }
        Checked::Right(_) => {}
    }
    if auth.two_factor {
        let Some(input) = proof.two_factor_code.filter(|c| !c.trim().is_empty()) else {
            return Ok(refusal(
                "two_factor_code",
                format!("enter a code from your authenticator app to change {what}"),
            ));
        };
        // The code is a second check, counted on its own.
        let Some(attempts) = super::count_attempt(ctx, req, &account.limit_key()).await? else {
            return Ok(limited());
        };
        if let Err(e) = codes::verify(ctx, &account.key(), input).await? {
            return Ok(refusal(
                "two_factor_code",
                format!("{e}: enter a new code from your authenticator app to change {what}"),
            ));
        }
        attempts.succeeded(ctx.platform).await?;
    }
    Ok(None)
}
