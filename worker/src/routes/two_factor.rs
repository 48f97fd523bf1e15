//! Two-step sign-in for partners (the rules are `pc_core::two_factor`'s): turning it on from
//! My Profile (a QR code for an authenticator app, a first code to confirm, ten recovery codes),
//! the code step after the password at sign-in, and the fresh code that changing the e-mail
//! address or the payout details needs. Every code is accepted once.

use http::StatusCode;
use pc_core::two_factor::{self as rules, CodeError, TotpSecret};
use pc_core::{PartnerCode, Session};
use serde::Deserialize;

use super::{Ctx, Notice, safe_next};
use crate::http_util::{self, cookie, field, form, json, json_error, see_other, set_cookie};
use crate::platform::{Platform, PlatformError};
use crate::security::{csrf_ok, host_cookie};
use crate::store::{self, Limit};
use crate::{Request, Response};

/// Between the password and the code: who, for how long, and where to go after.
pub const PENDING_COOKIE: &str = "__Host-pc_2fa";
const PENDING_PURPOSE: &str = "two-factor-pending";
const PENDING_SECONDS: i64 = 5 * 60;
/// Wrong codes count with wrong passwords (`login:code:<code>`), and the limit is sign-in's.
const CODE_LIMIT: Limit = super::auth::LOGIN_PER_CODE;
/// Changes of the setting (turn on, off, new recovery codes) per partner and hour.
const CHANGES_PER_HOUR: Limit = Limit {
    max: 20,
    window_seconds: 3600,
};

/// Who passed the password and is asked for a code.
struct Pending {
    partner: PartnerCode,
    version: i64,
    remember: bool,
    next: String,
}

/// The cookie that carries a [`Pending`] sign-in for five minutes.
pub fn pending_cookie(
    ctx: &Ctx<'_, impl Platform>,
    partner: &PartnerCode,
    version: i64,
    remember: bool,
    next: &str,
) -> String {
    let payload = format!(
        "{partner}|{version}|{}|{}|{next}",
        u8::from(remember),
        ctx.now + PENDING_SECONDS
    );
    let token = ctx.config.keys.sign(PENDING_PURPOSE, &payload);
    host_cookie(PENDING_COOKIE, &token, true, Some(PENDING_SECONDS))
}

fn pending(ctx: &Ctx<'_, impl Platform>, req: &Request) -> Option<Pending> {
    let payload = ctx
        .config
        .keys
        .verify(PENDING_PURPOSE, &cookie(req, PENDING_COOKIE)?)
        .ok()?;
    let mut parts = payload.splitn(5, '|');
    let partner = PartnerCode::parse(parts.next()?).ok()?;
    let version = parts.next()?.parse().ok()?;
    let remember = parts.next()? == "1";
    let expires: i64 = parts.next()?.parse().ok()?;
    let next = safe_next(parts.next()).to_owned();
    (expires > ctx.now).then_some(Pending {
        partner,
        version,
        remember,
        next,
    })
}

/// Where sign-in (or a new password) goes when the partner has two-step sign-in on.
pub fn ask_for_code(
    ctx: &Ctx<'_, impl Platform>,
    partner: &PartnerCode,
    version: i64,
    remember: bool,
    next: &str,
) -> Response {
    let mut response = see_other("/login/code/");
    set_cookie(
        &mut response,
        &pending_cookie(ctx, partner, version, remember, next),
    );
    response
}

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
        .execute(store::two_factor_use_step(partner, step, false, ctx.now))
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

/// `POST /login/code`: the code after the password; a session on success.
pub async fn login_code<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return code_page(ctx, StatusCode::FORBIDDEN, Notice::FormExpired).await;
    }
    let Some(pending) = pending(ctx, req) else {
        return Ok(see_other("/login/?status=codeexpired"));
    };
    let code = pending.partner.as_str();
    let key = format!("login:code:{code}");
    if store::hits(ctx.platform, &key, CODE_LIMIT, ctx.now).await? >= CODE_LIMIT.max {
        return code_page(ctx, StatusCode::TOO_MANY_REQUESTS, Notice::Limited).await;
    }
    let Some(auth) = store::partner_auth(ctx.platform, code).await? else {
        return Ok(see_other("/login/?status=codeexpired"));
    };
    if !auth.is_active() || auth.session_version != pending.version {
        return Ok(see_other("/login/?status=codeexpired"));
    }
    match verify(ctx, code, field(&fields, "code").unwrap_or("")).await? {
        Ok(()) => {
            let session = Session::new(
                pending.partner,
                auth.session_version,
                pending.remember,
                ctx.now,
            );
            let mut response = see_other(&pending.next);
            set_cookie(&mut response, &super::auth::session_cookie(ctx, &session));
            set_cookie(
                &mut response,
                &host_cookie(PENDING_COOKIE, "", true, Some(0)),
            );
            Ok(response)
        }
        Err(e) => {
            store::hit(ctx.platform, &key, CODE_LIMIT, ctx.now).await?;
            let notice = if e == CodeError::Reused {
                Notice::CodeReused
            } else {
                Notice::CodeWrong
            };
            code_page(ctx, StatusCode::UNAUTHORIZED, notice).await
        }
    }
}

/// `GET /login/code/`: the form for the code (back to sign-in once the five minutes are up).
pub async fn code_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if pending(ctx, req).is_none() {
        return Ok(see_other("/login/?status=codeexpired"));
    }
    code_page(ctx, StatusCode::OK, None).await
}

async fn code_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: impl Into<Option<Notice>>,
) -> Result<Response, PlatformError> {
    ctx.page("login/code/index.html", status, notice.into(), &[])
        .await
}

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
        .execute(store::two_factor_use_step(partner, step, true, ctx.now))
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

/// Whether `fields` of a form carry a code (the profile form's optional field).
pub fn form_code(fields: &[(String, String)]) -> Option<&str> {
    field(fields, "two_factor_code")
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

/// `http_util::text` would do for a form; kept beside the others for the page's redirect.
pub fn to_enrolment() -> Response {
    http_util::see_other("/portal/profile/?status=twofactorneeded#two-factor")
}
