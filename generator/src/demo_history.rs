//! Sample activity for the demo content (`site.yaml`: `demo: true`): on the first `serve`,
//! eight weeks of clicks (with sub-ids), leads, sales, a subscription and refunds, sent
//! through the real, signed events API so every figure comes from the same code as in
//! production. Payouts in `payouts/` are backed by earnings that were payable before their
//! date, and only unpaid orders are refunded, so every balance starts out at zero or more.
//!
//! Clicks are written straight into the database (the redirect can only record "now").

use pc_worker::native::Database;
use pc_worker::{SqlValue, Statement};
use serde_json::{Value, json};

use crate::content::{Content, Partner, PartnerStatus};

const DAY: i64 = 86_400;
const WEEKS: i64 = 8;
const SUB_IDS: &[&str] = &[
    "newsletter",
    "instagram-bio",
    "youtube-review",
    "blog-sidebar",
    "",
];
const REFERRERS: &[&str] = &[
    "instagram.com",
    "youtube.com",
    "news.example",
    "google.com",
    "",
];
const COUNTRIES: &[&str] = &["US", "US", "CA", "GB", "DE", "AU"];

/// A small deterministic generator (xorshift64*): the same demo every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// In `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo history: {0}")]
    Http(String),
    #[error(transparent)]
    Database(#[from] pc_worker::native::DatabaseError),
}

/// Sends events to the local portal, signed as the owner's store would.
struct Store {
    base: String,
    secret: String,
    agent: ureq::Agent,
    sent: usize,
}

impl Store {
    fn send(&mut self, body: &Value) -> Result<Value, DemoError> {
        let text = body.to_string();
        let now = crate::clock::unix_now();
        let signature = pc_worker::routes::events::signature(&self.secret, now, text.as_bytes());
        let mut reply = self
            .agent
            .post(format!("{}/api/v1/events", self.base))
            .header("content-type", "application/json")
            .header("partner-signature", &signature)
            .send(text.as_str())
            .map_err(|e| DemoError::Http(e.to_string()))?;
        let status = reply.status().as_u16();
        let answer: Value = reply.body_mut().read_json().unwrap_or_default();
        if status >= 400 {
            return Err(DemoError::Http(format!("{status} for {text}: {answer}")));
        }
        self.sent += 1;
        Ok(answer)
    }
}

fn iso(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn money_text(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Whether the database has no events yet (the first `serve`).
pub fn is_empty(db: &Database) -> Result<bool, DemoError> {
    Ok(db
        .query(&Statement::new("SELECT 1 AS x FROM events LIMIT 1", vec![]))?
        .is_empty())
}

/// The partner's link slugs (those of their programs, offered today).
fn slugs<'c>(content: &'c Content, partner: &Partner) -> Vec<&'c str> {
    let today = crate::clock::today();
    content
        .links
        .iter()
        .filter(|l| partner.programs.iter().any(|p| l.audience.includes(p)))
        .filter(|l| crate::content::offered(l.expires, today))
        .map(|l| l.slug.as_str())
        .collect()
}

/// Writes the history; returns how many clicks and events it made.
pub fn seed(
    content: &Content,
    db: &Database,
    base: &str,
    events_secret: &str,
    now: i64,
) -> Result<(usize, usize), DemoError> {
    let mut store = Store {
        base: base.trim_end_matches('/').to_owned(),
        secret: events_secret.to_owned(),
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into(),
        sent: 0,
    };
    let mut dice = Dice(0x5eed_cafe_f00d_1234);
    let mut clicks = 0;
    let mut order = 1000;
    let start = now - WEEKS * 7 * DAY;
    for partner in content
        .partners
        .iter()
        .filter(|p| p.status == PartnerStatus::Active)
    {
        let code = partner.code.as_str();
        let program = content.program(&partner.programs[0]);
        let hold = program.map_or(0, |p| i64::from(p.commission.hold_days)) * DAY;
        let paid_until = content
            .payouts
            .iter()
            .filter(|p| p.partner == partner.code)
            .map(|p| p.date.midnight().assume_utc().unix_timestamp())
            .max()
            .unwrap_or(i64::MIN);

        // Earnings behind every recorded payout: sales that were payable before its date.
        for payout in content.payouts.iter().filter(|p| p.partner == partner.code) {
            let date = payout.date.midnight().assume_utc().unix_timestamp();
            let mut covered = 0_i64;
            let mut at = date - hold - 2 * DAY;
            while covered < payout.amount.minor() {
                order += 1;
                let answer = store.send(&json!({
                    "id": format!("demo-{order}"), "type": "sale", "occurred_at": iso(at),
                    "partner": code, "order_id": format!("DEMO-{order}"),
                    "amount": money_text(4_000 + dice.below(16_000)), "currency": content.site.currency.code(),
                    "customer": { "email": format!("buyer{order}@customers.example") },
                }))?;
                let earned: i64 = answer["commissions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| c["partner"] == code)
                    .filter_map(|c| c["amount"].as_str())
                    .filter_map(|a| pc_core::Money::parse(a, content.site.currency).ok())
                    .map(pc_core::Money::minor)
                    .sum();
                if earned <= 0 {
                    break;
                }
                covered += earned;
                at -= 3_600 * 7;
            }
        }

        // Eight weeks of everyday activity: clicks, and some of them convert.
        let links = slugs(content, partner);
        if links.is_empty() {
            continue;
        }
        let busy = 3 + dice.below(10);
        for day in 0..WEEKS * 7 {
            for _ in 0..(busy + dice.below(busy)) {
                let clicked = start + day * DAY + dice.below(DAY as u64) as i64;
                if clicked >= now {
                    continue;
                }
                let id = format!("democlick{clicks:06}");
                let slug = dice.pick(&links);
                let sub = dice.pick(SUB_IDS);
                db.execute(&Statement::new(
                    "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    vec![
                        id.as_str().into(),
                        code.into(),
                        partner.programs[0].as_str().into(),
                        slug.into(),
                        if sub.is_empty() { SqlValue::Null } else { sub.into() },
                        dice.pick(REFERRERS).into(),
                        dice.pick(COUNTRIES).into(),
                        if dice.below(3) == 0 { "mobile" } else { "desktop" }.into(),
                        format!("v{}", dice.below(5_000)).into(),
                        clicked.into(),
                    ],
                ))?;
                clicks += 1;
                let converted = (clicked + 600 + dice.below(5 * 3_600) as i64).min(now - 60);
                let roll = dice.below(100);
                let customer = json!({ "email": format!("visitor{clicks}@customers.example") });
                if roll < 4 {
                    store.send(&json!({
                        "id": format!("demo-lead-{clicks}"), "type": "lead", "occurred_at": iso(converted),
                        "click_id": id, "customer": customer,
                    }))?;
                } else if roll < 8 {
                    order += 1;
                    let amount = 1_800 + dice.below(23_000);
                    store.send(&json!({
                        "id": format!("demo-{order}"), "type": "sale", "occurred_at": iso(converted),
                        "click_id": id, "order_id": format!("DEMO-{order}"),
                        "amount": money_text(amount), "currency": content.site.currency.code(), "customer": customer,
                    }))?;
                    // One sale in eight comes back; only orders no payout has touched.
                    if dice.below(8) == 0 && converted > paid_until {
                        let refunded = if dice.below(2) == 0 {
                            amount
                        } else {
                            amount / 2
                        };
                        let back =
                            (converted + DAY + dice.below(10 * DAY as u64) as i64).min(now - 30);
                        store.send(&json!({
                            "id": format!("demo-refund-{order}"), "type": "refund", "occurred_at": iso(back),
                            "order_id": format!("DEMO-{order}"), "amount": money_text(refunded),
                            "currency": content.site.currency.code(),
                        }))?;
                    }
                }
            }
        }

        // A monthly subscription that started seven weeks ago.
        if program.is_some_and(|p| p.commission.subscription.is_some()) {
            order += 1;
            let mut at = start + 7 * DAY;
            let mut n = 0;
            while at < now {
                n += 1;
                store.send(&json!({
                    "id": format!("demo-sub-{order}-{n}"), "type": "subscription_payment", "occurred_at": iso(at),
                    "partner": code, "order_id": format!("DEMO-SUB-{order}"),
                    "amount": "25.00", "currency": content.site.currency.code(),
                }))?;
                at += 30 * DAY;
            }
        }
    }
    held_for_review(content, db, &mut store, now)?;
    Ok((clicks, store.sent))
}

/// One sale that `risk.yaml` holds for review, so that the console's Risk page has something
/// to show: seconds after a click from the first block-listed site, for the first active
/// partner (nothing without such a rule).
fn held_for_review(
    content: &Content,
    db: &Database,
    store: &mut Store,
    now: i64,
) -> Result<(), DemoError> {
    let Some(host) = content
        .risk
        .rules
        .blocked_referrer
        .as_ref()
        .and_then(|r| r.hosts.first())
    else {
        return Ok(());
    };
    let Some(partner) = content
        .partners
        .iter()
        .find(|p| p.status == PartnerStatus::Active)
    else {
        return Ok(());
    };
    let Some(slug) = slugs(content, partner).first().copied() else {
        return Ok(());
    };
    let clicked = now - 3 * DAY;
    db.execute(&Statement::new(
        "INSERT INTO clicks (id, partner, program, slug, sub, referrer_host, country, agent, visitor, created_at) \
         VALUES ('democlick-review', ?, ?, ?, NULL, ?, 'US', 'desktop', 'v-review', ?)",
        vec![
            partner.code.as_str().into(),
            partner.programs[0].as_str().into(),
            slug.into(),
            format!("deals.{host}").into(),
            clicked.into(),
        ],
    ))?;
    store.send(&json!({
        "id": "demo-review", "type": "sale", "occurred_at": iso(clicked + 4),
        "click_id": "democlick-review", "order_id": "DEMO-REVIEW",
        "amount": "64.00", "currency": content.site.currency.code(),
    }))?;
    repeated_clicks(content, db, now)
}

/// One visitor's burst of clicks on the second active partner's links, yesterday: the click
/// past `click_burst`'s limit is not counted, and the partner is flagged (migration 0024's
/// trigger), so the Risk page lists a partner too (nothing without the rule).
fn repeated_clicks(content: &Content, db: &Database, now: i64) -> Result<(), DemoError> {
    if content.risk.rules.click_burst.is_none() {
        return Ok(());
    }
    let Some(partner) = content
        .partners
        .iter()
        .filter(|p| p.status == PartnerStatus::Active)
        .nth(1)
    else {
        return Ok(());
    };
    let Some(slug) = slugs(content, partner).first().copied() else {
        return Ok(());
    };
    let at = now - DAY;
    db.execute(&Statement::new(
        "INSERT INTO filtered_clicks (id, partner, slug, sub, reason, detail, created_at) \
         VALUES (?, ?, ?, NULL, 'repeated', NULL, ?)",
        vec![
            ((at * 1000) << 22).to_string().into(),
            partner.code.as_str().into(),
            slug.into(),
            at.into(),
        ],
    ))?;
    Ok(())
}
