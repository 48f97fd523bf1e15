//! Security applied to every request and response: headers, same-origin checks for state
//! changes, the double-submit CSRF token, and HTML escaping of anything a partner typed.

use std::fmt::Write as _;

use http::{HeaderValue, Method, header};

use crate::http_util::{cookie, header_str, origin};
use crate::{Request, Response};

pub const CSRF_COOKIE: &str = "__Host-pc_csrf";
pub const SESSION_COOKIE: &str = "__Host-pc_session";
/// The owner's session cookie: not the partners' (a partner's cookie never opens the console).
pub const OWNER_COOKIE: &str = "__Host-pc_owner";

/// Scripts, styles and images only from the portal itself; no framing; no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers every response carries. A redirect without a body is never
/// rendered: it carries only what applies to it (the Referer the browser sends on, HTTPS,
/// no sniffing, no caching), which keeps the hot path's answer small.
pub fn add_headers(response: &mut Response) {
    let bare_redirect = response.status().is_redirection() && response.body().is_empty();
    let headers = response.headers_mut();
    if bare_redirect {
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "strict-origin-when-cross-origin"),
            (
                "strict-transport-security",
                "max-age=31536000; includeSubDomains",
            ),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
    } else {
        add_page_headers(headers);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn add_page_headers(headers: &mut http::HeaderMap) {
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// Whether a state-changing request proves it comes from the portal's own pages: `Origin`
/// equal to the portal's, or (a browser that sends no Origin) `Sec-Fetch-Site: same-origin`.
/// No proof is no pass: every browser sends one of them with a form or a `fetch` that changes
/// something. Checked for every such request in one place (`app::route`), before any handler;
/// the form's or page's CSRF token is checked besides (in the handler, or for JSON here).
pub fn origin_proven(req: &Request) -> bool {
    match header_str(req, "origin") {
        Some(sent) => origin(req).is_some_and(|own| own == sent),
        None => header_str(req, "sec-fetch-site") == Some("same-origin"),
    }
}

/// What a cookie-authenticated JSON change (`PUT /api/v1/me/…`) must carry besides the origin
/// proof: the page's CSRF token in `X-CSRF-Token`.
pub fn json_change_allowed(req: &Request) -> bool {
    origin_proven(req) && csrf_ok(req, header_str(req, "x-csrf-token"))
}

/// Whether a form's `csrf` field equals the CSRF cookie (compared in constant time).
pub fn csrf_ok(req: &Request, submitted: Option<&str>) -> bool {
    let (Some(cookie), Some(submitted)) = (cookie(req, CSRF_COOKIE), submitted) else {
        return false;
    };
    cookie.len() >= 32
        && cookie.len() == submitted.len()
        && subtle_eq(cookie.as_bytes(), submitted.as_bytes())
}

fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `Set-Cookie` for a `__Host-` cookie: Secure, Path=/, no Domain.
pub fn host_cookie(name: &str, value: &str, http_only: bool, max_age: Option<i64>) -> String {
    let mut out = format!("{name}={value}; Path=/; Secure; SameSite=Lax");
    if http_only {
        out.push_str("; HttpOnly");
    }
    if let Some(age) = max_age {
        let _ = write!(out, "; Max-Age={age}");
    }
    out
}

pub use pc_core::html::escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = http::Request::builder()
            .method("POST")
            .uri("https://partners.example/login");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Vec::new()).unwrap()
    }

    #[test]
    fn a_change_must_prove_its_origin() {
        assert!(origin_proven(&request(&[(
            "origin",
            "https://partners.example"
        )])));
        assert!(!origin_proven(&request(&[(
            "origin",
            "https://evil.example"
        )])));
        assert!(!origin_proven(&request(&[("origin", "null")])));
        assert!(!origin_proven(&request(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(origin_proven(&request(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!origin_proven(&request(&[("sec-fetch-site", "none")])));
        assert!(!origin_proven(&request(&[])), "no proof is no pass");
    }

    #[test]
    fn csrf_tokens_must_match_the_cookie() {
        let token = "a".repeat(32);
        let req = request(&[("cookie", &format!("{CSRF_COOKIE}={token}"))]);
        assert!(csrf_ok(&req, Some(&token)));
        assert!(!csrf_ok(&req, Some(&"b".repeat(32))));
        assert!(!csrf_ok(&req, None));
        assert!(!csrf_ok(&request(&[]), Some(&token)));
        let tossed = request(&[(
            "cookie",
            &format!("{CSRF_COOKIE}={token}; {CSRF_COOKIE}={}", "c".repeat(32)),
        )]);
        assert!(
            !csrf_ok(&tossed, Some(&token)),
            "duplicate cookies are refused"
        );
    }
}
