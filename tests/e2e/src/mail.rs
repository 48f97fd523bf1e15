//! `pc-e2e mail`: a mail adapter against a local fake of its provider's endpoint. The portal
//! under test runs with `MAIL_PROVIDER` and `MAIL_API_BASE` pointing at the fake; a partner
//! asks for a set-password link, and the fake checks what a provider would: the path, the
//! auth header, and the body's fields (from, to, reply-to, subject, text and HTML with the
//! link). With `--fail` the fake refuses, and the mail must be kept in the outbox with the
//! reason while the partner sees the same answer. `--provider cloudflare` reads wrangler's log
//! instead: the Email Service binding as `wrangler dev` runs it.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use crate::fake_http::{Received, read_request, respond};
use crate::{Db, ensure};

#[derive(Debug)]
pub struct MailOptions {
    pub base: String,
    pub db: Db,
    pub provider: String,
    pub listen: String,
    pub code: String,
    pub to: String,
    pub from: String,
    pub reply_to: String,
    pub key: String,
    pub domain: String,
    pub fail: bool,
    pub wrangler_log: Option<std::path::PathBuf>,
}

fn receive_one(listener: &TcpListener, fail: bool, provider: &str) -> Result<Received, String> {
    let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
    let received = read_request(&stream)?;
    ensure!(
        received.headers.contains_key("content-length"),
        "the request has no Content-Length"
    );
    let (status, answer) = match (fail, provider) {
        (true, _) => (
            "422 Unprocessable Entity",
            r#"{"message":"The from address is not verified."}"#,
        ),
        (false, "sendgrid") => ("202 Accepted", ""),
        (false, "mailgun") => (
            "200 OK",
            r#"{"id":"<20261130.1@mg.example>","message":"Queued. Thank you."}"#,
        ),
        (false, _) => ("200 OK", r#"{"id":"4ef9a417-02e9-4d39-ad75-9611e0fcc33c"}"#),
    };
    respond(&stream, status, answer)?;
    Ok(received)
}

fn form_fields(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// Checks the request against the provider's documented API.
fn check(o: &MailOptions, r: &Received) -> Result<(), String> {
    ensure!(r.method == "POST", "{}: method {}", o.provider, r.method);
    let header = |k: &str| r.headers.get(k).map_or("", String::as_str);
    let json = || {
        serde_json::from_str::<Value>(&r.body)
            .map_err(|e| format!("{}: body is not JSON: {e}", o.provider))
    };
    let (text, html) = match o.provider.as_str() {
        "resend" => {
            ensure!(r.path == "/emails", "resend path {}", r.path);
            ensure!(
                header("authorization") == format!("Bearer {}", o.key),
                "resend: Bearer key"
            );
            let b = json()?;
            ensure!(
                b["from"] == o.from.as_str() && b["to"] == serde_json::json!([o.to]),
                "resend from/to: {b}"
            );
            ensure!(b["reply_to"] == o.reply_to.as_str(), "resend reply_to: {b}");
            ensure!(
                b["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("password")),
                "resend subject: {b}"
            );
            (
                b["text"].as_str().unwrap_or("").to_owned(),
                b["html"].as_str().unwrap_or("").to_owned(),
            )
        }
        "postmark" => {
            ensure!(r.path == "/email", "postmark path {}", r.path);
            ensure!(
                header("x-postmark-server-token") == o.key,
                "postmark: X-Postmark-Server-Token"
            );
            ensure!(
                header("accept") == "application/json",
                "postmark: Accept: application/json"
            );
            let b = json()?;
            ensure!(
                b["From"] == o.from.as_str() && b["To"] == o.to.as_str(),
                "postmark From/To: {b}"
            );
            ensure!(
                b["ReplyTo"] == o.reply_to.as_str() && b["MessageStream"] == "outbound",
                "postmark ReplyTo/MessageStream: {b}"
            );
            ensure!(
                b["Subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("password")),
                "postmark Subject: {b}"
            );
            (
                b["TextBody"].as_str().unwrap_or("").to_owned(),
                b["HtmlBody"].as_str().unwrap_or("").to_owned(),
            )
        }
        "sendgrid" => {
            ensure!(r.path == "/v3/mail/send", "sendgrid path {}", r.path);
            ensure!(
                header("authorization") == format!("Bearer {}", o.key),
                "sendgrid: Bearer key"
            );
            let b = json()?;
            ensure!(
                b["personalizations"][0]["to"][0]["email"] == o.to.as_str(),
                "sendgrid to: {b}"
            );
            ensure!(
                o.from.contains(b["from"]["email"].as_str().unwrap_or("-"))
                    && b["from"]["name"]
                        .as_str()
                        .is_some_and(|n| o.from.starts_with(n)),
                "sendgrid from {{email, name}}: {b}"
            );
            ensure!(
                b["reply_to"]["email"] == o.reply_to.as_str(),
                "sendgrid reply_to: {b}"
            );
            ensure!(
                b["content"][0]["type"] == "text/plain" && b["content"][1]["type"] == "text/html",
                "sendgrid content: {b}"
            );
            (
                b["content"][0]["value"].as_str().unwrap_or("").to_owned(),
                b["content"][1]["value"].as_str().unwrap_or("").to_owned(),
            )
        }
        "mailgun" => {
            ensure!(
                r.path == format!("/v3/{}/messages", o.domain),
                "mailgun path {}",
                r.path
            );
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("api:{}", o.key));
            ensure!(
                header("authorization") == format!("Basic {basic}"),
                "mailgun: Basic api:key"
            );
            ensure!(
                header("content-type").starts_with("application/x-www-form-urlencoded"),
                "mailgun: a form"
            );
            let f = form_fields(&r.body);
            let get = |k: &str| f.get(k).cloned().unwrap_or_default();
            ensure!(
                get("from") == o.from && get("to") == o.to && get("h:Reply-To") == o.reply_to,
                "mailgun from/to/h:Reply-To: {f:?}"
            );
            ensure!(
                get("subject").contains("password"),
                "mailgun subject: {f:?}"
            );
            (get("text"), get("html"))
        }
        other => return Err(format!("unknown provider {other}")),
    };
    ensure!(
        text.contains(&format!("{}/reset/?token=", o.base)),
        "{}: the text has the link: {text}",
        o.provider
    );
    ensure!(
        html.contains(&format!("<a href=\"{}/reset/?token=", o.base)),
        "{}: the HTML has the link: {html}",
        o.provider
    );
    Ok(())
}

fn outbox(o: &MailOptions) -> Result<Vec<Value>, String> {
    o.db.query(&format!(
        "SELECT recipient, failure FROM outbox WHERE recipient = '{}' ORDER BY id",
        o.to.replace('\'', "''")
    ))
}

pub fn run(o: &MailOptions) -> Result<(), String> {
    let kept_before = outbox(o)?.len();
    let (sender, received) = mpsc::channel();
    if o.provider != "cloudflare" {
        let listener = TcpListener::bind(&o.listen).map_err(|e| format!("{}: {e}", o.listen))?;
        let (fail, provider) = (o.fail, o.provider.clone());
        std::thread::spawn(move || {
            let _ = sender.send(receive_one(&listener, fail, &provider));
        });
    }
    let mut client = crate::client::Client::new(&o.base);
    let reply = client.form("/forgot", &[("username", &o.code)])?;
    ensure!(
        reply.status == 200 && reply.body.contains("on its way"),
        "{}: the partner sees the usual answer: {} {}",
        o.provider,
        reply.status,
        reply.body.chars().take(300).collect::<String>()
    );
    if o.provider == "cloudflare" {
        return binding_sent(o);
    }
    let request = received
        .recv_timeout(Duration::from_mins(1))
        .map_err(|_| format!("{}: the fake provider got no request", o.provider))??;
    check(o, &request)?;
    let kept = outbox(o)?;
    if o.fail {
        let last = kept.last().ok_or("a refused mail is kept")?;
        ensure!(
            kept.len() == kept_before + 1
                && last["failure"]
                    .as_str()
                    .is_some_and(|f| f.contains("answered 422")),
            "{}: the refused mail is kept in the outbox with the reason: {kept:?}",
            o.provider
        );
    } else {
        ensure!(
            kept.len() == kept_before,
            "{}: a delivered mail is not kept: {kept:?}",
            o.provider
        );
    }
    if o.fail {
        println!(
            "mail: {} refused by its fake; kept in the outbox with the reason",
            o.provider
        );
    } else {
        println!(
            "mail: {} request as the provider documents it; delivered",
            o.provider
        );
    }
    Ok(())
}

/// The Email Service binding as `wrangler dev` runs it: it logs the message and writes the
/// text part to a file.
fn binding_sent(o: &MailOptions) -> Result<(), String> {
    let log = o
        .wrangler_log
        .as_ref()
        .ok_or("--wrangler-log is required")?;
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(at) = text.rfind("send_email binding called with MessageBuilder") {
            let message = &text[at..];
            ensure!(
                message.contains(&o.to),
                "the binding's message is to {}: {message}",
                o.to
            );
            ensure!(message.contains("password"), "the subject: {message}");
            let file = message
                .lines()
                .find_map(|l| l.trim().strip_prefix("Text: "))
                .ok_or("the text part's file")?;
            let body = std::fs::read_to_string(file.trim()).map_err(|e| format!("{file}: {e}"))?;
            ensure!(
                body.contains("/reset/?token="),
                "the text part has the link: {body}"
            );
            ensure!(message.contains("HTML: "), "an HTML part: {message}");
            println!("mail: cloudflare's send_email binding ran in workerd");
            return Ok(());
        }
        ensure!(
            started.elapsed() < Duration::from_mins(1),
            "the binding was never called:\n{}",
            text.lines().rev().take(30).collect::<Vec<_>>().join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
