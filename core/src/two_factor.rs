//! Two-step sign-in: time-based one-time passwords (RFC 6238, computed by the `totp-rs` crate:
//! HMAC-SHA1, six digits, 30-second steps, what every authenticator app reads from a QR code)
//! and single-use recovery codes.
//!
//! A code is accepted for the step it was made in or one either side (clocks drift), and only
//! for a step later than the last one accepted for that partner: a code seen over a shoulder
//! or replayed cannot be used again. The caller stores the step this returns, atomically.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

/// Seconds a code lasts.
pub const STEP_SECONDS: i64 = 30;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes per recovery code (40 bits, 8 base-32 characters; single use, and tried only
/// at the rate-limited sign-in).
const RECOVERY_BYTES: usize = 5;

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code is 6 digits")]
    Malformed,
    #[error("the code is not right")]
    Wrong,
    #[error("that code was already used; wait for the next one")]
    Reused,
}

/// A partner's TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    /// A secret from [`SECRET_LEN`] random bytes.
    pub fn from_random(bytes: &[u8]) -> Option<TotpSecret> {
        (bytes.len() >= SECRET_LEN).then(|| TotpSecret(bytes[..SECRET_LEN].to_vec()))
    }

    /// The stored form (RFC 4648 base 32, no padding), as authenticator apps show it.
    pub fn base32(&self) -> String {
        base32_encode(&self.0)
    }

    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        let bytes = base32_decode(text)?;
        (bytes.len() >= 16).then_some(TotpSecret(bytes))
    }

    fn totp(&self, issuer: Option<&str>, account: &str) -> TOTP {
        // An issuer may not contain a colon (it separates issuer and account in the label).
        TOTP::new_unchecked(
            Algorithm::SHA1,
            6,
            1,
            STEP_SECONDS as u64,
            self.0.clone(),
            issuer.map(|i| i.replace(':', " ")),
            account.replace(':', " "),
        )
    }

    /// The `otpauth://` address an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        self.totp(Some(issuer), account).get_url()
    }

    /// The code for the step `step` (tests and the scenarios make codes with it).
    pub fn code_at_step(&self, step: i64) -> String {
        self.totp(None, "")
            .generate((step.max(0) * STEP_SECONDS) as u64)
    }

    /// The step `code` was made in, if it is right at `now` (± one step) and later than
    /// `last_step` (the last accepted; 0 for none).
    pub fn accept(&self, code: &str, now: i64, last_step: i64) -> Result<i64, CodeError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::Malformed);
        }
        let current = now.div_euclid(STEP_SECONDS);
        let mut matched = None;
        // Every candidate is computed and compared in constant time, whichever matches.
        for step in [current - 1, current, current + 1] {
            let candidate = self.code_at_step(step);
            if bool::from(candidate.as_bytes().ct_eq(code.as_bytes())) {
                matched = Some(step);
            }
        }
        match matched {
            Some(step) if step > last_step => Ok(step),
            Some(_) => Err(CodeError::Reused),
            None => Err(CodeError::Wrong),
        }
    }
}

/// Recovery codes from random bytes ([`RECOVERY_CODES`] × 5 bytes): `xxxx-xxxx`, lower-case
/// base 32 (no 0, 1, 8 or 9 to mistake for letters).
pub fn recovery_codes(random: &[u8]) -> Vec<String> {
    random
        .chunks_exact(RECOVERY_BYTES)
        .take(RECOVERY_CODES)
        .map(|chunk| {
            let text = base32_encode(chunk).to_ascii_lowercase();
            format!("{}-{}", &text[..4], &text[4..])
        })
        .collect()
}

/// The random bytes [`recovery_codes`] needs.
pub const RECOVERY_RANDOM_LEN: usize = RECOVERY_CODES * RECOVERY_BYTES;

/// What is stored of a recovery code: the SHA-256 of its normalised form (codes carry 40 random
/// bits and are single-use, so a fast hash is enough). `None` if it cannot be a recovery code.
pub fn recovery_hash(code: &str) -> Option<String> {
    let normal: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if normal.len() != 8 || base32_decode(&normal).is_none() {
        return None;
    }
    let digest = Sha256::digest(normal.as_bytes());
    Some(digest.iter().fold(String::with_capacity(64), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    }))
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key and vectors (the last six digits of its 8-digit codes).
    #[test]
    fn rfc_6238_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(secret.code_at_step(time / STEP_SECONDS), code, "{time}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let secret = TotpSecret::from_random(&[7u8; 20]).unwrap();
        let now = 1_800_000_000;
        let step = now / STEP_SECONDS;
        let code = secret.code_at_step(step);
        assert_eq!(secret.accept(&code, now, 0), Ok(step));
        assert_eq!(secret.accept(&code, now, step), Err(CodeError::Reused));
        assert_eq!(secret.accept(&code, now + 29, 0), Ok(step));
        assert_eq!(secret.accept(&code, now + 90, 0), Err(CodeError::Wrong));
        assert_eq!(
            secret.accept(&secret.code_at_step(step + 1), now, step),
            Ok(step + 1)
        );
        assert_eq!(secret.accept("12345", now, 0), Err(CodeError::Malformed));
        assert_eq!(secret.accept("abcdef", now, 0), Err(CodeError::Malformed));
    }

    #[test]
    fn secrets_and_uris() {
        let secret = TotpSecret::from_random(&[0xAB; 20]).unwrap();
        assert_eq!(
            TotpSecret::from_base32(&secret.base32()),
            Some(secret.clone())
        );
        let uri = secret.otpauth_uri("Brightloom: Partners", "abc123");
        assert!(
            uri.starts_with("otpauth://totp/Brightloom%20%20Partners:abc123?secret="),
            "{uri}"
        );
        assert!(uri.contains("issuer=Brightloom%20%20Partners"), "{uri}");
        assert!(TotpSecret::from_random(&[1; 10]).is_none());
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashable() {
        let random: Vec<u8> = (0..RECOVERY_RANDOM_LEN as u8).collect();
        let codes = recovery_codes(&random);
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 9 && c.as_bytes()[4] == b'-')
        );
        let hash = recovery_hash(&codes[0]).unwrap();
        assert_eq!(
            recovery_hash(&codes[0].to_ascii_uppercase().replace('-', " ")),
            Some(hash)
        );
        assert_ne!(recovery_hash(&codes[0]), recovery_hash(&codes[1]));
        assert!(recovery_hash("123456").is_none());
    }
}
