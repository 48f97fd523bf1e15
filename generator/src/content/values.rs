//! Small validated values used by content files: web URLs, e-mail addresses, colours.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An absolute `http` or `https` URL with a host. Nothing else may be a redirect target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebUrl(url::Url);

impl WebUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The URL without a trailing slash, to append paths to.
    pub fn base(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

impl TryFrom<String> for WebUrl {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let url = url::Url::parse(&text).map_err(|e| {
            format!("{text:?} is not a valid URL ({e}); write it like https://example.com/page")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "{text:?} must be an http:// or https:// URL, not {}:",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("{text:?} has no host name"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{text:?} must not contain a user name or password"));
        }
        Ok(WebUrl(url))
    }
}

impl From<WebUrl> for String {
    fn from(url: WebUrl) -> String {
        url.0.into()
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// A plausible e-mail address (one `@`, a dotted domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let valid = text.len() <= 254
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(EmailAddress(text))
        } else {
            Err(format!("{text:?} is not an e-mail address"))
        }
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A CSS hex colour, `#rgb` or `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Color(String);

impl Color {
    pub fn new_unchecked(hex: &str) -> Color {
        Color(hex.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Color {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let hex = text.strip_prefix('#').unwrap_or("");
        if matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Color(text.to_ascii_lowercase()))
        } else {
            Err(format!(
                "{text:?} is not a colour; write it like \"#1f6feb\""
            ))
        }
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_are_http_only() {
        assert!(WebUrl::try_from("https://shop.example/a?b=1#c".to_owned()).is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example/",
            "//evil.example",
            "not a url",
            "https://user:pw@x.example/",
        ] {
            assert!(WebUrl::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_and_colours() {
        assert!(EmailAddress::try_from("a@b.example".to_owned()).is_ok());
        for bad in [
            "a@b",
            "@b.example",
            "a b@c.example",
            "a@b@c.example",
            "a@.example",
        ] {
            assert!(EmailAddress::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert_eq!(Color::try_from("#ABC".to_owned()).unwrap().as_str(), "#abc");
        assert!(Color::try_from("red".to_owned()).is_err());
        assert!(Color::try_from("#12345".to_owned()).is_err());
    }
}
