//! View as partner: an owner reads a partner's portal exactly as the partner sees it, read
//! only, with a banner, every page view in the activity log. Pages are the partner's own
//! (`/owner/as/<code>/…`); their data comes from `/api/v1/owner/as/<code>/…`, which answers
//! what `/api/v1/me/…` answers that partner, and only to GET.

use http::{Method, StatusCode};
use pc_core::PartnerCode;

use super::{Need, access, audit, signed_in_owner};
use crate::http_util::{self, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::portal::{is_page_place, own_page, private};
use crate::routes::reports::{self, ledger};
use crate::routes::{Ctx, payout_details, profile};
use crate::security::escape_html;
use crate::{Request, Response};

/// `GET /owner/as/<code>/<place>`.
pub async fn page<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    let path = req.uri().path();
    let Some(owner) = signed_in_owner(ctx, req).await? else {
        return Ok(super::to_owner_login(path));
    };
    if owner.needs_two_factor {
        return Ok(super::to_enrolment());
    }
    let rest = path.strip_prefix("/owner/as/").unwrap_or("");
    let (code, place) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(code) = PartnerCode::parse(code) else {
        return Ok(private(ctx.not_found().await?));
    };
    if !is_page_place(place) {
        return Ok(private(ctx.not_found().await?));
    }
    let Some(response) = own_page(ctx, code.as_str(), place, None).await? else {
        return Ok(private(ctx.not_found().await?));
    };
    ctx.platform
        .execute(audit(
            &owner.email,
            "viewed as partner",
            Some(code.as_str()),
            ctx.now,
        ))
        .await?;
    let html = String::from_utf8_lossy(response.body());
    let viewed = as_owner_sees(&html, code.as_str(), &owner.name);
    Ok(private(http_util::html(StatusCode::OK, viewed)))
}

/// The partner's page made read-only for the owner: a banner, links kept inside view-as, the
/// page's scripts pointed at the view-as API, every form inert.
pub fn as_owner_sees(html: &str, code: &str, owner_name: &str) -> String {
    let base = format!("/owner/as/{code}/");
    // The theme's escaping writes `/` as `&#x2F;` in attributes: the same character.
    let mut out = html
        .replace("&#x2F;", "/")
        .replace("href=\"/portal/", &format!("href=\"{base}"))
        .replace("\"/api/v1/me/", &format!("\"/api/v1/owner/as/{code}/"))
        .replace("<form ", "<form inert ");
    let banner = format!(
        "<div class=\"view-as-banner\" role=\"note\" data-view-as-banner><strong>Viewing as {code}</strong> \
         — read only; {} is shown what this partner sees. <a href=\"/owner/partners/{code}/\">Back to the console</a></div>",
        escape_html(owner_name)
    );
    if let Some(at) = out.find("<body")
        && let Some(end) = out[at..].find('>')
    {
        let attrs = format!(" data-api=\"/api/v1/owner/as/{code}/\" data-view-as");
        out.insert_str(at + end, &attrs);
        let after = at + end + attrs.len() + 1;
        out.insert_str(after, &banner);
    }
    out
}

/// `GET /api/v1/owner/as/<code>/<what>`: what `/api/v1/me/<what>` answers the partner.
pub async fn api<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    let who = match access(ctx, req, Need::Read).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    if *req.method() != Method::GET {
        return Ok(json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "view as partner is read only",
        ));
    }
    let rest = req
        .uri()
        .path()
        .strip_prefix("/api/v1/owner/as/")
        .unwrap_or("");
    let (code, what) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(code) = PartnerCode::parse(code) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such partner"));
    };
    let code = code.as_str();
    if crate::store::partner_auth(ctx.platform, code)
        .await?
        .is_none()
    {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such partner"));
    }
    // Every read of a partner's data is logged, as page views are.
    ctx.platform
        .execute(audit(
            who.who(),
            &format!("read as partner: {}", what.split('/').next().unwrap_or("")),
            Some(code),
            ctx.now,
        ))
        .await?;
    match what {
        "payout" => payout_details::get(ctx, code).await,
        "profile" => profile::get(ctx, code).await,
        w if w.starts_with("ledger/") => {
            let id = percent_encoding::percent_decode_str(&w["ledger/".len()..])
                .decode_utf8_lossy()
                .into_owned();
            ledger::explain(ctx, code, &id).await
        }
        w if reports::REPORTS.contains(&w) => reports::report(ctx, req, code, w).await,
        _ => Ok(json_error(StatusCode::NOT_FOUND, "no such report")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_owner_view_is_bannered_read_only_and_stays_in_view_as() {
        let html = "<html><body class=\"portal\"><a href=\"/portal/links/\">Links</a><a href=\"&#x2F;portal&#x2F;reports&#x2F;\">R</a><form method=\"post\" action=\"/logout\"></form></body></html>";
        let seen = super::as_owner_sees(html, "abc123", "Olivia <O>");
        assert!(seen.contains("<body class=\"portal\" data-api=\"/api/v1/owner/as/abc123/\" data-view-as><div class=\"view-as-banner\""));
        assert!(seen.contains("href=\"/owner/as/abc123/links/\""));
        assert!(seen.contains("href=\"/owner/as/abc123/reports/\""));
        assert!(seen.contains("<form inert method=\"post\""));
        assert!(seen.contains("Olivia &lt;O&gt;"));
        assert!(!seen.contains("/portal/"));
    }
}
