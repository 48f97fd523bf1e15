//! `POST /api/v1/events`: conversions from the owner's store, in four stages:
//! [`verify`] the signature → [`parse`] the body → [`attribute`] it to a partner →
//! [`record`] what it earns. Idempotent on `id` (a duplicate gets the stored answer, nothing
//! new written); everything an event writes is one atomic batch. A store's test (`"test": true`,
//! or a refund of a test order) goes the same way into the test [`Book`], never payable.

mod arrival;
mod attribute;
mod parse;
mod record;
mod risk;
mod verify;

use http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use arrival::{Arrival, Outcome};
pub use parse::{mask_email, printable as printable_id};
pub use verify::{SIGNATURE_WINDOW_SECONDS, signature, verify_signature, verify_timestamped};

use super::Ctx;
use crate::http_util::{header_str, json as json_response, json_error};
use crate::platform::{Platform, PlatformError, Statement};
pub use crate::store::events::Book;
use crate::{Request, Response};

/// A refusal: a 4xx with a JSON message, nothing written.
#[derive(Debug)]
pub struct Reject(pub StatusCode, pub String);

fn reject(status: StatusCode, message: impl Into<String>) -> Reject {
    Reject(status, message.into())
}

impl Reject {
    /// The refusal as its status, answer and outcome.
    pub fn outcome(&self) -> Outcome {
        (self.0, json!({ "error": self.1 }), "refused")
    }
}

/// What became of an event: newly recorded, or recorded before (the stored answer).
#[derive(Debug)]
pub enum Ingested {
    Recorded(Value),
    Replayed(Value),
}

impl Ingested {
    /// The status, the answer and the outcome (`recorded` or `duplicate`).
    pub fn outcome(&self) -> Outcome {
        match self {
            Ingested::Recorded(answer) => (StatusCode::CREATED, answer.clone(), "recorded"),
            Ingested::Replayed(answer) => (StatusCode::OK, answer.clone(), "duplicate"),
        }
    }
}

/// The handler.
pub async fn receive<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let Some(secret) = ctx.platform.env("EVENTS_SECRET").filter(|s| s.len() >= 16) else {
        ctx.platform
            .batch(vec![crate::store::arrivals::record_unconfigured(
                "events", ctx.now,
            )])
            .await?;
        return Ok(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "events are not configured (EVENTS_SECRET)",
        ));
    };
    let body = req.body();
    if let Err(why) = verify_signature(header_str(req, "partner-signature"), body, &secret, ctx.now)
    {
        return Ok(json_error(StatusCode::UNAUTHORIZED, &why));
    }
    let (status, answer, outcome) = match ingest(ctx, body, Vec::new()).await? {
        Ok(done) => done.outcome(),
        Err(refused) => refused.outcome(),
    };
    // Kept as the events API's last delivery, by what the body says it is.
    let sent: Value = serde_json::from_slice(body).unwrap_or_default();
    let said = |key: &str| sent.get(key).and_then(Value::as_str).unwrap_or("?");
    Arrival {
        integration: "events",
        id: said("id"),
        kind: said("type"),
        test: sent.get("test") == Some(&Value::Bool(true)),
    }
    .remember(ctx, &answer, outcome)
    .await;
    Ok(json_response(status, &answer))
}

/// The one path into the engine, for the events API and the store integrations alike: an
/// event body (the events API's JSON) is parsed, attributed and recorded, with `extra`
/// statements (an integration's own bookkeeping) in the same atomic batch.
pub async fn ingest<P: Platform>(
    ctx: &Ctx<'_, P>,
    body: &[u8],
    extra: Vec<Statement>,
) -> Result<Result<Ingested, Reject>, PlatformError> {
    let event = match parse::parse(body, ctx.config, ctx.now) {
        Ok(e) => e,
        Err(refused) => return Ok(Err(refused)),
    };
    let body_hash = hex::encode(Sha256::digest(body));
    let book = record::book_of(ctx, &event).await?;
    if let Some(answer) = replayed(ctx, book, &event.id, &body_hash).await? {
        return Ok(answer);
    }
    let recorded = if event.kind == parse::Kind::Refund {
        record::refund(ctx, book, &event, &body_hash).await?
    } else {
        match attribute::attribute(ctx, &event).await? {
            Ok(attribution) => {
                record::conversion(ctx, book, &event, &body_hash, attribution).await?
            }
            Err(r) => Err(r),
        }
    };
    let (mut statements, result) = match recorded {
        Ok(done) => done,
        Err(refused) => return Ok(Err(refused)),
    };
    statements.extend(extra);
    if let Err(e) = ctx.platform.batch(statements).await {
        // A concurrent request with the same id won the race: answer as for a duplicate.
        if let Some(answer) = replayed(ctx, book, &event.id, &body_hash).await? {
            return Ok(answer);
        }
        return Err(e);
    }
    Ok(Ok(Ingested::Recorded(result)))
}

/// The stored answer of an event id, if recorded in `book`.
pub async fn stored_answer<P: Platform>(
    ctx: &Ctx<'_, P>,
    book: Book,
    id: &str,
) -> Result<Option<(String, Value)>, PlatformError> {
    Ok(crate::store::events::event_answer(ctx.platform, book, id)
        .await?
        .map(|(hash, result)| (hash, serde_json::from_str(&result).unwrap_or_default())))
}

/// The stored answer for an event id already recorded, or a 409 if the id was used for a
/// different body.
async fn replayed<P: Platform>(
    ctx: &Ctx<'_, P>,
    book: Book,
    id: &str,
    body_hash: &str,
) -> Result<Option<Result<Ingested, Reject>>, PlatformError> {
    Ok(stored_answer(ctx, book, id).await?.map(|(hash, answer)| {
        if hash == body_hash {
            Ok(Ingested::Replayed(answer))
        } else {
            Err(reject(
                StatusCode::CONFLICT,
                "this event id was already used for a different event",
            ))
        }
    }))
}
