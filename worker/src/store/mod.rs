//! The app's queries, typed. Every SQL statement the routes use is here.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::platform::{Platform, PlatformError, Row, SqlValue, Statement};

pub mod accounts;
pub mod applications;
pub mod arrivals;
pub mod checkpoints;
pub mod clicks;
pub mod console;
pub mod events;
pub mod figures;
pub mod ledger;
mod limits;
pub mod notifications;
pub mod payments;
pub mod payout_runs;
pub mod payouts;
pub mod reports;
pub mod reviews;
pub mod risk_facts;
pub mod rollups;
pub mod snapshots;
pub mod test_book;
pub use accounts::{Account, AccountAuth, owner_audit};
pub use limits::{Attempt, Limit, attempt};

fn parse<T: for<'de> Deserialize<'de>>(row: Row) -> Result<T, PlatformError> {
    serde_json::from_value(Value::Object(row)).map_err(|e| PlatformError(format!("row: {e}")))
}

async fn first<T: for<'de> Deserialize<'de>>(
    platform: &impl Platform,
    statement: Statement,
) -> Result<Option<T>, PlatformError> {
    let rows = platform.query(statement).await?;
    rows.into_iter().next().map(parse).transpose()
}

/// What sign-in and gating need to know about a partner.
#[derive(Debug, Clone, Deserialize)]
pub struct PartnerAuth {
    pub status: String,
    pub password_hash: Option<String>,
    pub session_version: i64,
    pub email: String,
    pub name: String,
    /// 1 when two-step sign-in is on.
    pub two_factor: i64,
}

impl PartnerAuth {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    pub fn has_two_factor(&self) -> bool {
        self.two_factor != 0
    }

    /// The same, as sign-in sees an account of either kind.
    pub fn account(&self) -> AccountAuth {
        AccountAuth {
            name: self.name.clone(),
            email: self.email.clone(),
            password_hash: self.password_hash.clone(),
            session_version: self.session_version,
            active: self.is_active(),
            two_factor: self.has_two_factor(),
        }
    }
}

pub async fn partner_auth(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<PartnerAuth>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT p.status AS status, c.password_hash AS password_hash, \
             coalesce(c.session_version, 0) AS session_version, \
             coalesce(u.email, p.email) AS email, coalesce(u.name, p.name) AS name, \
             (t.enabled_at IS NOT NULL) AS two_factor \
             FROM partners p LEFT JOIN credentials c ON c.partner = p.code \
             LEFT JOIN profile_updates u ON u.partner = p.code \
             LEFT JOIN two_factor t ON t.account = p.code WHERE p.code = ?",
            vec![code.into()],
        ),
    )
    .await
}

/// Puts the partner's e-mail address back to `email` (their own profile change, if any).
pub fn restore_email(code: &str, email: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE profile_updates SET email = ?, updated_at = ? WHERE partner = ?",
        vec![email.into(), now.into(), code.into()],
    )
}

/// Records a set-password link's nonce; fails (in a batch) if it was used before.
pub fn use_token(nonce: &str, code: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO used_tokens (nonce, partner, used_at) VALUES (?, ?, ?)",
        vec![nonce.into(), code.into(), now.into()],
    )
}

pub async fn token_used(platform: &impl Platform, nonce: &str) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS used FROM used_tokens WHERE nonce = ?",
            vec![nonce.into()],
        ))
        .await?
        .is_empty())
}

/// A partner's profile as shown and edited on My Profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub company: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The profile from content, and the partner's own update if there is one.
pub async fn profile(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<(Profile, Option<Profile>)>, PlatformError> {
    let rows = platform
        .query(Statement::new(
            "SELECT p.name AS name, p.company AS company, p.email AS email, p.phone AS phone, p.address AS address, \
             u.name AS u_name, u.company AS u_company, u.email AS u_email, u.phone AS u_phone, u.address AS u_address \
             FROM partners p LEFT JOIN profile_updates u ON u.partner = p.code WHERE p.code = ?",
            vec![code.into()],
        ))
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let text = |key: &str| row.get(key).and_then(Value::as_str).map(str::to_owned);
    let content = Profile {
        name: text("name").unwrap_or_default(),
        company: text("company"),
        email: text("email").unwrap_or_default(),
        phone: text("phone"),
        address: text("address"),
    };
    let update = text("u_name").map(|name| Profile {
        name,
        company: text("u_company"),
        email: text("u_email").unwrap_or_default(),
        phone: text("u_phone"),
        address: text("u_address"),
    });
    Ok(Some((content, update)))
}

pub async fn save_profile(
    platform: &impl Platform,
    code: &str,
    profile: &Profile,
    now: i64,
) -> Result<(), PlatformError> {
    let opt = |v: &Option<String>| SqlValue::from(v.clone());
    platform
        .execute(Statement::new(
            "INSERT INTO profile_updates (partner, name, company, email, phone, address, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (partner) DO UPDATE SET name = excluded.name, \
             company = excluded.company, email = excluded.email, phone = excluded.phone, \
             address = excluded.address, updated_at = excluded.updated_at",
            vec![
                code.into(),
                profile.name.clone().into(),
                opt(&profile.company),
                profile.email.clone().into(),
                opt(&profile.phone),
                opt(&profile.address),
                now.into(),
            ],
        ))
        .await
        .map(drop)
}

/// Records an e-mail in the outbox: in development (`MAIL_PROVIDER` outbox), or with the
/// reason it could not be sent.
pub fn outbox(to: &str, subject: &str, body: &str, failure: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO outbox (recipient, subject, body, failure, created_at) VALUES (?, ?, ?, ?, ?)",
        vec![
            to.into(),
            subject.into(),
            body.into(),
            failure.into(),
            now.into(),
        ],
    )
}

/// A partner's two-step sign-in: the secret, whether it is confirmed, the last step used.
#[derive(Debug, Clone, Deserialize)]
pub struct TwoFactor {
    pub secret: String,
    pub enabled_at: Option<i64>,
    pub last_step: i64,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

pub async fn two_factor(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<TwoFactor>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT secret, enabled_at, last_step, \
             (SELECT count(*) FROM recovery_codes r WHERE r.account = t.account AND r.used_at IS NULL) AS recovery_left \
             FROM two_factor t WHERE account = ?",
            vec![code.into()],
        ),
    )
    .await
}

/// A new secret being set up (replacing one not yet confirmed; never a confirmed one).
pub fn two_factor_setup(code: &str, secret: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO two_factor (account, secret, enabled_at, last_step, created_at) VALUES (?, ?, NULL, 0, ?) \
         ON CONFLICT (account) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at \
         WHERE two_factor.enabled_at IS NULL",
        vec![code.into(), secret.into(), now.into()],
    )
}

/// Records that a code of `step` was used: changes one row only if no later code was used
/// before (so the same code, raced twice, passes once).
pub fn two_factor_use_step(code: &str, step: i64) -> Statement {
    Statement::new(
        "UPDATE two_factor SET last_step = ? \
         WHERE account = ? AND enabled_at IS NOT NULL AND last_step < ?",
        vec![step.into(), code.into(), step.into()],
    )
}

/// Turns on a secret being set up with its first code (of `step`); changes one row only once.
pub fn two_factor_confirm(code: &str, step: i64, now: i64) -> Statement {
    Statement::new(
        "UPDATE two_factor SET last_step = ?, enabled_at = ? \
         WHERE account = ? AND enabled_at IS NULL AND last_step < ?",
        vec![step.into(), now.into(), code.into(), step.into()],
    )
}

/// Uses a recovery code: changes one row only the first time.
pub fn use_recovery_code(code: &str, hash: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE recovery_codes SET used_at = ? WHERE account = ? AND code_hash = ? AND used_at IS NULL",
        vec![now.into(), code.into(), hash.into()],
    )
}

/// Replaces the partner's recovery codes with these (hashes).
pub fn replace_recovery_codes(code: &str, hashes: &[String]) -> Vec<Statement> {
    let mut statements = vec![Statement::new(
        "DELETE FROM recovery_codes WHERE account = ?",
        vec![code.into()],
    )];
    statements.extend(hashes.iter().map(|hash| {
        Statement::new(
            "INSERT INTO recovery_codes (account, code_hash) VALUES (?, ?)",
            vec![code.into(), hash.as_str().into()],
        )
    }));
    statements
}

/// Turns two-step sign-in off: the secret and the recovery codes go.
pub fn two_factor_off(code: &str) -> Vec<Statement> {
    vec![
        Statement::new(
            "DELETE FROM two_factor WHERE account = ?",
            vec![code.into()],
        ),
        Statement::new(
            "DELETE FROM recovery_codes WHERE account = ?",
            vec![code.into()],
        ),
    ]
}

/// Whether the ledger has the payout `reference` for `code` (what an adjustment may correct).
pub async fn partner_has_payout(
    platform: &impl Platform,
    code: &str,
    reference: &str,
) -> Result<bool, PlatformError> {
    Ok(!platform
        .query(Statement::new(
            "SELECT 1 AS found FROM ledger WHERE id = ? AND partner = ? AND kind = 'payout'",
            vec![format!("payout:{reference}").into(), code.into()],
        ))
        .await?
        .is_empty())
}

/// A partner as the console's payouts name them: who, their address on file, their status.
#[derive(Debug, Clone, Deserialize)]
pub struct PartnerContact {
    pub code: String,
    pub name: String,
    pub email: String,
    pub status: String,
}

/// Every partner with the name and address on file (their own profile change's, else the
/// content's).
pub async fn partner_contacts(
    platform: &impl Platform,
) -> Result<Vec<PartnerContact>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT p.code AS code, coalesce(u.name, p.name) AS name, coalesce(u.email, p.email) AS email, p.status AS status \
             FROM partners p LEFT JOIN profile_updates u ON u.partner = p.code",
            vec![],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The programs, in their order (priority, then id), as (id, name).
pub async fn programs(platform: &impl Platform) -> Result<Vec<(String, String)>, PlatformError> {
    #[derive(Deserialize)]
    struct Program {
        id: String,
        name: String,
    }
    platform
        .query(Statement::new(
            "SELECT id, name FROM programs ORDER BY priority, id",
            vec![],
        ))
        .await?
        .into_iter()
        .map(|row| parse::<Program>(row).map(|p| (p.id, p.name)))
        .collect()
}

/// Each program's name by its id.
pub async fn program_names(
    platform: &impl Platform,
) -> Result<std::collections::HashMap<String, String>, PlatformError> {
    Ok(programs(platform).await?.into_iter().collect())
}

/// The program's currency: the first program's (USD without programs).
pub async fn currency(platform: &impl Platform) -> Result<pc_core::Currency, PlatformError> {
    #[derive(Deserialize)]
    struct Program {
        currency: String,
    }
    let first: Option<Program> = first(
        platform,
        Statement::new(
            "SELECT currency FROM programs ORDER BY priority LIMIT 1",
            vec![],
        ),
    )
    .await?;
    Ok(first
        .and_then(|p| pc_core::Currency::parse(&p.currency).ok())
        .unwrap_or_else(|| pc_core::Currency::parse("USD").expect("USD is known")))
}

/// How many partners there are of each status.
pub async fn partners_by_status(
    platform: &impl Platform,
) -> Result<std::collections::HashMap<String, i64>, PlatformError> {
    #[derive(Deserialize)]
    struct Count {
        status: String,
        n: i64,
    }
    platform
        .query(Statement::new(
            "SELECT status, count(*) AS n FROM partners GROUP BY status",
            vec![],
        ))
        .await?
        .into_iter()
        .map(|row| parse::<Count>(row).map(|c| (c.status, c.n)))
        .collect()
}

/// A partner's profile change that the content does not have yet, with the content's values.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingProfile {
    pub code: String,
    pub name: String,
    pub company: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub updated_at: i64,
    pub was_name: String,
    pub was_company: Option<String>,
    pub was_email: String,
    pub was_phone: Option<String>,
    pub was_address: Option<String>,
}

/// Every pending profile change, by partner code.
pub async fn pending_profiles(
    platform: &impl Platform,
) -> Result<Vec<PendingProfile>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT u.partner AS code, u.name AS name, u.company AS company, u.email AS email, u.phone AS phone, \
             u.address AS address, u.updated_at AS updated_at, p.name AS was_name, p.company AS was_company, \
             p.email AS was_email, p.phone AS was_phone, p.address AS was_address \
             FROM profile_updates u JOIN partners p ON p.code = u.partner ORDER BY u.partner",
            vec![],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}
