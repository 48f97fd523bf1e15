//! `/api/v1/me/two-factor[/…]` (My Profile) and `/api/v1/owner/me/two-factor[/…]` (the owner's
//! account page): the setting. A QR code (SVG) and its key; the first code from the app turns it
//! on and gives ten recovery codes. Setting it up needs the current password; turning it off or
//! new recovery codes need the password and a code. Each change is told to the account's
//! address (a partner's with the "this wasn't me" link; an owner's also in the activity log).

use http::StatusCode;
use pc_core::two_factor::{self as rules, TotpSecret};
use serde::Deserialize;

use pc_core::AccountChange;

use super::required_of;
use crate::http_util::{json, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::accounts::reauth::{self, Proof};
use crate::routes::accounts::tell_change;
use crate::store::{self, Account, Limit};
use crate::{Request, Response};

/// Changes of the setting (turn on, off, new recovery codes) per account and hour.
const CHANGES_PER_HOUR: Limit = Limit {
    max: 20,
    window_seconds: 3600,
};

#[derive(Debug, Default, Deserialize)]
struct CodeInput {
    #[serde(default)]
    code: String,
    /// The current password: turning it on, off, or new recovery codes.
    #[serde(default)]
    password: Option<String>,
}

/// The setting of the signed-in `account`; `action` is empty (read it), `setup`, `enable`,
/// `disable` or `recovery-codes`.
pub async fn api<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
    action: &str,
) -> Result<Response, PlatformError> {
    let key = account.key();
    let setting = store::two_factor(ctx.platform, &key).await?;
    let enabled = setting.as_ref().is_some_and(|s| s.enabled_at.is_some());
    if action.is_empty() {
        return Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "enabled": enabled,
                "recovery_codes_left": setting.as_ref().filter(|_| enabled).map_or(0, |s| s.recovery_left),
                "required": required_of(ctx, account).await?,
            }),
        ));
    }
    if *req.method() != http::Method::POST {
        return Ok(json_error(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }
    if !store::attempt(
        ctx.platform,
        &format!("two-factor:{key}"),
        CHANGES_PER_HOUR,
        ctx.now,
    )
    .await?
    .allowed
    {
        return Ok(json_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many attempts; wait an hour",
        ));
    }
    let input: CodeInput = match serde_json::from_slice(req.body()) {
        Ok(input) => input,
        Err(_) if req.body().is_empty() => CodeInput::default(),
        Err(e) => {
            return Ok(json_error(
                StatusCode::BAD_REQUEST,
                &format!("send {{\"password\": \"…\", \"code\": \"123456\"}}: {e}"),
            ));
        }
    };
    let Some(auth) = store::accounts::auth(ctx.platform, account).await? else {
        return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
    };
    let proof = Proof {
        password: input.password.as_deref(),
        two_factor_code: Some(&input.code),
    };
    match (action, setting) {
        ("setup", Some(s)) if s.enabled_at.is_some() => Ok(json_error(
            StatusCode::CONFLICT,
            "two-step sign-in is already on; turn it off first to use another device",
        )),
        ("setup", _) => {
            // Whoever sets it up could lock the account out: the password first.
            if let Some(refused) =
                reauth::confirm(ctx, req, account, &auth, proof, "two-step sign-in").await?
            {
                return Ok(refused);
            }
            setup(ctx, account).await
        }
        ("enable", Some(s)) if s.enabled_at.is_none() => {
            let response = enable(ctx, &key, &s.secret, s.last_step, &input.code).await?;
            if response.status() == StatusCode::OK {
                tell_change(ctx, req, account, &auth, AccountChange::TwoFactorOn, "").await?;
            }
            Ok(response)
        }
        ("enable", _) => Ok(json_error(
            StatusCode::CONFLICT,
            "start again: scan a new QR code first",
        )),
        ("disable" | "recovery-codes", Some(s)) if s.enabled_at.is_some() => {
            if action == "disable" && required_of(ctx, account).await? {
                let who = match account {
                    Account::Partner(_) => "the partner program requires it of every partner",
                    Account::Owner(_) => "owners.yaml requires it of you",
                };
                return Ok(json_error(
                    StatusCode::CONFLICT,
                    &format!("two-step sign-in stays on: {who}"),
                ));
            }
            if let Some(refused) =
                reauth::confirm(ctx, req, account, &auth, proof, "two-step sign-in").await?
            {
                return Ok(refused);
            }
            if action == "disable" {
                ctx.platform.batch(store::two_factor_off(&key)).await?;
                tell_change(ctx, req, account, &auth, AccountChange::TwoFactorOff, "").await?;
                Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "enabled": false }),
                ))
            } else {
                let codes = new_recovery_codes(ctx, &key).await?;
                tell_change(ctx, req, account, &auth, AccountChange::RecoveryCodes, "").await?;
                Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "enabled": true, "recovery_codes": codes }),
                ))
            }
        }
        ("disable" | "recovery-codes", _) => Ok(json_error(
            StatusCode::CONFLICT,
            "two-step sign-in is not on",
        )),
        _ => Ok(json_error(StatusCode::NOT_FOUND, "no such API route")),
    }
}

async fn setup<P: Platform>(
    ctx: &Ctx<'_, P>,
    account: &Account,
) -> Result<Response, PlatformError> {
    let secret = TotpSecret::from_random(&ctx.platform.random_bytes(rules::SECRET_LEN))
        .ok_or_else(|| PlatformError("no random bytes".into()))?;
    ctx.platform
        .execute(store::two_factor_setup(
            &account.key(),
            &secret.base32(),
            ctx.now,
        ))
        .await?;
    let issuer = ctx
        .config
        .portal_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "Partner Center".into());
    let uri = secret.otpauth_uri(&issuer, account.username());
    let qr = qrcode::QrCode::new(uri.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "secret": secret.base32(), "uri": uri, "qr_svg": qr }),
    ))
}

async fn enable<P: Platform>(
    ctx: &Ctx<'_, P>,
    key: &str,
    stored: &str,
    last_step: i64,
    code: &str,
) -> Result<Response, PlatformError> {
    let Some(secret) = TotpSecret::from_base32(stored) else {
        return Ok(json_error(StatusCode::CONFLICT, "start again"));
    };
    let step = match secret.accept(code, ctx.now, last_step) {
        Ok(step) => step,
        Err(e) => {
            return Ok(json(
                StatusCode::UNPROCESSABLE_ENTITY,
                &serde_json::json!({ "error": format!("{e}: enter the code your app shows now"), "field": "code" }),
            ));
        }
    };
    let changed = ctx
        .platform
        .execute(store::two_factor_confirm(key, step, ctx.now))
        .await?;
    if changed != 1 {
        return Ok(json_error(
            StatusCode::CONFLICT,
            "that code was already used",
        ));
    }
    let codes = new_recovery_codes(ctx, key).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "enabled": true, "recovery_codes": codes }),
    ))
}

async fn new_recovery_codes<P: Platform>(
    ctx: &Ctx<'_, P>,
    key: &str,
) -> Result<Vec<String>, PlatformError> {
    let codes = rules::recovery_codes(&ctx.platform.random_bytes(rules::RECOVERY_RANDOM_LEN));
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| rules::recovery_hash(c))
        .collect();
    ctx.platform
        .batch(store::replace_recovery_codes(key, &hashes))
        .await?;
    Ok(codes)
}
