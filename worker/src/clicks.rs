//! Click rows on their way to the database. The redirect answers after its one KV read and
//! hands the row to [`crate::Platform::record_click`]: at the edge it goes to a Cloudflare Queue
//! whose consumer writes each batch in one D1 transaction; natively a journal file and a
//! background thread do the same with SQLite. Rows carry their own id, so a batch delivered
//! twice writes each row once.

use serde::{Deserialize, Serialize};

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
        /// The keyed hash of the visitor's public address (`crate::risk::address_hash`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
        /// The paid-ads click id parameter the link carried (`gclid`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ad_param: Option<String>,
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
