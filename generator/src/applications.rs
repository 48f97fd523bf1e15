//! `partner-center applications`: the owner's side of partner sign-up, through git.
//! Lists pending applications from the worker (local `serve` or deployed), writes an approved
//! partner's `content/partners/<code>.yaml`, and records the decision (which e-mails the applicant).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// One pending application, as the worker lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub code: String,
    pub name: String,
    pub email: String,
    pub company: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub promotion: Option<String>,
    pub programs: Vec<String>,
    pub created_at: i64,
}

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
    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ApplicationsError> {
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

    /// `GET /api/v1/owner/payable`: every partner with money payable, pending or owed back.
    pub fn payable(&self) -> Result<Vec<crate::payouts::PayableRow>, ApplicationsError> {
        #[derive(Deserialize)]
        struct Rows {
            rows: Vec<crate::payouts::PayableRow>,
        }
        self.get_json::<Rows>("/api/v1/owner/payable")
            .map(|r| r.rows)
    }

    /// `GET /api/v1/owner/profiles`: partners' profile changes the content does not have yet.
    pub fn profiles(&self) -> Result<Vec<crate::profiles::ProfileChange>, ApplicationsError> {
        #[derive(Deserialize)]
        struct Profiles {
            profiles: Vec<crate::profiles::ProfileChange>,
        }
        self.get_json::<Profiles>("/api/v1/owner/profiles")
            .map(|p| p.profiles)
    }

    pub fn decide(
        &self,
        code: &str,
        approve: bool,
        reason: Option<&str>,
    ) -> Result<(), ApplicationsError> {
        let action = if approve { "approve" } else { "reject" };
        let url = format!("{}/api/v1/owner/applications/{code}/{action}", self.base);
        let body = serde_json::json!({ "reason": reason }).to_string();
        let result = self
            .agent
            .post(&url)
            .header("authorization", &format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .send(body.as_bytes());
        Self::check(&url, result).map(drop)
    }
}

#[derive(Serialize)]
struct PartnerYaml<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    programs: &'a [String],
}

/// The partner file for an application: the fields a partner has, the rest as comments.
pub fn partner_yaml(app: &Application) -> String {
    let fields = serde_yaml::to_string(&PartnerYaml {
        code: &app.code,
        name: &app.name,
        company: app.company.as_deref(),
        email: &app.email,
        phone: app.phone.as_deref(),
        programs: &app.programs,
    })
    .unwrap_or_default();
    let comment = |label: &str, value: &Option<String>| {
        value.as_ref().map_or_else(String::new, |v| {
            let one_line: String = v
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            format!("# {label}: {one_line}\n")
        })
    };
    format!(
        "# Approved from an application (partner-center applications approve {}).\n{}{}{fields}",
        app.code,
        comment("Website", &app.website),
        comment("How they promote", &app.promotion),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yaml_keeps_typed_text_as_data() {
        let app = Application {
            code: "new001".into(),
            name: "Jo: \"quotes\" # not a comment".into(),
            email: "jo@example.com".into(),
            company: None,
            website: Some("https://jo.example\nprograms: [evil]".into()),
            phone: None,
            promotion: Some("Newsletter".into()),
            programs: vec!["coffee-club".into()],
            created_at: 0,
        };
        let yaml = partner_yaml(&app);
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(value["name"], "Jo: \"quotes\" # not a comment");
        assert_eq!(value["programs"][0], "coffee-club");
        assert_eq!(
            value["programs"].as_sequence().unwrap().len(),
            1,
            "a comment cannot add fields"
        );
        assert!(yaml.contains("# Website: https://jo.example programs: [evil]"));
    }
}
