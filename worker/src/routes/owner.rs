//! The owner API's authentication: a bearer token, never a session cookie.

use http::StatusCode;

use super::Ctx;
use crate::http_util::json_error;
use crate::platform::Platform;
use crate::{Request, Response};

/// Checks `Authorization: Bearer <OWNER_TOKEN>` (constant time); the refusal to send, if any.
pub fn owner_refusal<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Option<Response> {
    let Some(token) = ctx.platform.env("OWNER_TOKEN").filter(|t| t.len() >= 16) else {
        return Some(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the owner API is not configured (OWNER_TOKEN)",
        ));
    };
    let sent = crate::http_util::header_str(req, "authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    let matches = sent.len() == token.len()
        && sent
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if matches {
        None
    } else {
        Some(json_error(
            StatusCode::UNAUTHORIZED,
            "send the owner token as Authorization: Bearer <OWNER_TOKEN>",
        ))
    }
}
