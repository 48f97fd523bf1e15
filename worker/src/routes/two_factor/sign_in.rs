//! The code step of sign-in: after the password (or a set-password link) a signed cookie
//! carries the sign-in for five minutes to the code form; a right code makes the session.

use http::StatusCode;
use pc_core::two_factor::CodeError;
use pc_core::{PartnerCode, Session};

use super::verify;
use crate::http_util::{cookie, field, form, see_other, set_cookie};
use crate::platform::{Platform, PlatformError};
use crate::routes::auth::{count_attempt, partner_key};
use crate::routes::{Ctx, Notice, safe_next};
use crate::security::{csrf_ok, host_cookie};
use crate::store;
use crate::{Request, Response};

/// Between the password and the code: who, for how long, and where to go after.
const PENDING_COOKIE: &str = "__Host-pc_2fa";
const PENDING_PURPOSE: &str = "two-factor-pending";
const PENDING_SECONDS: i64 = 5 * 60;

/// Who passed the password and is asked for a code.
struct Pending {
    partner: PartnerCode,
    version: i64,
    remember: bool,
    next: String,
}

/// The cookie that carries a [`Pending`] sign-in for five minutes.
fn pending_cookie(
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
    let Some(attempts) = count_attempt(ctx, req, &partner_key(code)).await? else {
        return code_page(ctx, StatusCode::TOO_MANY_REQUESTS, Notice::Limited).await;
    };
    let Some(auth) = store::partner_auth(ctx.platform, code).await? else {
        return Ok(see_other("/login/?status=codeexpired"));
    };
    if !auth.is_active() || auth.session_version != pending.version {
        return Ok(see_other("/login/?status=codeexpired"));
    }
    match verify(ctx, code, field(&fields, "code").unwrap_or("")).await? {
        Ok(()) => {
            attempts.succeeded(ctx.platform).await?;
            let session = Session::new(
                pending.partner,
                auth.session_version,
                pending.remember,
                ctx.now,
            );
            let mut response = see_other(&pending.next);
            set_cookie(
                &mut response,
                &crate::routes::auth::session_cookie(ctx, &session),
            );
            set_cookie(
                &mut response,
                &host_cookie(PENDING_COOKIE, "", true, Some(0)),
            );
            Ok(response)
        }
        Err(e) => {
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
