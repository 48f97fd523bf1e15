//! Forgot your password? and set-password links (also used by owner invites).

use http::StatusCode;
use pc_core::token::RESET_SECONDS;
use pc_core::{PartnerCode, PasswordLink};

use super::accounts::client;
use super::{Ctx, Notice};
use crate::http_util::{self, field, form};
use crate::platform::{Mail, Platform, PlatformError};
use crate::security::csrf_ok;
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
        store::accounts::partners_by_email(ctx.platform, &username).await?
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
