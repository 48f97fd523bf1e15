//! Payout details in My Profile (`GET`/`PUT /api/v1/me/payout`), guarded because a stolen
//! session must not become a redirected payout: a change needs the current password, is told
//! to the account's e-mail address, and applies to payouts only after the owner's cooling-off
//! period (site.yaml `payout_cooling_off_hours`, default 72). The owner's payable export shows
//! the details that apply now, and when they changed.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Ctx;
use super::auth::verify_password;
use crate::http_util::{self, json as json_response, json_error};
use crate::platform::{Mail, Platform, PlatformError, Statement};
use crate::store::{self, Limit};
use crate::{Request, Response};

const CHANGES_PER_PARTNER: Limit = Limit {
    max: 5,
    window_seconds: 3600,
};
const MAX_DETAILS: usize = 200;

/// `config:site`'s payout settings (written by the generator from site.yaml).
#[derive(Debug, Deserialize)]
struct Settings {
    #[serde(default = "default_methods")]
    payout_methods: Vec<String>,
    #[serde(default = "default_hours")]
    payout_cooling_off_hours: u32,
}

fn default_methods() -> Vec<String> {
    vec!["PayPal".into(), "Bank transfer".into()]
}

fn default_hours() -> u32 {
    72
}

async fn settings<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Settings, PlatformError> {
    Ok(ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_else(|| Settings {
            payout_methods: default_methods(),
            payout_cooling_off_hours: default_hours(),
        }))
}

/// Details as partners and the owner's screens show them: an address with its local part
/// hidden, anything else with only its last four characters.
pub fn masked(details: &str) -> String {
    if details.contains('@') {
        return super::events::mask_email(details);
    }
    let chars: Vec<char> = details.chars().filter(|c| !c.is_whitespace()).collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("•••• {tail}")
}

/// The payout details that apply at `now`, and when they last changed (`None`: as in
/// content); a change still in its cooling-off period comes second.
#[derive(Debug)]
pub struct Effective {
    pub method: String,
    pub details: String,
    pub changed_at: Option<i64>,
    pub pending: Option<(String, String, i64)>,
}

pub async fn effective<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<Effective, PlatformError> {
    let content = ctx
        .platform
        .query(Statement::new(
            "SELECT coalesce(payout_method, '') AS method, coalesce(payout_details, '') AS details FROM partners WHERE code = ?",
            vec![code.into()],
        ))
        .await?;
    let text = |r: &crate::platform::Row, k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let changes = ctx
        .platform
        .query(Statement::new(
            "SELECT method, details, effective_at FROM payout_changes WHERE partner = ? ORDER BY effective_at DESC, id DESC LIMIT 20",
            vec![code.into()],
        ))
        .await?;
    let at = |r: &crate::platform::Row| r.get("effective_at").and_then(Value::as_i64).unwrap_or(0);
    let applied = changes.iter().find(|r| at(r) <= ctx.now);
    let pending = changes
        .iter()
        .find(|r| at(r) > ctx.now)
        .map(|r| (text(r, "method"), text(r, "details"), at(r)));
    Ok(match applied {
        Some(r) => Effective {
            method: text(r, "method"),
            details: text(r, "details"),
            changed_at: Some(at(r)),
            pending,
        },
        None => Effective {
            method: content
                .first()
                .map(|r| text(r, "method"))
                .unwrap_or_default(),
            details: content
                .first()
                .map(|r| text(r, "details"))
                .unwrap_or_default(),
            changed_at: None,
            pending,
        },
    })
}

fn view(e: &Effective, settings: &Settings) -> Value {
    json!({
        "method": e.method,
        "details": masked(&e.details),
        "changed": e.changed_at.map(super::reports::date_of),
        "pending": e.pending.as_ref().map(|(m, d, at)| json!({
            "method": m, "details": masked(d), "applies_from": super::reports::date_of(*at),
        })),
        "methods": settings.payout_methods,
        "cooling_off_hours": settings.payout_cooling_off_hours,
    })
}

/// `GET /api/v1/me/payout`.
pub async fn get<P: Platform>(ctx: &Ctx<'_, P>, code: &str) -> Result<Response, PlatformError> {
    let settings = settings(ctx).await?;
    let e = effective(ctx, code).await?;
    Ok(json_response(StatusCode::OK, &view(&e, &settings)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    method: String,
    details: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    two_factor_code: Option<String>,
}

/// `PUT /api/v1/me/payout` with `{method, details, password}` (and `two_factor_code` when
/// two-step sign-in is on).
pub async fn put<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
) -> Result<Response, PlatformError> {
    if !http_util::header_str(req, "content-type")
        .is_some_and(|t| t.starts_with("application/json"))
    {
        return Ok(json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON (Content-Type: application/json)",
        ));
    }
    let change: Change = match serde_json::from_slice(req.body()) {
        Ok(c) => c,
        Err(e) => {
            return Ok(json_error(
                StatusCode::BAD_REQUEST,
                &format!("malformed change: {e}"),
            ));
        }
    };
    let settings = settings(ctx).await?;
    if !settings.payout_methods.contains(&change.method) {
        return Ok(json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("choose one of: {}", settings.payout_methods.join(", ")),
        ));
    }
    let details = change.details.trim();
    if details.is_empty() || details.len() > MAX_DETAILS || details.chars().any(char::is_control) {
        return Ok(json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the details are 1 to 200 characters on one line (an address, an IBAN, an account)",
        ));
    }
    let key = format!("payout:code:{code}");
    if store::hits(ctx.platform, &key, CHANGES_PER_PARTNER, ctx.now).await?
        >= CHANGES_PER_PARTNER.max
    {
        return Ok(json_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many attempts; wait an hour",
        ));
    }
    store::hit(ctx.platform, &key, CHANGES_PER_PARTNER, ctx.now).await?;
    let Some(auth) = store::partner_auth(ctx.platform, code).await? else {
        return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
    };
    // The password again: a session alone (a shared computer, a stolen cookie) is not enough.
    if change.password.is_empty()
        || verify_password(ctx, auth.password_hash.as_deref(), &change.password)
            .await?
            .is_none()
    {
        return Ok(json_error(
            StatusCode::FORBIDDEN,
            "enter your current password to change where you are paid",
        ));
    }
    // And, with two-step sign-in on, a fresh code from the app.
    if let Some(refused) = super::two_factor::step_up(
        ctx,
        code,
        auth.has_two_factor(),
        change.two_factor_code.as_deref(),
        "where you are paid",
    )
    .await?
    {
        return Ok(refused);
    }
    let applies_at = ctx.now + i64::from(settings.payout_cooling_off_hours) * 3600;
    ctx.platform
        .batch(vec![Statement::new(
            "INSERT INTO payout_changes (partner, method, details, requested_at, effective_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                code.into(),
                change.method.as_str().into(),
                details.into(),
                ctx.now.into(),
                applies_at.into(),
            ],
        )])
        .await?;
    // Told to the address on file: if this was not the partner, they hear before it applies.
    crate::mail::send(ctx.platform, Mail {
            to: auth.email.clone(),
            subject: "Your payout details were changed".into(),
            body: format!(
                "Hello {},\n\nThe payout details of partner account {code} were changed to {} ({}).\n\
                 They apply to payouts from {}; until then you are paid as before.\n\n\
                 If you did not make this change, reply to this e-mail or contact the partner team now, \
                 and change your password.\n",
                auth.name,
                change.method,
                masked(details),
                super::reports::date_of(applies_at)
            ),
        })
        .await?;
    let e = effective(ctx, code).await?;
    Ok(json_response(StatusCode::OK, &view(&e, &settings)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn details_are_masked() {
        assert_eq!(super::masked("alex@paypal.example"), "a***@paypal.example");
        assert_eq!(super::masked("DE89 3704 0044 0532 0130 00"), "•••• 3000");
        assert_eq!(super::masked("ab"), "•••• ab");
    }
}
