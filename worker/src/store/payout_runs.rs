//! The console's payout runs ("Mark as paid"): each committed once, and its payouts, which are
//! written down but not in the ledger until the deploy.

use serde::{Deserialize, Serialize};

use super::{owner_audit, parse};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};

/// A payout run as recorded.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Run {
    pub id: String,
    pub file: String,
    pub commit_sha: Option<String>,
    pub commit_url: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// One payout of a run.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Line {
    pub partner: String,
    pub reference: String,
    pub amount_minor: i64,
}

pub async fn run(
    platform: &impl Platform,
    id: &str,
) -> Result<Option<(Run, Vec<Line>)>, PlatformError> {
    let runs = platform
        .query(Statement::new(
            "SELECT id, file, commit_sha, commit_url, created_by, created_at FROM payout_runs WHERE id = ?",
            vec![id.into()],
        ))
        .await?;
    let Some(run) = runs.into_iter().next().map(parse::<Run>).transpose()? else {
        return Ok(None);
    };
    let lines = platform
        .query(Statement::new(
            "SELECT partner, reference, amount_minor FROM payout_run_lines WHERE run = ? ORDER BY partner",
            vec![id.into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect::<Result<_, _>>()?;
    Ok(Some((run, lines)))
}

/// A payout a run wrote down that the ledger does not have yet, and the run's file.
#[derive(Debug, Clone, Deserialize)]
pub struct Waiting {
    pub partner: String,
    pub reference: String,
    pub amount_minor: i64,
    pub file: String,
}

/// How long a run's payouts count as written down before the deploy: a run never deployed in
/// this time no longer holds back the partners' balances.
pub const WAITING_SECONDS: i64 = 90 * 86_400;

/// The recent runs' payouts not deployed yet.
pub async fn waiting(platform: &impl Platform, now: i64) -> Result<Vec<Waiting>, PlatformError> {
    platform
        .query(Statement::new(
            "SELECT l.partner AS partner, l.reference AS reference, l.amount_minor AS amount_minor, r.file AS file \
             FROM payout_runs r JOIN payout_run_lines l ON l.run = r.id \
             WHERE r.created_at >= ? AND NOT EXISTS (SELECT 1 FROM ledger g WHERE g.id = 'payout:' || l.reference)",
            vec![(now - WAITING_SECONDS).into()],
        ))
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// The statements that record a committed run (a run recorded before stays as it was).
pub fn record(run: &Run, lines: &[Line]) -> Vec<Statement> {
    let text = |v: &Option<String>| v.clone().map_or(SqlValue::Null, Into::into);
    let mut statements = vec![Statement::new(
        "INSERT INTO payout_runs (id, file, commit_sha, commit_url, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO NOTHING",
        vec![
            run.id.as_str().into(),
            run.file.as_str().into(),
            text(&run.commit_sha),
            text(&run.commit_url),
            run.created_by.as_str().into(),
            run.created_at.into(),
        ],
    )];
    statements.extend(lines.iter().map(|l| {
        Statement::new(
            "INSERT INTO payout_run_lines (run, partner, reference, amount_minor) VALUES (?, ?, ?, ?) \
             ON CONFLICT (run, partner) DO NOTHING",
            vec![
                run.id.as_str().into(),
                l.partner.as_str().into(),
                l.reference.as_str().into(),
                l.amount_minor.into(),
            ],
        )
    }));
    statements.push(owner_audit(
        &run.created_by,
        &format!("recorded payouts to {} partners", lines.len()),
        Some(&run.file),
        run.created_at,
    ));
    statements
}
