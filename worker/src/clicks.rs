//! Click rows on their way to the database. The redirect answers after its one KV read and
//! hands the row to [`crate::Platform::record_click`]: at the edge it goes to a Cloudflare Queue
//! whose consumer writes each batch in one D1 transaction; natively a journal file and a
//! background thread do the same with SQLite. Rows carry their own id, so a batch delivered
//! twice writes each row once.

use serde::{Deserialize, Serialize};

use crate::platform::Statement;

/// One row for `clicks` (counted) or `filtered_clicks` (redirected, not counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClickRecord {
    Counted {
        id: String,
        partner: String,
        program: String,
        slug: String,
        sub: Option<String>,
        referrer_host: Option<String>,
        country: Option<String>,
        agent: String,
        visitor: String,
        created_at: i64,
    },
    Filtered {
        /// Made once per request (the millisecond and random bits), so a redelivered message
        /// inserts nothing new. Decimal text: a 63-bit number does not survive JavaScript's
        /// numbers (the Queue's message, D1's parameters); SQLite stores it as the integer.
        id: String,
        partner: String,
        slug: String,
        sub: Option<String>,
        reason: String,
        detail: Option<String>,
        created_at: i64,
    },
}

impl ClickRecord {
    /// The idempotent insert of this row.
    pub fn statement(&self) -> Statement {
        match self.clone() {
            ClickRecord::Counted {
                id,
                partner,
                program,
                slug,
                sub,
                referrer_host,
                country,
                agent,
                visitor,
                created_at,
            } => Statement::new(
                "INSERT OR IGNORE INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    partner.into(),
                    program.into(),
                    slug.into(),
                    sub.into(),
                    referrer_host.into(),
                    country.into(),
                    agent.into(),
                    visitor.into(),
                    created_at.into(),
                ],
            ),
            ClickRecord::Filtered {
                id,
                partner,
                slug,
                sub,
                reason,
                detail,
                created_at,
            } => Statement::new(
                "INSERT OR IGNORE INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                vec![
                    id.into(),
                    partner.into(),
                    slug.into(),
                    sub.into(),
                    reason.into(),
                    detail.into(),
                    created_at.into(),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_travel_as_json_and_become_one_insert_each() {
        let click = ClickRecord::Filtered {
            id: "7512345678901234567".into(),
            partner: "abc123".into(),
            slug: "home".into(),
            sub: None,
            reason: "bot".into(),
            detail: Some("curl/8".into()),
            created_at: 1,
        };
        let json = serde_json::to_string(&click).unwrap();
        assert!(json.contains(r#""kind":"filtered""#), "{json}");
        assert_eq!(serde_json::from_str::<ClickRecord>(&json).unwrap(), click);
        assert!(
            click
                .statement()
                .sql
                .starts_with("INSERT OR IGNORE INTO filtered_clicks")
        );
    }
}
