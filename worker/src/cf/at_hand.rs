//! The redirect in one synchronous call. `worker/entry.mjs` reads the link's KV value itself and
//! hands it here with the request; the app's own handler (`crate::app::handle_redirect`: the
//! same checks, route and headers as every request) then runs to its end in one poll, because
//! nothing it awaits has to wait. Each
//! crossing between JavaScript and wasm, and each future driven through wasm-bindgen, costs
//! time on the hottest path; this way a redirect makes one crossing in and one out.
//!
//! What the handler asks for that is not at hand (a D1 query, another KV key, a page asset)
//! never resolves: the call answers `undefined`, nothing has happened, and the entry hands the
//! request to the full worker (which runs the same handler again, asynchronously).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::wasm_bindgen;
use worker::Env;
use worker::worker_sys::ext::RequestExt;
use worker::worker_sys::web_sys;

use super::{cached_config, env_value, http_request};
use crate::clicks::ClickRecord;
use crate::config::{Config, ConfigError};
use crate::content_change::{Change, Committed, GitError};
use crate::platform::{Asset, HttpCall, Mail, Platform, PlatformError, Row, Statement};

/// A platform whose only KV value is the one already read, and whose clicks wait to be sent.
struct AtHand<'a> {
    env: &'a Env,
    /// The runtime's request, for what is read from it only when asked (its `cf` properties).
    request: &'a web_sys::Request,
    key: &'a str,
    value: Option<String>,
    clicks: RefCell<Vec<ClickRecord>>,
    /// Set when the handler did something that cannot be carried out from here (deferred
    /// writes): the answer is thrown away and the full worker runs the request.
    unsupported: Cell<bool>,
}

/// What does not resolve here.
async fn never<T>() -> T {
    std::future::pending().await
}

impl Platform for AtHand<'_> {
    async fn kv_get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        if key == self.key {
            Ok(self.value.clone())
        } else {
            never().await
        }
    }
    async fn page_bundle(&self, _partner: &str) -> Result<Option<String>, PlatformError> {
        never().await
    }
    async fn query(&self, _statement: Statement) -> Result<Vec<Row>, PlatformError> {
        never().await
    }
    async fn execute(&self, _statement: Statement) -> Result<u64, PlatformError> {
        never().await
    }
    async fn batch(&self, _statements: Vec<Statement>) -> Result<(), PlatformError> {
        never().await
    }
    fn defer(&self, _statements: Vec<Statement>) {
        self.unsupported.set(true);
    }
    fn record_click(&self, click: ClickRecord) {
        self.clicks.borrow_mut().push(click);
    }
    async fn asset(&self, _path: &str) -> Result<Option<Asset>, PlatformError> {
        never().await
    }
    async fn pbkdf2_sha256(
        &self,
        _password: &[u8],
        _salt: &[u8],
        _iterations: u32,
    ) -> Result<[u8; 32], PlatformError> {
        never().await
    }
    async fn http(&self, _call: HttpCall) -> Result<(u16, String), PlatformError> {
        never().await
    }
    async fn send_email_binding(
        &self,
        _binding: &str,
        _from: &str,
        _reply_to: Option<&str>,
        _mail: &Mail,
        _html: &str,
    ) -> Result<(), PlatformError> {
        never().await
    }
    async fn commit_locally(&self, _change: &Change) -> Option<Result<Committed, GitError>> {
        never().await
    }
    fn mail_recorded(&self, _mail: &Mail) {
        self.unsupported.set(true);
    }
    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }
    fn random_bytes(&self, n: usize) -> Vec<u8> {
        crate::platform::pooled_random(n)
    }
    fn env(&self, name: &str) -> Option<String> {
        env_value(self.env, name)
    }
    fn config(&self) -> Result<Arc<Config>, ConfigError> {
        cached_config(self.env)
    }
    fn log_error(&self, message: &str) {
        worker::console_error!("{message}");
    }
    /// `request.cf.asn`, read when the redirect's last check asks: making `cf` parses the
    /// properties the runtime keeps for the request (≈ 18 µs), which a crawler's or a
    /// prefetch's request, settled before, never needs.
    fn client_network(&self, _req: &crate::Request) -> Option<u32> {
        self.request.cf()?.asn().ok()?
    }
}

/// Runs `GET <url>` with `headers` (`name\nvalue\n`, as the entry joins them) and `value`, the
/// KV value of `key`, to its end: the answer and its clicks (see [`answer_text`]), or
/// `undefined` when the request needs something not at hand. `request` is the runtime's,
/// for what only some requests need from it.
#[wasm_bindgen(js_name = answerAtHand)]
#[expect(unreachable_pub, reason = "a wasm export, called by worker/entry.mjs")]
pub fn answer_at_hand(
    env: &Env,
    url: &str,
    headers: &str,
    request: &web_sys::Request,
    key: &str,
    value: Option<String>,
) -> Option<String> {
    let mut lines = headers.split('\n');
    let pairs = std::iter::from_fn(|| {
        let name = lines.next().filter(|n| !n.is_empty())?;
        Some((name, lines.next()?))
    });
    let app_request = http_request("GET", url, pairs, None, Vec::new())
        .filter(|r| r.uri().path().starts_with("/r/"))?;
    let platform = AtHand {
        env,
        request,
        key,
        value,
        clicks: RefCell::new(Vec::new()),
        unsupported: Cell::new(false),
    };
    let response = {
        let handling = std::pin::pin!(crate::app::handle_redirect(&platform, app_request));
        match handling.poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(response) => response,
            Poll::Pending => return None,
        }
    };
    if platform.unsupported.get() {
        return None;
    }
    let (parts, body) = response.into_parts();
    answer_text(&parts, &body, platform.clicks.into_inner())
}

/// The answer as the entry reads it: a line each, none of which holds a line break: the
/// status; each header's name, then its value; an empty line; the body as a JSON string (an
/// empty line for none); then each click's JSON text, as the Queue's consumer reads it (see
/// `super::click_rows`: nothing is escaped twice, or parsed on the way). `None` for a header
/// value that is not text (the full worker sends those).
fn answer_text(
    parts: &http::response::Parts,
    body: &[u8],
    clicks: Vec<ClickRecord>,
) -> Option<String> {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(512);
    let _ = writeln!(text, "{}", parts.status.as_u16());
    for (name, value) in &parts.headers {
        text.push_str(name.as_str());
        text.push('\n');
        text.push_str(value.to_str().ok()?);
        text.push('\n');
    }
    text.push('\n');
    if !body.is_empty() {
        text.push_str(&serde_json::to_string(std::str::from_utf8(body).ok()?).ok()?);
    }
    for click in clicks {
        text.push('\n');
        text.push_str(&serde_json::to_string(&click).ok()?);
    }
    Some(text)
}
