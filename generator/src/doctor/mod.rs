//! `partner-center doctor [--remote URL]`: one checklist of what a working deployment needs,
//! each line ✓ or ✗ with its fix: the content, `wrangler.toml` (resource ids, the portal's
//! address, mail, scheduled runs), the worker's secrets (`wrangler secret list`), the D1
//! migrations (`wrangler d1 migrations list --remote`), and with
//! `--remote` the deployed portal (its build against `dist/`, `/pc.js`, and with OWNER_TOKEN
//! a test mail and what reached it from the stores).

use std::fmt;
use std::path::Path;

use crate::deploy::Wrangler;

mod config;
mod stores;

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub found: String,
    /// `None`: it holds.
    pub fix: Option<String>,
}

impl Check {
    fn pass(name: impl Into<String>, found: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            found: found.into(),
            fix: None,
        }
    }

    fn fail(name: impl Into<String>, found: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            found: found.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn holds(&self) -> bool {
        self.fix.is_none()
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fix {
            None => write!(f, "✓ {}: {}", self.name, self.found),
            Some(fix) => write!(f, "✗ {}: {}\n    fix: {fix}", self.name, self.found),
        }
    }
}

/// Where to look.
#[derive(Debug)]
pub struct DoctorOptions<'a> {
    pub content: &'a Path,
    pub config: &'a Path,
    /// The build the portal should be running (`dist/`).
    pub out: &'a Path,
    /// The deployed portal, e.g. `https://partners.example.com`.
    pub remote: Option<&'a str>,
    /// The owner token (OWNER_TOKEN): with `remote`, also what reached it from the stores.
    pub owner_token: Option<&'a str>,
}

/// The secrets every portal needs: random text of 32 characters or more.
const SECRETS: &[&str] = &["SESSION_SECRET", "EVENTS_SECRET", "OWNER_TOKEN"];

fn content_check(content: &Path) -> Check {
    match crate::build::check(content) {
        Ok(summary) => Check::pass(
            "content",
            format!(
                "{} partners, {} pages, no errors",
                summary.partners, summary.pages
            ),
        ),
        Err(_) => Check::fail(
            "content",
            "has errors",
            "run `partner-center check` and fix each error it lists",
        ),
    }
}

fn secrets_check(config: &Path, mail_provider: Option<&str>) -> Check {
    let wrangler = Wrangler::for_account(Wrangler::default_program(), config.to_path_buf());
    let mut needed: Vec<&str> = SECRETS.to_vec();
    if mail_provider.is_some_and(|p| config::KEYED_MAIL.contains(&p)) {
        needed.push("MAIL_API_KEY");
    }
    match wrangler.secret_names() {
        Err(e) => Check::fail(
            "secrets",
            format!("cannot list the worker's secrets: {e}"),
            "log in (`wrangler login`, or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then run this again",
        ),
        Ok(set) => {
            let missing: Vec<&str> = needed
                .iter()
                .copied()
                .filter(|n| !set.iter().any(|s| s == n))
                .collect();
            if missing.is_empty() {
                Check::pass("secrets", needed.join(", "))
            } else {
                Check::fail(
                    "secrets",
                    format!("missing {}", missing.join(", ")),
                    format!(
                        "`openssl rand -base64 36 | wrangler secret put {}`, and so for each",
                        missing[0]
                    ),
                )
            }
        }
    }
}

fn migrations_check(config: &Path, database: &str) -> Check {
    let wrangler = Wrangler::for_account(Wrangler::default_program(), config.to_path_buf());
    let name = format!("migrations of {database}");
    match wrangler.migrations_pending(database) {
        Ok(false) => Check::pass(name, "every one applied"),
        Ok(true) => Check::fail(
            name,
            "some are not applied on Cloudflare",
            format!(
                "`wrangler d1 migrations apply {database} --remote` (or `partner-center setup cloudflare`)"
            ),
        ),
        Err(e) => Check::fail(
            name,
            format!("cannot list them: {e}"),
            "log in (`wrangler login`, or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then run this again",
        ),
    }
}

/// A test mail through the deployed portal's provider, to its own sending address.
fn mail_test(agent: &ureq::Agent, base: &str, token: &str) -> Check {
    let answer = agent
        .post(&format!("{base}/api/v1/owner/mail/test"))
        .header("authorization", &format!("Bearer {token}"))
        .send_empty()
        .map_err(|e| e.to_string())
        .map(|mut r| {
            let status = r.status().as_u16();
            let body: serde_json::Value = r.body_mut().read_json().unwrap_or_default();
            (status, body)
        });
    match answer {
        Ok((200, body)) => Check::pass(
            "test mail",
            format!(
                "{} took a test mail to {}",
                body["provider"].as_str().unwrap_or("?"),
                body["to"].as_str().unwrap_or("?")
            ),
        ),
        Ok((status, body)) => Check::fail(
            "test mail",
            format!(
                "refused ({status}): {}",
                body["error"].as_str().unwrap_or("no reason given")
            ),
            "check MAIL_API_KEY, and that MAIL_FROM's domain is verified with the provider (README \"Mail\")",
        ),
        Err(e) => Check::fail(
            "test mail",
            format!("{base}/api/v1/owner/mail/test: {e}"),
            "deploy, and check the custom domain",
        ),
    }
}

fn remote_checks(base: &str, out: &Path, owner_token: Option<&str>) -> Vec<Check> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(15)))
        .build()
        .into();
    let base = base.trim_end_matches('/');
    let get = |path: &str| -> Result<(u16, String), String> {
        let mut response = agent
            .get(&format!("{base}{path}"))
            .call()
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        Ok((
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        ))
    };
    let mut checks = Vec::new();
    let expected = std::fs::read_to_string(out.join("data/manifest.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m["build_id"].as_str().map(str::to_owned));
    checks.push(match (get("/api/v1/build"), expected) {
        (Err(e), _) => Check::fail(
            "deployed build",
            format!("{base} does not answer: {e}"),
            "deploy (`partner-center deploy`), and check the custom domain's DNS",
        ),
        (Ok((status, body)), expected) => {
            let live = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|b| b["build_id"].as_str().map(str::to_owned));
            match (live, expected) {
                (None, _) => Check::fail(
                    "deployed build",
                    format!("{base}/api/v1/build answered {status} without a build"),
                    "run `partner-center deploy`",
                ),
                (Some(live), Some(expected)) if live != expected => Check::fail(
                    "deployed build",
                    format!("{live} is live; {} has {expected}", out.display()),
                    "run `partner-center deploy` (or push, for the workflow to deploy)",
                ),
                (Some(live), _) => Check::pass("deployed build", format!("{live} is live")),
            }
        }
    });
    checks.push(match get("/pc.js") {
        Ok((200, body)) if body.contains("PartnerCenter") => {
            Check::pass("tracking script", format!("{base}/pc.js answers"))
        }
        Ok((status, _)) => Check::fail(
            "tracking script",
            format!("{base}/pc.js answered {status}"),
            "deploy the worker with its static assets (`partner-center deploy`)",
        ),
        Err(e) => Check::fail(
            "tracking script",
            format!("{base}/pc.js: {e}"),
            "deploy, and check the custom domain",
        ),
    });
    if let Some(token) = owner_token {
        let setup = agent
            .get(&format!("{base}/api/v1/owner/setup"))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .map_err(|e| e.to_string())
            .and_then(|mut r| {
                let status = r.status().as_u16();
                let body = r.body_mut().read_to_string().unwrap_or_default();
                match status {
                    200 => serde_json::from_str(&body).map_err(|e| e.to_string()),
                    _ => Err(format!("{status} {body}")),
                }
            });
        checks.push(mail_test(&agent, base, token));
        checks.extend(match setup {
            Ok(setup) => stores::checks(&setup),
            Err(e) => vec![Check::fail(
                "store deliveries",
                format!("{base}/api/v1/owner/setup: {e}"),
                "OWNER_TOKEN must be the worker's own (`wrangler secret put OWNER_TOKEN` sets a new one)",
            )],
        });
    }
    checks
}

/// Every check, in the order an owner fixes them.
pub fn doctor(options: &DoctorOptions<'_>) -> Vec<Check> {
    let mut checks = vec![content_check(options.content)];
    let text = match std::fs::read_to_string(options.config) {
        Ok(text) => text,
        Err(e) => {
            checks.push(Check::fail(
                options.config.display().to_string(),
                format!("cannot read it: {e}"),
                "run this in the portal's repository (`partner-center new` writes one)",
            ));
            return checks;
        }
    };
    let (config_checks, provider) = config::checks(&text);
    checks.extend(config_checks);
    checks.push(secrets_check(options.config, provider.as_deref()));
    checks.extend(
        config::databases(&text)
            .iter()
            .map(|name| migrations_check(options.config, name)),
    );
    if let Some(remote) = options.remote {
        checks.extend(remote_checks(remote, options.out, options.owner_token));
    }
    checks
}
