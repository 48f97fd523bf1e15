//! `partner-center applications`: the owner's side of partner sign-up, through git.
//! Lists pending applications from the worker (local `serve` or deployed), writes an approved
//! partner's `content/partners/<code>.yaml`, and records the decision (which e-mails the applicant).

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ApplicationsError {
    #[error("the portal answered {status}: {message}")]
    Api { status: u16, message: String },
    #[error("cannot reach {url}: {message}")]
    Network { url: String, message: String },
    #[error("there is no pending application for `{0}`")]
    Unknown(String),
    #[error("{0} already exists; this partner is already in the content")]
    Exists(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub use pc_core::application::{Application, partner_yaml};

/// Talks to a portal's owner API.
#[derive(Debug)]
pub struct OwnerApi {
    base: String,
    token: String,
    agent: ureq::Agent,
}

#[derive(Deserialize)]
struct List {
    applications: Vec<Application>,
}

impl OwnerApi {
    pub fn new(base: &str, token: &str) -> OwnerApi {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            .build()
            .into();
        OwnerApi {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            agent,
        }
    }

    fn check(
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, ApplicationsError> {
        let mut response = result.map_err(|e| ApplicationsError::Network {
            url: url.to_owned(),
            message: e.to_string(),
        })?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        if status >= 300 {
            let message = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_owned))
                .unwrap_or(body);
            return Err(ApplicationsError::Api { status, message });
        }
        Ok(body)
    }

    /// `GET <path>` with the owner token, read as `T`.
    pub(crate) fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, ApplicationsError> {
        let url = format!("{}{path}", self.base);
        let result = self
            .agent
            .get(&url)
            .header("authorization", &format!("Bearer {}", self.token))
            .call();
        let body = Self::check(&url, result)?;
        serde_json::from_str::<T>(&body).map_err(|e| ApplicationsError::Api {
            status: 200,
            message: format!("unexpected answer: {e}"),
        })
    }

    pub fn pending(&self) -> Result<Vec<Application>, ApplicationsError> {
        self.get_json::<List>("/api/v1/owner/applications")
            .map(|l| l.applications)
    }

    pub fn decide(
        &self,
        code: &str,
        approve: bool,
        reason: Option<&str>,
    ) -> Result<(), ApplicationsError> {
        let action = if approve { "approve" } else { "reject" };
        let url = format!("{}/api/v1/owner/applications/{code}/{action}", self.base);
        // The CLI writes the partner's file for the owner to commit: the portal commits nothing.
        let body = serde_json::json!({ "reason": reason, "commit": false }).to_string();
        let result = self
            .agent
            .post(&url)
            .header("authorization", &format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .send(body.as_bytes());
        Self::check(&url, result).map(drop)
    }
}

/// Writes `content/partners/<code>.yaml` (never over an existing file).
pub fn write_partner(content: &Path, app: &Application) -> Result<PathBuf, ApplicationsError> {
    let path = content.join("partners").join(format!("{}.yaml", app.code));
    if path.exists() {
        return Err(ApplicationsError::Exists(path.display().to_string()));
    }
    let io = |source| ApplicationsError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(content.join("partners")).map_err(io)?;
    std::fs::write(&path, partner_yaml(app)).map_err(io)?;
    Ok(path)
}
