//! [`Platform`] over SQLite, files and the system clock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::config::{Config, ConfigError};

use crate::platform::{Asset, HttpCall, Mail, Platform, PlatformError, Row, Statement};

use super::database::Database;

/// Where development mail goes besides the outbox table (the terminal, for `serve`).
pub type MailLog = Box<dyn Fn(&Mail) + Send + Sync>;

/// What the native server shares between requests.
pub struct NativeState {
    pub db: Database,
    /// The built site (`dist/site`).
    pub site: PathBuf,
    pub env: HashMap<String, String>,
    pub mail_log: MailLog,
    /// The settings from `env`, read at the first request.
    config: OnceLock<Arc<Config>>,
}

impl NativeState {
    pub fn new(
        db: Database,
        site: PathBuf,
        env: HashMap<String, String>,
        mail_log: MailLog,
    ) -> Self {
        NativeState {
            db,
            site,
            env,
            mail_log,
            config: OnceLock::new(),
        }
    }
}

impl NativeState {
    /// Runs deferred statements, each list in one transaction.
    pub(super) fn run_deferred(&self, deferred: Vec<Vec<Statement>>) {
        for statements in deferred {
            if let Err(e) = self.db.batch(&statements) {
                eprintln!("error: deferred write failed: {e}");
            }
        }
    }
}

impl std::fmt::Debug for NativeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeState")
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

/// One request's view of the platform: shared state plus the work deferred until after the
/// response (as `wait_until` does on Workers).
pub(super) struct RequestPlatform<'a> {
    state: &'a NativeState,
    deferred: RefCell<Vec<Vec<Statement>>>,
    /// Click rows kept for the server to append together with other redirects' (see
    /// [`RequestPlatform::gathering_clicks`]); `None`: appended at once.
    gathered: Option<RefCell<Vec<crate::clicks::ClickRecord>>>,
}

fn err(e: impl std::fmt::Display) -> PlatformError {
    PlatformError(e.to_string())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|x| x.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl<'a> RequestPlatform<'a> {
    pub(super) fn new(state: &'a NativeState) -> Self {
        RequestPlatform {
            state,
            deferred: RefCell::default(),
            gathered: None,
        }
    }

    /// A platform whose click rows wait in the request for [`RequestPlatform::take_gathered`].
    pub(super) fn gathering_clicks(state: &'a NativeState) -> Self {
        RequestPlatform {
            gathered: Some(RefCell::default()),
            ..RequestPlatform::new(state)
        }
    }

    /// The click rows kept so far.
    pub(super) fn take_gathered(&self) -> Vec<crate::clicks::ClickRecord> {
        self.gathered
            .as_ref()
            .map(RefCell::take)
            .unwrap_or_default()
    }

    /// Runs what the request deferred (after its response was sent).
    pub(super) fn run_deferred(&self) {
        self.state.run_deferred(self.deferred.take());
    }

    /// What the request deferred, to run elsewhere.
    pub(super) fn into_deferred(self) -> Vec<Vec<Statement>> {
        self.deferred.into_inner()
    }
}

impl Platform for RequestPlatform<'_> {
    async fn kv_get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        self.state.db.kv_get(key).map_err(err)
    }

    async fn page_bundle(&self, partner: &str) -> Result<Option<String>, PlatformError> {
        self.state.db.page_bundle(partner).map_err(err)
    }

    async fn query(&self, statement: Statement) -> Result<Vec<Row>, PlatformError> {
        self.state.db.query(&statement).map_err(err)
    }

    async fn execute(&self, statement: Statement) -> Result<u64, PlatformError> {
        self.state.db.execute(&statement).map_err(err)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<(), PlatformError> {
        self.state.db.batch(&statements).map_err(err)
    }

    fn record_click(&self, click: crate::clicks::ClickRecord) {
        match &self.gathered {
            Some(gathered) => gathered.borrow_mut().push(click),
            None => self.state.db.record_click(&click),
        }
    }

    fn defer(&self, statements: Vec<Statement>) {
        self.deferred.borrow_mut().push(statements);
    }

    async fn asset(&self, path: &str) -> Result<Option<Asset>, PlatformError> {
        // Paths come from the app's own mapping, but refuse anything that could leave the site.
        if path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
            || path.contains('\\')
        {
            return Ok(None);
        }
        let file = self.state.site.join(path);
        match std::fs::read(&file) {
            Ok(body) => Ok(Some(Asset {
                content_type: content_type(&file).to_owned(),
                body,
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => Ok(None),
            Err(e) => Err(err(e)),
        }
    }

    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], PlatformError> {
        Ok(pc_core::password::derive(password, salt, iterations))
    }

    async fn http(&self, call: HttpCall) -> Result<(u16, String), PlatformError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(20)))
            .build()
            .into();
        let mut request = ureq::http::Request::builder()
            .method(call.method.as_str())
            .uri(&call.url);
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(call.body.clone())
            .map_err(|e| PlatformError(format!("{} {}: {e}", call.method.as_str(), call.url)))?;
        let mut response = agent
            .run(request)
            .map_err(|e| PlatformError(format!("{} {}: {e}", call.method.as_str(), call.url)))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Ok((status, text))
    }

    async fn send_email_binding(
        &self,
        binding: &str,
        _from: &str,
        _reply_to: Option<&str>,
        _mail: &Mail,
        _html: &str,
    ) -> Result<(), PlatformError> {
        Err(PlatformError(format!(
            "the send_email binding {binding} exists only in Workers; use another MAIL_PROVIDER with serve"
        )))
    }

    fn mail_recorded(&self, mail: &Mail) {
        (self.state.mail_log)(mail);
    }

    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }

    fn random_bytes(&self, n: usize) -> Vec<u8> {
        crate::platform::pooled_random(n)
    }

    fn env(&self, name: &str) -> Option<String> {
        self.state.env.get(name).cloned()
    }

    async fn commit_locally(
        &self,
        change: &crate::content_change::Change,
    ) -> Option<Result<crate::content_change::Committed, crate::content_change::GitError>> {
        let content = self.state.env.get("CONTENT_DIR")?;
        Some(super::local_git::commit(
            std::path::Path::new(content),
            change,
        ))
    }

    fn config(&self) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = self.state.config.get() {
            return Ok(Arc::clone(config));
        }
        let config = Arc::new(Config::from_env(|name| self.env(name))?);
        Ok(Arc::clone(self.state.config.get_or_init(|| config)))
    }

    fn log_error(&self, message: &str) {
        eprintln!("error: {message}");
    }
}
