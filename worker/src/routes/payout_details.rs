//! Payout details in My Profile (`GET`/`PUT /api/v1/me/payout`), guarded because a stolen
//! session must not become a redirected payout: a change needs the current password (and a
//! code), is told to the account's e-mail address with the "this wasn't me" link, and applies
//! to payouts only after the owner's cooling-off period (site.yaml `payout_cooling_off_hours`,
//! default 72); until then the partner or an admin can cancel it, and a newer change replaces
//! it. The owner's payable export shows the details that apply now, and when they changed.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use pc_core::AccountChange;

use super::Ctx;
use super::accounts::reauth::{self, Proof};
use crate::http_util::{self, json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::store::payouts::{self, PayoutChange};
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
/// content); the change still in its cooling-off period, if any (a newer change replaces older
/// pending ones, a cancelled one never applies).
#[derive(Debug, Clone)]
pub struct Effective {
    pub method: String,
    pub details: String,
    pub changed_at: Option<i64>,
    pub pending: Option<PayoutChange>,
}

pub async fn effective<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<Effective, PlatformError> {
    let changes = payouts::changes(ctx.platform, code).await?;
    let pending = changes.iter().find(|c| c.effective_at > ctx.now).cloned();
    if let Some(applied) = changes.into_iter().find(|c| c.effective_at <= ctx.now) {
        return Ok(Effective {
            method: applied.method,
            details: applied.details,
            changed_at: Some(applied.effective_at),
            pending,
        });
    }
    let (method, details) = payouts::content_details(ctx.platform, code).await?;
    Ok(Effective {
        method,
        details,
        changed_at: None,
        pending,
    })
}

/// The payout details as a partner (and view-as, and a viewer owner) sees them: masked.
pub fn masked_view(e: &Effective) -> Value {
    json!({
        "method": e.method,
        "details": masked(&e.details),
        "changed": e.changed_at.map(super::reports::date_of),
        "pending": e.pending.as_ref().map(|c| json!({
            "id": c.id,
            "method": c.method,
            "details": masked(&c.details),
            "requested": super::reports::date_of(c.requested_at),
            "applies_from": super::reports::date_of(c.effective_at),
        })),
    })
}

async fn view<P: Platform>(ctx: &Ctx<'_, P>, code: &str) -> Result<Value, PlatformError> {
    let settings = settings(ctx).await?;
    let e = effective(ctx, code).await?;
    let mut value = masked_view(&e);
    value["methods"] = json!(settings.payout_methods);
    value["cooling_off_hours"] = json!(settings.payout_cooling_off_hours);
    value["frozen"] = json!(payouts::frozen_since(ctx.platform, code).await?.is_some());
    Ok(value)
}

/// `GET /api/v1/me/payout`.
pub async fn get<P: Platform>(ctx: &Ctx<'_, P>, code: &str) -> Result<Response, PlatformError> {
    Ok(json_response(StatusCode::OK, &view(ctx, code).await?))
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
    if details.is_empty()
        || details.len() > MAX_DETAILS
        || pc_core::text::unsafe_char(details, false).is_some()
    {
        return Ok(json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the details are 1 to 200 characters on one line (an address, an IBAN, an account)",
        ));
    }
    if payouts::frozen_since(ctx.platform, code).await?.is_some() {
        return Ok(json_error(
            StatusCode::LOCKED,
            "your payout details are frozen after you reported a change that was not yours; the partner team will contact you",
        ));
    }
    let key = format!("payout:code:{code}");
    if !store::attempt(ctx.platform, &key, CHANGES_PER_PARTNER, ctx.now)
        .await?
        .allowed
    {
        return Ok(json_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many attempts; wait an hour",
        ));
    }
    let account = pc_core::PartnerCode::parse(code)
        .ok()
        .map(store::Account::Partner);
    let (Some(account), Some(auth)) = (account, store::partner_auth(ctx.platform, code).await?)
    else {
        return Ok(json_error(StatusCode::UNAUTHORIZED, "sign in first"));
    };
    // The password again (and a code): a session alone (a shared computer, a stolen cookie)
    // is not enough.
    let proof = Proof {
        password: Some(&change.password),
        two_factor_code: change.two_factor_code.as_deref(),
    };
    if let Some(refused) = reauth::confirm(
        ctx,
        req,
        &account,
        &auth.account(),
        proof,
        "where you are paid",
    )
    .await?
    {
        return Ok(refused);
    }
    let applies_at = ctx.now + i64::from(settings.payout_cooling_off_hours) * 3600;
    let mut statements =
        payouts::request_change(code, &change.method, details, ctx.now, applies_at);
    statements.extend(duplicate_flags(ctx, code, details).await?);
    ctx.platform.batch(statements).await?;
    // Told to the address on file: if this was not the partner, they hear before it applies
    // and can cancel it with one click.
    if let Ok(partner) = pc_core::PartnerCode::parse(code) {
        super::not_me::tell_previous_address(
            ctx,
            req,
            &partner,
            &auth.name,
            &auth.email,
            AccountChange::PayoutDetails,
            &format!(
                " The new details are {} ({}); they apply to payouts from {}, until then you are paid as before.",
                change.method,
                masked(details),
                super::reports::date_of(applies_at)
            ),
        )
        .await?;
    }
    get(ctx, code).await
}

/// The `duplicate_payout_details` risk rule: when other partners are paid (or asked to be) to
/// the same details, this partner and each of them are flagged, each naming the other.
async fn duplicate_flags<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    details: &str,
) -> Result<Vec<crate::platform::Statement>, PlatformError> {
    let rules = crate::risk::rules(ctx.platform).await?;
    if rules.rules.duplicate_payout_details.is_none() {
        return Ok(Vec::new());
    }
    let others = store::risk_facts::sharing_payout_details(ctx.platform, code, details).await?;
    let shared = rules.partner(&pc_core::risk::PartnerFacts {
        shares_payout_details: !others.is_empty(),
        ..pc_core::risk::PartnerFacts::default()
    });
    let mut flags = Vec::new();
    if let Some(rule) = shared.fired.first().map(|f| f.rule.as_str()) {
        flags.push(store::risk_facts::flag(
            code,
            rule,
            &format!("The same details as {}", others.join(", ")),
            ctx.now,
        ));
        for other in &others {
            flags.push(store::risk_facts::flag(
                other,
                rule,
                &format!("The same details as {code}"),
                ctx.now,
            ));
        }
    }
    Ok(flags)
}

/// `DELETE /api/v1/me/payout/pending/<id>`: the partner cancels a change that has not applied.
pub async fn cancel<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    id: &str,
) -> Result<Response, PlatformError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such payout change"));
    };
    let cancelled = ctx
        .platform
        .execute(payouts::cancel_pending(code, id, "the partner", ctx.now))
        .await?;
    if cancelled != 1 {
        return Ok(json_error(
            StatusCode::CONFLICT,
            "that change is not pending any more (it applied or was cancelled)",
        ));
    }
    get(ctx, code).await
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
