//! The code step of two-step sign-in, for both kinds of account: after the password (or a
//! set-password link) a signed cookie carries the sign-in for five minutes to the code form; a
//! right code makes the session.

use http::StatusCode;
use pc_core::TokenError;
use pc_core::token;
use pc_core::two_factor::CodeError;

use super::codes;
use super::{Kind, count_attempt, session_cookie, signed_in_now};
use crate::http_util::{cookie, field, form, see_other, set_cookie};
use crate::platform::{Platform, PlatformError};
use crate::routes::{Ctx, Notice};
use crate::security::{csrf_ok, host_cookie};
use crate::store::{self, Account};
use crate::{Request, Response};

/// Between the password and the code: who, for how long, and where to go after.
const PENDING_COOKIE: &str = "__Host-pc_2fa";
const PENDING_PURPOSE: &str = "two-factor-pending";
const PENDING_SECONDS: i64 = 5 * 60;

impl Kind {
    /// The code form's path and its page.
    fn code_path(self) -> &'static str {
        match self {
            Kind::Partner => "/login/code/",
            Kind::Owner => "/owner/login/code/",
        }
    }

    fn code_page(self) -> &'static str {
        match self {
            Kind::Partner => "login/code/index.html",
            Kind::Owner => "owner/login/code/index.html",
        }
    }

    /// Back to sign-in: the five minutes are up, or the account changed meanwhile.
    fn code_expired(self) -> Response {
        see_other(&format!("{}?status=codeexpired", self.login_path()))
    }
}

/// Who passed the password and is asked for a code.
struct Pending {
    account: Account,
    version: i64,
    remember: bool,
    next: String,
}

impl Pending {
    /// `kind|version|remember|expires|next (hex)|id`: the id last, as an e-mail address may
    /// hold any separator.
    fn sign(&self, ctx: &Ctx<'_, impl Platform>) -> String {
        let (kind, id) = match &self.account {
            Account::Partner(code) => ("partner", code.as_str()),
            Account::Owner(email) => ("owner", email.as_str()),
        };
        let payload = format!(
            "{kind}|{}|{}|{}|{}|{id}",
            self.version,
            u8::from(self.remember),
            ctx.now + PENDING_SECONDS,
            hex::encode(&self.next),
        );
        ctx.config.keys.sign(PENDING_PURPOSE, &payload)
    }

    /// The pending sign-in of `kind` this browser carries, if it verifies and is unexpired.
    fn of(ctx: &Ctx<'_, impl Platform>, req: &Request, kind: Kind) -> Option<Pending> {
        let token = cookie(req, PENDING_COOKIE)?;
        let payload = ctx.config.keys.verify(PENDING_PURPOSE, &token).ok()?;
        Self::parse(&payload, ctx.now)
            .ok()
            .filter(|p| Kind::of(&p.account) == kind)
    }

    fn parse(payload: &str, now: i64) -> Result<Pending, TokenError> {
        let [kind, version, remember, expires_at, place, id] = token::fields(payload)?;
        let account = match kind {
            "partner" => Account::Partner(token::partner(id)?),
            "owner" => Account::Owner(id.to_owned()),
            _ => return Err(TokenError::Malformed),
        };
        let place = hex::decode(place)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(TokenError::Malformed)?;
        let pending = Pending {
            next: Kind::of(&account).safe_next(Some(&place)).to_owned(),
            account,
            version: token::number(version)?,
            remember: remember == "1",
        };
        token::unexpired(pending, token::number(expires_at)?, now)
    }
}

/// Where sign-in (or a new password) goes when the account has two-step sign-in on.
pub fn ask_for_code(
    ctx: &Ctx<'_, impl Platform>,
    account: &Account,
    version: i64,
    remember: bool,
    next: &str,
) -> Response {
    let pending = Pending {
        account: account.clone(),
        version,
        remember,
        next: next.to_owned(),
    };
    let mut response = see_other(Kind::of(account).code_path());
    set_cookie(
        &mut response,
        &host_cookie(
            PENDING_COOKIE,
            &pending.sign(ctx),
            true,
            Some(PENDING_SECONDS),
        ),
    );
    response
}

/// `POST /login/code`, `POST /owner/login/code`: the code after the password; a session on
/// success.
pub async fn login_code<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    kind: Kind,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return code_page(ctx, kind, StatusCode::FORBIDDEN, Notice::FormExpired).await;
    }
    let Some(pending) = Pending::of(ctx, req, kind) else {
        return Ok(kind.code_expired());
    };
    let account = &pending.account;
    let Some(attempts) = count_attempt(ctx, req, &account.limit_key()).await? else {
        return code_page(ctx, kind, StatusCode::TOO_MANY_REQUESTS, Notice::Limited).await;
    };
    let current = store::accounts::auth(ctx.platform, account)
        .await?
        .filter(|a| a.active && a.session_version == pending.version);
    if current.is_none() {
        return Ok(kind.code_expired());
    }
    match codes::verify(ctx, &account.key(), field(&fields, "code").unwrap_or("")).await? {
        Ok(()) => {
            attempts.succeeded(ctx.platform).await?;
            signed_in_now(ctx, req, account).await?;
            let mut response = see_other(&pending.next);
            set_cookie(
                &mut response,
                &session_cookie(ctx, account, pending.version, pending.remember),
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
            code_page(ctx, kind, StatusCode::UNAUTHORIZED, notice).await
        }
    }
}

/// `GET /login/code/`, `GET /owner/login/code/`: the form for the code (back to sign-in once
/// the five minutes are up).
pub async fn code_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    kind: Kind,
) -> Result<Response, PlatformError> {
    if Pending::of(ctx, req, kind).is_none() {
        return Ok(kind.code_expired());
    }
    code_page(ctx, kind, StatusCode::OK, None).await
}

async fn code_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    status: StatusCode,
    notice: impl Into<Option<Notice>>,
) -> Result<Response, PlatformError> {
    ctx.page(kind.code_page(), status, notice.into(), &[]).await
}
