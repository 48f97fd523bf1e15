//! What the risk rules (`pc_core::risk`) know about partners beyond one conversion: the
//! addresses they sign in from (keyed hashes), rules that fired on them (`partner_flags`), and
//! the payout details other partners share with them. Migration 0024 explains the tables.

use serde::Deserialize;

use super::first;
use crate::platform::{Platform, PlatformError, Statement};

/// How long a sign-in address is compared with customers' addresses.
pub const ADDRESS_DAYS: i64 = 90;

/// Keeps that `partner` signed in from `address` (a keyed hash) at `now`.
pub fn signed_in_from(partner: &str, address: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO partner_addresses (partner, address, last_seen) VALUES (?, ?, ?) \
         ON CONFLICT (partner, address) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
        vec![partner.into(), address.into(), now.into()],
    )
}

/// Whether `partner` signed in from `address` within [`ADDRESS_DAYS`] before `at`.
pub async fn is_own_address(
    platform: &impl Platform,
    partner: &str,
    address: &str,
    at: i64,
) -> Result<bool, PlatformError> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        last_seen: i64,
    }
    Ok(first::<Found>(
        platform,
        Statement::new(
            "SELECT last_seen FROM partner_addresses WHERE partner = ? AND address = ? AND last_seen >= ?",
            vec![
                partner.into(),
                address.into(),
                (at - ADDRESS_DAYS * 86_400).into(),
            ],
        ),
    )
    .await?
    .is_some())
}

/// Forgets sign-in addresses not seen for [`ADDRESS_DAYS`] (the scheduled run).
pub fn forget_addresses(now: i64) -> Statement {
    Statement::new(
        "DELETE FROM partner_addresses WHERE last_seen < ?",
        vec![(now - ADDRESS_DAYS * 86_400).into()],
    )
}

/// Records that `rule` fired on `partner` (again), with what was found.
pub fn flag(partner: &str, rule: &str, detail: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO partner_flags (partner, rule, detail, times, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?) \
         ON CONFLICT (partner, rule) DO UPDATE SET detail = excluded.detail, times = times + 1, last_at = excluded.last_at",
        vec![
            partner.into(),
            rule.into(),
            detail.into(),
            now.into(),
            now.into(),
        ],
    )
}

/// Clears every rule that fired on `partner` (an owner looked into it).
pub fn clear(partner: &str) -> Statement {
    Statement::new(
        "DELETE FROM partner_flags WHERE partner = ?",
        vec![partner.into()],
    )
}

/// A rule that fired on a partner.
#[derive(Debug, Clone, Deserialize)]
pub struct PartnerFlag {
    pub partner: String,
    pub rule: String,
    pub detail: Option<String>,
    pub times: i64,
    pub first_at: i64,
    pub last_at: i64,
}

/// The rules that fired on `partner`.
pub async fn flags_of(
    platform: &impl Platform,
    partner: &str,
) -> Result<Vec<PartnerFlag>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT partner, rule, detail, times, first_at, last_at FROM partner_flags WHERE partner = ?",
            vec![partner.into()],
        ))
        .await?
        .into_iter()
        .map(super::parse)
        .collect()
}

/// Every partner a rule fired on, the latest first (the console's Risk page; a short list in
/// any real program, and the table holds one row per partner and rule).
pub async fn flagged(platform: &impl Platform) -> Result<Vec<PartnerFlag>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT partner, rule, detail, times, first_at, last_at FROM partner_flags ORDER BY last_at DESC LIMIT 500",
            Vec::new(),
        ))
        .await?
        .into_iter()
        .map(super::parse)
        .collect()
}

/// Payout details as compared: letters in lower case, no spaces (`Alex@PayPal.example ` and
/// `alex@paypal.example` are one account). The same expression as the indexes of migration
/// 0024.
macro_rules! compared {
    ($column:literal) => {
        concat!("lower(replace(", $column, ", ' ', ''))")
    };
}

/// Other partners paid, or asking to be paid, to `details`: in their content file or in a
/// change they made (even one replaced later).
pub async fn sharing_payout_details(
    platform: &impl Platform,
    partner: &str,
    details: &str,
) -> Result<Vec<String>, PlatformError> {
    #[derive(Deserialize)]
    struct Other {
        partner: String,
    }
    let key = details.replace(' ', "").to_lowercase();
    let rows = platform
        .query(Statement::new(
            concat!(
                "SELECT code AS partner FROM partners WHERE ",
                compared!("payout_details"),
                " = ?1 AND code != ?2 UNION SELECT partner FROM payout_changes WHERE ",
                compared!("details"),
                " = ?1 AND partner != ?2 ORDER BY 1 LIMIT 20"
            ),
            vec![key.into(), partner.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| super::parse::<Other>(r).map(|o| o.partner))
        .collect()
}

/// A partner's sales (and subscription payments), and how many of their orders were
/// refunded, counting `order` (being refunded now) once.
pub async fn sales_and_refunds(
    platform: &impl Platform,
    partner: &str,
    order: &str,
) -> Result<(u32, u32), PlatformError> {
    #[derive(Deserialize)]
    struct Counts {
        sales: i64,
        refunds: i64,
    }
    let counts = first::<Counts>(
        platform,
        Statement::new(
            "SELECT (SELECT count(*) FROM events WHERE partner = ?1 AND type IN ('sale', 'subscription_payment')) AS sales, \
             (SELECT count(DISTINCT order_id) FROM events WHERE partner = ?1 AND type = 'refund' AND order_id != ?2) + 1 AS refunds",
            vec![partner.into(), order.into()],
        ),
    )
    .await?;
    Ok(counts.map_or((0, 0), |c| {
        (
            u32::try_from(c.sales).unwrap_or(u32::MAX),
            u32::try_from(c.refunds).unwrap_or(u32::MAX),
        )
    }))
}
