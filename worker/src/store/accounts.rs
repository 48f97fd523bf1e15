//! Accounts of both kinds, partners and owners: who they are, their password hash, their
//! session version and two-step sign-in. Each kind keeps its own tables (`credentials` and
//! `owner_credentials`); the two-step tables hold both, under [`Account::key`].

use pc_core::{OwnerRole, PartnerCode};
use serde::Deserialize;

use super::{first, partner_auth};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};

/// A partner (by code) or an owner (by lowercase e-mail address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    Partner(PartnerCode),
    Owner(String),
}

impl Account {
    /// The account's key in the tables both kinds share (two-step sign-in, used links): a
    /// partner's code, or `owner:<e-mail>` (a code never holds `:`).
    pub fn key(&self) -> String {
        match self {
            Account::Partner(code) => code.to_string(),
            Account::Owner(email) => format!("owner:{email}"),
        }
    }

    /// The key under which its password and code checks are counted.
    pub fn limit_key(&self) -> String {
        match self {
            Account::Partner(code) => format!("login:code:{code}"),
            Account::Owner(email) => format!("owner-login:{email}"),
        }
    }

    /// What the account signs in with: the partner code or the e-mail address.
    pub fn username(&self) -> &str {
        match self {
            Account::Partner(code) => code.as_str(),
            Account::Owner(email) => email,
        }
    }
}

/// What sign-in needs to know about an account of either kind.
#[derive(Debug, Clone)]
pub struct AccountAuth {
    pub name: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub session_version: i64,
    /// An active partner, or an owner who still has a role.
    pub active: bool,
    /// Two-step sign-in is on.
    pub two_factor: bool,
}

/// The account as stored, if it exists.
pub async fn auth(
    platform: &impl Platform,
    account: &Account,
) -> Result<Option<AccountAuth>, PlatformError> {
    Ok(match account {
        Account::Partner(code) => partner_auth(platform, code.as_str())
            .await?
            .map(|a| a.account()),
        Account::Owner(email) => owner_auth(platform, email).await?.map(|o| AccountAuth {
            active: OwnerRole::parse(&o.role).is_some(),
            two_factor: o.two_factor != 0,
            name: o.name,
            email: email.clone(),
            password_hash: o.password_hash,
            session_version: o.session_version,
        }),
    })
}

/// An owner's account as stored: role from the content, password and session version not.
#[derive(Debug, Deserialize)]
pub struct OwnerAuth {
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub session_version: i64,
    /// 1 when two-step sign-in is on.
    pub two_factor: i64,
    /// 1 when `owners.yaml` requires two-step sign-in of this owner.
    pub two_factor_required: i64,
}

pub async fn owner_auth(
    platform: &impl Platform,
    email: &str,
) -> Result<Option<OwnerAuth>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT o.name AS name, o.role AS role, c.password_hash AS password_hash, \
             coalesce(c.session_version, 0) AS session_version, \
             (t.enabled_at IS NOT NULL) AS two_factor, o.two_factor_required AS two_factor_required \
             FROM owners o LEFT JOIN owner_credentials c ON c.email = o.email \
             LEFT JOIN two_factor t ON t.account = 'owner:' || o.email WHERE o.email = ?",
            vec![email.into()],
        ),
    )
    .await
}

/// Stores a new password hash and bumps the session version (other sessions end).
pub fn set_password(account: &Account, phc: &str, now: i64) -> Statement {
    let sql = match account {
        Account::Partner(_) => {
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES (?, ?, 1, ?) \
             ON CONFLICT (partner) DO UPDATE SET password_hash = excluded.password_hash, \
             session_version = credentials.session_version + 1, updated_at = excluded.updated_at"
        }
        Account::Owner(_) => {
            "INSERT INTO owner_credentials (email, password_hash, session_version, updated_at) VALUES (?, ?, 1, ?) \
             ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, \
             session_version = owner_credentials.session_version + 1, updated_at = excluded.updated_at"
        }
    };
    Statement::new(sql, vec![account.username().into(), phc.into(), now.into()])
}

/// Replaces the hash without ending sessions (a stronger hash of the same password).
pub fn upgrade_hash(account: &Account, phc: &str, now: i64) -> Statement {
    let sql = match account {
        Account::Partner(_) => {
            "UPDATE credentials SET password_hash = ?, updated_at = ? WHERE partner = ?"
        }
        Account::Owner(_) => {
            "UPDATE owner_credentials SET password_hash = ?, updated_at = ? WHERE email = ?"
        }
    };
    Statement::new(sql, vec![phc.into(), now.into(), account.username().into()])
}

/// Ends every session of the account.
pub fn bump_session_version(account: &Account, now: i64) -> Statement {
    let sql = match account {
        Account::Partner(_) => {
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES (?, NULL, 1, ?) \
             ON CONFLICT (partner) DO UPDATE SET session_version = credentials.session_version + 1, \
             updated_at = excluded.updated_at"
        }
        Account::Owner(_) => {
            "INSERT INTO owner_credentials (email, password_hash, session_version, updated_at) VALUES (?, NULL, 1, ?) \
             ON CONFLICT (email) DO UPDATE SET session_version = owner_credentials.session_version + 1, \
             updated_at = excluded.updated_at"
        }
    };
    Statement::new(sql, vec![account.username().into(), now.into()])
}

/// A line of the console's activity log: who, what, about whom, when.
pub fn owner_audit(who: &str, action: &str, subject: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO owner_audit (owner, action, subject, at) VALUES (?, ?, ?, ?)",
        vec![
            who.into(),
            action.into(),
            subject.map_or(SqlValue::Null, Into::into),
            now.into(),
        ],
    )
}

/// Whether `owners.yaml` requires two-step sign-in of this owner.
pub async fn owner_two_factor_required(
    platform: &impl Platform,
    email: &str,
) -> Result<bool, PlatformError> {
    Ok(owner_auth(platform, email)
        .await?
        .is_some_and(|o| o.two_factor_required != 0))
}

/// The codes (at most five) of active partners whose address on file is `email` (lowercase):
/// their own profile change's address, else the content's.
pub async fn partners_by_email(
    platform: &impl Platform,
    email: &str,
) -> Result<Vec<String>, PlatformError> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    let rows = platform
        .query(Statement::new(
            // Each branch looks the address up by index.
            "SELECT code FROM (\
             SELECT p.code AS code FROM partners p WHERE lower(p.email) = ? AND p.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM profile_updates u WHERE u.partner = p.code AND u.email IS NOT NULL) \
             UNION SELECT p.code FROM profile_updates u JOIN partners p ON p.code = u.partner \
             WHERE lower(u.email) = ? AND p.status = 'active') ORDER BY code LIMIT 5",
            vec![email.into(), email.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|row| super::parse::<Code>(row).map(|c| c.code))
        .collect()
}

/// An admin's name and address, for the mail owners get.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AdminContact {
    pub email: String,
    pub name: String,
}

/// Every admin, by address.
pub async fn admins(platform: &impl Platform) -> Result<Vec<AdminContact>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT email, name FROM owners WHERE role = 'admin' ORDER BY email",
            vec![],
        ))
        .await?
        .into_iter()
        .map(super::parse)
        .collect()
}
