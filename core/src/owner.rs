//! The business owner's side: roles, the owner session and the owner's set-password link.
//!
//! Both are tokens of [`SigningKeys`] with their own purposes, so a partner's cookie can never
//! be read as an owner's (or the other way round), nor a partner's reset link used by an owner.

use crate::token::{SigningKeys, TokenError, fields, nonce, number, unexpired};

/// What an owner may do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerRole {
    /// Everything: decide applications, see payout details, view as a partner.
    Admin,
    /// Reads the console; cannot decide applications.
    Viewer,
}

impl OwnerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerRole::Admin => "admin",
            OwnerRole::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<OwnerRole> {
        match text {
            "admin" => Some(OwnerRole::Admin),
            "viewer" => Some(OwnerRole::Viewer),
            _ => None,
        }
    }
}

/// An owner's session: shorter than a partner's and never remembered.
pub const OWNER_SESSION_SECONDS: i64 = 8 * 3600;
const OWNER_SESSION_PURPOSE: &str = "owner-session";
const OWNER_LINK_PURPOSE: &str = "owner-set-password";

/// What an owner's session cookie says: who (their e-mail, lowercase), which session version,
/// until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerSession {
    pub email: String,
    pub version: i64,
    pub expires_at: i64,
}

impl OwnerSession {
    pub fn new(email: &str, version: i64, now: i64) -> Self {
        OwnerSession {
            email: email.to_ascii_lowercase(),
            version,
            expires_at: now + OWNER_SESSION_SECONDS,
        }
    }

    pub fn sign(&self, keys: &SigningKeys) -> String {
        // The e-mail last: it is the one part that may contain the separator.
        let payload = format!("{}|{}|{}", self.version, self.expires_at, self.email);
        keys.sign(OWNER_SESSION_PURPOSE, &payload)
    }

    pub fn verify(token: &str, keys: &SigningKeys, now: i64) -> Result<Self, TokenError> {
        let payload = keys.verify(OWNER_SESSION_PURPOSE, token)?;
        let [version, expires_at, email] = fields(&payload)?;
        if email.is_empty() {
            return Err(TokenError::Malformed);
        }
        let expires_at = number(expires_at)?;
        let session = OwnerSession {
            email: email.to_owned(),
            version: number(version)?,
            expires_at,
        };
        unexpired(session, expires_at, now)
    }
}

/// An owner's set-password (invite) link; single use is enforced by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLink {
    pub email: String,
    /// Random, hex; recorded on use.
    pub nonce: String,
    pub expires_at: i64,
}

impl OwnerLink {
    pub fn sign(&self, keys: &SigningKeys) -> String {
        let payload = format!("{}|{}|{}", self.nonce, self.expires_at, self.email);
        keys.sign(OWNER_LINK_PURPOSE, &payload)
    }

    pub fn verify(token: &str, keys: &SigningKeys, now: i64) -> Result<Self, TokenError> {
        let payload = keys.verify(OWNER_LINK_PURPOSE, token)?;
        let [nonce_field, expires_at, email] = fields(&payload)?;
        if email.is_empty() {
            return Err(TokenError::Malformed);
        }
        let expires_at = number(expires_at)?;
        let link = OwnerLink {
            email: email.to_owned(),
            nonce: nonce(nonce_field)?,
            expires_at,
        };
        unexpired(link, expires_at, now)
    }
}

/// What a notification e-mail's unsubscribe link switches off: one kind, for one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub partner: crate::PartnerCode,
    /// `commissions` or `payouts`.
    pub kind: String,
}

const UNSUBSCRIBE_PURPOSE: &str = "unsubscribe";

impl Unsubscribe {
    /// Unsubscribe links do not expire: a mail read a year later still works.
    pub fn sign(&self, keys: &SigningKeys) -> String {
        keys.sign(
            UNSUBSCRIBE_PURPOSE,
            &format!("{}|{}", self.partner, self.kind),
        )
    }

    pub fn verify(token: &str, keys: &SigningKeys) -> Result<Self, TokenError> {
        let payload = keys.verify(UNSUBSCRIBE_PURPOSE, token)?;
        let (code, kind) = payload.split_once('|').ok_or(TokenError::Malformed)?;
        Ok(Unsubscribe {
            partner: crate::PartnerCode::parse(code).map_err(|_| TokenError::Malformed)?,
            kind: kind.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PartnerCode, Session};

    const NOW: i64 = 1_790_000_000;

    fn keys() -> SigningKeys {
        SigningKeys::new(&"k".repeat(32), None).unwrap()
    }

    #[test]
    fn an_owner_session_lasts_eight_hours_and_is_no_partner_session() {
        let k = keys();
        let session = OwnerSession::new("Olivia@Brightloom.example", 2, NOW);
        let token = session.sign(&k);
        let back = OwnerSession::verify(&token, &k, NOW + 60).unwrap();
        assert_eq!(back.email, "olivia@brightloom.example");
        assert_eq!(back.version, 2);
        assert_eq!(
            OwnerSession::verify(&token, &k, NOW + OWNER_SESSION_SECONDS),
            Err(TokenError::Expired)
        );
        assert!(Session::verify(&token, &k, NOW).is_err());
        let partner = Session::new(PartnerCode::parse("abc123").unwrap(), 0, true, NOW).sign(&k);
        assert!(OwnerSession::verify(&partner, &k, NOW).is_err());
    }

    #[test]
    fn an_owner_link_is_neither_a_session_nor_a_partner_link() {
        let k = keys();
        let link = OwnerLink {
            email: "a|b@example.com".into(),
            nonce: "0123456789abcdef0123".into(),
            expires_at: NOW + 60,
        };
        let token = link.sign(&k);
        assert_eq!(OwnerLink::verify(&token, &k, NOW).unwrap(), link);
        assert!(OwnerSession::verify(&token, &k, NOW).is_err());
        assert!(crate::PasswordLink::verify(&token, &k, NOW).is_err());
        assert_eq!(
            OwnerLink::verify(&token, &k, NOW + 60),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn unsubscribe_links_are_signed() {
        let k = keys();
        let u = Unsubscribe {
            partner: PartnerCode::parse("abc123").unwrap(),
            kind: "commissions".into(),
        };
        let token = u.sign(&k);
        assert_eq!(Unsubscribe::verify(&token, &k).unwrap(), u);
        let other = SigningKeys::new(&"o".repeat(32), None).unwrap();
        assert!(Unsubscribe::verify(&token, &other).is_err());
    }
}
