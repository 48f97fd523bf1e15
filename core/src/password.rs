//! Password hashes: PBKDF2-HMAC-SHA256 in PHC string form,
//! `$pbkdf2-sha256$i=<iterations>,l=32$<salt>$<hash>` (standard base64 without padding).
//!
//! Deriving the key is left to the caller so the edge can use WebCrypto (native speed) while
//! natively [`derive`] runs the pure-Rust implementation; parsing, formatting and the
//! constant-time comparison are here.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use subtle::ConstantTimeEq;

/// The default work factor. OWASP (2023) advises 600,000 for PBKDF2-HMAC-SHA256, but the
/// Workers runtime's WebCrypto refuses more than 100,000, and pure-Rust PBKDF2 in wasm at
/// 600,000 costs seconds of CPU per sign-in. Hashes record their own count, and sign-in
/// rehashes when the configured count changes.
pub const DEFAULT_ITERATIONS: u32 = 100_000;
pub const HASH_LEN: usize = 32;
pub const SALT_LEN: usize = 16;
/// Passwords longer than this are refused before hashing (hashing cost grows with length).
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MIN_PASSWORD_LEN: usize = 10;

/// A parsed PHC string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    /// Parses `$pbkdf2-sha256$i=…,l=32$salt$hash`.
    pub fn parse(phc: &str) -> Option<PasswordHash> {
        let mut parts = phc.split('$');
        let (Some(""), Some("pbkdf2-sha256"), Some(params), Some(salt), Some(hash), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let mut iterations = None;
        for param in params.split(',') {
            match param.split_once('=')? {
                ("i", n) => iterations = n.parse::<u32>().ok().filter(|n| *n > 0),
                ("l", "32") => {}
                _ => return None,
            }
        }
        let salt = STANDARD_NO_PAD.decode(salt).ok()?;
        let hash = STANDARD_NO_PAD.decode(hash).ok()?;
        (hash.len() == HASH_LEN && !salt.is_empty()).then_some(PasswordHash {
            iterations: iterations?,
            salt,
            hash,
        })
    }

    /// Whether `derived` (the key derived from a candidate password with this salt and count)
    /// is this hash. Constant time.
    pub fn matches(&self, derived: &[u8]) -> bool {
        self.hash.ct_eq(derived).into()
    }

    pub fn to_phc(&self) -> String {
        format!(
            "$pbkdf2-sha256$i={},l={HASH_LEN}${}${}",
            self.iterations,
            STANDARD_NO_PAD.encode(&self.salt),
            STANDARD_NO_PAD.encode(&self.hash)
        )
    }
}

/// PBKDF2-HMAC-SHA256, pure Rust.
pub fn derive(password: &[u8], salt: &[u8], iterations: u32) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out);
    out
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WeakPassword {
    #[error("choose a password of at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    #[error("a password can be at most {MAX_PASSWORD_LEN} characters")]
    TooLong,
}

/// The length rule for new passwords (length is what matters most; no composition rules).
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        Err(WeakPassword::TooShort)
    } else if password.len() > MAX_PASSWORD_LEN {
        Err(WeakPassword::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write;
        bytes.iter().fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    /// Published PBKDF2-HMAC-SHA256 vectors (the SHA-256 analogue of RFC 6070's set).
    #[test]
    fn derives_the_published_test_vectors() {
        assert_eq!(
            hex(&derive(b"password", b"salt", 1)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"
        );
        assert_eq!(
            hex(&derive(b"password", b"salt", 2)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"
        );
        assert_eq!(
            hex(&derive(b"password", b"salt", 4096)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"
        );
    }

    /// RFC 7914, section 11 (64-byte outputs: the first 32 bytes are our key length).
    #[test]
    fn matches_rfc_7914() {
        let mut out = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
        assert_eq!(
            hex(&derive(b"Password", b"NaCl", 80_000)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        );
    }

    #[test]
    fn phc_strings_round_trip_and_verify() {
        let salt = b"0123456789abcdef".to_vec();
        let hash = PasswordHash {
            iterations: 1000,
            hash: derive(b"correct horse", &salt, 1000).to_vec(),
            salt,
        };
        let phc = hash.to_phc();
        assert!(phc.starts_with("$pbkdf2-sha256$i=1000,l=32$"));
        let parsed = PasswordHash::parse(&phc).unwrap();
        assert_eq!(parsed, hash);
        assert!(parsed.matches(&derive(b"correct horse", &parsed.salt, parsed.iterations)));
        assert!(!parsed.matches(&derive(b"correct horsf", &parsed.salt, parsed.iterations)));
        for bad in [
            "",
            "$pbkdf2-sha512$i=1,l=32$c2FsdA$aGFzaA",
            "$pbkdf2-sha256$i=0,l=32$c2FsdA$aGFzaA",
            "$pbkdf2-sha256$i=1,l=32$c2FsdA$aGFzaA",
            &phc.replace("l=32", "l=64"),
        ] {
            assert!(PasswordHash::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn new_passwords_follow_the_length_rule() {
        assert_eq!(check_new_password("short"), Err(WeakPassword::TooShort));
        assert!(check_new_password("long enough pass").is_ok());
        assert_eq!(
            check_new_password(&"x".repeat(300)),
            Err(WeakPassword::TooLong)
        );
    }
}
