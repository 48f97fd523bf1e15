//! Owners sign in at `/owner/login/` (e-mail + password, then a code when two-step sign-in is
//! on) and sign out. The flows are the accounts module's, as for partners (set-password links
//! too: [`crate::routes::accounts::reset`]).

use http::StatusCode;

use super::signed_in_owner;
use crate::http_util::{field, form, query, see_other};
use crate::platform::{Platform, PlatformError};
use crate::routes::accounts::{self, Checked, Kind};
use crate::routes::{Ctx, Notice};
use crate::security::{csrf_ok, escape_html};
use crate::store::Account;
use crate::{Request, Response};

/// The sign-in form, keeping what the owner typed and where they were going (escaped).
async fn login_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    email: &str,
    next: Option<&str>,
) -> Result<Response, PlatformError> {
    let typed = escape_html(email);
    let next = escape_html(Kind::Owner.safe_next(next));
    ctx.page(
        "owner/login/index.html",
        status,
        notice,
        &[
            (
                r#"id="email" name="email""#.to_owned(),
                format!(r#"id="email" name="email" value="{typed}""#),
            ),
            (
                r#"name="next" value="""#.to_owned(),
                format!(r#"name="next" value="{next}""#),
            ),
        ],
    )
    .await
}

/// `GET /owner/login/`: the form, or the console when already signed in.
pub async fn login_form<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    if signed_in_owner(ctx, req).await?.is_some() {
        return Ok(see_other("/owner/"));
    }
    let q = query(req);
    let notice = field(&q, "status").and_then(Notice::from_status);
    login_page(ctx, StatusCode::OK, notice, "", field(&q, "next")).await
}

/// `POST /owner/login`: e-mail + password → the code step, or the owner's cookie and 303 to
/// the console.
pub async fn login<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let email = field(&fields, "email")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(254)
        .collect::<String>();
    let next = field(&fields, "next");
    let page = |status, notice| login_page(ctx, status, Some(notice), &email, next);
    if !csrf_ok(req, field(&fields, "csrf")) {
        return page(StatusCode::FORBIDDEN, Notice::FormExpired).await;
    }
    let password = field(&fields, "password").unwrap_or("");
    let account = Account::Owner(email.clone());
    match accounts::check_password(ctx, req, &account.limit_key(), Some(&account), password).await?
    {
        Checked::Limited => page(StatusCode::TOO_MANY_REQUESTS, Notice::Limited).await,
        Checked::Right(auth) if auth.active => {
            accounts::open_session(ctx, req, &account, &auth, false, next.unwrap_or("")).await
        }
        // A removed owner's right password opens nothing, and says no more than a wrong one.
        Checked::Right(_) | Checked::Wrong(_) => {
            page(StatusCode::UNAUTHORIZED, Notice::OwnerFailed).await
        }
    }
}

/// `POST /owner/logout`: ends every session of this owner.
pub async fn logout<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    accounts::sign_out(ctx, req, Kind::Owner).await
}
