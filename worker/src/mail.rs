//! Mail that arrives: `MAIL_PROVIDER` picks how, each provider spoken in its own documented
//! API. `outbox` (the default) keeps mail in the database (development, `serve`); `cloudflare`
//! uses the Email Service's `send_email` binding; `resend`, `postmark`, `sendgrid` and
//! `mailgun` are HTTPS APIs with a key from the environment. A mail that cannot be sent is
//! logged (never with the key) and kept in the outbox with the reason: nothing is lost, and
//! the person who asked sees the same answer either way.

use std::fmt::Write as _;

use serde_json::json;

use crate::platform::{HttpCall, HttpMethod, Mail, Platform, PlatformError};
use crate::security::escape_html;

/// Where mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Outbox,
    Cloudflare,
    Resend,
    Postmark,
    SendGrid,
    Mailgun,
}

impl Provider {
    pub fn parse(name: &str) -> Option<Provider> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "" | "outbox" => Provider::Outbox,
            "cloudflare" => Provider::Cloudflare,
            "resend" => Provider::Resend,
            "postmark" => Provider::Postmark,
            "sendgrid" => Provider::SendGrid,
            "mailgun" => Provider::Mailgun,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Provider::Outbox => "outbox",
            Provider::Cloudflare => "cloudflare",
            Provider::Resend => "resend",
            Provider::Postmark => "postmark",
            Provider::SendGrid => "sendgrid",
            Provider::Mailgun => "mailgun",
        }
    }

    /// The provider's API, unless `MAIL_API_BASE` points elsewhere (Mailgun's EU region, a
    /// proxy, a test double).
    fn default_base(self) -> &'static str {
        match self {
            Provider::Resend => "https://api.resend.com",
            Provider::Postmark => "https://api.postmarkapp.com",
            Provider::SendGrid => "https://api.sendgrid.com",
            Provider::Mailgun => "https://api.mailgun.net",
            Provider::Outbox | Provider::Cloudflare => "",
        }
    }
}

/// The mail settings, from the environment.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub provider: Provider,
    /// `MAIL_FROM`: `Brightloom Partners <partners@brightloom.example>` or a bare address.
    pub from: String,
    /// `MAIL_REPLY_TO`.
    pub reply_to: Option<String>,
    /// `MAIL_API_KEY` (Resend, SendGrid, Mailgun; Postmark's server token).
    api_key: String,
    /// `MAIL_DOMAIN` (Mailgun's sending domain).
    domain: String,
    api_base: String,
    /// `MAIL_BINDING`: the `send_email` binding's name (default `EMAIL`).
    pub binding: String,
}

impl MailSettings {
    /// The settings, or why they cannot work (said once per mail in the log, never the key).
    pub fn from_platform(platform: &impl Platform) -> Result<MailSettings, String> {
        let env = |name: &str| platform.env(name).filter(|v| !v.trim().is_empty());
        let provider_name = env("MAIL_PROVIDER").unwrap_or_default();
        if provider_name.is_empty() && env("MAIL_API_URL").is_some() {
            return Err(
                "MAIL_API_URL is no longer read: set MAIL_PROVIDER and its settings (README \"Mail\")"
                    .into(),
            );
        }
        let provider = Provider::parse(&provider_name).ok_or_else(|| {
            format!(
                "MAIL_PROVIDER {provider_name:?} is not one of outbox, cloudflare, resend, postmark, sendgrid, mailgun"
            )
        })?;
        let settings = MailSettings {
            provider,
            from: env("MAIL_FROM").unwrap_or_default(),
            reply_to: env("MAIL_REPLY_TO"),
            api_key: env("MAIL_API_KEY").unwrap_or_default(),
            domain: env("MAIL_DOMAIN").unwrap_or_default(),
            api_base: env("MAIL_API_BASE")
                .unwrap_or_else(|| provider.default_base().to_owned())
                .trim_end_matches('/')
                .to_owned(),
            binding: env("MAIL_BINDING").unwrap_or_else(|| "EMAIL".into()),
        };
        if provider != Provider::Outbox && settings.from.is_empty() {
            return Err(format!("MAIL_PROVIDER {} needs MAIL_FROM", provider.name()));
        }
        let needs_key = !matches!(provider, Provider::Outbox | Provider::Cloudflare);
        if needs_key && settings.api_key.is_empty() {
            return Err(format!(
                "MAIL_PROVIDER {} needs MAIL_API_KEY",
                provider.name()
            ));
        }
        if provider == Provider::Mailgun && settings.domain.is_empty() {
            return Err("MAIL_PROVIDER mailgun needs MAIL_DOMAIN".into());
        }
        Ok(settings)
    }
}

/// The e-mail's HTML part: the text's paragraphs, escaped, with its links clickable.
pub fn html_body(text: &str) -> String {
    let mut html = String::from(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">",
    );
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            for (j, word) in line.split(' ').enumerate() {
                if j > 0 {
                    html.push(' ');
                }
                let escaped = escape_html(word);
                if word.starts_with("https://") || word.starts_with("http://") {
                    let _ = write!(html, "<a href=\"{escaped}\">{escaped}</a>");
                } else {
                    html.push_str(&escaped);
                }
            }
        }
        html.push_str("</p>");
    }
    html.push_str("</body></html>");
    html
}

/// `Name <address>` → (`Name`, `address`).
fn split_address(from: &str) -> (Option<&str>, &str) {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            let name = from[..open].trim().trim_matches('"').trim();
            (
                (!name.is_empty()).then_some(name),
                from[open + 1..close].trim(),
            )
        }
        _ => (None, from.trim()),
    }
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in fields {
        if !out.is_empty() {
            out.push('&');
        }
        let _ = write!(
            out,
            "{}={}",
            percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
            percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
        );
    }
    out
}

/// The request that sends `mail` through an HTTPS provider (None for the outbox and the
/// binding).
pub fn http_call(settings: &MailSettings, mail: &Mail) -> Option<HttpCall> {
    use base64::Engine as _;
    let html = html_body(&mail.body);
    let key = &settings.api_key;
    let json_headers = |auth: (&'static str, String)| {
        vec![
            auth,
            ("content-type", "application/json".to_owned()),
            ("accept", "application/json".to_owned()),
        ]
    };
    let (path, headers, body) = match settings.provider {
        Provider::Outbox | Provider::Cloudflare => return None,
        // https://resend.com/docs/api-reference/emails/send-email
        Provider::Resend => {
            let mut body = json!({
                "from": settings.from, "to": [mail.to], "subject": mail.subject,
                "text": mail.body, "html": html,
            });
            if let Some(r) = &settings.reply_to {
                body["reply_to"] = json!(r);
            }
            (
                "/emails".to_owned(),
                json_headers(("authorization", format!("Bearer {key}"))),
                body.to_string(),
            )
        }
        // https://postmarkapp.com/developer/api/email-api
        Provider::Postmark => {
            let mut body = json!({
                "From": settings.from, "To": mail.to, "Subject": mail.subject,
                "TextBody": mail.body, "HtmlBody": html, "MessageStream": "outbound",
            });
            if let Some(r) = &settings.reply_to {
                body["ReplyTo"] = json!(r);
            }
            (
                "/email".to_owned(),
                json_headers(("x-postmark-server-token", key.clone())),
                body.to_string(),
            )
        }
        // https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
        Provider::SendGrid => {
            let (name, email) = split_address(&settings.from);
            let mut from = json!({ "email": email });
            if let Some(name) = name {
                from["name"] = json!(name);
            }
            let mut body = json!({
                "personalizations": [{ "to": [{ "email": mail.to }] }],
                "from": from,
                "subject": mail.subject,
                "content": [
                    { "type": "text/plain", "value": mail.body },
                    { "type": "text/html", "value": html },
                ],
            });
            if let Some(r) = &settings.reply_to {
                body["reply_to"] = json!({ "email": split_address(r).1 });
            }
            (
                "/v3/mail/send".to_owned(),
                json_headers(("authorization", format!("Bearer {key}"))),
                body.to_string(),
            )
        }
        // https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages
        Provider::Mailgun => {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("api:{key}"));
            let mut fields = vec![
                ("from", settings.from.as_str()),
                ("to", mail.to.as_str()),
                ("subject", mail.subject.as_str()),
                ("text", mail.body.as_str()),
                ("html", html.as_str()),
            ];
            if let Some(r) = &settings.reply_to {
                fields.push(("h:Reply-To", r.as_str()));
            }
            (
                format!("/v3/{}/messages", settings.domain),
                vec![
                    ("authorization", format!("Basic {basic}")),
                    (
                        "content-type",
                        "application/x-www-form-urlencoded".to_owned(),
                    ),
                    ("accept", "application/json".to_owned()),
                ],
                form_encode(&fields),
            )
        }
    };
    Some(HttpCall {
        method: HttpMethod::Post,
        url: format!("{}{path}", settings.api_base),
        headers,
        body: body.into_bytes(),
    })
}

/// Sends `mail` as configured; a failure is logged and the mail kept in the outbox with the
/// reason. Only a failure to keep it is an error.
pub async fn send<P: Platform>(platform: &P, mail: Mail) -> Result<(), PlatformError> {
    let failure = match MailSettings::from_platform(platform) {
        Err(why) => why,
        Ok(settings) if settings.provider == Provider::Outbox => {
            platform.mail_recorded(&mail);
            return keep(platform, &mail, None).await;
        }
        Ok(settings) => match deliver(platform, &settings, &mail).await {
            Ok(()) => return Ok(()),
            Err(why) => why,
        },
    };
    platform.log_error(&format!("{failure} (kept in the outbox)"));
    keep(platform, &mail, Some(&failure)).await
}

/// Hands `mail` to the configured provider now, nothing kept: the provider's name when it
/// took it, else why not (the outbox takes nothing). For a test mail (`doctor`).
pub async fn send_now<P: Platform>(platform: &P, mail: &Mail) -> Result<&'static str, String> {
    let settings = MailSettings::from_platform(platform)?;
    if settings.provider == Provider::Outbox {
        return Err("MAIL_PROVIDER is outbox: mail is kept in the database, never sent".into());
    }
    deliver(platform, &settings, mail).await?;
    Ok(settings.provider.name())
}

/// Hands `mail` to the provider; why not, if it did not take it.
async fn deliver<P: Platform>(
    platform: &P,
    settings: &MailSettings,
    mail: &Mail,
) -> Result<(), String> {
    let provider = settings.provider.name();
    let Some(call) = http_call(settings, mail) else {
        return platform
            .send_email_binding(
                &settings.binding,
                &settings.from,
                settings.reply_to.as_deref(),
                mail,
                &html_body(&mail.body),
            )
            .await
            .map_err(|e| format!("mail via the {} binding: {e}", settings.binding));
    };
    match platform.http(call).await {
        Ok((status, _)) if (200..300).contains(&status) => Ok(()),
        Ok((status, answer)) => Err(format!(
            "mail via {provider} answered {status}: {}",
            answer.chars().take(200).collect::<String>()
        )),
        Err(e) => Err(format!("mail via {provider}: {e}")),
    }
}

async fn keep<P: Platform>(
    platform: &P,
    mail: &Mail,
    failure: Option<&str>,
) -> Result<(), PlatformError> {
    // In production (`serve --production`, an https PORTAL_URL) the outbox is no way into an
    // account: the links' tokens are not kept.
    let production = platform.env("PRODUCTION").is_some_and(|v| v == "1")
        || platform
            .env("PORTAL_URL")
            .is_some_and(|u| u.starts_with("https://"));
    let body = if production {
        redact_tokens(&mail.body)
    } else {
        mail.body.clone()
    };
    platform
        .execute(crate::store::outbox(
            &mail.to,
            &mail.subject,
            &body,
            failure,
            platform.now_ms() / 1000,
        ))
        .await
        .map(drop)
}

/// `text` with the value of every `token=` (set-password, "this wasn't me", unsubscribe links)
/// replaced by `[redacted]`.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        out.push_str("[redacted]");
        let end = after
            .find(|c: char| c.is_whitespace() || c == '&' || c == '"' || c == '<')
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_redacted() {
        assert_eq!(
            redact_tokens(
                "Open https://p.example/reset/?token=abc.DEF-1_2 now\nor /not-me/?token=x&y=1"
            ),
            "Open https://p.example/reset/?token=[redacted] now\nor /not-me/?token=[redacted]&y=1"
        );
        assert_eq!(redact_tokens("no links"), "no links");
    }

    #[test]
    fn html_is_escaped_and_links_work() {
        let html =
            html_body("Hello <b>Jo</b>,\n\nOpen https://p.example/reset/?token=a&b=1\nThanks");
        assert!(html.contains("<p>Hello &lt;b&gt;Jo&lt;/b&gt;,</p>"));
        assert!(html.contains(
            "<a href=\"https://p.example/reset/?token=a&amp;b=1\">https://p.example/reset/?token=a&amp;b=1</a><br>Thanks"
        ));
    }

    #[test]
    fn addresses_split() {
        assert_eq!(
            split_address("Brightloom Partners <partners@b.example>"),
            (Some("Brightloom Partners"), "partners@b.example")
        );
        assert_eq!(
            split_address("partners@b.example"),
            (None, "partners@b.example")
        );
    }
}
