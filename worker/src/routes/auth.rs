//! Sign-in, sign-out, and who is signed in.

use http::StatusCode;
use pc_core::password::{HASH_LEN, MAX_PASSWORD_LEN, PasswordHash, SALT_LEN};
use pc_core::{PartnerCode, Session};

use super::{Ctx, Notice, safe_next};
use crate::http_util::{self, cookie, field, form, see_other, set_cookie};
use crate::platform::{Platform, PlatformError};
use crate::security::{SESSION_COOKIE, csrf_ok, host_cookie};
use crate::store::{self, Attempt, Limit, PartnerAuth};
use crate::{Request, Response};

/// Ten failed sign-ins per partner code in 15 minutes; the 11th is refused unchecked.
pub const LOGIN_PER_CODE: Limit = Limit {
    max: 10,
    window_seconds: 15 * 60,
};
/// Per client address, to slow down guessing across many codes.
pub const LOGIN_PER_CLIENT: Limit = Limit {
    max: 50,
    window_seconds: 15 * 60,
};

/// The client's address as the platform reports it (Cloudflare's header; the native server
/// overwrites it with the peer address).
pub fn client(req: &Request) -> String {
    http_util::header_str(req, "cf-connecting-ip")
        .unwrap_or("unknown")
        .chars()
        .take(64)
        .collect()
}

/// A password or code check counted against the account's limit and the client's, before it
/// is made: `None` when either is used up (refuse unchecked). A check that passes gives its
/// slots back ([`Attempts::succeeded`]); a failed one keeps them.
pub async fn count_attempt<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    account_key: &str,
) -> Result<Option<Attempts>, PlatformError> {
    let by_account = store::attempt(ctx.platform, account_key, LOGIN_PER_CODE, ctx.now).await?;
    let by_client = store::attempt(
        ctx.platform,
        &format!("login:client:{}", client(req)),
        LOGIN_PER_CLIENT,
        ctx.now,
    )
    .await?;
    Ok(
        (by_account.allowed && by_client.allowed).then_some(Attempts {
            by_account,
            by_client,
        }),
    )
}

/// The key under which a partner's password and code checks are counted.
pub fn partner_key(code: &str) -> String {
    format!("login:code:{code}")
}

/// The two counted attempts of one check.
#[derive(Debug)]
#[must_use = "a passed check gives its attempts back"]
pub struct Attempts {
    by_account: Attempt,
    by_client: Attempt,
}

impl Attempts {
    pub async fn succeeded(self, platform: &impl Platform) -> Result<(), PlatformError> {
        self.by_account.succeeded(platform).await?;
        self.by_client.succeeded(platform).await
    }
}

/// A new PHC hash of `password` with a random salt.
pub async fn hash_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    password: &str,
) -> Result<String, PlatformError> {
    let salt = ctx.platform.random_bytes(SALT_LEN);
    let iterations = ctx.config.password_iterations;
    let hash = ctx
        .platform
        .pbkdf2_sha256(password.as_bytes(), &salt, iterations)
        .await?;
    Ok(PasswordHash {
        iterations,
        salt,
        hash: hash.to_vec(),
    }
    .to_phc())
}

/// Whether `password` matches `phc`. Without a stored hash, the same work is done against a
/// dummy, so timing does not tell whether a code exists.
pub(crate) async fn verify_password<P: Platform>(
    ctx: &Ctx<'_, P>,
    phc: Option<&str>,
    password: &str,
) -> Result<Option<PasswordHash>, PlatformError> {
    let parsed = phc.and_then(PasswordHash::parse);
    let (salt, iterations) = parsed.as_ref().map_or_else(
        || (vec![0u8; SALT_LEN], ctx.config.password_iterations),
        |h| (h.salt.clone(), h.iterations),
    );
    let derived = ctx
        .platform
        .pbkdf2_sha256(password.as_bytes(), &salt, iterations)
        .await?;
    debug_assert_eq!(derived.len(), HASH_LEN);
    Ok(parsed.filter(|h| h.matches(&derived)))
}

/// The signed-in partner, if the session cookie is valid, current and the partner active.
pub async fn signed_in<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Option<(Session, PartnerAuth)>, PlatformError> {
    let Some(token) = cookie(req, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Ok(session) = Session::verify(&token, &ctx.config.keys, ctx.now) else {
        return Ok(None);
    };
    let Some(auth) = store::partner_auth(ctx.platform, session.partner.as_str()).await? else {
        return Ok(None);
    };
    if !auth.is_active() || auth.session_version != session.version {
        return Ok(None);
    }
    Ok(Some((session, auth)))
}

/// The session cookie for `session`: 30 days with Remember Me, else a browser-session cookie.
pub fn session_cookie(ctx: &Ctx<'_, impl Platform>, session: &Session) -> String {
    let max_age = session.remember.then_some(session.expires_at - ctx.now);
    host_cookie(
        SESSION_COOKIE,
        &session.sign(&ctx.config.keys),
        true,
        max_age,
    )
}

pub fn clear_session_cookie() -> String {
    host_cookie(SESSION_COOKIE, "", true, Some(0))
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

    let Some(attempts) = count_attempt(ctx, req, &partner_key(&username)).await? else {
        return login_page(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            Notice::Limited,
            &username,
            next,
        )
        .await;
    };
    let code = PartnerCode::parse(&username).ok();
    let auth = match &code {
        Some(code) => store::partner_auth(ctx.platform, code.as_str()).await?,
        None => None,
    };
    let password_ok = password.len() <= MAX_PASSWORD_LEN;
    let matched = verify_password(
        ctx,
        auth.as_ref()
            .and_then(|a| a.password_hash.as_deref())
            .filter(|_| password_ok),
        password,
    )
    .await?;
    if auth.is_none()
        && let Some(code) = &code
        && let Some(status) = super::join::application_status(ctx, code.as_str(), password).await?
        && status != "rejected"
    {
        // An applicant with the right password: pending, or approved but not yet deployed.
        attempts.succeeded(ctx.platform).await?;
        return login_page(ctx, StatusCode::FORBIDDEN, Notice::Pending, &username, next).await;
    }
    let (Some(code), Some(auth), Some(hash)) = (code, auth, matched) else {
        return login_page(
            ctx,
            StatusCode::UNAUTHORIZED,
            Notice::Failed,
            &username,
            next,
        )
        .await;
    };
    attempts.succeeded(ctx.platform).await?;
    if !auth.is_active() {
        return login_page(
            ctx,
            StatusCode::FORBIDDEN,
            Notice::Suspended,
            &username,
            next,
        )
        .await;
    }
    if hash.iterations != ctx.config.password_iterations {
        let upgraded = hash_password(ctx, password).await?;
        store::upgrade_hash(ctx.platform, code.as_str(), &upgraded, ctx.now).await?;
    }
    let next = safe_next(next.filter(|n| !n.is_empty()));
    if auth.has_two_factor() {
        return Ok(super::two_factor::ask_for_code(
            ctx,
            &code,
            auth.session_version,
            remember,
            next,
        ));
    }
    let session = Session::new(code, auth.session_version, remember, ctx.now);
    let mut response = see_other(next);
    set_cookie(&mut response, &session_cookie(ctx, &session));
    Ok(response)
}

/// `POST /logout`: ends this and every other session of the partner.
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
    if let Some((session, _)) = signed_in(ctx, req).await? {
        store::bump_session_version(ctx.platform, session.partner.as_str(), ctx.now).await?;
    }
    let mut response = see_other("/login/?status=signedout");
    set_cookie(&mut response, &clear_session_cookie());
    Ok(response)
}
