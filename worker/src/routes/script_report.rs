//! `POST /api/v1/script-hit`: the tracking script (`/pc.js`) says it runs on a store page, and
//! whether the page's address carried a partner link's click id; the console's Setup page
//! shows the last report per store domain, so an owner can verify the install. The domain is
//! the browser's `Origin`; the body (`{"click": "<click id>"}`, or nothing) is read as data
//! only. Anyone can send one, so it is small: at most one write a minute per domain unless it
//! brings a click id of ours, and only the newest domains are kept.

use http::StatusCode;
use serde::Deserialize;

use super::Ctx;
use crate::http_util::{header_str, json_error};
use crate::platform::{Platform, PlatformError};
use crate::store::{arrivals, events};
use crate::{Request, Response};

#[derive(Debug, Default, Deserialize)]
struct Report {
    #[serde(default)]
    click: Option<String>,
}

/// The host of an `Origin` header (`https://shop.example.com:8443` → `shop.example.com:8443`),
/// if it is a plain host name or address.
fn domain_of(origin: &str) -> Option<String> {
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))?
        .to_ascii_lowercase();
    let ok = !host.is_empty()
        && host.len() <= 260
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then_some(host)
}

pub async fn receive<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(domain) = header_str(req, "origin").and_then(domain_of) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "a tracking-script report comes from a store page (its Origin)",
        ));
    };
    if req.body().len() > 512 {
        return Ok(json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the report is too long",
        ));
    }
    let report: Report = if req.body().is_empty() {
        Report::default()
    } else {
        match serde_json::from_slice(req.body()) {
            Ok(r) => r,
            Err(_) => {
                return Ok(json_error(
                    StatusCode::BAD_REQUEST,
                    "the report is not JSON",
                ));
            }
        }
    };
    let click = report
        .click
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.len() == 24 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    let known = match click.as_deref() {
        Some(id) => events::click(ctx.platform, id).await?.is_some(),
        None => false,
    };
    // An unknown click id is kept like a report without one (at most once a minute).
    let statements =
        arrivals::record_script_hit(&domain, click.as_deref().map(|c| (c, known)), ctx.now);
    ctx.platform.batch(statements).await?;
    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response.headers_mut().insert(
        "access-control-allow-origin",
        http::HeaderValue::from_static("*"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::domain_of;

    #[test]
    fn the_domain_is_the_origins_host() {
        assert_eq!(
            domain_of("https://Shop.Example.com").as_deref(),
            Some("shop.example.com")
        );
        assert_eq!(
            domain_of("http://localhost:8080").as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(domain_of("null"), None);
        assert_eq!(domain_of("https://a b"), None);
        assert_eq!(domain_of("https://<script>"), None);
    }
}
