//! Two-step sign-in for both kinds of account (the rules are `pc_core::two_factor`'s): the
//! setting in My Profile and on the owner's account page (`settings`), whether it is required,
//! and where a partner who must turn it on is sent. Checking a code is [`super::codes`].

mod settings;

use http::StatusCode;
use serde::Deserialize;

use crate::Response;
use crate::http_util::{self, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store;

pub use settings::api;

/// Whether two-step sign-in is required of `account`: of every partner by `site.yaml`, of an
/// owner by `owners.yaml`.
pub async fn required_of<P: Platform>(
    ctx: &Ctx<'_, P>,
    account: &store::Account,
) -> Result<bool, PlatformError> {
    match account {
        store::Account::Partner(_) => required(ctx).await,
        store::Account::Owner(email) => {
            store::accounts::owner_two_factor_required(ctx.platform, email).await
        }
    }
}

/// Whether the owner requires two-step sign-in of every partner (`site.yaml`).
pub async fn required<P: Platform>(ctx: &Ctx<'_, P>) -> Result<bool, PlatformError> {
    #[derive(Deserialize)]
    struct Site {
        #[serde(default)]
        require_two_factor: bool,
    }
    Ok(ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str::<Site>(&v).ok())
        .is_some_and(|s| s.require_two_factor))
}

/// For the partner's data (reports, the ledger): `Some(403)` while the owner requires
/// two-step sign-in and the partner has not turned it on yet.
pub async fn unenrolled<P: Platform>(
    ctx: &Ctx<'_, P>,
    auth: &store::PartnerAuth,
) -> Result<Option<Response>, PlatformError> {
    Ok((!auth.has_two_factor() && required(ctx).await?).then(|| {
        json_error(
            StatusCode::FORBIDDEN,
            "turn on two-step sign-in in My Profile first: the partner program requires it",
        )
    }))
}

/// Where a portal page sends a partner who must turn on two-step sign-in first.
pub fn to_enrolment() -> Response {
    http_util::see_other("/portal/profile/?status=twofactorneeded#two-factor")
}
