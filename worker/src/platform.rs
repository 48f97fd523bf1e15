//! What the app needs from where it runs. Implemented by the Workers backend (KV, D1,
//! static assets, WebCrypto) and the native one (SQLite, files, pure-Rust crypto).

use serde_json::{Map, Value};

use crate::content_change::{Change, Committed, GitError};

use crate::config::{Config, ConfigError};

/// A failure of the platform (database, KV, assets): the app answers 500 and logs it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PlatformError(pub String);

/// A bound SQL parameter (as JSON: `null`, a number or a string).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum SqlValue {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        SqlValue::Int(v)
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        SqlValue::Text(v.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        SqlValue::Text(v)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(SqlValue::Null, Into::into)
    }
}

/// One SQL statement with `?` placeholders and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: &'static str,
    pub params: Vec<SqlValue>,
}

impl Statement {
    pub fn new(sql: &'static str, params: Vec<SqlValue>) -> Self {
        Statement { sql, params }
    }
}

/// A row as column name → JSON value (how D1 returns rows; SQLite rows are converted).
pub type Row = Map<String, Value>;

/// A static file from the built site.
#[derive(Debug, Clone)]
pub struct Asset {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// An HTTPS request to another service's API (a mail provider, a git host).
#[derive(Clone)]
pub struct HttpCall {
    pub method: HttpMethod,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The methods the app calls other services with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
        }
    }
}

impl std::fmt::Debug for HttpCall {
    // Headers carry the key: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCall")
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// An e-mail to send (set-password links).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The platform under the app. Futures need not be `Send`: Workers are single-threaded and
/// the native server drives each request on its own thread.
#[allow(async_fn_in_trait)]
pub trait Platform {
    /// One KV read (the redirect table).
    async fn kv_get(&self, key: &str) -> Result<Option<String>, PlatformError>;
    /// A partner's page bundle from the page store, base64 text (see `pc_core::page_bundle`).
    async fn page_bundle(&self, partner: &str) -> Result<Option<String>, PlatformError>;
    /// Rows of a query.
    async fn query(&self, statement: Statement) -> Result<Vec<Row>, PlatformError>;
    /// Runs a statement; the number of rows it changed.
    async fn execute(&self, statement: Statement) -> Result<u64, PlatformError>;
    /// Runs statements in one transaction: all or nothing.
    async fn batch(&self, statements: Vec<Statement>) -> Result<(), PlatformError>;
    /// Runs statements (one transaction) after the response is sent (`wait_until`).
    fn defer(&self, statements: Vec<Statement>);
    /// Stores a click row, batched with others: at the edge through a Queue after the response;
    /// natively appended to a journal before the response (an answered redirect's click
    /// survives the process being killed) and moved into SQLite in the background, with every
    /// query seeing it. Never written twice.
    fn record_click(&self, click: crate::clicks::ClickRecord);
    /// A file of the built site by its path (`login/index.html`), if it exists.
    async fn asset(&self, path: &str) -> Result<Option<Asset>, PlatformError>;
    /// PBKDF2-HMAC-SHA256 with a 32-byte output.
    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], PlatformError>;
    /// Calls another service's API (a mail provider, a git host): the status and the answer's
    /// text (at most 1 MiB).
    async fn http(&self, call: HttpCall) -> Result<(u16, String), PlatformError>;
    /// Sends through Cloudflare's Email Service (`send_email` binding `binding`).
    async fn send_email_binding(
        &self,
        binding: &str,
        from: &str,
        reply_to: Option<&str>,
        mail: &Mail,
        html: &str,
    ) -> Result<(), PlatformError>;
    /// Commits new content files where this platform keeps its own content: `serve` writes
    /// them into its content directory (and commits there when it is a git repository); the
    /// edge keeps none (`None`: the git host's API is the only way).
    async fn commit_locally(&self, _change: &Change) -> Option<Result<Committed, GitError>> {
        None
    }
    /// A mail kept in the outbox in development (`serve` prints it).
    fn mail_recorded(&self, _mail: &Mail) {}
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// Cryptographically secure random bytes.
    fn random_bytes(&self, n: usize) -> Vec<u8>;
    /// A secret or setting (`SESSION_SECRET`, `PORTAL_URL`, …).
    fn env(&self, name: &str) -> Option<String>;
    /// The settings, from [`Platform::env`]. A backend whose environment cannot change while it
    /// runs (a Workers isolate, a `serve` process) reads them once and keeps them.
    fn config(&self) -> Result<std::sync::Arc<Config>, ConfigError>
    where
        Self: Sized,
    {
        Config::from_env(|name| self.env(name)).map(std::sync::Arc::new)
    }
    /// Logs an internal error (never a secret, password or token).
    fn log_error(&self, message: &str);
    /// The autonomous system (network) the client of `req` is in, where the platform knows it:
    /// Cloudflare's `request.cf.asn`, which the full worker hands to the app as [`ASN_HEADER`]
    /// and the synchronous redirect reads from the runtime's request when asked; natively
    /// nothing knows it (`serve` drops any such header a client sends). Asked only when
    /// needed: the redirect's data-centre check is its last, and most requests end before it.
    fn client_network(&self, req: &crate::Request) -> Option<u32> {
        network_header(req)
    }
}

/// The client's autonomous system as the edge's [`ASN_HEADER`] on `req` says it.
pub fn network_header(req: &crate::Request) -> Option<u32> {
    req.headers().get(ASN_HEADER)?.to_str().ok()?.parse().ok()
}

/// The header the edge puts the client's autonomous system number in (any such header a
/// client sends is dropped first).
pub const ASN_HEADER: &str = "x-pc-asn";

/// Randomness from the system (`crypto.getRandomValues` at the edge, the operating system
/// natively), fetched 4 KiB at a time per thread: one call, or three crossings out of wasm,
/// per few hundred redirects rather than one each. Each byte is handed out once.
#[cfg(any(target_arch = "wasm32", feature = "native"))]
pub fn pooled_random(n: usize) -> Vec<u8> {
    use std::cell::RefCell;
    const RANDOM_POOL: usize = 4096;
    thread_local! {
        static POOL: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let fill = |buf: &mut [u8]| {
        getrandom::getrandom(buf).expect("the system provides randomness");
    };
    if n > RANDOM_POOL / 8 {
        let mut out = vec![0u8; n];
        fill(&mut out);
        return out;
    }
    POOL.with_borrow_mut(|pool| {
        if pool.len() < n {
            pool.resize(RANDOM_POOL, 0);
            fill(pool);
        }
        pool.split_off(pool.len() - n)
    })
}
