//! A new password from My Profile (partners) or the account page (owners):
//! `POST /api/v1/me/password` and `POST /api/v1/owner/me/password`
//! `{"current": "…", "password": "…", "confirm": "…", "two_factor_code": "…"}`. The current
//! password (and a code when two-step sign-in is on) first, as for every change that could take
//! an account over; then every other session ends, this browser stays signed in, and the
//! account's address is told (a partner's with the "this wasn't me" link).

use http::StatusCode;
use pc_core::AccountChange;
use serde::Deserialize;

use super::reauth::{self, Proof};
use super::{hash_password, remembered, session_cookie, tell_change};
use crate::http_util::{json, json_error, set_cookie};
use crate::platform::{Platform, PlatformError};
use crate::routes::{Ctx, Notice};
use crate::store::{self, Account};
use crate::{Request, Response};

#[derive(Debug, Deserialize)]
struct Form {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    two_factor_code: Option<String>,
}

pub async fn change_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
) -> Result<Response, PlatformError> {
    let Ok(form) = serde_json::from_slice::<Form>(req.body()) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "send {\"current\", \"password\", \"confirm\"}",
        ));
    };
    let Some(auth) = store::accounts::auth(ctx.platform, account).await? else {
        return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
    };
    let proof = Proof {
        password: Some(&form.current),
        two_factor_code: form.two_factor_code.as_deref(),
    };
    if let Some(refused) = reauth::confirm(ctx, req, account, &auth, proof, "your password").await?
    {
        return Ok(refused);
    }
    let weak = pc_core::password::check_new_password(&form.password).is_err();
    let problem = if weak {
        Some(Notice::Weak)
    } else if form.confirm != form.password {
        Some(Notice::Mismatch)
    } else {
        None
    };
    if let Some(notice) = problem {
        return Ok(json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &serde_json::json!({ "error": notice.text().0, "field": "password" }),
        ));
    }
    let phc = hash_password(ctx, &form.password).await?;
    ctx.platform
        .execute(store::accounts::set_password(account, &phc, ctx.now))
        .await?;
    let Some(changed) = store::accounts::auth(ctx.platform, account).await? else {
        return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
    };
    tell_change(ctx, req, account, &auth, AccountChange::Password, "").await?;
    // Every other session ended with the new version; this browser keeps going.
    let mut response = json(StatusCode::OK, &serde_json::json!({ "changed": true }));
    set_cookie(
        &mut response,
        &session_cookie(ctx, account, changed.session_version, remembered(ctx, req)),
    );
    Ok(response)
}
