//! The partner's ledger as `core` reads it: My Ledger, the Commissions report, the explain
//! view of one line (`GET /api/v1/me/ledger/<id>`), the balance cards, and every partner's
//! balance for the owner. Statuses and balances come from [`pc_core::ledger::statement`] only.

use http::StatusCode;
use pc_core::ledger::{self, Entry, EntryKind, Facts, Level, Line, Statement, Status};
use pc_core::{Currency, Money};
use serde_json::{Value, json};

use super::{DAY, Range, Table, currency, date_of, money};
use crate::http_util::{json as json_response, json_error};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::statements::{self, Current};
use crate::store::figures::{self, Source};
use crate::store::{self, ledger::LedgerRow};

/// A text that is there and not empty.
fn some(text: Option<&String>) -> Option<String> {
    text.filter(|s| !s.is_empty()).cloned()
}

/// A partner's statement now (balances, what becomes payable when).
pub async fn statement<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
) -> Result<Statement, PlatformError> {
    Ok(statements::current(ctx.platform, code, ctx.now)
        .await?
        .statement)
}

/// Stored lines (a page of a report) with their statuses now.
struct Page {
    lines: Vec<(Line, LedgerRow)>,
}

impl Page {
    /// A page of `code`'s lines in `range` (which ones: `listing`), with their statuses now.
    async fn read<P: Platform>(
        ctx: &Ctx<'_, P>,
        code: &str,
        listing: store::ledger::Listing,
        range: &Range,
    ) -> Result<Page, PlatformError> {
        let current = statements::current(ctx.platform, code, ctx.now).await?;
        let rows = store::ledger::page(
            ctx.platform,
            code,
            listing,
            (range.from, range.until),
            (range.per_page, range.offset()),
        )
        .await?;
        Page::of(ctx, &current, rows).await
    }

    /// `rows`, with each one's status now from `current`.
    async fn of<P: Platform>(
        ctx: &Ctx<'_, P>,
        current: &Current,
        rows: Vec<LedgerRow>,
    ) -> Result<Page, PlatformError> {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let statuses = current.statuses(ctx.platform, &ids).await?;
        let lines = rows
            .into_iter()
            .filter_map(|row| {
                let &(status, effective_at) = statuses.get(&row.id)?;
                let entry = Entry {
                    id: row.id.clone(),
                    kind: EntryKind::parse(&row.kind)?,
                    amount: row.amount_minor,
                    occurred_at: row.occurred_at,
                    payable_at: row.payable_at,
                    reverses: some(row.reverses.as_ref()),
                };
                Some((
                    Line {
                        entry,
                        status,
                        effective_at,
                    },
                    row,
                ))
            })
            .collect();
        Ok(Page { lines })
    }
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

/// The line's sentence, from `core`'s words.
fn describe(line: &Line, row: &LedgerRow, currency: Currency) -> String {
    let order = own_order(row);
    let memo = some(row.memo.as_ref());
    let base = row.base_minor.map(|m| Money::from_minor(m, currency));
    let reversed = row.reversed().map(|r| match r.kind {
        EntryKind::Payout => format!("the payout of {}", date_of(r.occurred_at)),
        kind => format!("the {} of {}", kind.as_str(), date_of(r.occurred_at)),
    });
    let is_clawback = line.entry.kind == EntryKind::Clawback;
    let categories = review(line, row);
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
            reviewed: memo
                .as_deref()
                .filter(|_| is_clawback && store::reviews::is_reversal(&line.entry.id)),
            review: Some(categories.as_str()),
        },
    )
}

/// The sum and count of `code`'s lines that happened from `from` until `until` (seconds,
/// midnights): the rollups' earnings and the payouts.
async fn ledger_sum<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    from: i64,
    until: i64,
) -> Result<(i64, i64), PlatformError> {
    if from >= until {
        return Ok((0, 0));
    }
    let earned = figures::partner(
        ctx.platform,
        code,
        from / DAY,
        until / DAY,
        &[Source::Ledger],
    )
    .await?
    .total("earned");
    let (n, m) = store::ledger::payouts_in(ctx.platform, code, from, until).await?;
    Ok((earned.n + n, earned.m + m))
}

/// My Ledger: every entry with its status and the running balance (over all time, shown for
/// the range), newest first. The page's lines are read alone; the balances around them come
/// from the sums.
pub async fn ledger_report<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let first = store::ledger::first_line_day(ctx.platform, code).await?;
    let (_, opening) = ledger_sum(ctx, code, first.min(range.from), range.from).await?;
    let (total_rows, in_range) = ledger_sum(ctx, code, range.from, range.until).await?;
    // Newest first: the page's lines, read newest first; each shows the balance after it,
    // counted up from the balance before the page: the closing balance less the newer lines
    // (a sum over the newest lines only, so the first pages cost the least) and the page's own.
    let page = Page::read(ctx, code, store::ledger::Listing::Ledger, range).await?;
    let after_page = store::ledger::sum_of_last(
        ctx.platform,
        code,
        (range.from, range.until),
        range.offset(),
    )
    .await?;
    let on_page: i64 = page.lines.iter().map(|(line, _)| line.entry.amount).sum();
    let page_opening = opening + in_range - after_page - on_page;
    let mut balance = page_opening;
    let mut rows: Vec<Vec<Value>> = page
        .lines
        .iter()
        .rev()
        .map(|(line, row)| {
            let e = &line.entry;
            balance += e.amount;
            vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                describe(line, row, currency).into(),
                money(e.amount, currency).into(),
                line.status.as_str().into(),
                payable_from(line).into(),
                money(balance, currency).into(),
                e.id.clone().into(),
            ]
        })
        .collect();
    rows.reverse();
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
        totals: json!({
            "opening_balance": money(opening, currency),
            "closing_balance": money(opening + in_range, currency),
            // The balance before the oldest line of this page (the bottom row's start).
            "page_opening_balance": money(page_opening, currency),
        }),
    })
}

/// Commissions and the refunds that took from them, newest first.
pub async fn commissions<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
) -> Result<Table, PlatformError> {
    let total = figures::partner(
        ctx.platform,
        code,
        range.from / DAY,
        range.until / DAY,
        &[Source::Ledger],
    )
    .await?
    .total("commission");
    let page = Page::read(ctx, code, store::ledger::Listing::Commissions, range).await?;
    let rows = page
        .lines
        .iter()
        .map(|(line, row)| {
            let e = &line.entry;
            vec![
                date_of(e.occurred_at).into(),
                e.kind.as_str().into(),
                row.program_name.clone().unwrap_or_default().into(),
                ledger::level_words(level_of(row), conversion_words(row)).into(),
                own_order(row).unwrap_or_default().into(),
                row.base_minor
                    .map_or(Value::Null, |b| money(b, currency).into()),
                row.rule.clone().unwrap_or_default().into(),
                money(e.amount, currency).into(),
                line.status.as_str().into(),
                payable_from(line).into(),
                review(line, row).into(),
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
            "review",
            "id",
        ],
        rows,
        total_rows: total.n,
        totals: json!({ "amount": money(total.m, currency) }),
    })
}

/// When a line's money moves: a date, or nothing for a line held for review (it moves when
/// an owner releases it).
fn payable_from(line: &Line) -> String {
    if line.effective_at >= ledger::HELD {
        String::new()
    } else {
        date_of(line.effective_at)
    }
}

/// What a line under review is held for ("timing, traffic source"); empty otherwise.
fn review(line: &Line, row: &LedgerRow) -> String {
    if line.status == Status::UnderReview {
        row.review()
    } else {
        String::new()
    }
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
        // Commissions held for review (risk.yaml): not payable until an owner releases them.
        "under_review": money(b.under_review, currency),
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
    // Only this partner's lines exist here: anyone else's id is simply not found.
    let Some(row) = store::ledger::line(ctx.platform, code, id).await? else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such ledger line"));
    };
    let current = statements::current(ctx.platform, code, ctx.now).await?;
    let page = Page::of(ctx, &current, vec![row]).await?;
    let Some((line, row)) = page.lines.first() else {
        return Ok(json_error(StatusCode::NOT_FOUND, "no such ledger line"));
    };
    let e = &line.entry;
    let own = row.level == 0;
    let mut trace = json!({
        "id": e.id,
        "entry": e.kind.as_str(),
        "date": date_of(e.occurred_at),
        "amount": money(e.amount, currency),
        "currency": currency.code(),
        "status": line.status.as_str(),
        "payable_from": payable_from(line),
        "review": review(line, row),
        "description": describe(line, row, currency),
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
        if let Some(reversed) = row.reversed() {
            trace["reverses"] = json!({
                "id": reversed.id,
                "date": date_of(reversed.occurred_at),
                "amount": money(reversed.amount, currency),
            });
            trace["refunded_amount"] = row.base_minor.map(|m| money(m, currency)).into();
        }
    } else {
        trace["memo"] = some(row.memo.as_ref()).into();
        if let Some(corrected) = row.reversed() {
            trace["corrects"] = json!({
                "id": corrected.id,
                "entry": corrected.kind.as_str(),
                "date": date_of(corrected.occurred_at),
                "amount": money(corrected.amount, currency),
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
