//! Owners sign in at `/owner/login/` (e-mail + password), sign out, and set their password
//! through an invite link (`/owner/reset/?token=…`, from `partner-center invite --owner`).

use http::StatusCode;
use pc_core::password::MAX_PASSWORD_LEN;
use pc_core::{OwnerLink, OwnerSession};

use super::{OWNER_COOKIE, audit, owner_auth, signed_in_owner};
use crate::http_util::{self, field, form, query, see_other, set_cookie};
use crate::platform::{Platform, PlatformError, Statement};
use crate::routes::auth::{count_attempt, hash_password, verify_password};
use crate::routes::password::chosen_password;
use crate::routes::{Ctx, Notice};
use crate::security::{csrf_ok, escape_html, host_cookie};
use crate::store;
use crate::{Request, Response};

fn session_cookie<P: Platform>(ctx: &Ctx<'_, P>, session: &OwnerSession) -> String {
    // A browser-session cookie; the token itself ends after eight hours.
    host_cookie(OWNER_COOKIE, &session.sign(&ctx.config.keys), true, None)
}

fn clear_cookie() -> String {
    host_cookie(OWNER_COOKIE, "", true, Some(0))
}

async fn login_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    email: &str,
) -> Result<Response, PlatformError> {
    let typed = escape_html(email);
    ctx.page(
        "owner/login/index.html",
        status,
        notice,
        &[(
            r#"id="email" name="email""#.to_owned(),
            format!(r#"id="email" name="email" value="{typed}""#),
        )],
    )
    .await
}

/// `GET /owner/login/`: the form, or the console when already signed in.
pub async fn login_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if signed_in_owner(ctx, req).await?.is_some() {
        return Ok(see_other("/owner/"));
    }
    let notice = field(&query(req), "status").and_then(Notice::from_status);
    login_page(ctx, StatusCode::OK, notice, "").await
}

/// `POST /owner/login`: e-mail + password → the owner's cookie, 303 to the console.
pub async fn login<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let email = field(&fields, "email")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(254)
        .collect::<String>();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return login_page(
            ctx,
            StatusCode::FORBIDDEN,
            Some(Notice::FormExpired),
            &email,
        )
        .await;
    }
    let password = field(&fields, "password").unwrap_or("");
    let Some(attempts) = count_attempt(ctx, req, &format!("owner-login:{email}")).await? else {
        return login_page(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            Some(Notice::Limited),
            &email,
        )
        .await;
    };
    let auth = owner_auth(ctx, &email)
        .await?
        .filter(|a| pc_core::OwnerRole::parse(&a.role).is_some());
    let matched = verify_password(
        ctx,
        auth.as_ref()
            .and_then(|a| a.password_hash.as_deref())
            .filter(|_| password.len() <= MAX_PASSWORD_LEN),
        password,
    )
    .await?;
    let (Some(auth), Some(_)) = (auth, matched) else {
        return login_page(
            ctx,
            StatusCode::UNAUTHORIZED,
            Some(Notice::OwnerFailed),
            &email,
        )
        .await;
    };
    attempts.succeeded(ctx.platform).await?;
    ctx.platform
        .execute(audit(&email, "signed in", None, ctx.now))
        .await?;
    let session = OwnerSession::new(&email, auth.session_version, ctx.now);
    let mut response = see_other("/owner/");
    set_cookie(&mut response, &session_cookie(ctx, &session));
    Ok(response)
}

/// `POST /owner/logout`: ends every session of this owner.
pub async fn logout<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return Ok(http_util::text(
            StatusCode::FORBIDDEN,
            "The form expired; reload the page and try again.",
        ));
    }
    if let Some(owner) = signed_in_owner(ctx, req).await? {
        ctx.platform
            .execute(bump_version(&owner.email, ctx.now))
            .await?;
    }
    let mut response = see_other("/owner/login/?status=signedout");
    set_cookie(&mut response, &clear_cookie());
    Ok(response)
}

fn bump_version(email: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO owner_credentials (email, password_hash, session_version, updated_at) VALUES (?, NULL, 1, ?) \
         ON CONFLICT (email) DO UPDATE SET session_version = owner_credentials.session_version + 1, updated_at = excluded.updated_at",
        vec![email.into(), now.into()],
    )
}

/// A link that verifies, was not used, and belongs to an owner who still has a role.
async fn usable_link<P: Platform>(
    ctx: &Ctx<'_, P>,
    token: &str,
) -> Result<Option<OwnerLink>, PlatformError> {
    let Ok(link) = OwnerLink::verify(token, &ctx.config.keys, ctx.now) else {
        return Ok(None);
    };
    if store::token_used(ctx.platform, &link.nonce).await? {
        return Ok(None);
    }
    let current = owner_auth(ctx, &link.email)
        .await?
        .is_some_and(|a| pc_core::OwnerRole::parse(&a.role).is_some());
    Ok(current.then_some(link))
}

async fn reset_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
) -> Result<Response, PlatformError> {
    crate::routes::password::set_password_page(ctx, "owner/reset/index.html", status, notice, token)
        .await
}

/// `GET /owner/reset/?token=…`.
pub async fn reset_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let token = field(&q, "token").unwrap_or("");
    if usable_link(ctx, token).await?.is_none() {
        return reset_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::OwnerLinkExpired),
            "",
        )
        .await;
    }
    reset_page(ctx, StatusCode::OK, None, token).await
}

/// `POST /owner/reset`: sets the owner's password (once per link), ends their other
/// sessions, signs them in.
pub async fn reset<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let token = field(&fields, "token").unwrap_or("");
    if !csrf_ok(req, field(&fields, "csrf")) {
        return reset_page(ctx, StatusCode::FORBIDDEN, Some(Notice::FormExpired), token).await;
    }
    let Some(link) = usable_link(ctx, token).await? else {
        return reset_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::OwnerLinkExpired),
            "",
        )
        .await;
    };
    let password = match chosen_password(&fields) {
        Ok(password) => password,
        Err(notice) => return reset_page(ctx, StatusCode::BAD_REQUEST, Some(notice), token).await,
    };
    let phc = hash_password(ctx, password).await?;
    let stored = ctx
        .platform
        .batch(vec![
            store::use_token(&link.nonce, &format!("owner:{}", link.email), ctx.now),
            Statement::new(
                "INSERT INTO owner_credentials (email, password_hash, session_version, updated_at) VALUES (?, ?, 1, ?) \
                 ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, \
                 session_version = owner_credentials.session_version + 1, updated_at = excluded.updated_at",
                vec![link.email.as_str().into(), phc.into(), ctx.now.into()],
            ),
            audit(&link.email, "set a password", None, ctx.now),
        ])
        .await;
    if stored.is_err() {
        return reset_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::OwnerLinkExpired),
            "",
        )
        .await;
    }
    let Some(auth) = owner_auth(ctx, &link.email).await? else {
        return reset_page(
            ctx,
            StatusCode::BAD_REQUEST,
            Some(Notice::OwnerLinkExpired),
            "",
        )
        .await;
    };
    let session = OwnerSession::new(&link.email, auth.session_version, ctx.now);
    let mut response = see_other("/owner/");
    set_cookie(&mut response, &session_cookie(ctx, &session));
    Ok(response)
}
