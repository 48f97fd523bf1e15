//! Partner applications: the pending ones, a decision, and the approved applicants waiting for
//! their welcome until their partner file is live.

use pc_core::application::Application;
use serde::Deserialize;

use super::{owner_audit, parse};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};

/// An application as stored (programs as a JSON list), with the chosen password's hash.
#[derive(Debug, Deserialize)]
struct Row {
    code: String,
    name: String,
    email: String,
    company: Option<String>,
    website: Option<String>,
    phone: Option<String>,
    promotion: Option<String>,
    programs: String,
    created_at: i64,
    password_hash: String,
    referred_by: Option<String>,
}

impl Row {
    fn application(self) -> (Application, String) {
        let some = |v: Option<String>| v.filter(|v| !v.is_empty());
        (
            Application {
                programs: serde_json::from_str(&self.programs).unwrap_or_default(),
                code: self.code,
                name: self.name,
                email: self.email,
                company: some(self.company),
                website: some(self.website),
                phone: some(self.phone),
                promotion: some(self.promotion),
                created_at: self.created_at,
                referred_by: some(self.referred_by),
            },
            self.password_hash,
        )
    }
}

/// The pending application with `code`, and its password hash.
pub async fn pending(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<(Application, String)>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT code, name, email, company, website, phone, promotion, programs, created_at, password_hash, referred_by \
             FROM applications WHERE code = ? AND status = 'pending'",
            vec![code.into()],
        ))
        .await?;
    rows.into_iter()
        .next()
        .map(|row| parse::<Row>(row).map(Row::application))
        .transpose()
}

/// Every pending application, oldest first.
pub async fn all_pending(platform: &impl Platform) -> Result<Vec<Application>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT code, name, email, company, website, phone, promotion, programs, created_at, password_hash, referred_by \
             FROM applications WHERE status = 'pending' ORDER BY created_at",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|row| parse::<Row>(row).map(|r| r.application().0))
        .collect()
}

/// An approval recorded with its commit, in the activity log.
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    pub code: &'a str,
    pub by: &'a str,
    pub password_hash: &'a str,
    pub commit_sha: Option<&'a str>,
    pub commit_url: Option<&'a str>,
    pub now: i64,
}

/// The statements of an approval: the application approved (if still pending), the chosen
/// password moved to the partner's credentials, the line in the activity log.
pub fn approve(approval: Approval<'_>) -> Vec<Statement> {
    let text = |v: Option<&str>| v.map_or(SqlValue::Null, Into::into);
    vec![
        Statement::new(
            "UPDATE applications SET status = 'approved', decided_at = ?, decided_by = ?, commit_sha = ?, commit_url = ? \
             WHERE code = ? AND status = 'pending'",
            vec![
                approval.now.into(),
                approval.by.into(),
                text(approval.commit_sha),
                text(approval.commit_url),
                approval.code.into(),
            ],
        ),
        Statement::new(
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES (?, ?, 0, ?) \
             ON CONFLICT (partner) DO UPDATE SET password_hash = excluded.password_hash, session_version = credentials.session_version + 1",
            vec![
                approval.code.into(),
                approval.password_hash.into(),
                approval.now.into(),
            ],
        ),
        owner_audit(
            approval.by,
            "approved the application of",
            Some(approval.code),
            approval.now,
        ),
    ]
}

/// The statements of a rejection with the reason the applicant reads.
pub fn reject(code: &str, by: &str, reason: &str, now: i64) -> Vec<Statement> {
    vec![
        Statement::new(
            "UPDATE applications SET status = 'rejected', reason = ?, decided_at = ?, decided_by = ?, welcomed_at = ? \
             WHERE code = ? AND status = 'pending'",
            vec![
                reason.into(),
                now.into(),
                by.into(),
                now.into(),
                code.into(),
            ],
        ),
        owner_audit(by, "rejected the application of", Some(code), now),
    ]
}

/// An approved applicant whose partner file is live and who was not welcomed yet.
#[derive(Debug, Deserialize)]
pub struct Welcome {
    pub code: String,
    pub name: String,
    pub email: String,
}

/// Approved applicants whose partner is in the deployed content, not yet welcomed.
pub async fn live_unwelcomed(platform: &impl Platform) -> Result<Vec<Welcome>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT a.code AS code, a.name AS name, a.email AS email FROM applications a \
             JOIN partners p ON p.code = a.code \
             WHERE a.status = 'approved' AND a.welcomed_at IS NULL ORDER BY a.decided_at LIMIT 200",
            vec![],
        ))
        .await?;
    rows.into_iter().map(parse).collect()
}

pub fn welcomed(code: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE applications SET welcomed_at = ? WHERE code = ? AND welcomed_at IS NULL",
        vec![now.into(), code.into()],
    )
}

/// An approval of the last 30 days and whether the partner is live yet.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Approved {
    pub code: String,
    pub name: String,
    pub decided_at: i64,
    pub decided_by: Option<String>,
    pub commit_sha: Option<String>,
    pub commit_url: Option<String>,
    /// 1 once the partner is in the deployed content.
    pub live: i64,
}

pub async fn recent_approvals(
    platform: &impl Platform,
    since: i64,
) -> Result<Vec<Approved>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT a.code AS code, a.name AS name, a.decided_at AS decided_at, a.decided_by AS decided_by, \
             a.commit_sha AS commit_sha, a.commit_url AS commit_url, \
             EXISTS (SELECT 1 FROM partners p WHERE p.code = a.code) AS live \
             FROM applications a WHERE a.status = 'approved' AND a.decided_at >= ? ORDER BY a.decided_at DESC LIMIT 50",
            vec![since.into()],
        ))
        .await?;
    rows.into_iter().map(parse).collect()
}

/// `config:signup`, written by the generator from site.yaml.
#[derive(Debug, Deserialize)]
pub struct SignupConfig {
    pub open: bool,
    pub programs: Vec<String>,
    pub required: Vec<String>,
    pub portal_name: String,
    pub approval_email: String,
    pub rejection_email: String,
}

pub async fn signup_config(
    platform: &impl Platform,
) -> Result<Option<SignupConfig>, PlatformError> {
    Ok(platform
        .kv_get("config:signup")
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// How many applications wait for a decision.
pub async fn pending_count(platform: &impl Platform) -> Result<i64, PlatformError> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let found: Option<Count> = super::first(
        platform,
        Statement::new(
            "SELECT count(*) AS n FROM applications WHERE status = 'pending'",
            vec![],
        ),
    )
    .await?;
    Ok(found.map_or(0, |c| c.n))
}

/// Whether a partner or a live application (not rejected) has `code`.
pub async fn code_taken(platform: &impl Platform, code: &str) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS taken FROM partners WHERE code = ?1 UNION ALL \
             SELECT 1 FROM applications WHERE code = ?1 AND status <> 'rejected'",
            vec![code.into()],
        ))
        .await?
        .is_empty())
}

/// Whether a partner or a live application has the address `email` (lower case).
pub async fn email_known(platform: &impl Platform, email: &str) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS known FROM partners WHERE lower(email) = ?1 UNION ALL \
             SELECT 1 FROM applications WHERE email = ?1 AND status <> 'rejected'",
            vec![email.into()],
        ))
        .await?
        .is_empty())
}

/// An application as the form stores it (pending).
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub company: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub promotion: Option<String>,
    /// The programs applied to, as a JSON list.
    pub programs: String,
    pub password_hash: String,
    /// The risk rules that fired on it (JSON of `pc_core::risk::Fired`).
    pub risk_fired: Option<String>,
    /// The partner whose recruitment link the applicant came through (checked to exist).
    pub referred_by: Option<String>,
    pub now: i64,
}

/// Stores a new application; fails if the code was taken in the meantime.
pub fn apply(application: NewApplication<'_>) -> Statement {
    Statement::new(
        "INSERT INTO applications (code, name, email, company, website, phone, promotion, programs, password_hash, status, created_at, risk_fired, referred_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        vec![
            application.code.into(),
            application.name.into(),
            application.email.into(),
            application.company.into(),
            application.website.into(),
            application.phone.into(),
            application.promotion.into(),
            application.programs.into(),
            application.password_hash.into(),
            application.now.into(),
            application.risk_fired.into(),
            application.referred_by.into(),
        ],
    )
}

/// Whether `code` is an active partner (one whose recruitment link may bring applicants).
pub async fn recruiter_active(platform: &impl Platform, code: &str) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS active FROM partners WHERE code = ?1 AND status = 'active'",
            vec![code.into()],
        ))
        .await?
        .is_empty())
}

/// The risk rules that fired on each pending application that has any, by code.
pub async fn pending_flags(
    platform: &impl Platform,
) -> Result<std::collections::HashMap<String, Vec<pc_core::risk::Fired>>, PlatformError> {
    #[derive(Deserialize)]
    struct Flags {
        code: String,
        risk_fired: String,
    }
    let rows = platform
        .query(Statement::new(
            "SELECT code, risk_fired FROM applications WHERE status = 'pending' AND risk_fired IS NOT NULL",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let f: Flags = parse(row)?;
            let fired = serde_json::from_str(&f.risk_fired).unwrap_or_default();
            Ok((f.code, fired))
        })
        .collect()
}

/// An application's status and password hash, for its applicant's sign-in.
pub async fn applicant(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<(String, Option<String>)>, PlatformError> {
    #[derive(Deserialize)]
    struct Applicant {
        status: String,
        password_hash: Option<String>,
    }
    let found: Option<Applicant> = super::first(
        platform,
        Statement::new(
            "SELECT status, password_hash FROM applications WHERE code = ?",
            vec![code.into()],
        ),
    )
    .await?;
    Ok(found.map(|a| (a.status, a.password_hash)))
}

/// Whether the owners were told of an application since `since`.
pub async fn told_since(platform: &impl Platform, since: i64) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS told FROM applications WHERE notified_at >= ? LIMIT 1",
            vec![since.into()],
        ))
        .await?
        .is_empty())
}

/// A pending application the owners have not been told of.
#[derive(Debug, Clone, Deserialize)]
pub struct Untold {
    pub code: String,
    pub name: String,
    pub email: String,
    pub website: Option<String>,
}

/// The pending applications not told yet (only `only`, if given), oldest first, at most 200.
pub async fn untold(
    platform: &impl Platform,
    only: Option<&str>,
) -> Result<Vec<Untold>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT code, name, email, website FROM applications \
             WHERE status = 'pending' AND notified_at IS NULL AND (?1 IS NULL OR code = ?1) ORDER BY created_at LIMIT 200",
            vec![only.into()],
        ))
        .await?
        .into_iter()
        .map(super::parse)
        .collect()
}

/// Marks an application as told to the owners.
pub fn told(code: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE applications SET notified_at = ? WHERE code = ?",
        vec![now.into(), code.into()],
    )
}
