//! The partner's ledger as `core` reads it: My Ledger, the Commissions report, the explain
//! view of one line (`GET /api/v1/me/ledger/<id>`), the balance cards, and every partner's
//! balance for the owner. Statuses and balances come from [`pc_core::ledger::statement`] only.

use http::StatusCode;
use pc_core::ledger::{self, Entry, EntryKind, Facts, Level, Line, Statement};
use pc_core::{Currency, Money};
use serde_json::{Value, json};

use super::Ctx;
use super::reports::{Range, Table, currency, date_of, int, money, rows, text};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError, Row};

/// Everything stored about a partner's ledger rows, oldest first, with the program's name.
const LEDGER_ROWS: &str = "SELECT l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, l.occurred_at AS occurred_at, \
     l.payable_at AS payable_at, l.reverses AS reverses, l.program AS program, coalesce(p.name, l.program) AS program_name, \
     l.rule AS rule, l.memo AS memo, l.order_id AS order_id, l.level AS level, l.seller AS seller, \
     l.conversion AS conversion, l.base_minor AS base_minor, l.source AS source, l.build_id AS build_id, l.event_id AS event_id \
     FROM ledger l LEFT JOIN programs p ON p.id = l.program WHERE l.partner = ? ORDER BY l.occurred_at, l.id";

/// A partner's ledger rows and their statement now.
#[derive(Debug)]
pub struct PartnerLedger {
    pub rows: Vec<Row>,
    pub statement: Statement,
}

fn opt(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn entry_of(row: &Row) -> Option<Entry> {
    Some(Entry {
        id: text(row, "id"),
        kind: EntryKind::parse(&text(row, "kind"))?,
        amount: int(row, "amount_minor"),
        occurred_at: int(row, "occurred_at"),
        payable_at: int(row, "payable_at"),
        reverses: opt(row, "reverses"),
    })
}

pub async fn load<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<PartnerLedger, PlatformError> {
    let rows: Vec<Row> = rows(ctx, LEDGER_ROWS, vec![code.into()])
        .await?
        .into_iter()
        .filter(|r| entry_of(r).is_some())
        .collect();
    let entries: Vec<Entry> = rows.iter().filter_map(entry_of).collect();
    let statement = ledger::statement(&entries, ctx.now);
    Ok(PartnerLedger { rows, statement })
}

/// "sale", "lead", "subscription payment".
fn conversion_words(row: &Row) -> &'static str {
    match text(row, "conversion").as_str() {
        "lead" => "lead",
        "subscription_payment" => "subscription payment",
        _ => "sale",
    }
}

fn level_of(row: &Row) -> Level<'_> {
    let seller = row.get("seller").and_then(Value::as_str).unwrap_or("");
    Level::from_stored(int(row, "level"), seller)
}

/// The partner's own order id; someone else's order stays theirs.
fn own_order(row: &Row) -> Option<String> {
    (int(row, "level") == 0)
        .then(|| opt(row, "order_id"))
        .flatten()
}

impl PartnerLedger {
    fn row_of(&self, id: &str) -> Option<(usize, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .find(|(_, r)| text(r, "id") == id)
    }

    /// The line's sentence, from `core`'s words.
    fn describe(&self, i: usize, currency: Currency) -> String {
        let row = &self.rows[i];
        let line = &self.statement.lines[i];
        let order = own_order(row);
        let memo = opt(row, "memo");
        let base = row
            .get("base_minor")
            .and_then(Value::as_i64)
            .map(|m| Money::from_minor(m, currency));
        let reversed = line
            .entry
            .reverses
            .as_deref()
            .and_then(|id| self.row_of(id))
            .map(|(_, r)| match text(r, "kind").as_str() {
                "payout" => format!("the payout of {}", date_of(int(r, "occurred_at"))),
                kind => format!("the {kind} of {}", date_of(int(r, "occurred_at"))),
            });
        let is_clawback = line.entry.kind == EntryKind::Clawback;
        let program = opt(row, "program_name");
        let rule = opt(row, "rule");
        ledger::describe(
            line,
            &Facts {
                program: program.as_deref(),
                rule: rule.as_deref(),
                conversion: Some(conversion_words(row)),
                order: order.as_deref(),
                base: if is_clawback { None } else { base },
                level: Some(level_of(row)),
                memo: memo.as_deref(),
                refund: if is_clawback { base } else { None },
                reverses: reversed.as_deref(),
            },
        )
    }
}

/// My Ledger: every entry with its status and the running balance (over all time, shown for
/// the range).
pub async fn ledger_report<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let ledger = load(ctx, code).await?;
    let mut balance = 0_i64;
    let mut opening = 0_i64;
    let mut in_range: Vec<Vec<Value>> = Vec::new();
    for (i, line) in ledger.statement.lines.iter().enumerate() {
        let e = &line.entry;
        balance += e.amount;
        if e.occurred_at < range.from {
            opening = balance;
        } else if e.occurred_at < range.until {
            in_range.push(vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                ledger.describe(i, currency).into(),
                money(e.amount, currency).into(),
                line.status.as_str().into(),
                date_of(line.effective_at).into(),
                money(balance, currency).into(),
                e.id.clone().into(),
            ]);
        }
    }
    let closing = in_range
        .last()
        .and_then(|r| r[6].as_str().map(str::to_owned))
        .unwrap_or_else(|| money(opening, currency));
    let total_rows = in_range.len() as i64;
    Ok(Table {
        columns: &[
            "date",
            "entry",
            "detail",
            "amount",
            "status",
            "payable_from",
            "balance",
            "id",
        ],
        rows: in_range
            .into_iter()
            .skip(range.offset() as usize)
            .take(range.per_page as usize)
            .collect(),
        total_rows,
        totals: json!({ "opening_balance": money(opening, currency), "closing_balance": closing }),
    })
}

/// Commissions and the refunds that took from them, newest first.
pub async fn commissions<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let ledger = load(ctx, code).await?;
    let mut found: Vec<(usize, &Line)> = ledger
        .statement
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            matches!(l.entry.kind, EntryKind::Commission | EntryKind::Clawback)
                && (range.from..range.until).contains(&l.entry.occurred_at)
        })
        .collect();
    found.sort_by_key(|(_, l)| std::cmp::Reverse(l.entry.occurred_at));
    let total: i64 = found.iter().map(|(_, l)| l.entry.amount).sum();
    let total_rows = found.len() as i64;
    let rows = found
        .into_iter()
        .skip(range.offset() as usize)
        .take(range.per_page as usize)
        .map(|(i, line)| {
            let row = &ledger.rows[i];
            let e = &line.entry;
            let base = row.get("base_minor").and_then(Value::as_i64);
            vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                text(row, "program_name").into(),
                ledger::level_words(level_of(row), conversion_words(row)).into(),
                own_order(row).unwrap_or_default().into(),
                base.map_or(Value::Null, |b| money(b, currency).into()),
                text(row, "rule").into(),
                money(e.amount, currency).into(),
                line.status.as_str().into(),
                date_of(line.effective_at).into(),
                e.id.clone().into(),
            ]
        })
        .collect();
    Ok(Table {
        columns: &[
            "date",
            "kind",
            "program",
            "level",
            "order",
            "sale_amount",
            "rule",
            "amount",
            "status",
            "payable_from",
            "id",
        ],
        rows,
        total_rows,
        totals: json!({ "amount": money(total, currency) }),
    })
}

/// What becomes payable, summed per day (soonest first).
fn by_day(becoming: &[(i64, i64)]) -> Vec<(String, i64)> {
    let mut days: Vec<(String, i64)> = Vec::new();
    for &(at, amount) in becoming {
        let date = date_of(at);
        match days.last_mut() {
            Some((d, sum)) if *d == date => *sum += amount,
            _ => days.push((date, amount)),
        }
    }
    days
}

/// The balance cards' figures, and what becomes payable when.
pub fn balance_json(statement: &Statement, currency: Currency) -> Value {
    let b = statement.balance;
    json!({
        "balance": money(b.balance, currency),
        "payable": money(b.payable, currency),
        "pending": money(b.pending, currency),
        "owed_back": money(b.owed_back, currency),
        "paid_to_date": money(b.paid, currency),
        "earned_to_date": money(b.earned, currency),
        "refunded_to_date": money(b.refunded, currency),
        "next_payable": by_day(&statement.becoming_payable).into_iter().take(5)
            .map(|(date, amount)| json!({ "date": date, "amount": money(amount, currency) }))
            .collect::<Vec<_>>(),
        "becoming_payable": by_day(&statement.becoming_payable).into_iter()
            .map(|(date, amount)| json!({ "date": date, "amount": money(amount, currency) }))
            .collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/me/ledger/<id>`: one line traced from the click to the amount.
pub async fn explain<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    id: &str,
) -> Result<crate::Response, PlatformError> {
    let currency = currency(ctx).await?;
    let ledger = load(ctx, code).await?;
    // Only this partner's lines exist here: anyone else's id is simply not found.
    let Some((i, row)) = ledger.row_of(id) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such ledger line"));
    };
    let line = &ledger.statement.lines[i];
    let e = &line.entry;
    let own = int(row, "level") == 0;
    let mut trace = json!({
        "id": e.id,
        "entry": e.kind.as_str(),
        "date": date_of(e.occurred_at),
        "amount": money(e.amount, currency),
        "currency": currency.code(),
        "status": line.status.as_str(),
        "payable_from": date_of(line.effective_at),
        "description": ledger.describe(i, currency),
        "source": opt(row, "source"),
        "build": opt(row, "build_id"),
    });
    if matches!(e.kind, EntryKind::Commission | EntryKind::Clawback) {
        let level = level_of(row);
        trace["level"] = ledger::level_words(level, conversion_words(row)).into();
        if let Level::Referred(seller) | Level::SecondLevel(seller) = level {
            trace["referred_partner"] = seller.into();
        }
        trace["rule"] = json!({
            "program": opt(row, "program_name"),
            "rule": opt(row, "rule"),
            "source": opt(row, "source"),
            "build": opt(row, "build_id"),
        });
        let event_id = opt(row, "event_id");
        let events = rows(
            ctx,
            "SELECT e.type AS type, e.order_id AS order_id, e.amount_minor AS amount, e.occurred_at AS occurred_at, \
             e.attribution AS attribution, e.product AS product, e.click_id AS click_id, e.slug AS slug, e.sub AS sub, \
             c.created_at AS clicked_at FROM events e LEFT JOIN clicks c ON c.id = e.click_id WHERE e.id = ?",
            vec![event_id.clone().into()],
        )
        .await?;
        if let Some(ev) = events.first() {
            trace["conversion"] = json!({
                "type": text(ev, "type"),
                "order": if own { opt(ev, "order_id") } else { None },
                "amount": ev.get("amount").and_then(Value::as_i64).map(|m| money(m, currency)),
                "date": date_of(int(ev, "occurred_at")),
                "attributed_by": if own { opt(ev, "attribution") } else { None },
                "product": opt(ev, "product"),
            });
            // The click is the selling partner's: shown only on the partner's own lines.
            if own && opt(ev, "click_id").is_some() {
                trace["click"] = json!({
                    "link": opt(ev, "slug"),
                    "sub_id": opt(ev, "sub"),
                    "at": ev.get("clicked_at").and_then(Value::as_i64).map(date_time),
                });
            }
        }
        if let Some((_, reversed)) = e.reverses.as_deref().and_then(|r| ledger.row_of(r)) {
            trace["reverses"] = json!({
                "id": text(reversed, "id"),
                "date": date_of(int(reversed, "occurred_at")),
                "amount": money(int(reversed, "amount_minor"), currency),
            });
            trace["refunded_amount"] = row
                .get("base_minor")
                .and_then(Value::as_i64)
                .map(|m| money(m, currency))
                .into();
        }
    } else {
        trace["memo"] = opt(row, "memo").into();
        if let Some((_, corrected)) = e.reverses.as_deref().and_then(|r| ledger.row_of(r)) {
            trace["corrects"] = json!({
                "id": text(corrected, "id"),
                "entry": text(corrected, "kind"),
                "date": date_of(int(corrected, "occurred_at")),
                "amount": money(int(corrected, "amount_minor"), currency),
            });
        }
    }
    Ok(json_response(StatusCode::OK, &trace))
}

fn date_time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Every partner's balance now, by `core`'s statement (partners without ledger lines are
/// left out), with the ids of their lines: the owner's payable list, overview and table.
pub async fn all_balances<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<Vec<(String, ledger::Balance, Vec<String>)>, PlatformError> {
    let all = rows(
        ctx,
        "SELECT l.partner AS partner, l.id AS id, l.kind AS kind, l.amount_minor AS amount_minor, \
         l.occurred_at AS occurred_at, l.payable_at AS payable_at, l.reverses AS reverses FROM ledger l \
         ORDER BY l.partner, l.occurred_at, l.id",
        vec![],
    )
    .await?;
    Ok(all
        .chunk_by(|a, b| text(a, "partner") == text(b, "partner"))
        .map(|chunk| {
            let entries: Vec<Entry> = chunk.iter().filter_map(entry_of).collect();
            let balance = ledger::statement(&entries, ctx.now).balance;
            let ids = entries.into_iter().map(|e| e.id).collect();
            (text(&chunk[0], "partner"), balance, ids)
        })
        .collect())
}
