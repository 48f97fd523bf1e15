//! What became of each delivery from a store (a webhook, or the events API), kept as the
//! integration's last for the console's Setup page and `partner-center doctor`.

use http::StatusCode;
use serde_json::Value;

use crate::platform::Platform;
use crate::routes::Ctx;
use crate::store::arrivals::{self, Delivery};

/// An answer to a delivery: its status, its JSON, and the outcome's name (`recorded`,
/// `duplicate`, `remembered`, `ignored` or `refused`).
pub type Outcome = (StatusCode, Value, &'static str);

/// A store event as it arrived: from which integration, its id and type, and whether the
/// store sent it in test mode.
#[derive(Debug, Clone, Copy)]
pub struct Arrival<'a> {
    pub integration: &'static str,
    pub id: &'a str,
    pub kind: &'a str,
    pub test: bool,
}

impl Arrival<'_> {
    /// Keeps `answer` (with `outcome`) as the last delivery of the integration. Bookkeeping
    /// only: if it cannot be written, that is logged and the delivery's answer stands.
    pub async fn remember<P: Platform>(self, ctx: &Ctx<'_, P>, answer: &Value, outcome: &str) {
        let said = |key: &str| answer.get(key).and_then(Value::as_str).map(str::to_owned);
        let detail = match outcome {
            "recorded" | "duplicate" => said("attribution"),
            "refused" => said("error"),
            _ => said("reason"),
        };
        let delivery = Delivery {
            integration: self.integration.to_owned(),
            event_id: truncated(self.id),
            event_type: truncated(self.kind),
            test: self.test || answer.get("test") == Some(&Value::Bool(true)),
            received_at: ctx.now,
            outcome: outcome.to_owned(),
            detail: detail.as_deref().map(truncated),
            partner: said("partner"),
        };
        if let Err(e) = ctx
            .platform
            .batch(vec![arrivals::record_delivery(&delivery)])
            .await
        {
            ctx.platform
                .log_error(&format!("the last delivery of {}: {e}", self.integration));
        }
    }
}

/// At most 200 characters of a text from outside.
fn truncated(text: &str) -> String {
    text.chars().take(200).collect()
}
