//! Sign-in, sign-out, and who is signed in.

use http::StatusCode;
use pc_core::PartnerCode;

use super::accounts::{self, Checked, Kind};
use super::{Ctx, Notice};
use crate::http_util::{self, field, form};
use crate::platform::{Platform, PlatformError};
use crate::security::csrf_ok;
use crate::store::{self, Account, PartnerAuth};
use crate::{Request, Response};

/// The signed-in partner, if the session cookie is valid, current and the partner active.
pub async fn signed_in<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Option<(PartnerCode, PartnerAuth)>, PlatformError> {
    let Some((Account::Partner(code), version)) = accounts::session_of(ctx, req, Kind::Partner)
    else {
        return Ok(None);
    };
    let Some(auth) = store::partner_auth(ctx.platform, code.as_str()).await? else {
        return Ok(None);
    };
    if !auth.is_active() || auth.session_version != version {
        return Ok(None);
    }
    Ok(Some((code, auth)))
}

async fn login_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Notice,
    username: &str,
    next: Option<&str>,
) -> Result<Response, PlatformError> {
    // Keep what the partner typed as their username, and where they were going (escaped).
    let typed = crate::security::escape_html(username);
    let mut replacements = vec![(
        r#"id="username" name="username""#.to_owned(),
        format!(r#"id="username" name="username" value="{typed}""#),
    )];
    if let Some(next) = next.filter(|n| !n.is_empty()) {
        replacements.push((
            r#"name="next" value="""#.to_owned(),
            format!(
                r#"name="next" value="{}""#,
                crate::security::escape_html(super::safe_next(Some(next)))
            ),
        ));
    }
    ctx.page("login/index.html", status, Some(notice), &replacements)
        .await
}

/// `POST /login`: code + password (+ remember) → session cookie and 303 to the portal.
pub async fn login<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(fields) = form(req) else {
        return Ok(http_util::text(
            StatusCode::BAD_REQUEST,
            "Send the sign-in form.",
        ));
    };
    let username = field(&fields, "username")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let next = field(&fields, "next");
    if !csrf_ok(req, field(&fields, "csrf")) {
        return login_page(
            ctx,
            StatusCode::FORBIDDEN,
            Notice::FormExpired,
            &username,
            next,
        )
        .await;
    }
    let password = field(&fields, "password").unwrap_or("");
    let remember = field(&fields, "remember").is_some_and(|v| !v.is_empty());
    let code = PartnerCode::parse(&username).ok();
    let account = code.clone().map(Account::Partner);
    let limit_key = format!("login:code:{username}");
    let page = |status, notice| login_page(ctx, status, notice, &username, next);
    match accounts::check_password(ctx, req, &limit_key, account.as_ref(), password).await? {
        Checked::Limited => page(StatusCode::TOO_MANY_REQUESTS, Notice::Limited).await,
        Checked::Wrong(attempts) => {
            if let Some(code) = &code
                && store::partner_auth(ctx.platform, code.as_str())
                    .await?
                    .is_none()
                && let Some(status) =
                    super::join::application_status(ctx, code.as_str(), password).await?
                && let Some(notice) = match status.as_str() {
                    "pending" => Some(Notice::Pending),
                    "approved" => Some(Notice::Preparing),
                    _ => None,
                }
            {
                // An applicant with the right password: pending, or approved and not deployed.
                attempts.succeeded(ctx.platform).await?;
                return page(StatusCode::FORBIDDEN, notice).await;
            }
            page(StatusCode::UNAUTHORIZED, Notice::Failed).await
        }
        Checked::Right(auth) if !auth.active => {
            page(StatusCode::FORBIDDEN, Notice::Suspended).await
        }
        Checked::Right(auth) => {
            let Some(account) = &account else {
                return page(StatusCode::UNAUTHORIZED, Notice::Failed).await;
            };
            accounts::open_session(ctx, req, account, &auth, remember, next.unwrap_or("")).await
        }
    }
}

/// `POST /logout`: ends this and every other session of the partner.
pub async fn logout<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    accounts::sign_out(ctx, req, Kind::Partner).await
}
