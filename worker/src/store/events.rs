//! What recording a conversion reads (the partner and their referral chain, counts that tiered
//! and subscription rules need, an order's sale and commissions) and the rows it writes (the
//! event, its commissions and clawbacks), written by the caller in one batch.

use serde::Deserialize;

use super::{first, parse};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};

/// Where an event and what it earns are written: the live book (`events`, `ledger`), or test
/// mode's (`test_events`, `test_ledger`), which nothing that sums money reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    Live,
    Test,
}

impl Book {
    pub fn of(test: bool) -> Self {
        if test { Book::Test } else { Book::Live }
    }

    pub fn is_test(self) -> bool {
        self == Book::Test
    }
}

/// A statement's text in `book`: `$sql` is a macro that writes it from the two table names.
macro_rules! in_book {
    ($book:expr, $sql:ident) => {
        match $book {
            Book::Live => $sql!("events", "ledger"),
            Book::Test => $sql!("test_events", "test_ledger"),
        }
    };
}

/// A partner as crediting sees them: active or not, their address (self-referrals), parent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Creditee {
    pub status: Option<String>,
    /// Lower case, the partner's own change first.
    pub email: Option<String>,
    pub parent: Option<String>,
}

impl Creditee {
    pub fn is_active(&self) -> bool {
        self.status.as_deref() == Some("active")
    }
}

/// The partner `code` (all empty if there is none).
pub async fn creditee(platform: &impl Platform, code: &str) -> Result<Creditee, PlatformError> {
    Ok(first(
        platform,
        Statement::new(
            "SELECT p.status AS status, lower(coalesce(u.email, p.email)) AS email, p.parent AS parent \
             FROM partners p LEFT JOIN profile_updates u ON u.partner = p.code WHERE p.code = ?",
            vec![code.into()],
        ),
    )
    .await?
    .unwrap_or_default())
}

async fn count(platform: &impl Platform, statement: Statement) -> Result<i64, PlatformError> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    Ok(first::<Count>(platform, statement)
        .await?
        .map_or(0, |c| c.n))
}

/// The paid months of a subscription recorded before in `book` (a free trial's zero payment
/// is none).
pub async fn paid_months(
    platform: &impl Platform,
    book: Book,
    order: Option<&str>,
) -> Result<i64, PlatformError> {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "SELECT count(*) AS n FROM ",
                $events,
                " WHERE order_id = ? AND type = 'subscription_payment' AND amount_minor > 0"
            )
        };
    }
    count(
        platform,
        Statement::new(in_book!(book, sql), vec![order.into()]),
    )
    .await
}

/// The partner's sales from `from` up to and including `to` (a tier's count this month).
pub async fn sales_between(
    platform: &impl Platform,
    partner: &str,
    from: i64,
    to: i64,
) -> Result<i64, PlatformError> {
    count(
        platform,
        Statement::new(
            "SELECT count(*) AS n FROM events WHERE partner = ? AND type = 'sale' AND occurred_at >= ? AND occurred_at <= ?",
            vec![partner.into(), from.into(), to.into()],
        ),
    )
    .await
}

/// An order's sales (and subscription payments): how many, their total, whose.
#[derive(Debug, Clone, Deserialize)]
pub struct Sold {
    pub n: i64,
    pub total: i64,
    pub partner: Option<String>,
    pub program: Option<String>,
    pub currency: Option<String>,
}

pub async fn sold(
    platform: &impl Platform,
    book: Book,
    order: &str,
) -> Result<Sold, PlatformError> {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "SELECT coalesce(sum(amount_minor), 0) AS total, count(*) AS n, max(partner) AS partner, \
                 max(program) AS program, max(currency) AS currency FROM ",
                $events,
                " WHERE order_id = ? AND type IN ('sale', 'subscription_payment')"
            )
        };
    }
    let found: Option<Sold> = first(
        platform,
        Statement::new(in_book!(book, sql), vec![order.into()]),
    )
    .await?;
    Ok(found.unwrap_or(Sold {
        n: 0,
        total: 0,
        partner: None,
        program: None,
        currency: None,
    }))
}

/// A commission of an order, with what refunds took from it so far.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderCommission {
    pub id: String,
    pub partner: String,
    pub program: Option<String>,
    pub amount: i64,
    pub level: i64,
    pub seller: Option<String>,
    pub conversion: Option<String>,
    /// The clawbacks' sum (≤ 0).
    pub clawed: i64,
}

pub async fn order_commissions(
    platform: &impl Platform,
    book: Book,
    order: &str,
) -> Result<Vec<OrderCommission>, PlatformError> {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "SELECT l.id AS id, l.partner AS partner, l.program AS program, l.amount_minor AS amount, \
                 l.level AS level, l.seller AS seller, l.conversion AS conversion, \
                 (SELECT coalesce(sum(c.amount_minor), 0) FROM ",
                $ledger,
                " c WHERE c.reverses = l.id) AS clawed FROM ",
                $ledger,
                " l WHERE l.order_id = ? AND l.kind = 'commission' ORDER BY l.id"
            )
        };
    }
    platform
        .query(Statement::new(in_book!(book, sql), vec![order.into()]))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The event row of a lead, sale or subscription payment (its columns in the table's order).
pub fn insert_conversion(book: Book, values: Vec<SqlValue>) -> Statement {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "INSERT INTO ",
                $events,
                " (id, type, body_hash, partner, program, attribution, click_id, slug, sub, order_id, product, \
                 amount_minor, currency, customer_hash, customer_label, self_referral, occurred_at, received_at, result, \
                 risk_band, risk_score, risk_fired) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
        };
    }
    Statement::new(in_book!(book, sql), values)
}

/// A commission's ledger row (id, partner, program, amount, currency, occurred, payable, event,
/// order, level, rule, seller, conversion, base, source, build).
pub fn insert_commission(book: Book, values: Vec<SqlValue>) -> Statement {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "INSERT INTO ",
                $ledger,
                " (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, event_id, order_id, \
                 level, rule, seller, conversion, base_minor, source, build_id) \
                 VALUES (?, ?, ?, 'commission', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
        };
    }
    Statement::new(in_book!(book, sql), values)
}

/// A clawback's ledger row (id, partner, program, amount, currency, occurred, payable, event,
/// order, level, reverses, rule, seller, conversion, base).
pub fn insert_clawback(book: Book, values: Vec<SqlValue>) -> Statement {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "INSERT INTO ",
                $ledger,
                " (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, event_id, order_id, \
                 level, reverses, rule, seller, conversion, base_minor) \
                 VALUES (?, ?, ?, 'clawback', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
        };
    }
    Statement::new(in_book!(book, sql), values)
}

/// A refund's event row (id, body hash, partner, program, order, amount, currency, customer
/// hash and label, occurred, received, result).
pub fn insert_refund(book: Book, values: Vec<SqlValue>) -> Statement {
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!(
                "INSERT INTO ",
                $events,
                " (id, type, body_hash, partner, program, attribution, order_id, amount_minor, currency, \
                 customer_hash, customer_label, occurred_at, received_at, result) \
                 VALUES (?, 'refund', ?, ?, ?, 'order', ?, ?, ?, ?, ?, ?, ?, ?)"
            )
        };
    }
    Statement::new(in_book!(book, sql), values)
}

/// The body hash and stored answer of an event id, if it was recorded in `book`.
pub async fn event_answer(
    platform: &impl Platform,
    book: Book,
    id: &str,
) -> Result<Option<(String, String)>, PlatformError> {
    #[derive(Deserialize)]
    struct Stored {
        body_hash: String,
        result: String,
    }
    macro_rules! sql {
        ($events:literal, $ledger:literal) => {
            concat!("SELECT body_hash, result FROM ", $events, " WHERE id = ?")
        };
    }
    let found: Option<Stored> = first(
        platform,
        Statement::new(in_book!(book, sql), vec![id.into()]),
    )
    .await?;
    Ok(found.map(|s| (s.body_hash, s.result)))
}

/// A program's stored settings: currency, rules (JSON), where they are written, the build.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredProgram {
    pub currency: String,
    pub rules_json: String,
    pub source: Option<String>,
    pub build_id: String,
    /// 0 when the program's file says `paid_ads: false`.
    pub paid_ads: i64,
}

pub async fn program(
    platform: &impl Platform,
    id: &str,
) -> Result<Option<StoredProgram>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT currency, rules_json, source, build_id, paid_ads FROM programs WHERE id = ?",
            vec![id.into()],
        ),
    )
    .await
}

#[derive(Deserialize)]
struct Partner {
    partner: String,
}

#[derive(Deserialize)]
struct Program {
    program: String,
}

/// The program that pays a partner (their first).
pub async fn paying_program(
    platform: &impl Platform,
    partner: &str,
) -> Result<Option<String>, PlatformError> {
    Ok(first::<Program>(
        platform,
        Statement::new(
            "SELECT program FROM partner_programs WHERE partner = ? ORDER BY rank LIMIT 1",
            vec![partner.into()],
        ),
    )
    .await?
    .map(|p| p.program))
}

/// A click as attribution reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredClick {
    pub partner: String,
    pub program: String,
    pub slug: String,
    pub sub: Option<String>,
    pub referrer_host: Option<String>,
    pub address: Option<String>,
    pub ad_param: Option<String>,
    pub created_at: i64,
}

pub async fn click(
    platform: &impl Platform,
    id: &str,
) -> Result<Option<StoredClick>, PlatformError> {
    first(
        platform,
        Statement::new(
            "SELECT partner, program, slug, sub, referrer_host, address, ad_param, created_at FROM clicks WHERE id = ?",
            vec![id.into()],
        ),
    )
    .await
}

pub async fn partner_exists(platform: &impl Platform, code: &str) -> Result<bool, PlatformError> {
    Ok(count(
        platform,
        Statement::new(
            "SELECT count(*) AS n FROM partners WHERE code = ?",
            vec![code.into()],
        ),
    )
    .await?
        > 0)
}

/// The partner a coupon code belongs to.
pub async fn coupon_partner(
    platform: &impl Platform,
    coupon: &str,
) -> Result<Option<String>, PlatformError> {
    Ok(first::<Partner>(
        platform,
        Statement::new(
            "SELECT partner FROM coupons WHERE code = ?",
            vec![coupon.into()],
        ),
    )
    .await?
    .map(|p| p.partner))
}

/// The partner and program of an order's first attributed event.
pub async fn order_partner(
    platform: &impl Platform,
    order: &str,
) -> Result<Option<(String, String)>, PlatformError> {
    #[derive(Deserialize)]
    struct Owner {
        partner: String,
        program: Option<String>,
    }
    Ok(first::<Owner>(
        platform,
        Statement::new(
            "SELECT partner, program FROM events WHERE order_id = ? AND partner IS NOT NULL ORDER BY occurred_at LIMIT 1",
            vec![order.into()],
        ),
    )
    .await?
    .map(|o| (o.partner, o.program.unwrap_or_default())))
}

/// The partner who first brought a customer to a program between `from` and `to`.
pub async fn first_partner_of_customer(
    platform: &impl Platform,
    customer_hash: &str,
    program: &str,
    (from, to): (i64, i64),
) -> Result<Option<String>, PlatformError> {
    Ok(first::<Partner>(
        platform,
        Statement::new(
            "SELECT partner FROM events WHERE customer_hash = ? AND program = ? AND partner IS NOT NULL \
             AND occurred_at >= ? AND occurred_at <= ? ORDER BY occurred_at LIMIT 1",
            vec![customer_hash.into(), program.into(), from.into(), to.into()],
        ),
    )
    .await?
    .map(|p| p.partner))
}
