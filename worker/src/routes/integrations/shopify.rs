//! `POST /api/v1/integrations/shopify`: Shopify's webhooks, signed as Shopify documents it
//! (`X-Shopify-Hmac-Sha256`: the base64 HMAC-SHA256 of the raw body with the app's secret,
//! `SHOPIFY_WEBHOOK_SECRET`), the topic in `X-Shopify-Topic`.
//!
//! - `orders/paid`: a sale of the order `shopify:<id>`, attributed by the click id or partner
//!   code the order carries (note attributes, which /pc.js fills through the cart form's hidden
//!   inputs, or the landing page's query), else by a discount code that is a partner's coupon.
//! - `refunds/create`: a refund of that order, the sum of its successful refund transactions.
//!
//! Orders and refunds have one id each, so a webhook delivered twice is recorded once.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::StatusCode;
use serde_json::Value;
use sha2::Sha256;

use super::{
    Action, Hints, LinkParams, attribution_fields, carry_out, event_body, link_params,
    not_configured, secret, text,
};
use crate::http_util::{header_str, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::events::Arrival;
use crate::{Request, Response};

/// Checks `X-Shopify-Hmac-Sha256` against the raw body (constant-time).
pub fn verify(header: Option<&str>, body: &[u8], secret: &str) -> Result<(), &'static str> {
    let header = header.ok_or("missing X-Shopify-Hmac-Sha256 header")?;
    let sent = base64::engine::general_purpose::STANDARD
        .decode(header.trim())
        .map_err(|_| "X-Shopify-Hmac-Sha256 is not base64")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "bad secret")?;
    mac.update(body);
    mac.verify_slice(&sent)
        .map_err(|_| "X-Shopify-Hmac-Sha256 does not match")
}

pub async fn receive<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(secret) = secret(ctx, "SHOPIFY_WEBHOOK_SECRET") else {
        return not_configured(ctx, "shopify", "SHOPIFY_WEBHOOK_SECRET").await;
    };
    let body = req.body();
    if let Err(why) = verify(header_str(req, "x-shopify-hmac-sha256"), body, &secret) {
        return Ok(json_error(StatusCode::BAD_REQUEST, why));
    }
    let Ok(object) = serde_json::from_slice::<Value>(body) else {
        return Ok(json_error(StatusCode::BAD_REQUEST, "the body is not JSON"));
    };
    let topic = header_str(req, "x-shopify-topic").unwrap_or_default();
    let Some(id) = object.get("id").and_then(Value::as_u64) else {
        return Ok(json_error(
            StatusCode::BAD_REQUEST,
            "the object has no numeric id",
        ));
    };
    let action = match topic {
        "orders/paid" => {
            let params = link_params(ctx).await?;
            order_paid(ctx, id, &object, params.as_ref()).await?
        }
        "refunds/create" => refund_created(id, &object),
        other => Action::Ignore(format!("{other:?} is not a topic the program pays on")),
    };
    let arrival = Arrival {
        integration: "shopify",
        id: &format!("shopify {topic} {id}"),
        kind: topic,
        // A test order (Shopify's test payment gateway): recorded, never payable. Its refunds
        // follow the order into the test book.
        test: object.get("test") == Some(&Value::Bool(true)),
    };
    carry_out(ctx, arrival, action).await
}

/// The value of `name` in the order's note attributes, else in its landing page's query.
fn carried(order: &Value, name: &str) -> Option<String> {
    let attributes = order.get("note_attributes").and_then(Value::as_array);
    attributes
        .into_iter()
        .flatten()
        .find(|a| text(a, "name") == Some(name))
        .and_then(|a| text(a, "value"))
        .map(str::to_owned)
        .or_else(|| {
            let landing = text(order, "landing_site")?;
            let url = url::Url::parse("https://store.invalid")
                .ok()?
                .join(landing)
                .ok()?;
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        })
}

async fn order_paid<P: Platform>(
    ctx: &Ctx<'_, P>,
    id: u64,
    order: &Value,
    params: Option<&LinkParams>,
) -> Result<Action, PlatformError> {
    let (Some(amount), Some(currency), Some(at)) = (
        text(order, "total_price"),
        text(order, "currency"),
        text(order, "processed_at").or_else(|| text(order, "created_at")),
    ) else {
        return Ok("an order without total_price, currency or time".into());
    };
    let hints = Hints {
        click_id: params.and_then(|p| carried(order, &p.click_param)),
        partner: params.and_then(|p| carried(order, &p.partner_param)),
        coupons: order
            .get("discount_codes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| text(d, "code").map(str::to_owned))
            .collect(),
    };
    let mut fields = attribution_fields(ctx, &hints).await?;
    fields.extend([
        ("order_id", format!("shopify:{id}")),
        ("amount", amount.to_owned()),
        ("currency", currency.to_ascii_uppercase()),
    ]);
    let email =
        text(order, "email").or_else(|| order.pointer("/customer/email").and_then(Value::as_str));
    Ok(Action::Event {
        body: event_body(&format!("shopify:order:{id}"), "sale", at, fields, email),
        extra: Vec::new(),
    })
}

fn refund_created(id: u64, refund: &Value) -> Action {
    let (Some(order), Some(at)) = (
        refund.get("order_id").and_then(Value::as_u64),
        text(refund, "processed_at").or_else(|| text(refund, "created_at")),
    ) else {
        return "a refund without order_id or time".into();
    };
    let transactions: Vec<&Value> = refund
        .get("transactions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| text(t, "kind") == Some("refund") && text(t, "status") == Some("success"))
        .collect();
    let Some(currency) = transactions.first().and_then(|t| text(t, "currency")) else {
        return "a refund with no successful refund transaction (nothing was paid back)".into();
    };
    let Ok(currency) = pc_core::Currency::parse(&currency.to_ascii_uppercase()) else {
        return "a refund in an unknown currency".into();
    };
    let mut total = pc_core::Money::zero(currency);
    for t in &transactions {
        match text(t, "amount").map(|a| pc_core::Money::parse(a, currency)) {
            Some(Ok(amount)) => match total.checked_add(amount) {
                Ok(sum) => total = sum,
                Err(_) => return "refund transactions too large to add".into(),
            },
            _ => return "a refund transaction without a valid amount".into(),
        }
    }
    Action::Event {
        body: event_body(
            &format!("shopify:refund:{id}"),
            "refund",
            at,
            vec![
                ("order_id", format!("shopify:{order}")),
                ("amount", total.decimal_string()),
                ("currency", currency.code().to_owned()),
            ],
            None,
        ),
        extra: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::verify;

    #[test]
    fn the_hmac_is_the_base64_of_the_raw_body() {
        // Computed independently (Python's hmac and base64).
        let body = br#"{"id":820982911946154508}"#;
        let header = "2VuwgOxV7lBdW5AkiXu3JWb6Vca+1h3cYgcq66Atf5E=";
        assert!(verify(Some(header), body, "shpss_test_secret_1234").is_ok());
        assert!(
            verify(
                Some(header),
                br#"{"id":820982911946154509}"#,
                "shpss_test_secret_1234"
            )
            .is_err()
        );
        assert!(verify(Some(header), body, "another_secret_entirely").is_err());
        assert!(verify(Some("not base64!"), body, "shpss_test_secret_1234").is_err());
        assert!(verify(None, body, "shpss_test_secret_1234").is_err());
    }
}
