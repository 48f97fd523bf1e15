//! Forgot your password? and set-password links (also used by owner invites).

use http::StatusCode;
use pc_core::password::{WeakPassword, check_new_password};
use pc_core::token::RESET_SECONDS;
use pc_core::{AccountChange, PartnerCode, PasswordLink, Session};

use super::auth::{client, hash_password, session_cookie};
use super::{Ctx, Notice};
use crate::http_util::{self, field, form, query, see_other, set_cookie};
use crate::platform::{Mail, Platform, PlatformError};
use crate::security::{csrf_ok, escape_html};
use crate::store::{self, Limit};
use crate::{Request, Response};

const FORGOT_PER_CODE: Limit = Limit {
    max: 5,
    window_seconds: 3600,
};
const FORGOT_PER_CLIENT: Limit = Limit {
    max: 30,
    window_seconds: 3600,
};

/// The absolute URL of a set-password link.
pub fn link_url(portal_url: &str, token: &str) -> String {
    format!("{portal_url}/reset/?token={token}")
}

/// `POST /forgot`: always the same answer; a link goes out only for an active partner.
pub async fn forgot<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return ctx
            .page(
                "forgot/index.html",
                StatusCode::FORBIDDEN,
                Some(Notice::FormExpired),
                &[],
            )
            .await;
    }
    let username = field(&fields, "username")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let code_key = format!("forgot:code:{username}");
    let client_key = format!("forgot:client:{}", client(req));
    let by_code = store::attempt(ctx.platform, &code_key, FORGOT_PER_CODE, ctx.now).await?;
    let by_client = store::attempt(ctx.platform, &client_key, FORGOT_PER_CLIENT, ctx.now).await?;
    if !by_code.allowed || !by_client.allowed {
        return ctx
            .page(
                "forgot/index.html",
                StatusCode::TOO_MANY_REQUESTS,
                Some(Notice::Limited),
                &[],
            )
            .await;
    }
    // A partner who forgot their code gives their e-mail address instead.
    let codes: Vec<String> = if username.contains('@') {
        ctx.platform
            .query(crate::platform::Statement::new(
                // The address on file: a pending profile change's, else the content's (each
                // branch looks the address up by index).
                "SELECT code FROM (\
                 SELECT p.code AS code FROM partners p WHERE lower(p.email) = ? AND p.status = 'active' \
                 AND NOT EXISTS (SELECT 1 FROM profile_updates u WHERE u.partner = p.code AND u.email IS NOT NULL) \
                 UNION SELECT p.code FROM profile_updates u JOIN partners p ON p.code = u.partner \
                 WHERE lower(u.email) = ? AND p.status = 'active') ORDER BY code LIMIT 5",
                vec![username.as_str().into(), username.as_str().into()],
            ))
            .await?
            .iter()
            .filter_map(|r| r.get("code").and_then(serde_json::Value::as_str).map(str::to_owned))
            .collect()
    } else {
        vec![username.clone()]
    };
    for candidate in codes {
        send_reset_link(ctx, req, &candidate).await?;
    }
    ctx.page("forgot/index.html", StatusCode::OK, Some(Notice::Sent), &[])
        .await
}

/// E-mails an active partner a set-password link that also reminds them of their code.
async fn send_reset_link<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    candidate: &str,
) -> Result<(), PlatformError> {
    if let Ok(code) = PartnerCode::parse(candidate)
        && let Some(auth) = store::partner_auth(ctx.platform, code.as_str()).await?
        && auth.is_active()
    {
        let link = PasswordLink {
            partner: code,
            nonce: hex::encode(ctx.platform.random_bytes(16)),
            expires_at: ctx.now + RESET_SECONDS,
        };
        let base = ctx
            .config
            .portal_url
            .clone()
            .or_else(|| http_util::origin(req))
            .unwrap_or_default();
        let url = link_url(&base, &link.sign(&ctx.config.keys));
        crate::mail::send(ctx.platform, Mail {
                to: auth.email.clone(),
                subject: "Set a new password for your partner account".into(),
                body: format!(
                    "Hello {},\n\nSomeone (hopefully you) asked to set a new password for partner account {}.\n\
                     Your partner code (your username) is: {}\n\n\
                     Open this link within an hour to choose a new password:\n\n{url}\n\n\
                     If you did not ask for this, ignore this e-mail: your password stays as it is.\n",
                    auth.name, link.partner, link.partner
                ),
            })
            .await?;
    }
    Ok(())
}

/// A link that verifies, was not used, and belongs to an active partner.
async fn usable_link<P: Platform>(
    ctx: &Ctx<'_, P>,
    token: &str,
) -> Result<Option<PasswordLink>, PlatformError> {
    let Ok(link) = PasswordLink::verify(token, &ctx.config.keys, ctx.now) else {
        return Ok(None);
    };
    if store::token_used(ctx.platform, &link.nonce).await? {
        return Ok(None);
    }
    let active = store::partner_auth(ctx.platform, link.partner.as_str())
        .await?
        .is_some_and(|a| a.is_active());
    Ok(active.then_some(link))
}

async fn reset_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
) -> Result<Response, PlatformError> {
    set_password_page(ctx, "reset/index.html", status, notice, token).await
}

/// A set-password page (`file`: the partners' or the owners') with the link's token filled in.
pub async fn set_password_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    file: &str,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
) -> Result<Response, PlatformError> {
    ctx.page(
        file,
        status,
        notice,
        &[(
            r#"value="" data-reset-token"#.to_owned(),
            format!(r#"value="{}" data-reset-token"#, escape_html(token)),
        )],
    )
    .await
}

/// `GET /reset/?token=…`: the form, with the token filled in (or why the link is no good).
pub async fn reset_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let token = field(&q, "token").unwrap_or("");
    if usable_link(ctx, token).await?.is_none() {
        return reset_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Expired), "").await;
    }
    reset_page(ctx, StatusCode::OK, None, token).await
}

/// The new password of a set-password form (partners' and owners'), or what is wrong with it.
pub fn chosen_password(fields: &[(String, String)]) -> Result<&str, Notice> {
    let password = field(fields, "password").unwrap_or("");
    if let Err(WeakPassword::TooShort | WeakPassword::TooLong) = check_new_password(password) {
        return Err(Notice::Weak);
    }
    if field(fields, "confirm") != Some(password) {
        return Err(Notice::Mismatch);
    }
    Ok(password)
}

/// `POST /reset`: sets the password (once per link), ends other sessions, signs in.
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
        return reset_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Expired), "").await;
    };
    let password = match chosen_password(&fields) {
        Ok(password) => password,
        Err(notice) => return reset_page(ctx, StatusCode::BAD_REQUEST, Some(notice), token).await,
    };
    let phc = hash_password(ctx, password).await?;
    let code = link.partner.as_str();
    let had_password = store::partner_auth(ctx.platform, code)
        .await?
        .is_some_and(|a| a.password_hash.is_some());
    // One transaction: the nonce is recorded and the password set, or neither (a second use
    // of the link fails on the nonce's primary key).
    let stored = ctx
        .platform
        .batch(vec![
            store::use_token(&link.nonce, code, ctx.now),
            store::set_password(code, &phc, ctx.now),
        ])
        .await;
    if stored.is_err() {
        return reset_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Expired), "").await;
    }
    let Some(auth) = store::partner_auth(ctx.platform, code).await? else {
        return reset_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Expired), "").await;
    };
    if had_password {
        // A new password (not an invite's first one) is told, with "this wasn't me".
        super::not_me::tell_previous_address(
            ctx,
            req,
            &link.partner,
            &auth.name,
            &auth.email,
            AccountChange::Password,
            "",
        )
        .await?;
    }
    if auth.has_two_factor() {
        // A link from the mailbox is one factor: the code is still asked for.
        return Ok(super::two_factor::ask_for_code(
            ctx,
            &link.partner,
            auth.session_version,
            false,
            "/portal/",
        ));
    }
    let session = Session::new(link.partner, auth.session_version, false, ctx.now);
    let mut response = see_other("/portal/");
    set_cookie(&mut response, &session_cookie(ctx, &session));
    Ok(response)
}
