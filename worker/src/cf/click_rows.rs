//! The click Queue's rows, for the consumer in `worker/entry.mjs`: each batch of messages
//! becomes the statements that store them (`crate::store::clicks`), handed over as one JSON
//! text. The entry runs them in one D1 batch (one transaction). Going through workers-rs
//! instead (a message, its fields and each statement's parameters converted one by one, a
//! future per await) cost ≈ 0.2 ms of CPU a click, more than the redirect itself.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::Env;

use super::write_click;
use crate::clicks::ClickRecord;
use crate::platform::SqlValue;

/// A statement: the index of its SQL text in [`Rows::sql`], and its parameters.
type Bound = (usize, Vec<Value>);

/// A batch's statements: the SQL texts once, then each message's statements, or `None` for a
/// message that is not a click.
#[derive(Serialize, Default)]
struct Rows {
    sql: Vec<&'static str>,
    messages: Vec<Option<Vec<Bound>>>,
}

fn json(value: SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Int(i) => i.into(),
        SqlValue::Text(t) => t.into(),
    }
}

fn rows(bodies: &[Value]) -> Rows {
    let mut rows = Rows::default();
    for body in bodies {
        let statements = click_of(body).map(|click| {
            crate::store::clicks::insert(&click)
                .into_iter()
                .map(|statement| {
                    let index = rows
                        .sql
                        .iter()
                        .position(|s| *s == statement.sql)
                        .unwrap_or_else(|| {
                            rows.sql.push(statement.sql);
                            rows.sql.len() - 1
                        });
                    (index, statement.params.into_iter().map(json).collect())
                })
                .collect()
        });
        rows.messages.push(statements);
    }
    rows
}

/// A message's body as a click (`None`, said in the log, when it is not one).
fn click_of(body: &Value) -> Option<ClickRecord> {
    ClickRecord::deserialize(body)
        .inspect_err(|e| worker::console_error!("a click message that is not a click: {e}"))
        .ok()
}

/// `bodies`: the batch's message bodies as one JSON array. Answers [`Rows`] as JSON.
#[wasm_bindgen(js_name = clickRows)]
#[expect(unreachable_pub, reason = "a wasm export, called by worker/entry.mjs")]
pub fn click_rows(bodies: &str) -> String {
    let bodies: Vec<Value> = serde_json::from_str(bodies).unwrap_or_default();
    serde_json::to_string(&rows(&bodies)).unwrap_or_default()
}

/// Writes a click straight to D1: for the entry when there is no `CLICKS` Queue or the Queue
/// refused it, as the full worker does (`super::send_click`).
#[wasm_bindgen(js_name = writeClick)]
#[expect(unreachable_pub, reason = "a wasm export, called by worker/entry.mjs")]
pub async fn write_click_json(env: Env, click: String) {
    if let Some(click) = serde_json::from_str(&click).ok().and_then(|v| click_of(&v)) {
        write_click(&env, &click).await;
    }
}
