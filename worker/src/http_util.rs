//! Small helpers over `http` requests and responses: cookies, forms, query strings, and the
//! usual answers.

use http::{HeaderValue, StatusCode, header};

use crate::{Request, Response};

/// Bodies larger than this are refused with 413 (forms and JSON alike).
pub const MAX_BODY: usize = 64 * 1024;
/// Forms are small; a sign-in form is well under 1 KiB.
pub const MAX_FORM: usize = 16 * 1024;

/// The value of cookie `name`, if the request carries it once.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let mut found = None;
    for header in req.headers().get_all(header::COOKIE) {
        let Ok(text) = header.to_str() else { continue };
        for c in cookie::Cookie::split_parse(text).flatten() {
            if c.name() == name {
                if found.is_some() {
                    // Two cookies of one name: someone is playing games (cookie tossing).
                    return None;
                }
                found = Some(c.value().to_owned());
            }
        }
    }
    found
}

/// A URL-encoded form, if the body is one and is small enough.
pub fn form(req: &Request) -> Option<Vec<(String, String)>> {
    if req.body().len() > MAX_FORM {
        return None;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    is_form.then(|| {
        form_urlencoded::parse(req.body())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
}

/// The first value of `name` in a form or query.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The query string's pairs.
pub fn query(req: &Request) -> Vec<(String, String)> {
    req.uri()
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// `scheme://authority` of the request.
pub fn origin(req: &Request) -> Option<String> {
    let uri = req.uri();
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

pub fn header_str<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn with_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub fn html(status: StatusCode, body: String) -> Response {
    with_type(status, "text/html; charset=utf-8", body.into_bytes())
}

pub fn text(status: StatusCode, body: &str) -> Response {
    with_type(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

pub fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    with_type(
        status,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

/// `{"error": message}` with a 4xx/5xx status.
pub fn json_error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

/// 303 See Other (after a POST, or to the sign-in page).
pub fn see_other(location: &str) -> Response {
    redirect(StatusCode::SEE_OTHER, location)
}

pub fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Percent-encodes a value for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A plausible e-mail address (the rule in `core`, shared with `partner-center import`).
pub fn valid_email(email: &str) -> bool {
    pc_core::ids::plausible_email(email)
}
