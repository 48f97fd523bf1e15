//! "This wasn't me": a change that could take an account over is told to the address the
//! account had before, with a signed link (`/not-me/?token=…`, a page with one button, so a
//! mail scanner following the link changes nothing). Confirming it cancels every pending payout
//! change, ends every session, freezes payout-detail changes until an owner lifts the freeze
//! (the console shows it), puts the e-mail address back to the one the link was sent to, and
//! turns off two-step sign-in that was turned on (it would lock the partner out).

use http::StatusCode;
use pc_core::{AccountChange, NotMeLink, not_me::NOT_ME_SECONDS};

use super::{Ctx, Notice};
use crate::http_util::{self, field, form, query};
use crate::platform::{Mail, Platform, PlatformError, Statement};
use crate::security::csrf_ok;
use crate::store;
use crate::{Request, Response};

/// The address links in e-mails start with: `PORTAL_URL`, else the request's own origin.
pub fn link_base<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> String {
    ctx.config
        .portal_url
        .clone()
        .or_else(|| http_util::origin(req))
        .unwrap_or_default()
}

/// Mails `previous_email` (the account's address before the change) that `change` happened,
/// with the "this wasn't me" link. `detail` says more (the new address, masked details).
pub async fn tell_previous_address<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &pc_core::PartnerCode,
    name: &str,
    previous_email: &str,
    change: AccountChange,
    detail: &str,
) -> Result<(), PlatformError> {
    let link = NotMeLink {
        partner: code.clone(),
        change,
        nonce: hex::encode(ctx.platform.random_bytes(16)),
        expires_at: ctx.now + NOT_ME_SECONDS,
        email: previous_email.to_owned(),
    };
    let url = format!(
        "{}/not-me/?token={}",
        link_base(ctx, req),
        link.sign(&ctx.config.keys)
    );
    crate::mail::send(
        ctx.platform,
        Mail {
            to: previous_email.to_owned(),
            subject: format!(
                "Your partner account: {} {}",
                change.what(),
                change.happened()
            ),
            body: format!(
                "Hello {name},\n\nThe {} of partner account {code} {}.{detail}\n\n\
                 If this was you, there is nothing to do.\n\n\
                 If it was not you, open this link now:\n\n{url}\n\n\
                 It signs everybody out of your account, cancels payout changes that have not \
                 applied yet, freezes your payout details until the partner team has checked \
                 your account, and gives your account this e-mail address back. Then choose a \
                 new password with Forgot your password?\n",
                change.what(),
                change.happened(),
            ),
        },
    )
    .await
}

fn verified<P: Platform>(ctx: &Ctx<'_, P>, token: &str) -> Option<NotMeLink> {
    NotMeLink::verify(token, &ctx.config.keys, ctx.now).ok()
}

async fn not_me_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
) -> Result<Response, PlatformError> {
    ctx.token_page("not-me/index.html", status, notice, "not-me-token", token)
        .await
}

/// `GET /not-me/?token=…`: what confirming does, and the button.
pub async fn form_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let token = field(&q, "token").unwrap_or("");
    match verified(ctx, token) {
        Some(link) if !store::token_used(ctx.platform, &link.nonce).await? => {
            not_me_page(ctx, StatusCode::OK, None, token).await
        }
        _ => not_me_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Invalid), "").await,
    }
}

/// `POST /not-me`: secures the account, once per link.
pub async fn confirm<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let token = field(&fields, "token").unwrap_or("");
    let Some(link) = verified(ctx, token) else {
        return not_me_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Invalid), "").await;
    };
    if !csrf_ok(req, field(&fields, "csrf")) {
        return not_me_page(ctx, StatusCode::FORBIDDEN, Some(Notice::FormExpired), token).await;
    }
    let code = link.partner.as_str();
    let mut statements: Vec<Statement> = vec![
        // Fails the batch on a second use: the link works once.
        store::use_token(&link.nonce, code, ctx.now),
        store::payouts::cancel_all_pending(code, "this wasn't me", ctx.now),
        store::payouts::freeze(
            code,
            &format!(
                "\"this wasn't me\" after a change of {}",
                link.change.as_str()
            ),
            ctx.now,
        ),
        store::accounts::bump_session_version(
            &store::Account::Partner(link.partner.clone()),
            ctx.now,
        ),
        store::restore_email(code, &link.email, ctx.now),
    ];
    if link.change == AccountChange::TwoFactorOn {
        statements.extend(store::two_factor_off(code));
    }
    if ctx.platform.batch(statements).await.is_err() {
        return not_me_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Invalid), "").await;
    }
    let mut response = not_me_page(ctx, StatusCode::OK, Some(Notice::Secured), "").await?;
    http_util::set_cookie(
        &mut response,
        // Every session ended with the version above; this browser's cookie goes too.
        &crate::security::host_cookie(crate::security::SESSION_COOKIE, "", true, Some(0)),
    );
    Ok(response)
}
