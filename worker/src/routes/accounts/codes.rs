//! Checking a two-step code (a six-digit code from the app, or a recovery code) for an account,
//! and using it up: for the code step of sign-in and for re-authentication. Every code is
//! accepted once.

use pc_core::two_factor::{self as rules, CodeError, TotpSecret};

use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store;

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
