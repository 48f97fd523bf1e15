//! Partners' statements now (`pc_core::ledger`), read from their checkpoints and the lines
//! that moved money since, and the scheduled run that moves the checkpoints on. A statement
//! costs the lines since its checkpoint (about one hold period), not the partner's history.

use std::collections::HashMap;

use pc_core::ledger::{self, Balance, Checkpoint, Statement, Status};

use crate::platform::{Platform, PlatformError};
use crate::store::{self, checkpoints::FAR, snapshots::Snapshot};

const DAY: i64 = 86_400;

/// A partner's statement now; its lines are those since the checkpoint it started from.
#[derive(Debug)]
pub struct Current {
    pub statement: Statement,
    /// Whether it continues from a checkpoint (lines before it are in `ledger_settled`).
    pub from_checkpoint: bool,
}

impl Current {
    /// The status now, and when its money moves, of each line of `ids` (lines of others are
    /// not found).
    pub async fn statuses(
        &self,
        platform: &impl Platform,
        ids: &[&str],
    ) -> Result<HashMap<String, (Status, i64)>, PlatformError> {
        let mut found: HashMap<String, (Status, i64)> = self
            .statement
            .lines
            .iter()
            .filter(|l| ids.contains(&l.entry.id.as_str()))
            .map(|l| (l.entry.id.clone(), (l.status, l.effective_at)))
            .collect();
        if !self.from_checkpoint {
            return Ok(found);
        }
        let before: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !found.contains_key(*id))
            .collect();
        for (id, (status, at)) in store::checkpoints::settled(platform, &before).await? {
            let now = self
                .statement
                .earlier
                .iter()
                .find(|(open, _)| *open == id)
                .map_or(status, |&(_, s)| s);
            found.insert(id, (now, at));
        }
        Ok(found)
    }
}

/// `code`'s statement now.
pub async fn current(
    platform: &impl Platform,
    code: &str,
    now: i64,
) -> Result<Current, PlatformError> {
    let stored = store::checkpoints::of(platform, &[code])
        .await?
        .remove(code);
    match stored {
        Some(s) if !s.void && s.checkpoint.through <= now => {
            let mut moving =
                store::checkpoints::moving(platform, Some(&[code]), s.checkpoint.through, FAR)
                    .await?;
            let tail = moving.by_partner.remove(code).unwrap_or_default();
            Ok(Current {
                statement: ledger::statement_after(&s.checkpoint, &tail, &moving.known, now),
                from_checkpoint: true,
            })
        }
        _ => {
            let entries = store::ledger::partner_entries(platform, code).await?;
            Ok(Current {
                statement: ledger::statement(&entries, now),
                from_checkpoint: false,
            })
        }
    }
}

/// Every partner's balance now (partners without ledger lines are left out): the snapshots
/// the scheduled run took that still hold, and the other partners' statements.
pub async fn balances(
    platform: &impl Platform,
    now: i64,
) -> Result<Vec<(String, Balance)>, PlatformError> {
    let snapshots = store::snapshots::valid_at(platform, now).await?;
    let everyone = with_lines(platform).await?;
    let rest: Vec<&str> = everyone
        .iter()
        .map(String::as_str)
        .filter(|code| !snapshots.contains_key(*code))
        .collect();
    let mut found: Vec<(String, Balance)> = Vec::with_capacity(everyone.len());
    if !rest.is_empty() {
        // Reading everyone's moving lines at once is cheaper than a quarter of them apart.
        let codes = (rest.len() * 4 < everyone.len()).then_some(&rest[..]);
        found.extend(
            replayed(platform, now, codes)
                .await?
                .into_iter()
                .filter(|(code, _)| !snapshots.contains_key(code))
                .map(|(code, s)| (code, s.balance)),
        );
    }
    found.extend(snapshots.into_iter().map(|(code, s)| (code, s.balance)));
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// Every partner with ledger lines: those with a checkpoint, and those with lines past the
/// checkpoints' progress.
async fn with_lines(platform: &impl Platform) -> Result<Vec<String>, PlatformError> {
    let seen = store::checkpoints::progress(platform)
        .await?
        .map_or(0, |p| p.checkpoint_seen);
    let mut codes = store::checkpoints::partners(platform).await?;
    codes.extend(store::checkpoints::partners_since(platform, seen).await?);
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The statements now of `codes` (with `None`, of every partner with ledger lines): from
/// their checkpoints and the lines since, or replayed whole without a usable one.
async fn replayed(
    platform: &impl Platform,
    now: i64,
    codes: Option<&[&str]>,
) -> Result<Vec<(String, Statement)>, PlatformError> {
    let checkpoints = match codes {
        Some(codes) => store::checkpoints::of(platform, codes).await?,
        None => store::checkpoints::all(platform).await?,
    };
    if codes.is_none() && checkpoints.is_empty() {
        return Ok(store::ledger::every_partners_entries(platform)
            .await?
            .into_iter()
            .map(|(partner, entries)| (partner, ledger::statement(&entries, now)))
            .collect());
    }
    let usable: HashMap<&str, &Checkpoint> = checkpoints
        .iter()
        .filter(|(_, s)| !s.void && s.checkpoint.through <= now)
        .map(|(code, s)| (code.as_str(), &s.checkpoint))
        .collect();
    let mut found: Vec<(String, Statement)> = Vec::new();
    if let Some(from) = usable.values().map(|c| c.through).min() {
        let usable_codes: Vec<&str> = usable.keys().copied().collect();
        let which = codes.map(|_| &usable_codes[..]);
        let mut moving = store::checkpoints::moving(platform, which, from, FAR).await?;
        for (code, checkpoint) in &usable {
            let tail = moving.by_partner.remove(*code).unwrap_or_default();
            let statement = ledger::statement_after(checkpoint, &tail, &moving.known, now);
            found.push(((*code).to_owned(), statement));
        }
    }
    // Partners a checkpoint does not cover yet (new, or with a back-dated line): replayed.
    let rest: Vec<String> = match codes {
        Some(codes) => codes.iter().map(|&c| c.to_owned()).collect(),
        None => with_lines(platform).await?,
    };
    for code in rest
        .into_iter()
        .filter(|c| !usable.contains_key(c.as_str()))
    {
        let entries = store::ledger::partner_entries(platform, &code).await?;
        if !entries.is_empty() {
            found.push((code, ledger::statement(&entries, now)));
        }
    }
    Ok(found)
}

/// Takes every partner's balance snapshot at `now` (a scheduled run, after the checkpoints
/// moved on) and stores those that changed: how many.
pub async fn snapshot(platform: &impl Platform, now: i64) -> Result<usize, PlatformError> {
    let read_through = store::checkpoints::last_line(platform).await?;
    let stored = store::snapshots::all(platform).await?;
    let statements = replayed(platform, now, None).await?;
    let changed: Vec<(&str, Snapshot)> = statements
        .iter()
        .filter_map(|(code, s)| {
            let snapshot = Snapshot {
                balance: s.balance,
                valid_until: s.next_change.unwrap_or(FAR),
            };
            (stored.get(code) != Some(&snapshot)).then_some((code.as_str(), snapshot))
        })
        .collect();
    store::snapshots::save(platform, &changed, now, read_through).await?;
    Ok(changed.len())
}

/// Partners whose checkpoints one run moves on (the rest wait for the next run).
pub const PARTNERS_PER_RUN: usize = 2_000;
/// Partners read and written together.
const PARTNERS_PER_BATCH: usize = 50;

/// What a run did to the checkpoints.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Advanced {
    /// Partners whose checkpoint moved on (or was made).
    pub partners: usize,
    /// Whether every partner is done up to `through`.
    pub complete: bool,
    /// The midnight checkpoints are made at.
    pub through: i64,
}

/// Moves every partner's checkpoint on to today's midnight (UTC): those with new lines, with
/// money that matured since the last run, or whose checkpoint was voided. Resumable: a run
/// that stops (or hits [`PARTNERS_PER_RUN`]) leaves the rest to the next.
pub async fn advance(
    platform: &impl Platform,
    now: i64,
    budget: usize,
) -> Result<Advanced, PlatformError> {
    let through = now - now.rem_euclid(DAY);
    let Some(progress) = store::checkpoints::progress(platform).await? else {
        return Ok(Advanced::default());
    };
    let last = store::checkpoints::last_line(platform).await?;
    let partners = store::checkpoints::partners_to_move(
        platform,
        progress.checkpoint_seen,
        last,
        progress.checkpoint_through,
        through,
    )
    .await?;
    let mut done = Advanced {
        partners: 0,
        complete: true,
        through,
    };
    for batch in partners.chunks(PARTNERS_PER_BATCH) {
        if done.partners >= budget {
            done.complete = false;
            break;
        }
        let codes: Vec<&str> = batch.iter().map(String::as_str).collect();
        let stored = store::checkpoints::of(platform, &codes).await?;
        let starts: Vec<(&str, Checkpoint)> = codes
            .iter()
            .filter_map(|&code| match stored.get(code) {
                Some(s) if !s.void && s.checkpoint.through >= through => None,
                Some(s) if !s.void => Some((code, s.checkpoint.clone())),
                _ => Some((code, Checkpoint::start())),
            })
            .collect();
        if starts.is_empty() {
            continue;
        }
        let from = starts
            .iter()
            .map(|(_, c)| c.through.max(-FAR))
            .min()
            .unwrap_or(through);
        let todo: Vec<&str> = starts.iter().map(|(code, _)| *code).collect();
        let moving = store::checkpoints::moving(platform, Some(&todo), from, through).await?;
        let mut statements = Vec::new();
        for (code, start) in &starts {
            let lines = moving.by_partner.get(*code).map_or(&[][..], Vec::as_slice);
            let (checkpoint, replayed, changed) = start.advance(lines, &moving.known, through);
            statements.extend(store::checkpoints::save(
                code,
                &checkpoint,
                &replayed,
                &changed,
                last,
            )?);
        }
        platform.batch(statements).await?;
        done.partners += starts.len();
    }
    if done.complete {
        platform
            .execute(store::checkpoints::set_progress(last, through))
            .await?;
    }
    Ok(done)
}
