//! Signed tokens: session cookies and set-password links.
//!
//! A token is `base64url(payload) "." base64url(HMAC-SHA256(key, purpose 0x00 payload))`.
//! The purpose is inside the MAC, so a reset link can never be used as a session cookie.
//! Two keys are accepted (current and previous) so the secret can be rotated without signing
//! everybody out; tokens are always signed with the current one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::PartnerCode;

type HmacSha256 = Hmac<Sha256>;

/// Why a token was refused. Callers treat every kind the same (sign in again); the kinds
/// exist for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
}

/// The secret keys tokens are signed with.
#[derive(Clone)]
pub struct SigningKeys {
    /// The HMACs keyed once (the key's two hashed blocks), cloned for each signature.
    current: HmacSha256,
    previous: Option<HmacSha256>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKeys(<redacted>)")
    }
}

/// Secrets shorter than this are refused: HMAC keys should carry at least 256 bits.
pub const MIN_SECRET_LEN: usize = 32;

/// The `N` `|`-separated fields of a token's payload; the last takes the rest (an e-mail
/// address may hold any character).
pub fn fields<const N: usize>(payload: &str) -> Result<[&str; N], TokenError> {
    let mut parts = payload.splitn(N, '|');
    let fields: [Option<&str>; N] = std::array::from_fn(|_| parts.next());
    if fields.iter().any(Option::is_none) {
        return Err(TokenError::Malformed);
    }
    Ok(fields.map(Option::unwrap_or_default))
}

/// A whole-number field (a version, a time).
pub fn number(field: &str) -> Result<i64, TokenError> {
    field.parse().map_err(|_| TokenError::Malformed)
}

/// A link's single-use nonce: at least 16 hex digits.
pub fn nonce(field: &str) -> Result<String, TokenError> {
    if field.len() < 16 || !field.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TokenError::Malformed);
    }
    Ok(field.to_owned())
}

/// A partner code field.
pub fn partner(field: &str) -> Result<PartnerCode, TokenError> {
    PartnerCode::parse(field).map_err(|_| TokenError::Malformed)
}

/// `token` unless it expired at `expires_at`.
pub fn unexpired<T>(token: T, expires_at: i64, now: i64) -> Result<T, TokenError> {
    if expires_at <= now {
        return Err(TokenError::Expired);
    }
    Ok(token)
}

impl SigningKeys {
    pub fn new(current: &str, previous: Option<&str>) -> Result<Self, &'static str> {
        if current.len() < MIN_SECRET_LEN {
            return Err("the signing secret must be at least 32 characters");
        }
        let keyed = |secret: &str| {
            HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
        };
        Ok(SigningKeys {
            current: keyed(current),
            previous: previous.filter(|p| p.len() >= MIN_SECRET_LEN).map(keyed),
        })
    }

    fn mac(key: &HmacSha256, purpose: &str, payload: &[u8]) -> HmacSha256 {
        let mut mac = key.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        mac
    }

    /// Signs `payload` for `purpose` with the current key.
    pub fn sign(&self, purpose: &str, payload: &str) -> String {
        let tag = Self::mac(&self.current, purpose, payload.as_bytes())
            .finalize()
            .into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// A keyed hash of `data` for `purpose` with the current key, in hex (e.g. the daily
    /// visitor hash of a client address: the address itself is never stored).
    pub fn mac_hex(&self, purpose: &str, data: &str) -> String {
        hex::encode(
            Self::mac(&self.current, purpose, data.as_bytes())
                .finalize()
                .into_bytes(),
        )
    }

    /// The payload of a token signed for `purpose` with the current or previous key.
    /// The signature is compared in constant time.
    pub fn verify(&self, purpose: &str, token: &str) -> Result<String, TokenError> {
        let (payload, tag) = token.split_once('.').ok_or(TokenError::Malformed)?;
        if payload.len() > 2048 || tag.len() > 64 {
            return Err(TokenError::Malformed);
        }
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| TokenError::Malformed)?;
        let valid = std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .any(|key| Self::mac(key, purpose, &payload).verify_slice(&tag).is_ok());
        if !valid {
            return Err(TokenError::BadSignature);
        }
        String::from_utf8(payload).map_err(|_| TokenError::Malformed)
    }
}

/// What a session cookie says: who, which session version, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub partner: PartnerCode,
    /// Must equal the partner's current session version (bumped on logout and password change).
    pub version: i64,
    /// Unix seconds.
    pub expires_at: i64,
    pub remember: bool,
}

/// Remember Me keeps a partner signed in for 30 days.
pub const REMEMBER_SECONDS: i64 = 30 * 24 * 3600;
/// Without Remember Me, a browser-session cookie that the server also ends after 12 hours.
pub const SESSION_SECONDS: i64 = 12 * 3600;

const SESSION_PURPOSE: &str = "session";

impl Session {
    pub fn new(partner: PartnerCode, version: i64, remember: bool, now: i64) -> Self {
        let lifetime = if remember {
            REMEMBER_SECONDS
        } else {
            SESSION_SECONDS
        };
        Session {
            partner,
            version,
            expires_at: now + lifetime,
            remember,
        }
    }

    pub fn sign(&self, keys: &SigningKeys) -> String {
        let payload = format!(
            "{}|{}|{}|{}",
            self.partner,
            self.version,
            self.expires_at,
            u8::from(self.remember)
        );
        keys.sign(SESSION_PURPOSE, &payload)
    }

    pub fn verify(token: &str, keys: &SigningKeys, now: i64) -> Result<Session, TokenError> {
        let payload = keys.verify(SESSION_PURPOSE, token)?;
        let [code, version, expires_at, remember] = fields(&payload)?;
        let session = Session {
            partner: partner(code)?,
            version: number(version)?,
            expires_at: number(expires_at)?,
            remember: remember == "1",
        };
        let expires_at = session.expires_at;
        unexpired(session, expires_at, now)
    }
}

/// A set-password link's token (Forgot your password? and owner invites). Single use is
/// enforced by the store (the nonce is recorded when the link is used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    pub partner: PartnerCode,
    /// Random, hex; recorded on use.
    pub nonce: String,
    pub expires_at: i64,
}

const PASSWORD_LINK_PURPOSE: &str = "set-password";
/// Forgot-password links last an hour; owner invites a week.
pub const RESET_SECONDS: i64 = 3600;
pub const INVITE_SECONDS: i64 = 7 * 24 * 3600;

impl PasswordLink {
    pub fn sign(&self, keys: &SigningKeys) -> String {
        let payload = format!("{}|{}|{}", self.partner, self.nonce, self.expires_at);
        keys.sign(PASSWORD_LINK_PURPOSE, &payload)
    }

    pub fn verify(token: &str, keys: &SigningKeys, now: i64) -> Result<PasswordLink, TokenError> {
        let payload = keys.verify(PASSWORD_LINK_PURPOSE, token)?;
        let [code, nonce_field, expires_at] = fields(&payload)?;
        let expires_at = number(expires_at)?;
        let link = PasswordLink {
            partner: partner(code)?,
            nonce: nonce(nonce_field)?,
            expires_at,
        };
        unexpired(link, expires_at, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000;

    fn keys(secret: &str) -> SigningKeys {
        SigningKeys::new(secret, None).unwrap()
    }

    fn abc() -> PartnerCode {
        PartnerCode::parse("abc123").unwrap()
    }

    #[test]
    fn a_signed_session_verifies_until_it_expires() {
        let k = keys("k".repeat(32).as_str());
        let session = Session::new(abc(), 3, false, NOW);
        let token = session.sign(&k);
        assert_eq!(Session::verify(&token, &k, NOW + 60).unwrap(), session);
        assert_eq!(
            Session::verify(&token, &k, NOW + SESSION_SECONDS),
            Err(TokenError::Expired)
        );
        let remembered = Session::new(abc(), 3, true, NOW).sign(&k);
        assert!(Session::verify(&remembered, &k, NOW + 29 * 24 * 3600).is_ok());
        assert_eq!(
            Session::verify(&remembered, &k, NOW + REMEMBER_SECONDS + 1),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tampering_is_detected() {
        let k = keys("k".repeat(32).as_str());
        let token = Session::new(abc(), 1, true, NOW).sign(&k);
        let (payload, tag) = token.split_once('.').unwrap();
        // Someone else's code in the payload, the old signature.
        let forged = URL_SAFE_NO_PAD.encode(format!("xyz789|1|{}|1", NOW + 999));
        assert_eq!(
            Session::verify(&format!("{forged}.{tag}"), &k, NOW),
            Err(TokenError::BadSignature)
        );
        // One flipped character in the signature.
        let mut bad_tag = tag.to_owned();
        let last = bad_tag.pop().unwrap();
        bad_tag.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            Session::verify(&format!("{payload}.{bad_tag}"), &k, NOW),
            Err(TokenError::BadSignature)
        );
        for junk in ["", ".", "abc", "a.b.c", "%%%.%%%", &"A".repeat(5000)] {
            assert!(Session::verify(junk, &k, NOW).is_err(), "{junk}");
        }
    }

    #[test]
    fn the_previous_key_is_accepted_during_rotation_and_others_are_not() {
        let old = keys("o".repeat(32).as_str());
        let token = Session::new(abc(), 1, false, NOW).sign(&old);
        let rotated = SigningKeys::new(&"n".repeat(32), Some(&"o".repeat(32))).unwrap();
        assert!(Session::verify(&token, &rotated, NOW).is_ok());
        // New tokens use the new key: a worker that only knows the old key refuses them.
        let fresh = Session::new(abc(), 1, false, NOW).sign(&rotated);
        assert_eq!(
            Session::verify(&fresh, &old, NOW),
            Err(TokenError::BadSignature)
        );
        let stranger = keys("s".repeat(32).as_str());
        assert_eq!(
            Session::verify(&token, &stranger, NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn a_password_link_is_not_a_session_and_vice_versa() {
        let k = keys("k".repeat(32).as_str());
        let link = PasswordLink {
            partner: abc(),
            nonce: "0123456789abcdef0123456789abcdef".into(),
            expires_at: NOW + RESET_SECONDS,
        };
        let token = link.sign(&k);
        assert_eq!(PasswordLink::verify(&token, &k, NOW).unwrap(), link);
        assert!(Session::verify(&token, &k, NOW).is_err());
        let session = Session::new(abc(), 1, false, NOW).sign(&k);
        assert!(PasswordLink::verify(&session, &k, NOW).is_err());
        assert_eq!(
            PasswordLink::verify(&token, &k, NOW + RESET_SECONDS),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(SigningKeys::new("short", None).is_err());
    }
}
