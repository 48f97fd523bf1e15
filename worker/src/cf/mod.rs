//! The Cloudflare Workers backend: KV (`LINKS`; `PAGES`, the partners' page bundles), D1 (`DB`), static assets (`ASSETS`, with
//! `run_worker_first`), WebCrypto for PBKDF2, `wait_until` for deferred writes.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use worker::{Context, Env, Fetch, Headers, Method, RequestInit, event};

use std::sync::Arc;

use crate::clicks::ClickRecord;
use crate::config::{Config, ConfigError};

use crate::http_util::MAX_BODY;
use crate::platform::{
    Asset, HttpCall, HttpMethod, Mail, Platform, PlatformError, Row, SqlValue, Statement,
};

mod at_hand;
mod click_rows;

struct CfPlatform {
    env: Env,
    /// The request's context (None in a scheduled run, which awaits all its work itself).
    ctx: Option<Context>,
    /// D1's rows read by this request's queries, when `ROWS_READ_HEADER` is set (the report
    /// benchmark's `x-d1-rows-read`).
    rows_read: Option<std::cell::Cell<usize>>,
}

impl CfPlatform {
    /// Runs `work` after the answer (the request's `waitUntil`), or now in the background.
    fn after(&self, work: impl std::future::Future<Output = ()> + 'static) {
        match &self.ctx {
            Some(ctx) => ctx.wait_until(work),
            None => wasm_bindgen_futures::spawn_local(work),
        }
    }
}

fn err(e: impl std::fmt::Display) -> PlatformError {
    PlatformError(e.to_string())
}

fn js_params(params: &[SqlValue]) -> Vec<JsValue> {
    params
        .iter()
        .map(|p| match p {
            SqlValue::Null => JsValue::NULL,
            SqlValue::Int(i) => JsValue::from_f64(*i as f64),
            SqlValue::Text(t) => JsValue::from_str(t),
        })
        .collect()
}

fn prepare(
    db: &worker::D1Database,
    statement: &Statement,
) -> worker::Result<worker::D1PreparedStatement> {
    db.prepare(statement.sql)
        .bind(&js_params(&statement.params))
}

impl CfPlatform {
    fn db(&self) -> Result<worker::D1Database, PlatformError> {
        self.env.d1("DB").map_err(err)
    }

    async fn webcrypto_pbkdf2(
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], JsValue> {
        let crypto: web_sys::Crypto =
            js_sys::Reflect::get(&js_sys::global(), &"crypto".into())?.dyn_into()?;
        let subtle = crypto.subtle();
        let usages = js_sys::Array::of1(&"deriveBits".into());
        let key = JsFuture::from(subtle.import_key_with_str(
            "raw",
            &js_sys::Uint8Array::from(password),
            "PBKDF2",
            false,
            &usages,
        )?)
        .await?
        .dyn_into::<web_sys::CryptoKey>()?;
        let params = web_sys::Pbkdf2Params::new_with_str(
            "PBKDF2",
            "SHA-256",
            iterations,
            &js_sys::Uint8Array::from(salt),
        );
        let bits = JsFuture::from(subtle.derive_bits_with_object(&params, &key, 256)?).await?;
        let bytes = js_sys::Uint8Array::new(&bits).to_vec();
        bytes
            .try_into()
            .map_err(|_| JsValue::from_str("PBKDF2 returned the wrong length"))
    }
}

impl Platform for CfPlatform {
    async fn kv_get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        self.env
            .kv("LINKS")
            .map_err(err)?
            .get(key)
            .text()
            .await
            .map_err(err)
    }

    async fn page_bundle(&self, partner: &str) -> Result<Option<String>, PlatformError> {
        self.env
            .kv("PAGES")
            .map_err(err)?
            .get(partner)
            .text()
            .await
            .map_err(err)
    }

    async fn query(&self, statement: Statement) -> Result<Vec<Row>, PlatformError> {
        let result = prepare(&self.db()?, &statement)
            .map_err(err)?
            .all()
            .await
            .map_err(err)?;
        if let Some(counted) = &self.rows_read {
            let read = result.meta().ok().flatten().and_then(|m| m.rows_read);
            counted.set(counted.get() + read.unwrap_or(0));
        }
        let rows: Vec<serde_json::Value> = result.results().map_err(err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r {
                serde_json::Value::Object(map) => Some(map),
                _ => None,
            })
            .collect())
    }

    async fn execute(&self, statement: Statement) -> Result<u64, PlatformError> {
        let result = prepare(&self.db()?, &statement)
            .map_err(err)?
            .run()
            .await
            .map_err(err)?;
        Ok(result
            .meta()
            .map_err(err)?
            .and_then(|m| m.changes)
            .unwrap_or(0) as u64)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<(), PlatformError> {
        let db = self.db()?;
        let prepared = statements
            .iter()
            .map(|s| prepare(&db, s))
            .collect::<worker::Result<Vec<_>>>()
            .map_err(err)?;
        db.batch(prepared).await.map_err(err)?;
        Ok(())
    }

    fn defer(&self, statements: Vec<Statement>) {
        let env = self.env.clone();
        self.after(async move {
            if let Err(e) = write_batch(&env, &statements).await {
                worker::console_error!("deferred write failed: {e}");
            }
        });
    }

    fn record_click(&self, click: ClickRecord) {
        self.after(send_click(self.env.clone(), click));
    }

    async fn asset(&self, path: &str) -> Result<Option<Asset>, PlatformError> {
        let fetcher = self.env.assets("ASSETS").map_err(err)?;
        let mut response = fetcher
            .fetch(format!("https://assets.invalid/{path}"), None)
            .await
            .map_err(err)?;
        if response.status_code() != 200 {
            return Ok(None);
        }
        let content_type = response
            .headers()
            .get("content-type")
            .ok()
            .flatten()
            .unwrap_or_else(|| "application/octet-stream".into());
        let body = response.bytes().await.map_err(err)?;
        Ok(Some(Asset { content_type, body }))
    }

    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], PlatformError> {
        // WebCrypto runs at native speed; the pure-Rust derivation is kept for measuring
        // (PBKDF2_BACKEND=rust) and for counts above the runtime's WebCrypto limit.
        if self.env("PBKDF2_BACKEND").as_deref() == Some("rust") || iterations > 100_000 {
            return Ok(pc_core::password::derive(password, salt, iterations));
        }
        Self::webcrypto_pbkdf2(password, salt, iterations)
            .await
            .map_err(|e| PlatformError(format!("WebCrypto PBKDF2: {e:?}")))
    }

    async fn http(&self, call: HttpCall) -> Result<(u16, String), PlatformError> {
        let headers = Headers::new();
        for (name, value) in &call.headers {
            headers.set(name, value).map_err(err)?;
        }
        let method = match call.method {
            HttpMethod::Get => Method::Get,
            HttpMethod::Post => Method::Post,
            HttpMethod::Put => Method::Put,
            HttpMethod::Patch => Method::Patch,
        };
        let mut init = RequestInit::new();
        init.with_method(method).with_headers(headers);
        if call.method != HttpMethod::Get {
            init.with_body(Some(js_sys::Uint8Array::from(&call.body[..]).into()));
        }
        let request = worker::Request::new_with_init(&call.url, &init).map_err(err)?;
        let mut response = Fetch::Request(request).send().await.map_err(err)?;
        let text = response.text().await.unwrap_or_default();
        Ok((response.status_code(), text))
    }

    async fn send_email_binding(
        &self,
        binding: &str,
        from: &str,
        reply_to: Option<&str>,
        mail: &Mail,
        html: &str,
    ) -> Result<(), PlatformError> {
        let sender = self.env.send_email(binding).map_err(err)?;
        let message = worker::SendEmailBuilder::new(from, &mail.to, &mail.subject);
        message.set_text(&mail.body);
        message.set_html(html);
        if let Some(reply_to) = reply_to {
            message.set_reply_to(reply_to);
        }
        sender
            .send_with_builder(&message)
            .await
            .map(drop)
            .map_err(|e| PlatformError(format!("{e:?}")))
    }

    fn now_ms(&self) -> i64 {
        worker::Date::now().as_millis() as i64
    }

    fn random_bytes(&self, n: usize) -> Vec<u8> {
        crate::platform::pooled_random(n)
    }

    fn env(&self, name: &str) -> Option<String> {
        env_value(&self.env, name)
    }

    fn log_error(&self, message: &str) {
        worker::console_error!("{message}");
    }

    fn config(&self) -> Result<Arc<Config>, ConfigError> {
        cached_config(&self.env)
    }
}

/// A secret or, failing that, a variable.
fn env_value(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
}

/// The configuration, read at an isolate's first request: its bindings and secrets are fixed
/// for its life (a new secret or variable is a new deployment).
fn cached_config(env: &Env) -> Result<Arc<Config>, ConfigError> {
    thread_local! {
        static CONFIG: std::cell::OnceCell<Arc<Config>> = const { std::cell::OnceCell::new() };
    }
    if let Some(config) = CONFIG.with(|c| c.get().cloned()) {
        return Ok(config);
    }
    let config = Arc::new(Config::from_env(|name| env_value(env, name))?);
    Ok(CONFIG.with(|c| Arc::clone(c.get_or_init(|| config))))
}

/// Sends a click to the `CLICKS` Queue (which batches clicks into D1, see `queue` below).
/// Without the binding, or if the send fails, the row is written straight away, so it is
/// never lost.
async fn send_click(env: Env, click: ClickRecord) {
    let queued = match env.queue("CLICKS") {
        Ok(queue) => match queue.send(&click).await {
            Ok(()) => true,
            Err(e) => {
                // Said, so a message the Queue refuses does not quietly cost a write each time.
                worker::console_error!("click queue send failed ({e}); writing the row");
                false
            }
        },
        Err(_) => false,
    };
    if !queued {
        write_click(&env, click).await;
    }
}

async fn write_click(env: &Env, click: ClickRecord) {
    if let Err(e) = write_batch(env, &crate::store::clicks::insert(click)).await {
        worker::console_error!("click write failed: {e}");
    }
}

async fn to_http(mut req: worker::Request) -> worker::Result<Option<crate::Request>> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > MAX_BODY {
        return Ok(None);
    }
    let body = match req.method() {
        Method::Get | Method::Head => Vec::new(),
        _ => req.bytes().await?,
    };
    let url = req.url()?;
    let asn = if url.path().starts_with("/r/") {
        req.cf().and_then(worker::Cf::asn)
    } else {
        None
    };
    Ok(http_request(
        req.method().as_ref(),
        url.as_str(),
        req.headers().entries(),
        asn,
        body,
    ))
}

/// The app's request from the runtime's parts. A client's own `ASN_HEADER` is dropped: the
/// redirect tells data-centre networks apart by the client's autonomous system (`asn`, given
/// for `/r/` paths), which only the edge knows.
fn http_request<N: AsRef<str>, V: AsRef<str>>(
    method: &str,
    url: &str,
    headers: impl Iterator<Item = (N, V)>,
    asn: Option<u32>,
    body: Vec<u8>,
) -> Option<crate::Request> {
    use http::header::{HeaderName, HeaderValue};

    use crate::platform::ASN_HEADER;
    // Built in place rather than through `http::request::Builder`, which moves the whole
    // request on each header (a redirect's hot path); any bad part is `None`, as with it.
    let mut request = http::Request::new(body);
    *request.method_mut() = http::Method::from_bytes(method.as_bytes()).ok()?;
    *request.uri_mut() = url.parse().ok()?;
    let map = request.headers_mut();
    for (name, value) in headers {
        let name = name.as_ref();
        if name != ASN_HEADER {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_bytes(value.as_ref().as_bytes()).ok()?,
            );
        }
    }
    if let Some(asn) = asn {
        map.insert(ASN_HEADER, HeaderValue::from(asn));
    }
    Some(request)
}

fn from_http(response: crate::Response) -> worker::Result<worker::Response> {
    let status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let headers = Headers::new();
    for (name, value) in &parts.headers {
        headers.append(name.as_str(), value.to_str().unwrap_or(""))?;
    }
    Ok(worker::Response::from_bytes(body)?
        .with_status(status)
        .with_headers(headers))
}

/// Runs statements in one D1 batch (one transaction).
async fn write_batch(env: &Env, statements: &[Statement]) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let prepared = statements
        .iter()
        .map(|s| prepare(&db, s))
        .collect::<worker::Result<Vec<_>>>()?;
    db.batch(prepared).await.map(drop)
}

#[event(fetch)]
async fn fetch(req: worker::Request, env: Env, ctx: Context) -> worker::Result<worker::Response> {
    let rows_read = env
        .var("ROWS_READ_HEADER")
        .is_ok_and(|v| v.to_string() == "1")
        .then(|| std::cell::Cell::new(0));
    let platform = CfPlatform {
        env,
        ctx: Some(ctx),
        rows_read,
    };
    let response = if let Some(request) = to_http(req).await? {
        let mut response = crate::handle(&platform, request).await;
        if let Some(read) = &platform.rows_read
            && let Ok(value) = http::HeaderValue::from_str(&read.get().to_string())
        {
            response.headers_mut().insert("x-d1-rows-read", value);
        }
        response
    } else {
        let mut r = crate::http_util::text(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "The request is too large.",
        );
        crate::security::add_headers(&mut r);
        r
    };
    from_http(response)
}

/// The cron triggers (`wrangler.toml` `[triggers]`; `/__scheduled?cron=…` under `wrangler dev
/// --test-scheduled`): notifications, the reports' rollup.
#[event(scheduled)]
async fn scheduled(event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let platform = CfPlatform {
        env,
        ctx: None,
        rows_read: None,
    };
    match crate::app::scheduled(&platform, &event.cron()).await {
        Ok(done) => worker::console_log!("scheduled {}: {done:?}", event.cron()),
        Err(e) => worker::console_error!("scheduled {} failed: {e}", event.cron()),
    }
}
