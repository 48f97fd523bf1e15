//! `doctor --remote` with the owner token: what reached the deployed portal from the stores
//! (the console's Setup page, `GET /api/v1/owner/setup`): each integration whose secret is set
//! has received a webhook and recorded it, and the tracking script reports from a store page.

use serde_json::Value;

use super::Check;

/// The checks, from the Setup API's answer.
pub(super) fn checks(setup: &Value) -> Vec<Check> {
    let mut checks = Vec::new();
    for integration in setup["integrations"].as_array().into_iter().flatten() {
        let label = integration["label"].as_str().unwrap_or("an integration");
        let url = integration["url"].as_str().unwrap_or("");
        let name = format!("{label} webhooks");
        let last = &integration["last"];
        if integration["configured"] != true {
            // Not used, unless the store sends webhooks the worker cannot check.
            if last["outcome"] == "not configured" {
                let secret = integration["secret"].as_str().unwrap_or("its secret");
                checks.push(Check::fail(
                    name,
                    format!("webhooks arrive at {url}, but {secret} is not set: each is refused"),
                    format!("`{secret}=… partner-center setup cloudflare` with the webhook's signing secret"),
                ));
            }
            continue;
        }
        checks.push(match last["outcome"].as_str() {
            None => Check::fail(
                name,
                "its secret is set, but nothing has arrived yet",
                format!("send the store's webhooks to {url} (README \"Connect a store\"), then make a test purchase"),
            ),
            Some("refused") => Check::fail(
                name,
                format!(
                    "the last, {}, was refused: {}",
                    last["event_type"].as_str().unwrap_or("?"),
                    last["detail"].as_str().unwrap_or("?")
                ),
                "see the console's Setup page; the store's webhook log has the same answer",
            ),
            Some(outcome) => Check::pass(
                name,
                format!(
                    "the last, {}{}: {outcome}{}",
                    last["event_type"].as_str().unwrap_or("?"),
                    if last["test"] == true { " (test)" } else { "" },
                    match (last["partner"].as_str(), last["detail"].as_str()) {
                        (Some(p), Some(d)) => format!(", {p} by {d}"),
                        (None, Some(d)) => format!(", {d}"),
                        _ => String::new(),
                    }
                ),
            ),
        });
    }
    let hits = setup["script_hits"].as_array().cloned().unwrap_or_default();
    let script = setup["script_url"].as_str().unwrap_or("/pc.js");
    checks.push(match hits.iter().find(|h| h["click_known"] == true) {
        Some(hit) => Check::pass(
            "tracking script on the store",
            format!(
                "{} reports, with partner clicks",
                hit["domain"].as_str().unwrap_or("?")
            ),
        ),
        None if !hits.is_empty() => Check::fail(
            "tracking script on the store",
            format!(
                "{} reports, but no partner link has landed there with a click id of ours",
                hits[0]["domain"].as_str().unwrap_or("?")
            ),
            "open one of your partner links: it must land on a page with the script, its address keeping the click id",
        ),
        None => Check::fail(
            "tracking script on the store",
            "no store page has reported yet",
            format!("add <script src=\"{script}\" defer></script> to every page of your store, then open a partner link"),
        ),
    });
    checks
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::checks;

    #[test]
    fn a_configured_integration_without_webhooks_and_a_silent_script_fail() {
        let found = checks(&json!({
            "script_url": "https://p.example/pc.js",
            "integrations": [
                { "label": "Stripe", "configured": true, "url": "https://p.example/api/v1/integrations/stripe", "last": null },
                { "label": "Shopify", "configured": false, "last": null }
            ],
            "script_hits": []
        }));
        assert_eq!(found.len(), 2, "Shopify is not used: {found:?}");
        assert!(found.iter().all(|c| !c.holds()));
        assert!(
            found[0]
                .fix
                .as_deref()
                .unwrap_or("")
                .contains("/api/v1/integrations/stripe")
        );
        assert!(
            found[1]
                .fix
                .as_deref()
                .unwrap_or("")
                .contains("https://p.example/pc.js")
        );
    }

    #[test]
    fn webhooks_to_an_integration_without_its_secret_fail() {
        let found = checks(&json!({
            "integrations": [{ "label": "Shopify", "configured": false, "secret": "SHOPIFY_WEBHOOK_SECRET",
                "url": "https://p.example/api/v1/integrations/shopify", "last": { "outcome": "not configured" } }],
            "script_hits": [{ "domain": "shop.example", "click_known": true }]
        }));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(!found[0].holds());
        assert!(
            found[0].found.contains("SHOPIFY_WEBHOOK_SECRET is not set"),
            "{found:?}"
        );
    }

    #[test]
    fn a_recorded_test_webhook_and_a_click_on_the_store_hold() {
        let found = checks(&json!({
            "integrations": [{ "label": "Stripe", "configured": true, "last": {
                "event_type": "checkout.session.completed", "test": true, "outcome": "recorded",
                "partner": "abc123", "detail": "click" } }],
            "script_hits": [{ "domain": "shop.example", "click_known": true }]
        }));
        assert!(found.iter().all(super::Check::holds), "{found:?}");
        assert_eq!(
            found[0].to_string(),
            "✓ Stripe webhooks: the last, checkout.session.completed (test): recorded, abc123 by click"
        );
    }
}
