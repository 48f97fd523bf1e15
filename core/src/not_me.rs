//! The "this wasn't me" link mailed to the address an account had before a change that could
//! take it over (a new e-mail address or password, two-step sign-in turned on or off, new
//! recovery codes, new payout details). Following it (a page with one button) cancels pending
//! payout changes, ends every session, freezes payout-detail changes until an owner lifts the
//! freeze, and undoes the change where that is safe: the e-mail address goes back to the one the
//! link was sent to, two-step sign-in that was turned on is turned off.

use crate::PartnerCode;
use crate::token::{SigningKeys, TokenError, fields, nonce, number, partner, unexpired};

const PURPOSE: &str = "not-me";
/// Longer than the longest payout cooling-off period (720 hours), so the link still works
/// until a changed payout would apply.
pub const NOT_ME_SECONDS: i64 = 31 * 24 * 3600;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Email,
    Password,
    TwoFactorOn,
    TwoFactorOff,
    RecoveryCodes,
    PayoutDetails,
}

impl AccountChange {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountChange::Email => "email",
            AccountChange::Password => "password",
            AccountChange::TwoFactorOn => "two-factor-on",
            AccountChange::TwoFactorOff => "two-factor-off",
            AccountChange::RecoveryCodes => "recovery-codes",
            AccountChange::PayoutDetails => "payout",
        }
    }

    pub fn parse(text: &str) -> Option<AccountChange> {
        [
            AccountChange::Email,
            AccountChange::Password,
            AccountChange::TwoFactorOn,
            AccountChange::TwoFactorOff,
            AccountChange::RecoveryCodes,
            AccountChange::PayoutDetails,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    /// What changed, in words: "e-mail address", "payout details".
    pub fn what(self) -> &'static str {
        match self {
            AccountChange::Email => "e-mail address",
            AccountChange::Password => "password",
            AccountChange::TwoFactorOn | AccountChange::TwoFactorOff => "two-step sign-in",
            AccountChange::RecoveryCodes => "two-step recovery codes",
            AccountChange::PayoutDetails => "payout details",
        }
    }

    /// What happened to it: "was changed", "was turned on", "were replaced".
    pub fn happened(self) -> &'static str {
        match self {
            AccountChange::Email | AccountChange::Password => "was changed",
            AccountChange::TwoFactorOn => "was turned on",
            AccountChange::TwoFactorOff => "was turned off",
            AccountChange::RecoveryCodes => "were replaced",
            AccountChange::PayoutDetails => "were changed",
        }
    }
}

/// A signed "this wasn't me" link: whose account, what changed, the address it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotMeLink {
    pub partner: PartnerCode,
    pub change: AccountChange,
    /// Random, hex; recorded on use (the link works once).
    pub nonce: String,
    pub expires_at: i64,
    /// The address the account had before the change (where the link was sent).
    pub email: String,
}

impl NotMeLink {
    pub fn sign(&self, keys: &SigningKeys) -> String {
        let payload = format!(
            "{}|{}|{}|{}|{}",
            self.partner,
            self.change.as_str(),
            self.nonce,
            self.expires_at,
            self.email
        );
        keys.sign(PURPOSE, &payload)
    }

    pub fn verify(token: &str, keys: &SigningKeys, now: i64) -> Result<NotMeLink, TokenError> {
        let payload = keys.verify(PURPOSE, token)?;
        // The address comes last: it is the only part that may contain anything.
        let [code, change, nonce_field, expires_at, email] = fields(&payload)?;
        let expires_at = number(expires_at)?;
        let link = NotMeLink {
            partner: partner(code)?,
            change: AccountChange::parse(change).ok_or(TokenError::Malformed)?,
            nonce: nonce(nonce_field)?,
            expires_at,
            email: email.to_owned(),
        };
        unexpired(link, expires_at, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PasswordLink, Session};

    #[test]
    fn a_not_me_link_round_trips_and_is_nothing_else() {
        let keys = SigningKeys::new(&"k".repeat(32), None).unwrap();
        let link = NotMeLink {
            partner: PartnerCode::parse("abc123").unwrap(),
            change: AccountChange::Email,
            nonce: "0123456789abcdef0123456789abcdef".into(),
            expires_at: 2_000,
            email: "a|b@example.com".into(),
        };
        let token = link.sign(&keys);
        assert_eq!(NotMeLink::verify(&token, &keys, 1_000).unwrap(), link);
        assert_eq!(
            NotMeLink::verify(&token, &keys, 2_000),
            Err(TokenError::Expired)
        );
        assert!(Session::verify(&token, &keys, 1_000).is_err());
        assert!(PasswordLink::verify(&token, &keys, 1_000).is_err());
        for change in [
            "email",
            "password",
            "two-factor-on",
            "two-factor-off",
            "recovery-codes",
            "payout",
        ] {
            assert_eq!(AccountChange::parse(change).unwrap().as_str(), change);
        }
    }
}
