//! Partner applications, the owner's side: `GET /api/v1/owner/applications` and
//! `POST /api/v1/owner/applications/<code>/approve|reject`.
//!
//! An application never creates a partner by itself: partners exist only in the owner's
//! content. Approving commits the partner's file (`content/partners/<code>.yaml`) to git for the
//! owner ([`crate::git`]) and moves the chosen password to `credentials`; the partner can sign
//! in, and is welcomed by e-mail, once that file is deployed ([`crate::notify`]). The CLI, which
//! writes and commits the file itself, approves with `{"commit": false}`.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Access, Need, access};
use crate::git::{self, Change, Committed, GitError, NewFile};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::applications::{self as store, Approval};
use crate::{Request, Response};

/// Approvals shown with their progress for this long.
const RECENT_SECONDS: i64 = 30 * 86_400;

/// `GET /api/v1/owner/applications`: the pending applications, and the recent approvals with
/// how far they are (committed, live).
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let mut flags = store::pending_flags(ctx.platform).await?;
    let applications: Vec<Value> = store::all_pending(ctx.platform)
        .await?
        .into_iter()
        .map(|a| {
            let flagged = flags.remove(&a.code).unwrap_or_default();
            json!({
                "code": a.code, "name": a.name, "email": a.email, "company": a.company,
                "website": a.website, "phone": a.phone, "promotion": a.promotion,
                "programs": a.programs, "created_at": a.created_at,
                // Whose recruitment link brought them: their parent once approved.
                "referred_by": a.referred_by,
                // risk.yaml's rules that fired, with their reasons.
                "flags": flagged,
            })
        })
        .collect();
    let approved = store::recent_approvals(ctx.platform, ctx.now - RECENT_SECONDS).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "applications": applications, "approved": approved }),
    ))
}

/// The owner's decision body: `{"reason": "…"}` (for rejections); `{"commit": false}` when the
/// caller commits the partner's file itself (the CLI).
#[derive(Debug, Deserialize)]
struct Decision {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default = "yes")]
    commit: bool,
}

fn yes() -> bool {
    true
}

impl Default for Decision {
    fn default() -> Self {
        Decision {
            reason: None,
            commit: true,
        }
    }
}

/// `POST /api/v1/owner/applications/<code>/approve|reject`.
pub async fn decide<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &str,
    approve: bool,
) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Admin).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let Some((applicant, password_hash)) = store::pending(ctx.platform, code).await? else {
        return Ok(json_error(
            StatusCode::NOT_FOUND,
            "no pending application with this code",
        ));
    };
    let decision: Decision = serde_json::from_slice(req.body()).unwrap_or_default();
    if !approve {
        let reason: String = decision
            .reason
            .unwrap_or_default()
            .chars()
            .take(1000)
            .collect();
        ctx.platform
            .batch(store::reject(code, who.who(), &reason, ctx.now))
            .await?;
        crate::notify::tell_applicant(ctx, &applicant.name, &applicant.email, code, Some(&reason))
            .await?;
        return Ok(json_response(
            StatusCode::OK,
            &json!({ "code": code, "status": "rejected" }),
        ));
    }
    // What makes the approval real: the partner's file in the content repository.
    let file = NewFile {
        path: format!("partners/{code}.yaml"),
        contents: pc_core::application::partner_yaml(&applicant),
    };
    let committed = if decision.commit {
        match commit_approval(ctx, &who, code, &file).await? {
            Ok(committed) => Some(committed),
            Err(refusal) => return Ok(refusal),
        }
    } else {
        None
    };
    ctx.platform
        .batch(store::approve(Approval {
            code,
            by: who.who(),
            password_hash: &password_hash,
            commit_sha: committed
                .as_ref()
                .map(|c| c.sha.as_str())
                .filter(|s| !s.is_empty()),
            commit_url: committed.as_ref().and_then(|c| c.url.as_deref()),
            now: ctx.now,
        }))
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "code": code,
            "status": "approved",
            "file": format!("content/{}", file.path),
            "yaml": file.contents,
            "commit": committed.map(|c| json!({ "sha": c.sha, "url": c.url, "already": c.already })),
        }),
    ))
}

/// Commits the approved partner's file: the commit, or the answer to send when it could not be
/// made (nothing is recorded then: the application stays pending).
async fn commit_approval<P: Platform>(
    ctx: &Ctx<'_, P>,
    who: &Access,
    code: &str,
    file: &NewFile,
) -> Result<Result<Committed, Response>, PlatformError> {
    let change = Change {
        files: vec![file.clone()],
        message: format!("Approve partner {code} (by {})", who.via()),
        author: who.author(),
    };
    Ok(match git::commit(ctx.platform, &change).await {
        Ok(committed) => Ok(committed),
        Err(GitError::Conflict { path, ours, theirs }) => Err(json_response(
            StatusCode::CONFLICT,
            &json!({
                "error": format!("content/{path} already exists with other contents; nothing was committed"),
                "path": format!("content/{path}"),
                "ours": ours,
                "theirs": theirs,
            }),
        )),
        Err(e @ GitError::NotConfigured) => {
            Err(json_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()))
        }
        Err(e @ GitError::Refused(_)) => Err(json_error(StatusCode::BAD_GATEWAY, &e.to_string())),
        Err(GitError::Platform(e)) => return Err(PlatformError(e)),
    })
}
