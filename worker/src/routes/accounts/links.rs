//! Set-password links of both kinds: a partner's (from "Forgot your password?" or an invite)
//! at `/reset/`, an owner's (from `partner-center invite --owner`) at `/owner/reset/`. A link
//! verifies with its own token purpose, works once, and only for an account that is still active.

use http::StatusCode;
use pc_core::{AccountChange, OwnerLink, PasswordLink};

use super::{Kind, SetPassword, set_password, tell_change};
use crate::http_util::{field, form, query};
use crate::platform::{Platform, PlatformError};
use crate::routes::{Ctx, Notice};
use crate::security::csrf_ok;
use crate::store::{self, Account};
use crate::{Request, Response};

impl Kind {
    fn reset_page(self) -> &'static str {
        match self {
            Kind::Partner => "reset/index.html",
            Kind::Owner => "owner/reset/index.html",
        }
    }

    /// What the page says when a link is no good (an owner is told to ask an admin).
    fn link_expired(self) -> Notice {
        match self {
            Kind::Partner => Notice::Expired,
            Kind::Owner => Notice::OwnerLinkExpired,
        }
    }
}

/// The account and nonce of a link of `kind` that verifies, was not used, and belongs to an
/// account that is still active.
async fn usable_link<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    token: &str,
) -> Result<Option<(Account, String)>, PlatformError> {
    let keys = &ctx.config.keys;
    let link = match kind {
        Kind::Partner => PasswordLink::verify(token, keys, ctx.now)
            .ok()
            .map(|l| (Account::Partner(l.partner), l.nonce)),
        Kind::Owner => OwnerLink::verify(token, keys, ctx.now)
            .ok()
            .map(|l| (Account::Owner(l.email), l.nonce)),
    };
    let Some((account, nonce)) = link else {
        return Ok(None);
    };
    if store::token_used(ctx.platform, &nonce).await? {
        return Ok(None);
    }
    let active = store::accounts::auth(ctx.platform, &account)
        .await?
        .is_some_and(|a| a.active);
    Ok(active.then_some((account, nonce)))
}

/// The set-password page of `kind` with the link's token filled in.
async fn reset_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    kind: Kind,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
) -> Result<Response, PlatformError> {
    ctx.token_page(kind.reset_page(), status, notice, "reset-token", token)
        .await
}

/// `GET /reset/?token=…`, `GET /owner/reset/?token=…`: the form, with the token filled in (or
/// why the link is no good).
pub async fn reset_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    kind: Kind,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let token = field(&q, "token").unwrap_or("");
    if usable_link(ctx, kind, token).await?.is_none() {
        let expired = Some(kind.link_expired());
        return reset_page(ctx, kind, StatusCode::BAD_REQUEST, expired, "").await;
    }
    reset_page(ctx, kind, StatusCode::OK, None, token).await
}

/// `POST /reset`, `POST /owner/reset`: sets the password (once per link), ends every other
/// session, signs in (or asks for the code). A new password (not an invite's first one) is told
/// to the account's address.
pub async fn reset<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    kind: Kind,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let token = field(&fields, "token").unwrap_or("");
    let expired = Some(kind.link_expired());
    if !csrf_ok(req, field(&fields, "csrf")) {
        return reset_page(
            ctx,
            kind,
            StatusCode::FORBIDDEN,
            Some(Notice::FormExpired),
            token,
        )
        .await;
    }
    let Some((account, nonce)) = usable_link(ctx, kind, token).await? else {
        return reset_page(ctx, kind, StatusCode::BAD_REQUEST, expired, "").await;
    };
    let logged = match &account {
        Account::Owner(email) => vec![store::owner_audit(email, "set a password", None, ctx.now)],
        Account::Partner(_) => Vec::new(),
    };
    match set_password(ctx, req, &account, &nonce, &fields, logged).await? {
        SetPassword::Refused(notice) => {
            reset_page(ctx, kind, StatusCode::BAD_REQUEST, Some(notice), token).await
        }
        SetPassword::Expired => reset_page(ctx, kind, StatusCode::BAD_REQUEST, expired, "").await,
        SetPassword::Done {
            auth,
            had_password,
            response,
        } => {
            if had_password {
                tell_change(ctx, req, &account, &auth, AccountChange::Password, "").await?;
            }
            Ok(*response)
        }
    }
}
