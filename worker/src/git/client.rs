//! What the git hosts' adapters share: one HTTP client for a host's API (its base, its token
//! header), and the flow of the hosts whose API creates files in one call (Forgejo, GitLab).

use serde_json::Value;

use super::{Change, Committed, GitError, NewFile, compare};
use crate::platform::{HttpCall, HttpMethod, Platform};

/// A host's API for one repository.
pub(super) struct Client<'a, P> {
    pub(super) platform: &'a P,
    /// The host's name, for messages.
    pub(super) host: &'static str,
    /// The repository's URL under the API; paths are added to it.
    pub(super) base: String,
    /// The token's header and the headers the host asks for.
    pub(super) headers: Vec<(&'static str, String)>,
}

impl<P: Platform> Client<'_, P> {
    /// `path` under the repository: the status and the answer's text.
    pub(super) async fn send_raw(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, String), GitError> {
        let mut headers = self.headers.clone();
        headers.push(("user-agent", "partner-center".into()));
        headers.push(("content-type", "application/json".into()));
        let call = HttpCall {
            method,
            url: format!("{}/{path}", self.base),
            headers,
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        };
        Ok(self.platform.http(call).await?)
    }

    /// As [`Client::send_raw`], the answer read as JSON.
    pub(super) async fn send(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), GitError> {
        let (status, text) = self.send_raw(method, path, body).await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// As [`Client::send`], for a call that must succeed.
    pub(super) async fn call(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, GitError> {
        match self.send(method, path, body).await? {
            (200..=299, answer) => Ok(answer),
            (status, answer) => Err(self.refused(status, &answer)),
        }
    }

    /// A raw file's text at `path` (a host's raw-file endpoint), if it is there.
    pub(super) async fn raw(&self, path: &str) -> Result<Option<String>, GitError> {
        match self.send_raw(HttpMethod::Get, path, None).await? {
            (404, _) => Ok(None),
            (200..=299, text) => Ok(Some(text)),
            (status, text) => {
                Err(self.refused(status, &serde_json::from_str(&text).unwrap_or(Value::Null)))
            }
        }
    }

    /// A string at `path` in an answer.
    pub(super) fn text(&self, answer: &Value, path: &[&str]) -> Result<String, GitError> {
        path.iter()
            .try_fold(answer, |v, key| v.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                GitError::Refused(format!("{}'s answer has no {}", self.host, path.join(".")))
            })
    }

    /// The host's refusal, with its message (never the token).
    pub(super) fn refused(&self, status: u16, answer: &Value) -> GitError {
        let message = answer.get("message").map_or_else(
            || "no message".into(),
            |m| m.as_str().map_or_else(|| m.to_string(), str::to_owned),
        );
        GitError::Refused(format!("{} answered {status}: {message}", self.host))
    }
}

/// A host whose API creates files in one call, without naming a parent commit: the head, the
/// files at the head, and the call (`None` when a file exists by now).
#[allow(async_fn_in_trait)]
pub(super) trait CreatesFiles {
    async fn head(&self) -> Result<String, GitError>;
    async fn file_at(&self, path: &str, at: &str) -> Result<Option<String>, GitError>;
    async fn create(
        &self,
        files: &[(String, &NewFile)],
        change: &Change,
    ) -> Result<Option<Committed>, GitError>;
}

/// Reads the files at the head (the same contents: done; others: a conflict), then creates the
/// new ones; a file created meanwhile makes the host refuse, and the files are read once more.
pub(super) async fn commit_by_creating(
    host: &impl CreatesFiles,
    path_of: impl Fn(&NewFile) -> String,
    change: &Change,
) -> Result<Committed, GitError> {
    for _ in 0..2 {
        let head = host.head().await?;
        let mut new = Vec::new();
        for file in &change.files {
            let path = path_of(file);
            if !compare(file, host.file_at(&path, &head).await?.as_deref())? {
                new.push((path, file));
            }
        }
        if new.is_empty() {
            return Ok(Committed {
                url: None,
                sha: head,
                already: true,
            });
        }
        if let Some(committed) = host.create(&new, change).await? {
            return Ok(committed);
        }
    }
    Err(GitError::Refused(
        "the repository kept changing while committing; try again".into(),
    ))
}
