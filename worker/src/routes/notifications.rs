//! A partner's e-mail switches: in My Profile (`POST /portal/notifications`), and by the
//! signed link in every notification e-mail (`/unsubscribe/?token=…`, a page with one button,
//! so a mail scanner following the link switches nothing off).

use http::StatusCode;
use pc_core::Unsubscribe;

use super::auth::signed_in;
use super::{Ctx, Notice};
use crate::http_util::{self, field, form, query, see_other};
use crate::notify::{kind_words, partner_switches, set_partner_switches};
use crate::platform::{Platform, PlatformError};
use crate::security::{csrf_ok, escape_html};
use crate::{Request, Response};

/// `POST /portal/notifications`: the My Profile switches (an unchecked box is off).
pub async fn save<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    let Some((partner, _)) = signed_in(ctx, req).await? else {
        return Ok(see_other("/login/"));
    };
    let fields = form(req).unwrap_or_default();
    if !csrf_ok(req, field(&fields, "csrf")) {
        return Ok(http_util::text(
            StatusCode::FORBIDDEN,
            "The form expired; reload the page and try again.",
        ));
    }
    let on = |name: &str| field(&fields, name) == Some("1");
    ctx.platform
        .execute(set_partner_switches(
            partner.as_str(),
            on("commissions"),
            on("payouts"),
            ctx.now,
        ))
        .await?;
    Ok(see_other("/portal/profile/?status=saved#notifications"))
}

/// My Profile with the partner's own switches shown.
pub async fn fill_switches<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    html: &str,
) -> Result<String, PlatformError> {
    let (commissions, payouts) = partner_switches(ctx.platform, code).await?;
    let mut out = html.to_owned();
    for (name, on) in [("commissions", commissions), ("payouts", payouts)] {
        if !on {
            out = out.replace(
                &format!(r#"data-notify="{name}" checked"#),
                &format!(r#"data-notify="{name}""#),
            );
        }
    }
    Ok(out)
}

fn verified<P: Platform>(ctx: &Ctx<'_, P>, token: &str) -> Option<(Unsubscribe, &'static str)> {
    let u = Unsubscribe::verify(token, &ctx.config.keys).ok()?;
    let words = kind_words(&u.kind)?;
    Some((u, words))
}

async fn unsubscribe_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    status: StatusCode,
    notice: Option<Notice>,
    token: &str,
    words: &str,
) -> Result<Response, PlatformError> {
    ctx.page(
        "unsubscribe/index.html",
        status,
        notice,
        &[
            (
                r#"value="" data-unsubscribe-token"#.to_owned(),
                format!(r#"value="{}" data-unsubscribe-token"#, escape_html(token)),
            ),
            (
                "<strong data-unsubscribe-what></strong>".to_owned(),
                format!(
                    "<strong data-unsubscribe-what>{}</strong>",
                    escape_html(words)
                ),
            ),
        ],
    )
    .await
}

/// `GET /unsubscribe/?token=…`: what the link switches off, and the button.
pub async fn form_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let token = field(&q, "token").unwrap_or("");
    match verified(ctx, token) {
        Some((_, words)) => unsubscribe_page(ctx, StatusCode::OK, None, token, words).await,
        None => unsubscribe_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Invalid), "", "").await,
    }
}

/// `POST /unsubscribe`: switches that kind off for that partner.
pub async fn confirm<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let fields = form(req).unwrap_or_default();
    let token = field(&fields, "token").unwrap_or("");
    let Some((u, words)) = verified(ctx, token) else {
        return unsubscribe_page(ctx, StatusCode::BAD_REQUEST, Some(Notice::Invalid), "", "").await;
    };
    if !csrf_ok(req, field(&fields, "csrf")) {
        return unsubscribe_page(
            ctx,
            StatusCode::FORBIDDEN,
            Some(Notice::FormExpired),
            token,
            words,
        )
        .await;
    }
    let code = u.partner.as_str();
    let (commissions, payouts) = partner_switches(ctx.platform, code).await?;
    let (commissions, payouts) = match u.kind.as_str() {
        "commissions" => (false, payouts),
        _ => (commissions, false),
    };
    ctx.platform
        .execute(set_partner_switches(code, commissions, payouts, ctx.now))
        .await?;
    unsubscribe_page(ctx, StatusCode::OK, Some(Notice::Unsubscribed), "", words).await
}
