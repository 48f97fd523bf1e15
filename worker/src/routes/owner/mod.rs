//! The owner's console (`/owner/…`) and the owner API (`/api/v1/owner/…`).
//!
//! Two ways in, never a partner's: an owner account from `owners.yaml` signed in with its own
//! session cookie (`__Host-pc_owner`, eight hours, its own token purpose; see
//! [`crate::routes::accounts`]), or a script with the `OWNER_TOKEN` bearer (the CLI). Admins may
//! decide applications; viewers only read. An owner whom `owners.yaml` requires to use two-step
//! sign-in reaches only their account page until it is on.

pub mod adjustments;
pub mod applications;
pub mod console;
pub mod mail_test;
pub mod overview;
pub mod partner_risk;
pub mod payout_guard;
pub mod payout_runs;
pub mod payouts;
pub mod reviews;
pub mod session;
pub mod setup;
pub mod view_as;

use http::StatusCode;
use pc_core::OwnerRole;

use super::Ctx;
use super::accounts::{self, Kind};
use crate::http_util::{header_str, json_error};
use crate::platform::{Platform, PlatformError};
use crate::store::{self, Account};
use crate::{Request, Response};

/// A signed-in owner.
#[derive(Debug, Clone)]
pub struct Owner {
    pub email: String,
    pub name: String,
    pub role: OwnerRole,
    /// `owners.yaml` requires two-step sign-in of this owner and it is not on yet.
    pub needs_two_factor: bool,
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

    /// The author of a commit the console makes for this owner (a script with the owner
    /// token commits as the portal).
    pub fn author(&self) -> crate::git::Author {
        match self {
            Access::Token => crate::git::Author {
                name: "Partner Center".into(),
                email: "owner-token@partner-center.invalid".into(),
            },
            Access::Owner(o) => crate::git::Author {
                name: o.name.clone(),
                email: o.email.clone(),
            },
        }
    }

    /// How a commit message names them: "Olivia Brightloom via the console".
    pub fn via(&self) -> String {
        match self {
            Access::Token => "the owner token".into(),
            Access::Owner(o) => format!("{} via the console", o.name),
        }
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Admin,
}

/// The owner signed in with a valid, current session of an account that still has a role.
pub async fn signed_in_owner<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Option<Owner>, PlatformError> {
    let Some((Account::Owner(email), version)) = accounts::session_of(ctx, req, Kind::Owner) else {
        return Ok(None);
    };
    let Some(auth) = store::accounts::owner_auth(ctx.platform, &email).await? else {
        return Ok(None);
    };
    let Some(role) = OwnerRole::parse(&auth.role) else {
        return Ok(None);
    };
    if auth.session_version != version {
        return Ok(None);
    }
    Ok(Some(Owner {
        email,
        name: auth.name,
        role,
        needs_two_factor: auth.two_factor_required != 0 && auth.two_factor == 0,
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
    if owner.needs_two_factor {
        return Ok(Err(json_error(
            StatusCode::FORBIDDEN,
            "turn on two-step sign-in on your account page (/owner/account/) first: owners.yaml requires it",
        )));
    }
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

/// For a button that moves money (Mark as paid, an adjustment): an owner's session proves it is
/// them again with their password (and a code when two-step sign-in is on), as partners do for
/// their payout details; the owner token is its own proof. `None`: go on.
pub async fn confirm_owner<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    who: &Access,
    proof: crate::routes::accounts::reauth::Proof<'_>,
    what: &str,
) -> Result<Option<Response>, PlatformError> {
    let Access::Owner(owner) = who else {
        return Ok(None);
    };
    let account = Account::Owner(owner.email.clone());
    let Some(auth) = store::accounts::auth(ctx.platform, &account).await? else {
        return Ok(Some(json_error(StatusCode::UNAUTHORIZED, "sign in first")));
    };
    crate::routes::accounts::reauth::confirm(ctx, req, &account, &auth, proof, what).await
}

/// The longest note a decision keeps.
const NOTE_MAX: usize = 500;

/// A decision's body (a held conversion's release or reversal, clearing a flagged partner):
/// `{"note": "…"}` with the password and, when on, a code.
#[derive(Debug, serde::Deserialize)]
struct NotedDecision {
    #[serde(default)]
    note: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    two_factor_code: Option<String>,
}

/// Reads a decision's body and confirms the owner ([`confirm_owner`], about `what`): its note,
/// trimmed and at most [`NOTE_MAX`] characters, or the answer that refuses it.
pub async fn noted_decision<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    who: &Access,
    what: &str,
) -> Result<Result<String, Response>, PlatformError> {
    let Ok(form) = serde_json::from_slice::<NotedDecision>(req.body()) else {
        return Ok(Err(json_error(
            StatusCode::BAD_REQUEST,
            "send {\"note\": \"…\"} (and the password, and a code when two-step sign-in is on)",
        )));
    };
    let proof = crate::routes::accounts::reauth::Proof {
        password: form.password.as_deref(),
        two_factor_code: form.two_factor_code.as_deref(),
    };
    if let Some(refused) = confirm_owner(ctx, req, who, proof, what).await? {
        return Ok(Err(refused));
    }
    let note = form.note.trim();
    if note.chars().count() > NOTE_MAX {
        return Ok(Err(json_error(
            StatusCode::BAD_REQUEST,
            &format!("the note is at most {NOTE_MAX} characters"),
        )));
    }
    Ok(Ok(note.to_owned()))
}

/// Where a console page sends an owner who must turn on two-step sign-in first.
pub fn to_enrolment() -> Response {
    crate::http_util::see_other("/owner/account/?status=twofactorneeded#two-factor")
}

pub use crate::store::owner_audit as audit;

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
    let limit = |name: &str, max: usize| match crate::http_util::field(&q, name) {
        None => Ok(None),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
            _ => Err(format!("`{name}` is a number from 1 to {max}")),
        },
    };
    let budget = match (limit("days", 366), limit("partners", 100_000)) {
        (Ok(days), Ok(partners)) => crate::scheduled::Budget { days, partners },
        (Err(message), _) | (_, Err(message)) => {
            return Ok(crate::http_util::json_error(
                StatusCode::BAD_REQUEST,
                &message,
            ));
        }
    };
    let done = crate::scheduled::run(ctx, crate::notify::Run::of_cron(cron), budget).await?;
    Ok(crate::http_util::json(
        StatusCode::OK,
        &serde_json::to_value(done).unwrap_or_default(),
    ))
}
