//! A small HTTP client for scenarios: no redirects followed, cookies kept by name (the
//! portal's cookies are all `Path=/`), every status returned as a response.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// A response with what scenarios look at.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `Set-Cookie` line for cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }
}

/// A browser-like client: a cookie jar and the portal's base URL.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    pub cookies: BTreeMap<String, String>,
    /// The public address this client is at: sent as `CF-Connecting-IP` (workerd) and
    /// `X-Forwarded-For` (`serve` with `TRUST_PROXY=1`), as the edge or a proxy would.
    pub from: Option<String>,
}

pub const SESSION: &str = "__Host-pc_session";
pub const CSRF: &str = "__Host-pc_csrf";
pub const OWNER: &str = "__Host-pc_owner";

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_mins(1)))
            .build()
            .into();
        Client {
            base: base.to_owned(),
            agent,
            cookies: BTreeMap::new(),
            from: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, reply: &Reply) {
        for line in reply.set_cookies() {
            let pair = line.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                let expired = line.contains("Max-Age=0");
                if value.is_empty() || expired {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    fn finish(&mut self, result: Result<HttpResponse, ureq::Error>) -> Result<Reply, String> {
        let mut response = result.map_err(|e| format!("request failed: {e}"))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(20 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let reply = Reply {
            status,
            headers,
            body,
        };
        self.absorb(&reply);
        Ok(reply)
    }

    /// `GET path` with extra headers.
    pub fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Result<Reply, String> {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            req = req.header("cookie", &self.cookie_header());
        }
        if let Some(ip) = &self.from {
            req = req
                .header("cf-connecting-ip", ip)
                .header("x-forwarded-for", ip);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let result = req.call();
        self.finish(result)
    }

    pub fn get(&mut self, path: &str) -> Result<Reply, String> {
        self.get_with(path, &[])
    }

    /// A request with a body (`POST`/`PUT`).
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<Reply, String> {
        let url = format!("{}{path}", self.base);
        if method == "DELETE" {
            let mut req = self.agent.delete(&url);
            if !self.cookies.is_empty() {
                req = req.header("cookie", &self.cookie_header());
            }
            if let Some(ip) = &self.from {
                req = req
                    .header("cf-connecting-ip", ip)
                    .header("x-forwarded-for", ip);
            }
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let result = req.call();
            return self.finish(result);
        }
        let mut req = match method {
            "PUT" => self.agent.put(&url),
            _ => self.agent.post(&url),
        };
        req = req.header("content-type", content_type);
        if !self.cookies.is_empty() {
            req = req.header("cookie", &self.cookie_header());
        }
        if let Some(ip) = &self.from {
            req = req
                .header("cf-connecting-ip", ip)
                .header("x-forwarded-for", ip);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let result = req.send(body);
        self.finish(result)
    }

    /// A `DELETE` as the portal's own pages make it (same Origin, `X-CSRF-Token`).
    pub fn delete(&mut self, path: &str) -> Result<Reply, String> {
        if !self.cookies.contains_key(CSRF) {
            self.get("/login/")?;
        }
        let token = self.cookies.get(CSRF).cloned().unwrap_or_default();
        let origin = self.base.clone();
        self.send(
            "DELETE",
            path,
            "",
            b"",
            &[("origin", &origin), ("x-csrf-token", &token)],
        )
    }

    /// A JSON change as the portal's own pages make it: same Origin, and the CSRF token (which
    /// the page carries in its forms) in `X-CSRF-Token`.
    pub fn put_json(&mut self, path: &str, body: &[u8]) -> Result<Reply, String> {
        if !self.cookies.contains_key(CSRF) {
            self.get("/login/")?;
        }
        let token = self.cookies.get(CSRF).cloned().unwrap_or_default();
        let origin = self.base.clone();
        self.send(
            "PUT",
            path,
            "application/json",
            body,
            &[("origin", &origin), ("x-csrf-token", &token)],
        )
    }

    /// A JSON `POST` as the console's pages make it (same Origin, `X-CSRF-Token`).
    pub fn post_json(&mut self, path: &str, body: &[u8]) -> Result<Reply, String> {
        if !self.cookies.contains_key(CSRF) {
            self.get("/login/")?;
        }
        let token = self.cookies.get(CSRF).cloned().unwrap_or_default();
        let origin = self.base.clone();
        self.send(
            "POST",
            path,
            "application/json",
            body,
            &[("origin", &origin), ("x-csrf-token", &token)],
        )
    }

    /// Submits a form as the portal's own pages do (same Origin, the CSRF token).
    pub fn form(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Reply, String> {
        if !self.cookies.contains_key(CSRF) {
            self.get("/login/")?;
        }
        let csrf = self.cookies.get(CSRF).cloned().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        let body = encode_form(&all);
        let origin = self.base.clone();
        self.send(
            "POST",
            path,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
            &[("origin", &origin)],
        )
    }

    /// Signs in; the reply is the sign-in response (303 on success).
    pub fn sign_in(&mut self, code: &str, password: &str, remember: bool) -> Result<Reply, String> {
        let mut fields = vec![("username", code), ("password", password)];
        if remember {
            fields.push(("remember", "1"));
        }
        self.form("/login", &fields)
    }
}

type HttpResponse = ureq::http::Response<ureq::Body>;

pub fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `Partner-Signature` for a body, as the owner's store computes it.
pub fn event_signature(secret: &str, t: i64, body: &str) -> String {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The time now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().cast_signed())
}

impl Client {
    /// Sends a signed event (signed at `t`, default now).
    pub fn event(
        &mut self,
        secret: &str,
        body: &serde_json::Value,
        t: Option<i64>,
    ) -> Result<Reply, String> {
        let text = body.to_string();
        let t = t.unwrap_or_else(now);
        let signature = event_signature(secret, t, &text);
        self.send(
            "POST",
            "/api/v1/events",
            "application/json",
            text.as_bytes(),
            &[("partner-signature", &signature)],
        )
    }
}

/// `Stripe-Signature` for a body, made by Stripe's own library (`stripe` from npm, its
/// test-header helper) at `t` (default now).
pub fn stripe_signature(secret: &str, body: &str, t: Option<i64>) -> Result<String, String> {
    use std::io::Write as _;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/js/stripe-sign.mjs");
    let mut command = std::process::Command::new("node");
    command.arg(script).arg(secret);
    if let Some(t) = t {
        command.arg(t.to_string());
    }
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("node {script}: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(body.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "stripe-sign.mjs: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

/// `X-Shopify-Hmac-Sha256` for a body, by Shopify's documented algorithm.
pub fn shopify_signature(secret: &str, body: &str) -> String {
    use base64::Engine as _;
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl Client {
    /// Posts a Stripe webhook, signed by Stripe's library at `t` (default now).
    pub fn stripe(&mut self, secret: &str, body: &str, t: Option<i64>) -> Result<Reply, String> {
        let signature = stripe_signature(secret, body, t)?;
        self.send(
            "POST",
            "/api/v1/integrations/stripe",
            "application/json; charset=utf-8",
            body.as_bytes(),
            &[("stripe-signature", &signature)],
        )
    }

    /// Posts a Shopify webhook of `topic`, signed with `secret`.
    pub fn shopify(&mut self, secret: &str, topic: &str, body: &str) -> Result<Reply, String> {
        let signature = shopify_signature(secret, body);
        self.send(
            "POST",
            "/api/v1/integrations/shopify",
            "application/json",
            body.as_bytes(),
            &[
                ("x-shopify-hmac-sha256", &signature),
                ("x-shopify-topic", topic),
                ("x-shopify-shop-domain", "brightloom.myshopify.com"),
            ],
        )
    }
}
