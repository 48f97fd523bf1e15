//! What `wrangler.toml` must say for a working deployment: real resource ids (not the
//! scaffold's placeholders), the portal's https address, a mail provider, the scheduled runs.

use toml_edit::{DocumentMut, Item};

use super::Check;
use crate::setup::is_placeholder;

/// The mail providers that need `MAIL_API_KEY` (README "Mail").
pub(super) const KEYED_MAIL: &[&str] = &["resend", "postmark", "sendgrid", "mailgun"];
const MAIL: &[&str] = &[
    "outbox",
    "cloudflare",
    "resend",
    "postmark",
    "sendgrid",
    "mailgun",
];
/// The scheduled runs the worker expects (notifications, rollups, checkpoints).
const CRONS: &[&str] = &["*/15 * * * *", "0 8 * * *"];

fn var<'d>(doc: &'d DocumentMut, name: &str) -> Option<&'d str> {
    doc.get("vars")?.get(name)?.as_str()
}

fn array_of_tables<'d>(doc: &'d DocumentMut, key: &str) -> Vec<&'d toml_edit::Table> {
    doc.get(key)
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The checks of `wrangler.toml`; also its `MAIL_PROVIDER`, for the secrets it needs.
/// The D1 databases (`database_name`) whose ids are not placeholders: those whose migrations
/// can be checked.
pub(super) fn databases(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    array_of_tables(&doc, "d1_databases")
        .into_iter()
        .filter(|db| !is_placeholder(db.get("database_id").and_then(Item::as_str).unwrap_or("")))
        .filter_map(|db| {
            db.get("database_name")
                .and_then(Item::as_str)
                .map(str::to_owned)
        })
        .collect()
}

pub(super) fn checks(text: &str) -> (Vec<Check>, Option<String>) {
    let doc: DocumentMut = match text.parse() {
        Ok(doc) => doc,
        Err(e) => {
            return (
                vec![Check::fail(
                    "wrangler.toml",
                    format!("not TOML: {e}"),
                    "fix the line it names",
                )],
                None,
            );
        }
    };
    let mut checks = Vec::new();
    for kv in array_of_tables(&doc, "kv_namespaces") {
        let binding = kv.get("binding").and_then(Item::as_str).unwrap_or("?");
        let id = kv.get("id").and_then(Item::as_str).unwrap_or("");
        let name = format!("KV namespace {binding}");
        checks.push(if is_placeholder(id) {
            Check::fail(
                name,
                format!("id {id:?} is a placeholder"),
                format!("`wrangler kv namespace create {binding}` and put the id it prints here"),
            )
        } else {
            Check::pass(name, format!("id {id}"))
        });
    }
    for db in array_of_tables(&doc, "d1_databases") {
        let id = db.get("database_id").and_then(Item::as_str).unwrap_or("");
        checks.push(if is_placeholder(id) {
            Check::fail(
                "D1 database",
                format!("database_id {id:?} is a placeholder"),
                "`wrangler d1 create partner-center` and put the database_id it prints here",
            )
        } else {
            Check::pass("D1 database", format!("database_id {id}"))
        });
    }
    let queued = doc
        .get("queues")
        .and_then(|q| q.get("producers"))
        .and_then(Item::as_array_of_tables)
        .is_some_and(|p| {
            p.iter()
                .any(|t| t.get("binding").and_then(Item::as_str) == Some("CLICKS"))
        });
    checks.push(if queued {
        Check::pass("click Queue", "CLICKS is bound")
    } else {
        Check::fail(
            "click Queue",
            "no [[queues.producers]] CLICKS: every click is a D1 write of its own",
            "`wrangler queues create partner-center-clicks` and bind it as CLICKS (the scaffold's wrangler.toml shows how)",
        )
    });
    let crons: Vec<&str> = doc
        .get("triggers")
        .and_then(|t| t.get("crons"))
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = CRONS
        .iter()
        .copied()
        .filter(|c| !crons.contains(c))
        .collect();
    checks.push(if missing.is_empty() {
        Check::pass("scheduled runs", crons.join(", "))
    } else {
        Check::fail(
            "scheduled runs",
            format!("[triggers] crons lacks {}", missing.join(", ")),
            format!(
                "add `[triggers]` with `crons = [{}]` (digests, rollups, checkpoints)",
                CRONS
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    });
    checks.push(match var(&doc, "PORTAL_URL") {
        None => Check::fail(
            "PORTAL_URL",
            "not set",
            "set PORTAL_URL in [vars] to the portal's https address",
        ),
        Some(url) if !url.starts_with("https://") => Check::fail(
            "PORTAL_URL",
            format!("{url} is not https"),
            "set PORTAL_URL to the portal's https address",
        ),
        Some(url) if url.contains("example.com") => Check::fail(
            "PORTAL_URL",
            format!("{url} is the scaffold's example"),
            "set PORTAL_URL in [vars] to your portal's address",
        ),
        Some(url) => Check::pass("PORTAL_URL", url),
    });
    let provider = var(&doc, "MAIL_PROVIDER").map(str::to_owned);
    checks.push(match provider.as_deref() {
        None => Check::fail(
            "mail",
            "MAIL_PROVIDER is not set: partners get no invitations, resets or digests",
            "set MAIL_PROVIDER and MAIL_FROM in [vars] (README \"Mail\")",
        ),
        Some(p) if !MAIL.contains(&p) => Check::fail(
            "mail",
            format!("MAIL_PROVIDER {p:?} is none of {}", MAIL.join(", ")),
            "set MAIL_PROVIDER to one of them",
        ),
        Some(p) if p != "outbox" && var(&doc, "MAIL_FROM").is_none() => Check::fail(
            "mail",
            format!("MAIL_PROVIDER {p} without MAIL_FROM"),
            "set MAIL_FROM in [vars] (a sender on a domain the provider verified)",
        ),
        Some(p) => Check::pass("mail", format!("MAIL_PROVIDER {p}")),
    });
    (checks, provider)
}
