//! Stage 1: the `Partner-Signature` header (HMAC-SHA256 over `"<t>.<raw body>"`, ±5 minutes).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Signatures older or newer than this are refused (replays, clock trouble).
pub const SIGNATURE_WINDOW_SECONDS: i64 = 300;

/// The `Partner-Signature` value for `body` signed at `t` (what the owner's store sends).
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks `Partner-Signature` against the raw body.
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), String> {
    verify_timestamped("Partner-Signature", header, body, secret, now)
}

/// The scheme Stripe specifies for `Stripe-Signature`, which `Partner-Signature` follows:
/// `t=<unix time>` and one or more `v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (several while a
/// secret rotates; one match is enough), `t` within ±5 minutes. Other schemes (`v0`) are
/// ignored. The comparison is constant-time.
pub fn verify_timestamped(
    name: &str,
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), String> {
    let header = header.ok_or_else(|| format!("missing {name} header"))?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v),
            _ => {}
        }
    }
    let t = timestamp.ok_or_else(|| format!("the {name} has no valid t="))?;
    if (now - t).abs() > SIGNATURE_WINDOW_SECONDS {
        return Err(format!(
            "the {name} timestamp is outside the 5-minute window"
        ));
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "bad secret".to_owned())?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let valid = signatures
        .iter()
        .any(|s| hex::decode(s).is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok()));
    if valid {
        Ok(())
    } else {
        Err(format!("the {name} does not match"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &str) -> String {
        signature(secret, t, body.as_bytes())
    }

    #[test]
    fn signatures_are_checked_with_a_window() {
        let body = r#"{"id":"e1"}"#;
        let now = 1_800_000_000;
        let header = sign("secret-secret-secret", now, body);
        assert!(
            verify_signature(Some(&header), body.as_bytes(), "secret-secret-secret", now).is_ok()
        );
        assert!(
            verify_signature(
                Some(&header),
                body.as_bytes(),
                "secret-secret-secret",
                now + 299
            )
            .is_ok()
        );
        assert!(
            verify_signature(
                Some(&header),
                body.as_bytes(),
                "secret-secret-secret",
                now + 301
            )
            .is_err()
        );
        assert!(
            verify_signature(
                Some(&header),
                b"{\"id\":\"e2\"}",
                "secret-secret-secret",
                now
            )
            .is_err()
        );
        assert!(
            verify_signature(Some(&header), body.as_bytes(), "another-secret-----", now).is_err()
        );
        assert!(verify_signature(None, body.as_bytes(), "secret-secret-secret", now).is_err());
        assert!(
            verify_signature(
                Some("t=abc,v1=zz"),
                body.as_bytes(),
                "secret-secret-secret",
                now
            )
            .is_err()
        );
        // Several v1 values (a store rotating its secret): one match is enough.
        let both = format!("{header},v1=00ff");
        assert!(
            verify_signature(Some(&both), body.as_bytes(), "secret-secret-secret", now).is_ok()
        );
    }
}
