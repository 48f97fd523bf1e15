//! Two-step sign-in for partners (the rules are `pc_core::two_factor`'s): turning it on from
//! My Profile (`settings`), the code step after the password at sign-in (`sign_in`), and the
//! fresh code that changing the e-mail address or the payout details needs (here). Every code is
//! accepted once.

mod settings;
mod sign_in;

use http::StatusCode;
use pc_core::two_factor::{self as rules, CodeError, TotpSecret};
use serde::Deserialize;

use super::Ctx;
use crate::Response;
use crate::http_util::{self, json, json_error};
use crate::platform::{Platform, PlatformError};
use crate::store;

pub use settings::api;
pub use sign_in::{ask_for_code, code_form, login_code};

/// Checks `input` (a six-digit code or a recovery code) for `partner` and uses it up.
pub async fn verify<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
    input: &str,
) -> Result<Result<(), CodeError>, PlatformError> {
    let Some(setting) = store::two_factor(ctx.platform, partner).await? else {
        return Ok(Err(CodeError::Wrong));
    };
    if setting.enabled_at.is_none() {
        return Ok(Err(CodeError::Wrong));
    }
    let digits = input.chars().filter(|c| !c.is_whitespace()).count() == 6
        && input
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace());
    if !digits {
        // A recovery code, once.
        let Some(hash) = rules::recovery_hash(input) else {
            return Ok(Err(CodeError::Malformed));
        };
        let used = ctx
            .platform
            .execute(store::use_recovery_code(partner, &hash, ctx.now))
            .await?;
        return Ok(if used == 1 {
            Ok(())
        } else {
            Err(CodeError::Wrong)
        });
    }
    let Some(secret) = TotpSecret::from_base32(&setting.secret) else {
        return Err(PlatformError(format!(
            "the two-step secret of {partner} is unreadable"
        )));
    };
    let step = match secret.accept(input, ctx.now, setting.last_step) {
        Ok(step) => step,
        Err(e) => return Ok(Err(e)),
    };
    let recorded = ctx
        .platform
        .execute(store::two_factor_use_step(partner, step))
        .await?;
    Ok(if recorded == 1 {
        Ok(())
    } else {
        Err(CodeError::Reused)
    })
}

/// For a change that needs a fresh code (e-mail address, payout details): `None` when the
/// partner has two-step sign-in off or `code` is right (and now used); else the 403 to send.
pub async fn step_up<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
    enabled: bool,
    code: Option<&str>,
    what: &str,
) -> Result<Option<Response>, PlatformError> {
    if !enabled {
        return Ok(None);
    }
    let message = match code.filter(|c| !c.trim().is_empty()) {
        None => format!("enter a code from your authenticator app to change {what}"),
        Some(code) => match verify(ctx, partner, code).await? {
            Ok(()) => return Ok(None),
            Err(e) => format!("{e}: enter a new code from your authenticator app to change {what}"),
        },
    };
    Ok(Some(json(
        StatusCode::FORBIDDEN,
        &serde_json::json!({ "error": message, "field": "two_factor_code", "two_factor_required": true }),
    )))
}

/// Whether the owner requires two-step sign-in of every partner (`site.yaml`).
pub async fn required<P: Platform>(ctx: &Ctx<'_, P>) -> Result<bool, PlatformError> {
    #[derive(Deserialize)]
    struct Site {
        #[serde(default)]
        require_two_factor: bool,
    }
    Ok(ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str::<Site>(&v).ok())
        .is_some_and(|s| s.require_two_factor))
}

/// For the partner's data (reports, the ledger): `Some(403)` while the owner requires
/// two-step sign-in and the partner has not turned it on yet.
pub async fn unenrolled<P: Platform>(
    ctx: &Ctx<'_, P>,
    auth: &store::PartnerAuth,
) -> Result<Option<Response>, PlatformError> {
    Ok((!auth.has_two_factor() && required(ctx).await?).then(|| {
        json_error(
            StatusCode::FORBIDDEN,
            "turn on two-step sign-in in My Profile first: the partner program requires it",
        )
    }))
}

/// Where a portal page sends a partner who must turn on two-step sign-in first.
pub fn to_enrolment() -> Response {
    http_util::see_other("/portal/profile/?status=twofactorneeded#two-factor")
}
