//! The partner's ledger as `core` reads it: My Ledger, the Commissions report, the explain
//! view of one line (`GET /api/v1/me/ledger/<id>`), the balance cards, and every partner's
//! balance for the owner. Statuses and balances come from [`pc_core::ledger::statement`] only.

use std::collections::HashMap;

use http::StatusCode;
use pc_core::ledger::{self, EntryKind, Facts, Level, Line, Statement};
use pc_core::{Currency, Money};
use serde_json::{Value, json};

use super::{Range, Table, currency, date_of, money};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::store::{self, ledger::LedgerRow};

/// A partner's statement now, and the stored rows of the lines a page shows.
#[derive(Debug)]
pub struct PartnerLedger {
    pub statement: Statement,
    /// Each line's position by id.
    index: HashMap<String, usize>,
    /// Rows read for a page, by id.
    rows: HashMap<String, LedgerRow>,
}

/// A text that is there and not empty.
fn some(text: Option<&String>) -> Option<String> {
    text.filter(|s| !s.is_empty()).cloned()
}

/// The partner's statement, from their entries (the rows of a page are read later).
pub async fn load<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<PartnerLedger, PlatformError> {
    let statement = statement(ctx, code).await?;
    let index = statement
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.entry.id.clone(), i))
        .collect();
    Ok(PartnerLedger {
        statement,
        index,
        rows: HashMap::new(),
    })
}

/// A partner's statement now (balances, what becomes payable when), from their entries alone.
pub async fn statement<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<Statement, PlatformError> {
    let entries = store::ledger::partner_entries(ctx.platform, code).await?;
    Ok(ledger::statement(&entries, ctx.now))
}

/// "sale", "lead", "subscription payment".
fn conversion_words(row: &LedgerRow) -> &'static str {
    match row.conversion.as_deref() {
        Some("lead") => "lead",
        Some("subscription_payment") => "subscription payment",
        _ => "sale",
    }
}

fn level_of(row: &LedgerRow) -> Level<'_> {
    Level::from_stored(row.level, row.seller.as_deref().unwrap_or(""))
}

/// The partner's own order id; someone else's order stays theirs.
fn own_order(row: &LedgerRow) -> Option<String> {
    (row.level == 0)
        .then(|| some(row.order_id.as_ref()))
        .flatten()
}

impl PartnerLedger {
    /// Reads the stored rows of the lines at `positions` (what a page shows).
    async fn read_rows<P: Platform>(
        &mut self,
        ctx: &Ctx<'_, P>,
        code: &str,
        positions: &[usize],
    ) -> Result<(), PlatformError> {
        let ids: Vec<&str> = positions
            .iter()
            .filter_map(|&i| self.statement.lines.get(i))
            .map(|l| l.entry.id.as_str())
            .collect();
        for row in store::ledger::rows_by_id(ctx.platform, code, &ids).await? {
            self.rows.insert(row.id.clone(), row);
        }
        Ok(())
    }

    /// The line with this id, and its position.
    fn line_of(&self, id: &str) -> Option<(usize, &Line)> {
        let &i = self.index.get(id)?;
        Some((i, &self.statement.lines[i]))
    }

    /// The stored row of the line at `i`, once read.
    fn row(&self, i: usize) -> Option<&LedgerRow> {
        self.rows.get(&self.statement.lines.get(i)?.entry.id)
    }

    /// The line's sentence, from `core`'s words.
    fn describe(&self, i: usize, currency: Currency) -> String {
        let Some(row) = self.row(i) else {
            return String::new();
        };
        let line = &self.statement.lines[i];
        let order = own_order(row);
        let memo = some(row.memo.as_ref());
        let base = row.base_minor.map(|m| Money::from_minor(m, currency));
        let reversed = line
            .entry
            .reverses
            .as_deref()
            .and_then(|id| self.line_of(id))
            .map(|(_, l)| match l.entry.kind {
                EntryKind::Payout => format!("the payout of {}", date_of(l.entry.occurred_at)),
                kind => format!("the {} of {}", kind.as_str(), date_of(l.entry.occurred_at)),
            });
        let is_clawback = line.entry.kind == EntryKind::Clawback;
        let program = some(row.program_name.as_ref());
        let rule = some(row.rule.as_ref());
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
    let mut ledger = load(ctx, code).await?;
    let mut balance = 0_i64;
    let mut opening = 0_i64;
    // Each line in the range, with the running balance after it.
    let mut in_range: Vec<(usize, i64)> = Vec::new();
    for (i, line) in ledger.statement.lines.iter().enumerate() {
        let e = &line.entry;
        balance += e.amount;
        if e.occurred_at < range.from {
            opening = balance;
        } else if e.occurred_at < range.until {
            in_range.push((i, balance));
        }
    }
    let closing = in_range.last().map_or(opening, |&(_, b)| b);
    let total_rows = in_range.len() as i64;
    let page: Vec<(usize, i64)> = in_range
        .into_iter()
        .skip(range.offset() as usize)
        .take(range.per_page as usize)
        .collect();
    let positions: Vec<usize> = page.iter().map(|&(i, _)| i).collect();
    ledger.read_rows(ctx, code, &positions).await?;
    let rows = page
        .into_iter()
        .map(|(i, balance)| {
            let line = &ledger.statement.lines[i];
            let e = &line.entry;
            vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                ledger.describe(i, currency).into(),
                money(e.amount, currency).into(),
                line.status.as_str().into(),
                date_of(line.effective_at).into(),
                money(balance, currency).into(),
                e.id.clone().into(),
            ]
        })
        .collect();
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
        rows,
        total_rows,
        totals: json!({ "opening_balance": money(opening, currency), "closing_balance": money(closing, currency) }),
    })
}

/// Commissions and the refunds that took from them, newest first.
pub async fn commissions<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let mut ledger = load(ctx, code).await?;
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
    let page: Vec<usize> = found
        .into_iter()
        .skip(range.offset() as usize)
        .take(range.per_page as usize)
        .map(|(i, _)| i)
        .collect();
    ledger.read_rows(ctx, code, &page).await?;
    let rows = page
        .into_iter()
        .filter_map(|i| Some((i, ledger.row(i)?)))
        .map(|(i, row)| {
            let line = &ledger.statement.lines[i];
            let e = &line.entry;
            let base = row.base_minor;
            vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                row.program_name.clone().unwrap_or_default().into(),
                ledger::level_words(level_of(row), conversion_words(row)).into(),
                own_order(row).unwrap_or_default().into(),
                base.map_or(Value::Null, |b| money(b, currency).into()),
                row.rule.clone().unwrap_or_default().into(),
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
    let mut ledger = load(ctx, code).await?;
    // Only this partner's lines exist here: anyone else's id is simply not found.
    let Some((i, _)) = ledger.line_of(id) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such ledger line"));
    };
    ledger.read_rows(ctx, code, &[i]).await?;
    let Some(row) = ledger.row(i) else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such ledger line"));
    };
    let line = &ledger.statement.lines[i];
    let e = &line.entry;
    let own = row.level == 0;
    let mut trace = json!({
        "id": e.id,
        "entry": e.kind.as_str(),
        "date": date_of(e.occurred_at),
        "amount": money(e.amount, currency),
        "currency": currency.code(),
        "status": line.status.as_str(),
        "payable_from": date_of(line.effective_at),
        "description": ledger.describe(i, currency),
        "source": some(row.source.as_ref()),
        "build": some(row.build_id.as_ref()),
    });
    if matches!(e.kind, EntryKind::Commission | EntryKind::Clawback) {
        let level = level_of(row);
        trace["level"] = ledger::level_words(level, conversion_words(row)).into();
        if let Level::Referred(seller) | Level::SecondLevel(seller) = level {
            trace["referred_partner"] = seller.into();
        }
        trace["rule"] = json!({
            "program": some(row.program_name.as_ref()),
            "rule": some(row.rule.as_ref()),
            "source": some(row.source.as_ref()),
            "build": some(row.build_id.as_ref()),
        });
        let conversion = match some(row.event_id.as_ref()) {
            Some(event) => store::ledger::conversion(ctx.platform, &event).await?,
            None => None,
        };
        if let Some(ev) = conversion {
            trace["conversion"] = json!({
                "type": ev.kind,
                "order": if own { some(ev.order_id.as_ref()) } else { None },
                "amount": ev.amount.map(|m| money(m, currency)),
                "date": date_of(ev.occurred_at),
                "attributed_by": if own { some(ev.attribution.as_ref()) } else { None },
                "product": some(ev.product.as_ref()),
            });
            // The click is the selling partner's: shown only on the partner's own lines.
            if own && some(ev.click_id.as_ref()).is_some() {
                trace["click"] = json!({
                    "link": some(ev.slug.as_ref()),
                    "sub_id": some(ev.sub.as_ref()),
                    "at": ev.clicked_at.map(date_time),
                });
            }
        }
        if let Some((_, reversed)) = e.reverses.as_deref().and_then(|r| ledger.line_of(r)) {
            trace["reverses"] = json!({
                "id": reversed.entry.id,
                "date": date_of(reversed.entry.occurred_at),
                "amount": money(reversed.entry.amount, currency),
            });
            trace["refunded_amount"] = row.base_minor.map(|m| money(m, currency)).into();
        }
    } else {
        trace["memo"] = some(row.memo.as_ref()).into();
        if let Some((_, corrected)) = e.reverses.as_deref().and_then(|r| ledger.line_of(r)) {
            trace["corrects"] = json!({
                "id": corrected.entry.id,
                "entry": corrected.entry.kind.as_str(),
                "date": date_of(corrected.entry.occurred_at),
                "amount": money(corrected.entry.amount, currency),
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
    Ok(store::ledger::every_partners_entries(ctx.platform)
        .await?
        .into_iter()
        .map(|(partner, entries)| {
            let balance = ledger::statement(&entries, ctx.now).balance;
            let ids = entries.into_iter().map(|e| e.id).collect();
            (partner, balance, ids)
        })
        .collect())
}
