//! The click Queue's rows, for the consumer in `worker/entry.mjs`: each batch of messages
//! becomes the statements that store them (`crate::store::clicks`), handed over as one JSON
//! text. The entry runs them in one D1 batch (one transaction). Going through workers-rs
//! instead (a message, its fields and each statement's parameters converted one by one, a
//! future per await) cost ≈ 0.2 ms of CPU a click, more than the redirect itself.
//!
//! The messages come as their JSON texts, one per line: the redirect sends each click as the
//! text it already is (`super::at_hand`), so a batch crosses into wasm as one string that
//! nothing has to take apart first, and each line is read straight into a [`ClickRecord`].

use wasm_bindgen::prelude::wasm_bindgen;
use worker::Env;

use super::write_click;
use crate::clicks::ClickRecord;

/// A message's body as a click (`None`, said in the log, when it is not one).
fn click_of(body: &str) -> Option<ClickRecord> {
    serde_json::from_str(body)
        .inspect_err(|e| worker::console_error!("a click message that is not a click: {e}"))
        .ok()
}

/// `bodies`: the batch's messages, each its JSON text on a line of its own (none when empty).
/// Answers [`crate::store::clicks::BatchRows`] as JSON, one entry in `messages` per line.
#[wasm_bindgen(js_name = clickRows)]
#[expect(unreachable_pub, reason = "a wasm export, called by worker/entry.mjs")]
pub fn click_rows(bodies: &str) -> String {
    let lines = (!bodies.is_empty()).then(|| bodies.split('\n'));
    let rows = crate::store::clicks::batch_rows(lines.into_iter().flatten().map(click_of));
    serde_json::to_string(&rows).unwrap_or_default()
}

/// Writes a click straight to D1: for the entry when there is no `CLICKS` Queue or the Queue
/// refused it, as the full worker does (`super::send_click`).
#[wasm_bindgen(js_name = writeClick)]
#[expect(unreachable_pub, reason = "a wasm export, called by worker/entry.mjs")]
pub async fn write_click_json(env: Env, click: String) {
    if let Some(click) = click_of(&click) {
        write_click(&env, click).await;
    }
}
