//! `/api/v1/me/two-factor[/…]`: the setting in My Profile. A QR code (SVG) and its key; the
//! first code from the app turns it on and gives ten recovery codes; turning it off or new
//! recovery codes need a code.

use http::StatusCode;
use pc_core::two_factor::{self as rules, TotpSecret};
use serde::Deserialize;

use super::{required, step_up};
use crate::http_util::{json, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::{self, Limit};
use crate::{Request, Response};

/// Changes of the setting (turn on, off, new recovery codes) per partner and hour.
const CHANGES_PER_HOUR: Limit = Limit {
    max: 20,
    window_seconds: 3600,
};

#[derive(Debug, Deserialize)]
struct CodeInput {
    #[serde(default)]
    code: String,
}

/// `/api/v1/me/two-factor[/…]`: the setting in My Profile.
pub async fn api<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    partner: &str,
    action: &str,
) -> Result<Response, PlatformError> {
    let setting = store::two_factor(ctx.platform, partner).await?;
    let enabled = setting.as_ref().is_some_and(|s| s.enabled_at.is_some());
    if action.is_empty() {
        return Ok(json(
            StatusCode::OK,
            &serde_json::json!({
                "enabled": enabled,
                "recovery_codes_left": setting.as_ref().filter(|_| enabled).map_or(0, |s| s.recovery_left),
                "required": required(ctx).await?,
            }),
        ));
    }
    if *req.method() != http::Method::POST {
        return Ok(json_error(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }
    let key = format!("two-factor:{partner}");
    if store::hits(ctx.platform, &key, CHANGES_PER_HOUR, ctx.now).await? >= CHANGES_PER_HOUR.max {
        return Ok(json_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many attempts; wait an hour",
        ));
    }
    store::hit(ctx.platform, &key, CHANGES_PER_HOUR, ctx.now).await?;
    let input: CodeInput = if action == "setup" {
        CodeInput {
            code: String::new(),
        }
    } else {
        match serde_json::from_slice(req.body()) {
            Ok(input) => input,
            Err(e) => {
                return Ok(json_error(
                    StatusCode::BAD_REQUEST,
                    &format!("send {{\"code\": \"123456\"}}: {e}"),
                ));
            }
        }
    };
    match (action, setting) {
        ("setup", Some(s)) if s.enabled_at.is_some() => Ok(json_error(
            StatusCode::CONFLICT,
            "two-step sign-in is already on; turn it off first to use another device",
        )),
        ("setup", _) => setup(ctx, partner).await,
        ("enable", Some(s)) if s.enabled_at.is_none() => {
            enable(ctx, partner, &s.secret, s.last_step, &input.code).await
        }
        ("enable", _) => Ok(json_error(
            StatusCode::CONFLICT,
            "start again: scan a new QR code first",
        )),
        ("disable" | "recovery-codes", Some(s)) if s.enabled_at.is_some() => {
            if action == "disable" && required(ctx).await? {
                return Ok(json_error(
                    StatusCode::CONFLICT,
                    "the partner program requires two-step sign-in for everyone",
                ));
            }
            if let Some(refused) = step_up(ctx, partner, true, Some(&input.code), "this").await? {
                return Ok(refused);
            }
            if action == "disable" {
                ctx.platform.batch(store::two_factor_off(partner)).await?;
                Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "enabled": false }),
                ))
            } else {
                let codes = new_recovery_codes(ctx, partner).await?;
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

async fn setup<P: Platform>(ctx: &Ctx<'_, P>, partner: &str) -> Result<Response, PlatformError> {
    let secret = TotpSecret::from_random(&ctx.platform.random_bytes(rules::SECRET_LEN))
        .ok_or_else(|| PlatformError("no random bytes".into()))?;
    ctx.platform
        .execute(store::two_factor_setup(partner, &secret.base32(), ctx.now))
        .await?;
    let issuer = ctx
        .config
        .portal_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "Partner Center".into());
    let uri = secret.otpauth_uri(&issuer, partner);
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
    partner: &str,
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
        .execute(store::two_factor_confirm(partner, step, ctx.now))
        .await?;
    if changed != 1 {
        return Ok(json_error(
            StatusCode::CONFLICT,
            "that code was already used",
        ));
    }
    let codes = new_recovery_codes(ctx, partner).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "enabled": true, "recovery_codes": codes }),
    ))
}

async fn new_recovery_codes<P: Platform>(
    ctx: &Ctx<'_, P>,
    partner: &str,
) -> Result<Vec<String>, PlatformError> {
    let codes = rules::recovery_codes(&ctx.platform.random_bytes(rules::RECOVERY_RANDOM_LEN));
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| rules::recovery_hash(c))
        .collect();
    ctx.platform
        .batch(store::replace_recovery_codes(partner, &hashes))
        .await?;
    Ok(codes)
}
