//! Route handlers, one module per concern. The route table is in [`crate::app`].

pub mod accounts;
pub mod auth;
pub mod events;
pub mod integrations;
pub mod join;
pub mod not_me;
pub mod notifications;
pub mod owner;
pub mod password;
pub mod payout_details;
pub mod portal;
pub mod profile;
pub mod redirect;
pub mod reports;
pub mod script_report;

use http::StatusCode;

use crate::config::Config;
use crate::http_util::{self, cookie};
use crate::platform::{Platform, PlatformError};
use crate::security::{CSRF_COOKIE, escape_html, host_cookie};
use crate::{Request, Response};

/// What every handler gets.
#[derive(Debug)]
pub struct Ctx<'a, P> {
    pub platform: &'a P,
    pub config: &'a Config,
    /// Unix seconds, read once per request.
    pub now: i64,
    /// The CSRF token for this browser (existing cookie, or a new one set on the response).
    pub csrf: String,
}

/// Messages shown in a page's notice area (server-side, so they work without JavaScript).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Failed,
    Limited,
    Suspended,
    Sent,
    Expired,
    Mismatch,
    Weak,
    Saved,
    SignedOut,
    Invalid,
    FormExpired,
    Pending,
    /// Approved, and the partner's file not deployed yet.
    Preparing,
    OwnerFailed,
    OwnerLinkExpired,
    Unsubscribed,
    CodeWrong,
    CodeReused,
    CodeExpired,
    TwoFactorNeeded,
    TwoFactorCode,
    PasswordNeeded,
    Secured,
}

impl Notice {
    fn text(self) -> (&'static str, bool) {
        match self {
            Notice::Failed => (
                "The partner code or password is not right. Try again, or use “Forgot your password?”.",
                true,
            ),
            Notice::Limited => (
                "Too many attempts. Wait a few minutes, then try again.",
                true,
            ),
            Notice::Suspended => (
                "This account is suspended. Please contact the partner team.",
                true,
            ),
            Notice::Sent => (
                "If that code or address belongs to an account, a link to set a new password (with the partner code) is on its way to the account's e-mail address.",
                false,
            ),
            Notice::Expired => (
                "That link has expired or was already used. Ask for a new one on the “Forgot your password?” page.",
                true,
            ),
            Notice::Mismatch => ("The two passwords are not the same.", true),
            Notice::Weak => (
                "Choose a password of at least 10 characters (and at most 256).",
                true,
            ),
            Notice::Saved => ("Your changes are saved.", false),
            Notice::SignedOut => ("You are signed out.", false),
            Notice::Invalid => (
                "Some of the details are not valid. Check them and try again.",
                true,
            ),
            Notice::FormExpired => ("The form expired. Please try again.", true),
            Notice::OwnerFailed => (
                "The e-mail address or password is not right. An owner without a password asks for an invite link (partner-center invite --owner).",
                true,
            ),
            Notice::OwnerLinkExpired => (
                "That link has expired or was already used. Ask for a new one: partner-center invite --owner <e-mail>.",
                true,
            ),
            Notice::Unsubscribed => (
                "Done: you will not get these e-mails any more. Switch them back on in My Profile.",
                false,
            ),
            Notice::PasswordNeeded => (
                "To change your e-mail address, enter your current password (and a code from your authenticator app if two-step sign-in is on).",
                true,
            ),
            Notice::Secured => (
                "Done: everybody is signed out of your account, payout changes that had not applied are cancelled, your payout details are frozen until the partner team has checked your account, and your e-mail address is the one this link was sent to. Choose a new password with Forgot your password?",
                false,
            ),
            Notice::CodeWrong => (
                "That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.",
                true,
            ),
            Notice::CodeReused => (
                "That code was already used. Wait for the next one (a new code every 30 seconds).",
                true,
            ),
            Notice::CodeExpired => (
                "Signing in took too long. Enter your username and password again.",
                true,
            ),
            Notice::TwoFactorNeeded => (
                "The partner program asks every partner to turn on two-step sign-in. Set it up below to use the portal.",
                true,
            ),
            Notice::TwoFactorCode => (
                "To change your e-mail address, also enter a code from your authenticator app.",
                true,
            ),
            Notice::Pending => (
                "Your application is being reviewed. We will e-mail you as soon as it is approved.",
                false,
            ),
            Notice::Preparing => (
                "Your application is approved: your portal is being prepared. We will e-mail you as soon as it is ready, usually within minutes.",
                false,
            ),
        }
    }

    /// For `?status=` after a redirect.
    pub fn from_status(status: &str) -> Option<Notice> {
        Some(match status {
            "saved" => Notice::Saved,
            "signedout" => Notice::SignedOut,
            "invalid" => Notice::Invalid,
            "expired" => Notice::Expired,
            "codeexpired" => Notice::CodeExpired,
            "twofactorneeded" => Notice::TwoFactorNeeded,
            "twofactorcode" => Notice::TwoFactorCode,
            "passwordneeded" => Notice::PasswordNeeded,
            _ => return None,
        })
    }
}

const NOTICE_SLOT: &str = r#"<p class="notice" role="status" data-notice hidden></p>"#;
const CSRF_SLOT: &str = r#"value="" data-csrf"#;

impl<P: Platform> Ctx<'_, P> {
    /// A site file, 404 page if missing.
    pub async fn asset_or_404(&self, path: &str) -> Result<Response, PlatformError> {
        match self.platform.asset(path).await? {
            Some(asset) => {
                let mut response = Response::new(asset.body);
                if let Ok(v) = http::HeaderValue::from_str(&asset.content_type) {
                    response.headers_mut().insert(http::header::CONTENT_TYPE, v);
                }
                Ok(response)
            }
            None => self.not_found().await,
        }
    }

    pub async fn not_found(&self) -> Result<Response, PlatformError> {
        self.page("404.html", StatusCode::NOT_FOUND, None, &[])
            .await
    }

    /// An HTML page of the site with the CSRF token, a notice, and other values filled in.
    pub async fn page(
        &self,
        path: &str,
        status: StatusCode,
        notice: Option<Notice>,
        replacements: &[(String, String)],
    ) -> Result<Response, PlatformError> {
        match self.platform.asset(path).await? {
            Some(asset) => Ok(self.render(&asset.body, status, notice, replacements)),
            None => Ok(http_util::text(StatusCode::NOT_FOUND, "Not found")),
        }
    }

    /// A page whose form carries a link's token: the input marked `data-<slot>` gets it
    /// (escaped).
    pub async fn token_page(
        &self,
        path: &str,
        status: StatusCode,
        notice: Option<Notice>,
        slot: &str,
        token: &str,
    ) -> Result<Response, PlatformError> {
        let input = format!(r#"value="" data-{slot}"#);
        let filled = format!(r#"value="{}" data-{slot}"#, escape_html(token));
        self.page(path, status, notice, &[(input, filled)]).await
    }

    /// Fills the CSRF token, a notice and other values into an HTML page of the site.
    pub fn render(
        &self,
        body: &[u8],
        status: StatusCode,
        notice: Option<Notice>,
        replacements: &[(String, String)],
    ) -> Response {
        let mut html = String::from_utf8_lossy(body).into_owned();
        html = html.replace(CSRF_SLOT, &format!(r#"value="{}" data-csrf"#, self.csrf));
        if let Some(notice) = notice {
            let (text, error) = notice.text();
            let class = if error { "notice error" } else { "notice" };
            html = html.replacen(
                NOTICE_SLOT,
                &format!(
                    r#"<p class="{class}" role="status" data-notice>{}</p>"#,
                    escape_html(text)
                ),
                1,
            );
        }
        for (from, to) in replacements {
            html = html.replace(from.as_str(), to);
        }
        http_util::html(status, html)
    }
}

/// The CSRF token of this browser, or a fresh one (and whether it is new).
pub fn csrf_token(req: &Request, platform: &impl Platform) -> (String, bool) {
    match cookie(req, CSRF_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(token) => (token, false),
        None => (hex::encode(platform.random_bytes(32)), true),
    }
}

pub fn set_csrf_cookie(response: &mut Response, token: &str) {
    http_util::set_cookie(response, &host_cookie(CSRF_COOKIE, token, true, None));
}

/// A `next` location after a partner's sign-in: only the partner's own portal pages.
pub fn safe_next(next: Option<&str>) -> &str {
    safe_next_under(next, "/portal/")
}

/// A `next` location under `home` (a plain path of lowercase letters, digits, `-` and `/`),
/// else `home`.
pub fn safe_next_under<'a>(next: Option<&'a str>, home: &'a str) -> &'a str {
    match next {
        Some(n)
            if n.starts_with(home)
                && n.len() < 200
                && !n.contains("//")
                && n.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'/' || b == b'-'
                }) =>
        {
            n
        }
        _ => home,
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_goes_to_the_portal() {
        assert_eq!(safe_next(Some("/portal/links/")), "/portal/links/");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/portal//evil",
            "/portal/../x",
            "/login",
            "/portal/%2e%2e/",
        ] {
            assert_eq!(safe_next(Some(bad)), "/portal/", "{bad}");
        }
        assert_eq!(safe_next(None), "/portal/");
    }
}
