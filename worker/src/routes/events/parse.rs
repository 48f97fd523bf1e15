//! Stage 2: the event body, read strictly and validated into an [`Event`]. Nothing here
//! reads the database.

use http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use super::verify::SIGNATURE_WINDOW_SECONDS;
use super::{Reject, reject};
use crate::config::Config;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    occurred_at: String,
    #[serde(default)]
    click_id: Option<String>,
    #[serde(default)]
    partner: Option<String>,
    #[serde(default)]
    coupon: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    customer: Option<Customer>,
    /// A test from the store (its test mode): recorded in the test book, never payable.
    #[serde(default)]
    test: bool,
    /// Free-form data from the store; accepted and ignored.
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Customer {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
    /// The buyer's IP address, when the store knows it: compared (as a keyed hash) with the
    /// addresses the partner signed in from, never stored.
    #[serde(default)]
    ip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Lead,
    Sale,
    SubscriptionPayment,
    Refund,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Lead => "lead",
            Kind::Sale => "sale",
            Kind::SubscriptionPayment => "subscription_payment",
            Kind::Refund => "refund",
        }
    }
}

/// A valid event, as the later stages use it.
#[derive(Debug)]
pub(super) struct Event {
    pub(super) id: String,
    pub(super) kind: Kind,
    pub(super) occurred: time::OffsetDateTime,
    pub(super) occurred_at: i64,
    pub(super) click_id: Option<String>,
    pub(super) partner: Option<String>,
    pub(super) coupon: Option<String>,
    pub(super) order_id: Option<String>,
    /// The amount as sent (a decimal string); read in the program's currency later.
    pub(super) amount: Option<String>,
    pub(super) currency: Option<String>,
    pub(super) product: Option<String>,
    /// The customer's e-mail, lower-cased (only for matching; never stored in clear).
    pub(super) email: Option<String>,
    /// A keyed hash of the e-mail (first-click matching, self-referral).
    pub(super) customer_hash: Option<String>,
    /// `j***@example.com`, for reports.
    pub(super) customer_label: Option<String>,
    /// The keyed hash of the buyer's public address (`customer.ip`), if sent.
    pub(super) customer_address: Option<String>,
    /// Sent as a test (`"test": true`).
    pub(super) test: bool,
}

/// `j***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

pub fn printable(text: &str, max: usize) -> bool {
    !text.is_empty() && text.len() <= max && !text.chars().any(char::is_control)
}

/// Reads and checks the body: a 400/422 with a message for anything wrong.
pub(super) fn parse(body: &[u8], config: &Config, now: i64) -> Result<Event, Reject> {
    let event: EventBody = serde_json::from_slice(body)
        .map_err(|e| reject(StatusCode::BAD_REQUEST, format!("malformed event: {e}")))?;
    if !printable(&event.id, 128) {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "`id` must be 1 to 128 printable characters",
        ));
    }
    let kind = match event.kind.as_str() {
        "lead" => Kind::Lead,
        "sale" => Kind::Sale,
        "subscription_payment" => Kind::SubscriptionPayment,
        "refund" => Kind::Refund,
        other => {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                format!("unknown type {other:?}: use lead, sale, subscription_payment or refund"),
            ));
        }
    };
    let occurred = time::OffsetDateTime::parse(
        &event.occurred_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|_| {
        reject(
            StatusCode::BAD_REQUEST,
            "`occurred_at` must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z",
        )
    })?;
    let occurred_at = occurred.unix_timestamp();
    if occurred_at > now + SIGNATURE_WINDOW_SECONDS {
        return Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            "`occurred_at` is in the future",
        ));
    }
    for (name, value, max) in [
        ("order_id", &event.order_id, 128),
        ("product", &event.product, 128),
        ("click_id", &event.click_id, 64),
        ("partner", &event.partner, 32),
        ("coupon", &event.coupon, 32),
    ] {
        if value.as_deref().is_some_and(|v| !printable(v, max)) {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                format!("`{name}` must be 1 to {max} printable characters"),
            ));
        }
    }
    let amount = event.amount.as_deref().map(|a| a.trim().to_owned());
    if kind != Kind::Lead && amount.is_none() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            format!(
                "a {} needs `amount` (a decimal string) and `currency`",
                kind.as_str()
            ),
        ));
    }
    if amount.as_deref().is_some_and(|a| a.starts_with('-')) {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "`amount` must not be negative (send refunds as type refund)",
        ));
    }
    if kind != Kind::Lead && event.order_id.is_none() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            format!("a {} needs `order_id`", kind.as_str()),
        ));
    }
    let email = event
        .customer
        .as_ref()
        .and_then(|c| c.email.as_deref())
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    if email
        .as_deref()
        .is_some_and(|e| !printable(e, 254) || !e.contains('@'))
    {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "`customer.email` is not an e-mail address",
        ));
    }
    let customer_hash = email
        .as_deref()
        .map(|e| config.keys.mac_hex("customer", e)[..32].to_owned());
    let customer_label = email.as_deref().map(mask_email);
    let customer_ip = event.customer.as_ref().and_then(|c| c.ip.as_deref());
    if customer_ip.is_some_and(|ip| ip.trim().parse::<std::net::IpAddr>().is_err()) {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "`customer.ip` is not an IP address",
        ));
    }
    let customer_address = customer_ip
        .and_then(crate::risk::public)
        .map(|ip| crate::risk::address_hash(&config.keys, ip));
    Ok(Event {
        id: event.id,
        kind,
        occurred,
        occurred_at,
        click_id: event.click_id,
        partner: event.partner,
        coupon: event.coupon,
        order_id: event.order_id,
        amount,
        currency: event.currency,
        product: event.product,
        email,
        customer_hash,
        customer_label,
        customer_address,
        test: event.test,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_masked() {
        assert_eq!(mask_email("jane@example.com"), "j***@example.com");
        assert_eq!(mask_email("nope"), "***");
    }
}
