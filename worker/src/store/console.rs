//! What the owner's console reads about one partner, and the owners' activity log.

use serde::{Deserialize, Serialize};

use super::{first, parse};
use crate::platform::{Platform, PlatformError, Statement};

/// A partner as the console's partner page shows them (their own profile change's values
/// first, else the content's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerCard {
    pub code: String,
    pub name: String,
    pub email: String,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub status: String,
    pub parent: Option<String>,
}

pub async fn partner_card(
    platform: &impl Platform,
    code: &str,
) -> Result<Option<PartnerCard>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT p.code AS code, coalesce(u.name, p.name) AS name, coalesce(u.email, p.email) AS email, \
             coalesce(u.company, p.company) AS company, coalesce(u.phone, p.phone) AS phone, p.status AS status, p.parent AS parent \
             FROM partners p LEFT JOIN profile_updates u ON u.partner = p.code WHERE p.code = ?",
            vec![code.into()],
        ),
    )
    .await
}

/// A program a partner is in, with its name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerProgram {
    pub program: String,
    pub name: String,
}

/// The partner's programs, in their order.
pub async fn partner_programs(
    platform: &impl Platform,
    code: &str,
) -> Result<Vec<PartnerProgram>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT pp.program AS program, coalesce(p.name, pp.program) AS name FROM partner_programs pp \
             LEFT JOIN programs p ON p.id = pp.program WHERE pp.partner = ? ORDER BY pp.rank",
            vec![code.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// One line of the owners' activity log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditLine {
    pub owner: String,
    pub action: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub at: i64,
}

/// The newest 20 lines about one partner.
pub async fn audit_of(
    platform: &impl Platform,
    code: &str,
) -> Result<Vec<AuditLine>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT owner, action, at FROM owner_audit WHERE subject = ? ORDER BY id DESC LIMIT 20",
            vec![code.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The newest 200 lines.
pub async fn recent_audit(platform: &impl Platform) -> Result<Vec<AuditLine>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT owner, action, subject, at FROM owner_audit ORDER BY id DESC LIMIT 200",
            vec![],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}
