//! Identifiers validated once at the edge: partner codes, link slugs, program ids.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    #[error("{kind} must be {min} to {max} characters long, got {len} in {value:?}")]
    Length {
        kind: &'static str,
        value: String,
        min: usize,
        max: usize,
        len: usize,
    },
    #[error(
        "{kind} may only contain lowercase letters a-z, digits{extra}; found {found:?} in {value:?}"
    )]
    Character {
        kind: &'static str,
        value: String,
        extra: &'static str,
        found: char,
    },
    #[error("{kind} must start with a letter or a digit, not {value:?}")]
    Start { kind: &'static str, value: String },
}

fn validate(
    kind: &'static str,
    value: &str,
    (min, max): (usize, usize),
    extra: &'static [char],
    extra_text: &'static str,
) -> Result<(), IdError> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(IdError::Length {
            kind,
            value: value.to_owned(),
            min,
            max,
            len,
        });
    }
    if let Some(found) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c)))
    {
        return Err(IdError::Character {
            kind,
            value: value.to_owned(),
            extra: extra_text,
            found,
        });
    }
    if value.starts_with(extra) {
        return Err(IdError::Start {
            kind,
            value: value.to_owned(),
        });
    }
    Ok(())
}

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $len:expr, $extra:expr, $extra_text:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, IdError> {
                validate($kind, value, $len, $extra, $extra_text)?;
                Ok(Self(value.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                validate($kind, &value, $len, $extra, $extra_text)?;
                Ok(Self(value))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_newtype!(
    /// A partner's unique code: their sign-in username and the first segment of their links.
    /// Lowercase letters, digits, `-` and `_`; 3 to 32 characters, e.g. `abc123`.
    PartnerCode,
    "a partner code",
    (3, 32),
    &['-', '_'],
    ", '-' and '_'"
);

id_newtype!(
    /// A redirect link's slug, the last segment of `/r/<code>/<slug>`; also used for resource
    /// pages. Lowercase letters, digits and `-`; 1 to 64 characters.
    Slug,
    "a slug",
    (1, 64),
    &['-'],
    " and '-'"
);

id_newtype!(
    /// A program's id (its file name without `.yaml`).
    ProgramId,
    "a program id",
    (1, 64),
    &['-', '_'],
    ", '-' and '_'"
);

/// A plausible e-mail address: one `@`, a dotted domain, no spaces or control characters.
pub fn plausible_email(email: &str) -> bool {
    email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_codes_accept_the_seed_example_and_reject_bad_ones() {
        assert_eq!(PartnerCode::parse("abc123").unwrap().as_str(), "abc123");
        assert!(PartnerCode::parse("jo-ann_2").is_ok());
        assert!(matches!(
            PartnerCode::parse("ab"),
            Err(IdError::Length { len: 2, .. })
        ));
        assert!(matches!(
            PartnerCode::parse("ABC123"),
            Err(IdError::Character { found: 'A', .. })
        ));
        assert!(matches!(
            PartnerCode::parse("abc/../x"),
            Err(IdError::Character { found: '/', .. })
        ));
        assert!(matches!(
            PartnerCode::parse("-abc"),
            Err(IdError::Start { .. })
        ));
    }

    #[test]
    fn slugs_reject_path_tricks() {
        assert!(Slug::parse("home").is_ok());
        assert!(Slug::parse("spring-sale-2026").is_ok());
        for bad in ["", "a_b", "..", "a/b", "%2f", "Home", "x y"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn ids_deserialize_through_validation() {
        let ok: PartnerCode = serde_yaml::from_str("abc123").unwrap();
        assert_eq!(ok.to_string(), "abc123");
        let err = serde_yaml::from_str::<PartnerCode>("Not Valid").unwrap_err();
        assert!(err.to_string().contains("lowercase"), "{err}");
    }
}

/// The one rule for sub-ids, shared by the redirect (which keeps only valid ones) and the
/// link builder (whose input carries [`SUB_ID_PATTERN`] and turns typed text into a valid
/// sub-id with the same rule as [`sub_id_from`]).
pub const SUB_ID_MAX: usize = 64;
/// The HTML `pattern` of a sub-id: 1 to 64 of `A-Z a-z 0-9 - _ .`.
pub const SUB_ID_PATTERN: &str = "[A-Za-z0-9._\\-]{1,64}";

fn sub_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A sub-id as sent, if it follows the rule.
pub fn valid_sub_id(value: &str) -> Option<&str> {
    (!value.is_empty() && value.len() <= SUB_ID_MAX && value.chars().all(sub_id_char))
        .then_some(value)
}

/// What the link builder makes of typed text: spaces and other characters become one `-`,
/// ends trimmed, cut to 64 ("Black Friday IG" → "Black-Friday-IG").
pub fn sub_id_from(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if sub_id_char(c) {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(SUB_ID_MAX)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

#[cfg(test)]
mod sub_id_tests {
    use super::*;

    #[test]
    fn typed_text_becomes_a_sub_id_the_redirect_keeps() {
        for (typed, made) in [
            ("Black Friday IG", "Black-Friday-IG"),
            ("  newsletter / june!! ", "newsletter-june"),
            ("ig.story_2", "ig.story_2"),
            ("ünïcode", "n-code"),
        ] {
            assert_eq!(sub_id_from(typed), made);
            assert_eq!(valid_sub_id(made), Some(made), "{made}");
        }
        assert_eq!(valid_sub_id("Black Friday IG"), None);
        assert_eq!(valid_sub_id(&"a".repeat(65)), None);
        assert_eq!(sub_id_from(&"a".repeat(80)).len(), 64);
    }
}
