//! Two-step sign-in for both kinds of account (the rules are `pc_core::two_factor`'s): the
//! setting in My Profile and on the owner's account page (`settings`), and checking a code (here)
//! for the code step of sign-in ([`crate::routes::accounts`]) and re-authentication. Every code
//! is accepted once.

mod settings;

use http::StatusCode;
use pc_core::two_factor::{self as rules, CodeError, TotpSecret};
use serde::Deserialize;

use super::Ctx;
use crate::Response;
use crate::http_util::{self, json_error};
use crate::platform::{Platform, PlatformError};
use crate::store;

pub use settings::api;

/// Checks `input` (a six-digit code or a recovery code) for the account with key `account`
/// ([`store::Account::key`]) and uses it up.
pub async fn verify<P: Platform>(
    ctx: &Ctx<'_, P>,
    account: &str,
    input: &str,
) -> Result<Result<(), CodeError>, PlatformError> {
    let Some(setting) = store::two_factor(ctx.platform, account).await? else {
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
            .execute(store::use_recovery_code(account, &hash, ctx.now))
            .await?;
        return Ok(if used == 1 {
            Ok(())
        } else {
            Err(CodeError::Wrong)
        });
    }
    let Some(secret) = TotpSecret::from_base32(&setting.secret) else {
        return Err(PlatformError(format!(
            "the two-step secret of {account} is unreadable"
        )));
    };
    let step = match secret.accept(input, ctx.now, setting.last_step) {
        Ok(step) => step,
        Err(e) => return Ok(Err(e)),
    };
    let recorded = ctx
        .platform
        .execute(store::two_factor_use_step(account, step))
        .await?;
    Ok(if recorded == 1 {
        Ok(())
    } else {
        Err(CodeError::Reused)
    })
}

/// Whether two-step sign-in is required of `account`: of every partner by `site.yaml`, of an
/// owner by `owners.yaml`.
pub async fn required_of<P: Platform>(
    ctx: &Ctx<'_, P>,
    account: &store::Account,
) -> Result<bool, PlatformError> {
    match account {
        store::Account::Partner(_) => required(ctx).await,
        store::Account::Owner(email) => {
            store::accounts::owner_two_factor_required(ctx.platform, email).await
        }
    }
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
