//! Payouts, the owner's side: who is owed what and where to send it
//! (`GET /api/v1/owner/payable`), as JSON, CSV, or the file a PayPal Payouts batch or a bank's
//! transfer list takes. "Mark as paid" ([`super::payout_runs`]) or `partner-center payouts plan`
//! records what was paid.

use http::StatusCode;
use pc_core::Currency;
use serde_json::{Value, json};

use super::{Need, access};
use crate::http_util::{field, json_error, query};
use crate::platform::{Platform, PlatformError};
use crate::routes::Ctx;
use crate::routes::reports::{Range, Table, csv_download, currency, date_of, money, respond};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    PayPal,
    Bank,
}

/// `GET /api/v1/owner/payable` (an owner's session or the `OWNER_TOKEN` bearer): every partner
/// with money payable, pending or owed back, by `core`'s statement.
pub async fn owner_payable<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &crate::Request,
) -> Result<crate::Response, PlatformError> {
    if let Err(refusal) = access(ctx, req, Need::Read).await? {
        return Ok(refusal);
    }
    let format = match field(&query(req), "format") {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("paypal") => Format::PayPal,
        Some("bank") => Format::Bank,
        Some(_) => {
            return Ok(json_error(
                StatusCode::BAD_REQUEST,
                "`format` is json, csv, paypal (a PayPal Payouts batch) or bank (a transfer list)",
            ));
        }
    };
    let currency = currency(ctx).await?;
    let mut found: Vec<(i64, String, Vec<Value>)> = Vec::new();
    for p in payable_partners(ctx).await? {
        let b = &p.balance;
        let pending = p.pay.pending.as_ref().map_or_else(String::new, |change| {
            format!("{} from {}", change.method, date_of(change.effective_at))
        });
        found.push((
            b.payable,
            p.code.clone(),
            vec![
                p.code.into(),
                p.name.into(),
                p.email.into(),
                p.status.into(),
                p.pay.method.into(),
                p.pay.details.into(),
                p.pay.changed_at.map_or_else(String::new, date_of).into(),
                pending.into(),
                money(b.payable, currency).into(),
                money(b.pending, currency).into(),
                money(b.owed_back, currency).into(),
                currency.code().into(),
                p.references.join(" ").into(),
            ],
        ));
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let table = Table {
        columns: &[
            "partner",
            "name",
            "email",
            "status",
            "payout_method",
            "payout_details",
            "payout_details_changed",
            "payout_change_pending",
            "payable",
            "pending",
            "owed_back",
            "currency",
            "payout_references",
        ],
        total_rows: found.len() as i64,
        rows: found.into_iter().map(|(_, _, row)| row).collect(),
        totals: json!({}),
    };
    let today = ctx.now - ctx.now.rem_euclid(86_400);
    if matches!(format, Format::PayPal | Format::Bank) {
        // A payout run's file: its references, and only the partners chosen for it.
        let q = query(req);
        let run = field(&q, "run").filter(|r| r.len() <= 16);
        let chosen: Option<Vec<&str>> = field(&q, "partners").map(|p| p.split(',').collect());
        // A run pays what `core` plans: the payable balance less payouts not deployed yet.
        let amounts = match run {
            Some(_) => Some(super::payout_runs::amounts(ctx).await?),
            None => None,
        };
        let run = Run {
            id: run,
            partners: chosen.as_deref(),
            amounts: amounts.as_ref(),
        };
        return Ok(batch(&table, format, &date_of(today), currency, &run));
    }
    let range = Range {
        from: today,
        until: today + 86_400,
        page: 1,
        per_page: crate::routes::reports::MAX_PER_PAGE,
        csv: format == Format::Csv,
    };
    Ok(respond("payable", &range, currency, table))
}

/// A partner with money payable, pending or owed back: who, where to pay them, the ledger's
/// balance and the payouts it has.
pub(super) struct PartnerPayable {
    pub code: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub pay: crate::routes::payout_details::Effective,
    pub balance: pc_core::ledger::Balance,
    /// The references of the payouts the ledger has (`payouts plan` leaves them out of a plan).
    pub references: Vec<String>,
}

/// Every partner with money payable, pending or owed back, by `core`'s statement.
pub(super) async fn payable_partners<P: Platform>(
    ctx: &Ctx<'_, P>,
) -> Result<Vec<PartnerPayable>, PlatformError> {
    let people = crate::store::partner_contacts(ctx.platform).await?;
    let mut references = crate::store::ledger::payout_ids(ctx.platform).await?;
    let mut found = Vec::new();
    for (code, balance) in crate::statements::balances(ctx.platform, ctx.now).await? {
        let ids = references.remove(&code).unwrap_or_default();
        if balance.payable == 0
            && balance.pending == 0
            && balance.under_review == 0
            && balance.owed_back == 0
        {
            continue;
        }
        let person = people.iter().find(|p| p.code == code);
        // Where to pay: the details that apply now (a partner's change waits out its
        // cooling-off period), when they changed, and a change still waiting.
        let pay = crate::routes::payout_details::effective(ctx, &code).await?;
        found.push(PartnerPayable {
            name: person.map(|p| p.name.clone()).unwrap_or_default(),
            email: person.map(|p| p.email.clone()).unwrap_or_default(),
            status: person.map(|p| p.status.clone()).unwrap_or_default(),
            pay,
            balance,
            references: ids
                .iter()
                .filter_map(|id| id.strip_prefix("payout:").map(str::to_owned))
                .collect(),
            code,
        });
    }
    Ok(found)
}

/// The payable partners paid by `format`'s method, as the file its batch takes: PayPal
/// Payouts' upload (recipient, amount, currency, reference, note, wallet; no header) or a
/// transfer list (name, account, amount, currency, reference). References are those
/// `payouts plan` writes (`PO-<date>-<code>`), or a console payout run's.
/// A payout run's file: its id (for the references), the partners chosen, what each is paid.
struct Run<'a> {
    id: Option<&'a str>,
    partners: Option<&'a [&'a str]>,
    amounts: Option<&'a std::collections::HashMap<String, String>>,
}

fn batch(
    table: &Table,
    format: Format,
    today: &str,
    currency: Currency,
    run: &Run<'_>,
) -> crate::Response {
    let at = |name: &str| table.columns.iter().position(|c| *c == name).unwrap_or(0);
    let cell = |row: &[Value], name: &str| row[at(name)].as_str().unwrap_or("").to_owned();
    let paypal = format == Format::PayPal;
    let mut writer = csv::Writer::from_writer(Vec::new());
    if !paypal {
        let _ = writer.write_record(["name", "account", "amount", "currency", "reference"]);
    }
    for row in &table.rows {
        let method = cell(row, "payout_method").to_lowercase();
        let payable = cell(row, "payable");
        let partner = cell(row, "partner");
        let payable = match run.amounts {
            Some(amounts) => amounts.get(&partner).cloned().unwrap_or_default(),
            None => payable,
        };
        if payable.trim_start_matches(['0', '.']).is_empty()
            || method.contains("paypal") != paypal
            || run.partners.is_some_and(|c| !c.contains(&partner.as_str()))
        {
            continue;
        }
        let reference = match run.id {
            Some(id) => super::payout_runs::reference(today, &partner, id),
            None => format!("PO-{today}-{partner}"),
        };
        let record: Vec<String> = if paypal {
            let details = cell(row, "payout_details");
            let to = if details.contains('@') {
                details
            } else {
                cell(row, "email")
            };
            vec![
                to,
                payable,
                currency.code().into(),
                reference,
                format!("Partner commissions to {today}"),
                "PAYPAL".into(),
            ]
        } else {
            vec![
                cell(row, "name"),
                cell(row, "payout_details"),
                payable,
                currency.code().into(),
                reference,
            ]
        };
        let record: Vec<String> = record
            .iter()
            .map(|c| pc_core::csv_cell::cell(c).into_owned())
            .collect();
        let _ = writer.write_record(&record);
    }
    let name = format!(
        "{}-{today}.csv",
        if paypal {
            "paypal-payouts"
        } else {
            "bank-transfers"
        }
    );
    csv_download(writer.into_inner().unwrap_or_default(), &name)
}
