//! "Mark as paid": the owner chooses who to pay from `core`'s candidates (the payable partners,
//! less payouts written down but not deployed; those without a payout method, with new payout
//! details still waiting, under the minimum payout or not active are flagged and left out unless
//! chosen), pays them with the PayPal or bank file, then records the run: one commit of
//! `payouts/<date>-<run>.yaml` with exact amounts and references. A run is recorded once: the
//! same run id again commits nothing.
//!
//! `GET /api/v1/owner/payouts/plan` and `POST /api/v1/owner/payouts/runs/<run>`.

use http::StatusCode;
use pc_core::Money;
use pc_core::payout_plan::{self, Candidate, Payable, Planned, Waiting};
use serde::Deserialize;
use serde_json::{Value, json};

use super::payouts::payable_partners;
use super::{Need, access, confirm_owner};
use crate::git::{self, Change, GitError, NewFile};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::accounts::reauth::Proof;
use crate::routes::reports::{currency, date_of};
use crate::store::payout_runs::{self as store, Line, Run};
use crate::{Request, Response};

/// A run's id: 12 lowercase hex digits, made when the owner opens Payouts.
fn valid_run(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The reference of a payout in a run (the ledger's id is `payout:<reference>`): the date, the
/// partner and the run, so that two runs on one day never share one.
pub fn reference(date: &str, partner: &str, run: &str) -> String {
    format!("PO-{date}-{partner}-{run}")
}

/// The minimum payout from `site.yaml`, in minor units (none: 0).
async fn minimum<P: Platform>(ctx: &Ctx<'_, P>) -> Result<i64, PlatformError> {
    #[derive(Deserialize)]
    struct Site {
        #[serde(default)]
        payout_minimum_minor: i64,
    }
    Ok(ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str::<Site>(&v).ok())
        .map_or(0, |s| s.payout_minimum_minor))
}

/// Who can be paid now and what, with their flags and where to pay them; `Err`: written-down
/// payouts that are more than a partner can be paid.
async fn plan<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<
    Result<Vec<(Candidate, crate::routes::payout_details::Effective)>, Vec<String>>,
    PlatformError,
> {
    let currency = currency(ctx).await?;
    let partners = payable_partners(ctx).await?;
    let rows: Vec<Payable> = partners
        .iter()
        .map(|p| Payable {
            partner: p.code.clone(),
            name: p.name.clone(),
            active: p.status == "active",
            method: p.pay.method.clone(),
            payable: Money::from_minor(p.balance.payable, currency),
            pending_change: p.pay.pending.is_some(),
        })
        .collect();
    let waiting: Vec<Waiting> = store::waiting(ctx.platform, ctx.now)
        .await?
        .into_iter()
        .map(|w| Waiting {
            partner: w.partner,
            reference: w.reference,
            amount: Money::from_minor(w.amount_minor, currency),
            source: w.file,
        })
        .collect();
    let minimum = Some(minimum(ctx).await?)
        .filter(|m| *m > 0)
        .map(|m| Money::from_minor(m, currency));
    Ok(
        payout_plan::candidates(&rows, &waiting, minimum).map(|found| {
            found
                .into_iter()
                .filter_map(|c| {
                    let pay = partners.iter().find(|p| p.code == c.partner)?.pay.clone();
                    Some((c, pay))
                })
                .collect()
        }),
    )
}

/// What a run pays each partner who can be paid now (decimal text); none when written-down
/// payouts are more than a partner can be paid.
pub(super) async fn amounts<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<std::collections::HashMap<String, String>, PlatformError> {
    Ok(plan(ctx)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|(c, _)| (c.partner, c.amount.decimal_string()))
        .collect())
}

/// `GET /api/v1/owner/payouts/plan`: a new run's id and who it can pay. Admins see where to pay
/// each partner whole (they pay); viewers masked.
pub async fn get_plan<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Read).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let found = match plan(ctx).await? {
        Ok(found) => found,
        Err(refusals) => return Ok(refused(&refusals)),
    };
    let candidates: Vec<Value> = found
        .into_iter()
        .map(|(c, pay)| {
            json!({
                "partner": c.partner,
                "name": c.name,
                "amount": c.amount.decimal_string(),
                "method": c.method,
                "details": if who.is_admin() { pay.details.clone() } else { crate::routes::payout_details::masked(&pay.details) },
                "flags": c.flags.iter().map(|f| json!({ "flag": f, "words": f.words() })).collect::<Vec<_>>(),
                "chosen": c.flags.is_empty(),
            })
        })
        .collect();
    let run = hex::encode(ctx.platform.random_bytes(6));
    let minimum = minimum(ctx).await?;
    let currency = currency(ctx).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "run": run,
            "date": date_of(ctx.now),
            "currency": currency.code(),
            "minimum": Money::from_minor(minimum, currency).decimal_string(),
            "candidates": candidates,
        }),
    ))
}

fn refused(refusals: &[String]) -> Response {
    json_response(
        StatusCode::CONFLICT,
        &json!({
            "error": "payouts written down are more than these partners can be paid; correct them first",
            "refusals": refusals,
        }),
    )
}

#[derive(Debug, Deserialize)]
struct Chosen {
    partners: Vec<String>,
    /// The owner's password (and code): recording payouts moves money.
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    two_factor_code: Option<String>,
}

/// `POST /api/v1/owner/payouts/runs/<run>` `{"partners": [...]}` (admins): commits the run's
/// payouts file and records it; the same run again answers what it recorded.
pub async fn mark_paid<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    run: &str,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    if !valid_run(run) {
        return Ok(json_error(
            StatusCode::NOT_FOUND,
            "no such payout run: open Payouts again",
        ));
    }
    let Ok(chosen) = serde_json::from_slice::<Chosen>(req.body()) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "send {\"partners\": [\"abc123\", …], \"password\": \"…\"}: the partners you paid",
        ));
    };
    let proof = Proof {
        password: chosen.password.as_deref(),
        two_factor_code: chosen.two_factor_code.as_deref(),
    };
    if let Some(refused) = confirm_owner(ctx, req, &who, proof, "what was paid").await? {
        return Ok(refused);
    }
    if let Some((recorded, lines)) = store::run(ctx.platform, run).await? {
        return Ok(answer(&recorded, &lines, true, currency(ctx).await?));
    }
    let found = match plan(ctx).await? {
        Ok(found) => found,
        Err(refusals) => return Ok(refused(&refusals)),
    };
    let date = date_of(ctx.now);
    let planned: Vec<Planned> = found
        .into_iter()
        .filter(|(c, _)| chosen.partners.contains(&c.partner))
        .map(|(c, _)| Planned {
            reference: reference(&date, &c.partner, run),
            note: (!c.flags.is_empty()).then(|| {
                let words: Vec<&str> = c.flags.iter().map(|f| f.words()).collect();
                format!("paid although: {}", words.join("; "))
            }),
            partner: c.partner,
            amount: c.amount,
            method: if c.method.is_empty() {
                "(not given)".into()
            } else {
                c.method
            },
        })
        .collect();
    if planned.is_empty() || planned.len() != chosen.partners.len() {
        return Ok(json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose partners who can be paid now (reload Payouts: balances may have changed)",
        ));
    }
    let file = format!("payouts/{date}-{run}.yaml");
    let total: i64 = planned.iter().map(|p| p.amount.minor()).sum();
    let currency = currency(ctx).await?;
    let total = Money::from_minor(total, currency);
    let yaml = payout_plan::payouts_yaml(
        &planned,
        &date,
        &[&format!(
            "Payouts recorded on {date} in the console by {} (run {run}).",
            who.via().trim_end_matches(" via the console")
        )],
    );
    let change = Change {
        files: vec![NewFile {
            path: file.clone(),
            contents: yaml,
        }],
        message: format!(
            "Record payouts to {} partner{}, {total} (by {})",
            planned.len(),
            if planned.len() == 1 { "" } else { "s" },
            who.via()
        ),
        author: who.author(),
    };
    let committed = match git::commit(ctx.platform, &change).await {
        Ok(committed) => committed,
        Err(GitError::Conflict { path, ours, theirs }) => {
            return Ok(json_response(
                StatusCode::CONFLICT,
                &json!({ "error": format!("content/{path} already exists with other contents; nothing was committed"), "ours": ours, "theirs": theirs }),
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
    let recorded = Run {
        id: run.to_owned(),
        file: format!("content/{file}"),
        commit_sha: Some(committed.sha).filter(|s| !s.is_empty()),
        commit_url: committed.url,
        created_by: who.who().to_owned(),
        created_at: ctx.now,
    };
    let lines: Vec<Line> = planned
        .iter()
        .map(|p| Line {
            partner: p.partner.clone(),
            reference: p.reference.clone(),
            amount_minor: p.amount.minor(),
        })
        .collect();
    ctx.platform.batch(store::record(&recorded, &lines)).await?;
    Ok(answer(&recorded, &lines, false, currency))
}

fn answer(run: &Run, lines: &[Line], already: bool, currency: pc_core::Currency) -> Response {
    let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
    json_response(
        StatusCode::OK,
        &json!({
            "run": run.id,
            "file": run.file,
            "commit": { "sha": run.commit_sha, "url": run.commit_url },
            "already": already,
            "total": Money::from_minor(total, currency).decimal_string(),
            "payouts": lines.iter().map(|l| json!({
                "partner": l.partner,
                "reference": l.reference,
                "amount": Money::from_minor(l.amount_minor, currency).decimal_string(),
            })).collect::<Vec<_>>(),
        }),
    )
}
