//! Accounts of both kinds, partners and owners, signing in and out: one implementation over
//! [`Account`]. Each kind keeps its own tables, cookie, token purposes and pages ([`Kind`]); the
//! password step, the code step of two-step sign-in, set-password links, sign-out, the counted
//! limits, two-step sign-in ([`two_factor`], [`codes`]) and re-authentication ([`reauth`]) are
//! the same code for both.

mod change_password;
mod code_step;
pub mod codes;
mod links;
mod passwords;
pub mod reauth;
pub mod two_factor;

use pc_core::{AccountChange, OwnerSession, Session};

pub use change_password::change_password;
pub use code_step::{ask_for_code, code_form, login_code};
pub use links::{reset, reset_form};
pub use passwords::{
    Attempts, Checked, LOGIN_PER_CLIENT, LOGIN_PER_CODE, SetPassword, check_password,
    chosen_password, client, count_attempt, hash_password, set_password,
};

use super::{Ctx, safe_next_under};
use crate::http_util::{self, cookie, field, form, see_other, set_cookie};
use crate::platform::{Mail, Platform, PlatformError};
use crate::security::{OWNER_COOKIE, SESSION_COOKIE, csrf_ok, host_cookie};
use crate::store::{self, Account, AccountAuth};
use crate::{Request, Response};

/// Which kind of account: where it signs in, its cookie, its code page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Partner,
    Owner,
}

impl Kind {
    pub fn of(account: &Account) -> Kind {
        match account {
            Account::Partner(_) => Kind::Partner,
            Account::Owner(_) => Kind::Owner,
        }
    }

    fn session_cookie(self) -> &'static str {
        match self {
            Kind::Partner => SESSION_COOKIE,
            Kind::Owner => OWNER_COOKIE,
        }
    }

    /// The sign-in page.
    pub fn login_path(self) -> &'static str {
        match self {
            Kind::Partner => "/login/",
            Kind::Owner => "/owner/login/",
        }
    }

    /// Where a signed-in account goes when it was going nowhere in particular.
    pub fn home(self) -> &'static str {
        match self {
            Kind::Partner => "/portal/",
            Kind::Owner => "/owner/",
        }
    }

    /// `next` if it is a page of this kind's own (never another site, nor the other kind's
    /// pages), else [`Kind::home`].
    pub fn safe_next(self, next: Option<&str>) -> &str {
        safe_next_under(next.filter(|n| !n.is_empty()), self.home())
    }
}

/// The account a session cookie of `kind` names, with the session version it was made for
/// (checked against the account by the caller), if the cookie verifies and is unexpired.
pub fn session_of(
    ctx: &Ctx<'_, impl Platform>,
    req: &Request,
    kind: Kind,
) -> Option<(Account, i64)> {
    let token = cookie(req, kind.session_cookie())?;
    match kind {
        Kind::Partner => Session::verify(&token, &ctx.config.keys, ctx.now)
            .ok()
            .map(|s| (Account::Partner(s.partner), s.version)),
        Kind::Owner => OwnerSession::verify(&token, &ctx.config.keys, ctx.now)
            .ok()
            .map(|s| (Account::Owner(s.email), s.version)),
    }
}

/// Whether this browser's partner session is a remembered one (30 days).
fn remembered(ctx: &Ctx<'_, impl Platform>, req: &Request) -> bool {
    cookie(req, SESSION_COOKIE)
        .and_then(|token| Session::verify(&token, &ctx.config.keys, ctx.now).ok())
        .is_some_and(|s| s.remember)
}

/// The session cookie of `account`: a partner's lasts 30 days with Remember Me, else the
/// browser session; an owner's is a browser-session cookie whose token ends after eight hours.
pub fn session_cookie(
    ctx: &Ctx<'_, impl Platform>,
    account: &Account,
    version: i64,
    remember: bool,
) -> String {
    let keys = &ctx.config.keys;
    match account {
        Account::Partner(code) => {
            let session = Session::new(code.clone(), version, remember, ctx.now);
            let max_age = session.remember.then_some(session.expires_at - ctx.now);
            host_cookie(SESSION_COOKIE, &session.sign(keys), true, max_age)
        }
        Account::Owner(email) => {
            let session = OwnerSession::new(email, version, ctx.now);
            host_cookie(OWNER_COOKIE, &session.sign(keys), true, None)
        }
    }
}

/// Ends the browser's session cookie of `kind`.
pub fn clear_session_cookie(kind: Kind) -> String {
    host_cookie(kind.session_cookie(), "", true, Some(0))
}

/// After the password (and before the code, if two-step sign-in is on): the code step, or
/// the session and `next`.
pub async fn open_session<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
    auth: &AccountAuth,
    remember: bool,
    next: &str,
) -> Result<Response, PlatformError> {
    let next = Kind::of(account).safe_next(Some(next));
    if auth.two_factor {
        return Ok(ask_for_code(
            ctx,
            account,
            auth.session_version,
            remember,
            next,
        ));
    }
    signed_in_now(ctx, req, account).await?;
    let mut response = see_other(next);
    set_cookie(
        &mut response,
        &session_cookie(ctx, account, auth.session_version, remember),
    );
    Ok(response)
}

/// What happens when an account has just signed in: an owner's sign-in goes into the
/// console's activity log; a partner's public address is kept (as a keyed hash) for the
/// `self_referral_ip` risk rule.
async fn signed_in_now<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
) -> Result<(), PlatformError> {
    match account {
        Account::Owner(email) => {
            ctx.platform
                .execute(store::owner_audit(email, "signed in", None, ctx.now))
                .await?;
        }
        Account::Partner(code) => {
            if let Some(ip) = crate::risk::public_address(req) {
                let address = crate::risk::address_hash(&ctx.config.keys, ip);
                ctx.platform
                    .execute(store::risk_facts::signed_in_from(
                        code.as_str(),
                        &address,
                        ctx.now,
                    ))
                    .await?;
            }
        }
    }
    Ok(())
}

/// `POST /logout` and `POST /owner/logout`: ends this and every other session of the account.
pub async fn sign_out<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    kind: Kind,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return Ok(http_util::text(
            http::StatusCode::FORBIDDEN,
            "The form expired; reload the page and try again.",
        ));
    }
    if let Some((account, version)) = session_of(ctx, req, kind)
        && store::accounts::auth(ctx.platform, &account)
            .await?
            .is_some_and(|a| a.session_version == version)
    {
        ctx.platform
            .execute(store::accounts::bump_session_version(&account, ctx.now))
            .await?;
    }
    let mut response = see_other(&format!("{}?status=signedout", kind.login_path()));
    set_cookie(&mut response, &clear_session_cookie(kind));
    Ok(response)
}

/// Tells the account's address that `change` happened: a partner's with the "this wasn't me"
/// link (`detail` says more); an owner's with whom to ask, and in the console's activity log.
pub async fn tell_change<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account: &Account,
    auth: &AccountAuth,
    change: AccountChange,
    detail: &str,
) -> Result<(), PlatformError> {
    match account {
        Account::Partner(code) => {
            super::not_me::tell_previous_address(
                ctx,
                req,
                code,
                &auth.name,
                &auth.email,
                change,
                detail,
            )
            .await
        }
        Account::Owner(email) => {
            let what = format!("{} {}", change.what(), change.happened());
            ctx.platform
                .execute(store::owner_audit(email, &what, None, ctx.now))
                .await?;
            crate::mail::send(
                ctx.platform,
                Mail {
                    to: email.clone(),
                    subject: format!("Your owner account: {what}"),
                    body: format!(
                        "Hello {},\n\nOn your account for the owner's console, {what}.{detail}\n\n\
                         If this was not you, ask another admin to remove your account from \
                         owners.yaml at once, then set a new password through a new invite.\n",
                        auth.name,
                    ),
                },
            )
            .await
        }
    }
}
