//! Adjustments from a partner's page in the console (admins): a credit, a deduction, or the
//! correction of a payout, with the reason the partner reads, committed for the owner as
//! `adjustments/<date>-<code>-<key>.yaml` (`core`'s checks and file). The form's key makes a
//! second click commit nothing.
//!
//! `POST /api/v1/owner/partners/<code>/adjustments`
//! `{"key": "…", "amount": "25.00", "reason": "…", "corrects": "PP-…"}`.

use http::StatusCode;
use pc_core::Money;
use pc_core::adjustment::Adjustment;
use serde::Deserialize;
use serde_json::json;

use super::{Need, access, confirm_owner};
use crate::git::{self, Change, GitError, NewFile};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::accounts::reauth::Proof;
use crate::routes::reports::{currency, date_of};
use crate::store;
use crate::{Request, Response};

#[derive(Debug, Deserialize)]
struct Form {
    /// Made when the form was shown: 12 lowercase hex digits.
    key: String,
    amount: String,
    reason: String,
    #[serde(default)]
    corrects: Option<String>,
    /// The owner's password (and code): an adjustment moves money.
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    two_factor_code: Option<String>,
}

pub async fn add<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    if store::partner_auth(ctx.platform, code).await?.is_none() {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such partner"));
    }
    let Ok(form) = serde_json::from_slice::<Form>(req.body()) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "send {\"key\", \"amount\": \"25.00\", \"reason\": \"…\"} (and \"corrects\": a payout's reference)",
        ));
    };
    let proof = Proof {
        password: form.password.as_deref(),
        two_factor_code: form.two_factor_code.as_deref(),
    };
    if let Some(refused) = confirm_owner(ctx, req, &who, proof, "a partner's balance").await? {
        return Ok(refused);
    }
    let key_ok = form.key.len() == 12
        && form
            .key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !key_ok {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "reload the page and try again",
        ));
    }
    let currency = currency(ctx).await?;
    let Ok(amount) = Money::parse(form.amount.trim(), currency) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "the amount is a number of {} like 25.00, or -10.00 to deduct",
                currency.code()
            ),
        ));
    };
    let corrects = form
        .corrects
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(payout) = &corrects
        && !store::partner_has_payout(ctx.platform, code, payout).await?
    {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            &format!("{code} has no payout {payout}: give the reference of one of their payouts"),
        ));
    }
    let date = date_of(ctx.now);
    let adjustment = match (Adjustment {
        id: format!("ADJ-{date}-{code}-{}", form.key),
        partner: code.to_owned(),
        date: date.clone(),
        amount,
        reason: form.reason,
        corrects,
    })
    .checked()
    {
        Ok(adjustment) => adjustment,
        Err(e) => return Ok(json_error(StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let file = format!("adjustments/{date}-{code}-{}.yaml", form.key);
    let what = match (&adjustment.corrects, amount.minor() > 0) {
        (Some(payout), _) => format!("Correct payout {payout} to {code} by {amount}"),
        (None, true) => format!("Credit {code} {amount}"),
        (None, false) => format!(
            "Deduct {} from {code}",
            Money::from_minor(-amount.minor(), currency)
        ),
    };
    let change = Change {
        files: vec![NewFile {
            path: file.clone(),
            contents: adjustment.yaml(&format!(
                "Added on {date} in the console by {}.",
                who.via().trim_end_matches(" via the console")
            )),
        }],
        message: format!("{what} (by {})", who.via()),
        author: who.author(),
    };
    let committed = match git::commit(ctx.platform, &change).await {
        Ok(committed) => committed,
        Err(GitError::Conflict { .. }) => {
            return Ok(json_error(
                StatusCode::CONFLICT,
                "this form was already used for another adjustment: reload the page",
            ));
        }
        Err(e @ GitError::NotConfigured) => {
            return Ok(json_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()));
        }
        Err(e @ GitError::Refused(_)) => {
            return Ok(json_error(StatusCode::BAD_GATEWAY, &e.to_string()));
        }
        Err(GitError::Platform(e)) => return Err(PlatformError(e)),
    };
    ctx.platform
        .execute(store::owner_audit(
            who.who(),
            &what.to_lowercase(),
            Some(code),
            ctx.now,
        ))
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "id": adjustment.id,
            "file": format!("content/{file}"),
            "amount": amount.decimal_string(),
            "reason": adjustment.reason,
            "commit": { "sha": Some(committed.sha).filter(|s| !s.is_empty()), "url": committed.url, "already": committed.already },
        }),
    ))
}
