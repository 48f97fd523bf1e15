//! The owner's console (`/owner/…`) and the owner API (`/api/v1/owner/…`).
//!
//! Two ways in, never a partner's: an owner account from `owners.yaml` signed in with its own
//! session cookie ([`OWNER_COOKIE`], eight hours, its own token purpose), or a script with the
//! `OWNER_TOKEN` bearer (the CLI). Admins may decide applications; viewers only read.

pub mod applications;
pub mod console;
pub mod overview;
pub mod payout_guard;
pub mod payouts;
pub mod session;
pub mod view_as;

use http::StatusCode;
use pc_core::{OwnerRole, OwnerSession};
use serde::Deserialize;

use super::Ctx;
use crate::http_util::{cookie, header_str, json_error};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};
use crate::{Request, Response};

/// The owner's session cookie: not the partners' (a partner's cookie never opens the console).
pub const OWNER_COOKIE: &str = "__Host-pc_owner";

/// A signed-in owner.
#[derive(Debug, Clone)]
pub struct Owner {
    pub email: String,
    pub name: String,
    pub role: OwnerRole,
}

/// Who is asking the owner API.
#[derive(Debug, Clone)]
pub enum Access {
    /// The `OWNER_TOKEN` bearer (scripts, the CLI): an admin.
    Token,
    Owner(Owner),
}

impl Access {
    pub fn is_admin(&self) -> bool {
        match self {
            Access::Token => true,
            Access::Owner(o) => o.role == OwnerRole::Admin,
        }
    }

    /// For the activity log.
    pub fn who(&self) -> &str {
        match self {
            Access::Token => "owner token",
            Access::Owner(o) => &o.email,
        }
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Admin,
}

/// An owner's account as stored: role from the content, password and session version not.
#[derive(Debug, Deserialize)]
pub struct OwnerAuth {
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub session_version: i64,
}

pub async fn owner_auth<P: Platform>(
    ctx: &Ctx<'_, P>,
    email: &str,
) -> Result<Option<OwnerAuth>, PlatformError> {
    let rows = ctx
        .platform
        .query(Statement::new(
            "SELECT o.name AS name, o.role AS role, c.password_hash AS password_hash, \
             coalesce(c.session_version, 0) AS session_version \
             FROM owners o LEFT JOIN owner_credentials c ON c.email = o.email WHERE o.email = ?",
            vec![email.into()],
        ))
        .await?;
    rows.into_iter()
        .next()
        .map(|r| {
            serde_json::from_value(serde_json::Value::Object(r))
                .map_err(|e| PlatformError(format!("owner row: {e}")))
        })
        .transpose()
}

/// The owner signed in with a valid, current session of an account that still has a role.
pub async fn signed_in_owner<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Option<Owner>, PlatformError> {
    let Some(token) = cookie(req, OWNER_COOKIE) else {
        return Ok(None);
    };
    let Ok(session) = OwnerSession::verify(&token, &ctx.config.keys, ctx.now) else {
        return Ok(None);
    };
    let Some(auth) = owner_auth(ctx, &session.email).await? else {
        return Ok(None);
    };
    let Some(role) = OwnerRole::parse(&auth.role) else {
        return Ok(None);
    };
    if auth.session_version != session.version {
        return Ok(None);
    }
    Ok(Some(Owner {
        email: session.email,
        name: auth.name,
        role,
    }))
}

/// Who may use the owner API for this request, or the refusal: a bearer token is checked as
/// the token (never falling back to a cookie); else the owner's session. A viewer asking for
/// an admin's action is refused with 403.
pub async fn access<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    need: Need,
) -> Result<Result<Access, Response>, PlatformError> {
    if header_str(req, "authorization").is_some() {
        return Ok(match owner_refusal(ctx, req) {
            Some(refusal) => Err(refusal),
            None => Ok(Access::Token),
        });
    }
    let Some(owner) = signed_in_owner(ctx, req).await? else {
        return Ok(Err(json_error(
            StatusCode::UNAUTHORIZED,
            "sign in at /owner/login/ (or send Authorization: Bearer <OWNER_TOKEN>)",
        )));
    };
    if need == Need::Admin && owner.role != OwnerRole::Admin {
        return Ok(Err(json_error(
            StatusCode::FORBIDDEN,
            "a viewer can read the console but not decide; ask an admin",
        )));
    }
    Ok(Ok(Access::Owner(owner)))
}

/// To the owner's sign-in, and back to `path` after it.
pub fn to_owner_login(path: &str) -> Response {
    crate::http_util::see_other(&format!(
        "/owner/login/?next={}",
        crate::http_util::encode(path)
    ))
}

/// A line of the console's activity log.
pub fn audit(who: &str, action: &str, subject: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO owner_audit (owner, action, subject, at) VALUES (?, ?, ?, ?)",
        vec![
            who.into(),
            action.into(),
            subject.map_or(SqlValue::Null, Into::into),
            now.into(),
        ],
    )
}

/// Checks `Authorization: Bearer <OWNER_TOKEN>` (constant time); the refusal to send, if any.
pub fn owner_refusal<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Option<Response> {
    let Some(token) = ctx.platform.env("OWNER_TOKEN").filter(|t| t.len() >= 16) else {
        return Some(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the owner API is not configured (OWNER_TOKEN)",
        ));
    };
    let sent = header_str(req, "authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    let matches = sent.len() == token.len()
        && sent
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if matches {
        None
    } else {
        Some(json_error(
            StatusCode::UNAUTHORIZED,
            "send the owner token as Authorization: Bearer <OWNER_TOKEN>",
        ))
    }
}

/// `POST /api/v1/owner/scheduled?cron=…`: runs the scheduled work now (an admin, or the
/// `OWNER_TOKEN`), as the cron trigger would; answers what was sent.
pub async fn run_scheduled<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Admin).await? {
        return Ok(refusal);
    }
    let q = crate::http_util::query(req);
    let cron = crate::http_util::field(&q, "cron").unwrap_or(crate::notify::FREQUENT_CRON);
    let sent = crate::notify::scheduled(ctx, crate::notify::Run::of_cron(cron)).await?;
    Ok(crate::http_util::json(
        StatusCode::OK,
        &serde_json::json!({ "sent": sent }),
    ))
}
