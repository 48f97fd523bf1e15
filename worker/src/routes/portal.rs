//! The gated portal (`/portal/…` → a page of the signed-in partner's own bundle in the page
//! store) and the public files of the site.

use http::{HeaderValue, StatusCode, header};

use super::auth::signed_in;
use super::{Ctx, Notice};
use crate::http_util::{self, field, query, redirect, see_other};
use crate::platform::{Platform, PlatformError};
use crate::security::escape_html;
use crate::store::{self, Profile};
use crate::{Request, Response};

/// A path segment the generator can have written: a slug.
fn is_slug(segment: &str) -> bool {
    !segment.is_empty()
        && segment.len() <= 64
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `/portal/<rest>` names a page (`""`, `links/`, `reports/clicks/`). Anything but
/// slugs separated by `/` (dots, `%`, backslashes, empty segments) is refused. The page is
/// looked up only in the signed-in partner's own bundle, so no path reaches another's.
pub fn is_page_place(rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    let Some(dirs) = rest.strip_suffix('/') else {
        return false;
    };
    let segments: Vec<&str> = dirs.split('/').collect();
    segments.len() <= 3 && segments.iter().all(|s| is_slug(s))
}

/// A page of `code`'s bundle in the page store.
async fn partner_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    place: &str,
) -> Result<Option<Vec<u8>>, PlatformError> {
    use base64::Engine as _;
    let Some(stored) = ctx.platform.page_bundle(code).await? else {
        return Ok(None);
    };
    let damaged =
        |e: &dyn std::fmt::Display| PlatformError(format!("page store, partner {code}: {e}"));
    let bundle = base64::engine::general_purpose::STANDARD
        .decode(stored.trim())
        .map_err(|e| damaged(&e))?;
    pc_core::page_bundle::page(&bundle, place).map_err(|e| damaged(&e))
}

/// `GET /portal/…`.
pub async fn page<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response, PlatformError> {
    let path = req.uri().path();
    let rest = path.strip_prefix("/portal/").unwrap_or("");
    let Some((partner, auth)) = signed_in(ctx, req).await? else {
        let next = if path.starts_with("/portal/") {
            path
        } else {
            "/portal/"
        };
        let mut response = see_other(&format!("/login/?next={}", http_util::encode(next)));
        http_util::set_cookie(
            &mut response,
            &super::accounts::clear_session_cookie(super::accounts::Kind::Partner),
        );
        return Ok(response);
    };
    let code = partner.as_str();
    if !is_page_place(rest) {
        // A page path without its trailing slash: send the browser to the right place.
        if !rest.is_empty() && is_page_place(&format!("{rest}/")) {
            return Ok(redirect(
                StatusCode::PERMANENT_REDIRECT,
                &format!("{path}/"),
            ));
        }
        return Ok(private(ctx.not_found().await?));
    }
    if rest != "profile/"
        && !auth.has_two_factor()
        && super::accounts::two_factor::required(ctx).await?
    {
        // The owner requires two-step sign-in: My Profile (where it is turned on) until then.
        return Ok(private(super::accounts::two_factor::to_enrolment()));
    }
    let notice = field(&query(req), "status").and_then(Notice::from_status);
    match own_page(ctx, code, rest, notice).await? {
        Some(response) => Ok(private(response)),
        None => Ok(private(ctx.not_found().await?)),
    }
}

/// The page at `place` of `code`'s portal as that partner sees it (their pending profile
/// change shown in My Profile); None if there is no such page.
pub async fn own_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    place: &str,
    notice: Option<Notice>,
) -> Result<Option<Response>, PlatformError> {
    let Some(body) = partner_page(ctx, code, place).await? else {
        return Ok(None);
    };
    let mut response = ctx.render(&body, StatusCode::OK, notice, &[]);
    if is_profile(&body)
        && let Some((content, update)) = store::profile(ctx.platform, code).await?
        && let Some(update) = update.filter(|u| *u != content)
    {
        let html = String::from_utf8_lossy(response.body()).into_owned();
        *response.body_mut() = fill_profile(&html, &update).into_bytes();
    }
    if is_profile(&body) {
        let html = String::from_utf8_lossy(response.body()).into_owned();
        *response.body_mut() = super::notifications::fill_switches(ctx, code, &html)
            .await?
            .into_bytes();
    }
    Ok(Some(response))
}

/// Whether a page is My Profile (which may also be the front page).
fn is_profile(body: &[u8]) -> bool {
    const MARKER: &[u8] = b"data-profile-form";
    body.windows(MARKER.len()).any(|w| w == MARKER)
}

/// Portal pages are the partner's own: never cached by anyone.
pub fn private(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Writes the partner's own profile values into My Profile (shown text and form fields).
pub fn fill_profile(html: &str, profile: &Profile) -> String {
    let fields = [
        ("name", Some(profile.name.as_str())),
        ("company", profile.company.as_deref()),
        ("email", Some(profile.email.as_str())),
        ("phone", profile.phone.as_deref()),
        ("address", profile.address.as_deref()),
    ];
    let mut out = html.to_owned();
    for (name, value) in fields {
        let value = escape_html(value.unwrap_or(""));
        let shown = if value.is_empty() {
            "—".to_owned()
        } else {
            value.clone()
        };
        out = replace_between(&out, &format!(r#"data-show="{name}">"#), "<", &shown);
        out = replace_between(
            &out,
            &format!(r#"data-field="{name}" value=""#),
            "\"",
            &value,
        );
        out = replace_between(
            &out,
            &format!(r#"data-field="{name}">"#),
            "</textarea>",
            &value,
        );
    }
    out
}

/// Replaces the text after each `marker` up to `end` with `value`.
fn replace_between(html: &str, marker: &str, end: &str, value: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(marker) {
        let start = at + marker.len();
        let Some(len) = rest[start..].find(end) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// Public files: `/assets/…` (theme, brand, banners).
pub async fn asset<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let path = req.uri().path().trim_start_matches('/');
    let safe = path.split('/').count() <= 4
        && path.split('/').all(|s| {
            !s.is_empty()
                && !s.starts_with('.')
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    if !safe {
        return ctx.not_found().await;
    }
    let mut response = ctx.asset_or_404(path).await?;
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
    }
    Ok(response)
}

/// `GET /pc.js`: the tracking script for the owner's store, loadable from any site.
pub async fn tracking_script<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Response, PlatformError> {
    let mut response = ctx.asset_or_404("pc.js").await?;
    if response.status() == StatusCode::OK {
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
    }
    Ok(response)
}

/// `GET /login/`, `/forgot/`: public pages with the CSRF token and any notice.
pub async fn public_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    file: &str,
) -> Result<Response, PlatformError> {
    let q = query(req);
    let notice = field(&q, "status").and_then(Notice::from_status);
    let next = field(&q, "next").map(|n| super::safe_next(Some(n)).to_owned());
    let replacements = next
        .map(|n| {
            vec![(
                r#"name="next" value="""#.to_owned(),
                format!(r#"name="next" value="{}""#, escape_html(&n)),
            )]
        })
        .unwrap_or_default();
    ctx.page(file, StatusCode::OK, notice, &replacements).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slug_paths_are_pages() {
        for good in ["", "links/", "reports/clicks/", "resources/faq/"] {
            assert!(is_page_place(good), "{good}");
        }
        for bad in [
            "links",
            "../xyz789/",
            "..%2fxyz789/",
            "%2e%2e/",
            "a//",
            "/",
            "x/../../",
            "Links/",
            "a.b/",
            "a\\b/",
            "a/b/c/d/",
            "_p/xyz789/",
        ] {
            assert!(!is_page_place(bad), "{bad}");
        }
    }

    #[test]
    fn profile_values_are_filled_in_escaped() {
        let html = r#"<dd data-show="name">Old</dd><dd data-show="company">—</dd>
<input data-field="name" value="Old"><input data-field="company" value="">
<textarea data-field="address">old</textarea>"#;
        let profile = Profile {
            name: "<b>New</b>".into(),
            company: None,
            email: "n@x.example".into(),
            phone: None,
            address: Some("1 Road".into()),
        };
        let out = fill_profile(html, &profile);
        assert!(
            out.contains(r#"<dd data-show="name">&lt;b&gt;New&lt;/b&gt;</dd>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<input data-field="name" value="&lt;b&gt;New&lt;/b&gt;">"#),
            "{out}"
        );
        assert!(out.contains(r#"<dd data-show="company">—</dd>"#));
        assert!(out.contains(r#"<textarea data-field="address">1 Road</textarea>"#));
    }
}
