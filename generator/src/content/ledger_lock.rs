//! `content/ledger.lock`: the payouts and adjustments that have been published. Like
//! `Cargo.lock`, `build` adds what is new and the owner commits it; `check` and `build` then
//! refuse a published payout or adjustment that was edited or removed, because the deployed
//! ledger never changes: a mistake is corrected by a new adjustment.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::load::Located;
use super::source::SourceFile;
use super::{Adjustment, Content, Payout};
use crate::diagnostics::ContentError;

pub const FILE: &str = "ledger.lock";

const HEADER: &str = "# Published payouts and adjustments, written by `partner-center build`. Commit this file.\n\
# A line here is final: the deployed ledger keeps it as it is. To correct one, add an\n\
# adjustment in adjustments/ (with `corrects: <payout reference>` for a payout).\n";

/// One published line, as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub kind: String,
    pub id: String,
    pub partner: String,
    pub date: String,
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    #[serde(default)]
    published: Vec<Published>,
}

fn of_payout(p: &Payout) -> Published {
    Published {
        kind: "payout".into(),
        id: p.reference.clone(),
        partner: p.partner.to_string(),
        date: p.date.to_string(),
        amount: p.amount.decimal_string(),
        corrects: None,
    }
}

fn of_adjustment(a: &Adjustment) -> Published {
    Published {
        kind: "adjustment".into(),
        id: a.id.clone(),
        partner: a.partner.to_string(),
        date: a.date.to_string(),
        amount: a.amount.decimal_string(),
        corrects: a.corrects.clone(),
    }
}

fn words(p: &Published) -> String {
    format!("{} to {} on {}", p.amount, p.partner, p.date)
}

/// The lock's entries (none if there is no lock yet); a malformed lock is a located error.
pub(super) fn read(file: Option<&SourceFile>, errors: &mut Vec<ContentError>) -> Vec<Published> {
    let Some(file) = file else {
        return Vec::new();
    };
    match serde_yaml::from_str::<LockFile>(file.text()) {
        Ok(lock) => lock.published,
        Err(e) => {
            errors.push(
                file.yaml_error(&e, 0)
                    .hint("ledger.lock is written by `partner-center build`: restore it from git"),
            );
            Vec::new()
        }
    }
}

/// Every published line must still be in the content, exactly as it was. Removals are only
/// reported when the content is otherwise `complete` (no cascade from a file that failed).
pub(super) fn verify(
    lock_file: Option<&SourceFile>,
    published: &[Published],
    payouts: &[Located<Vec<Payout>>],
    adjustments: &[Located<Vec<Adjustment>>],
    complete: bool,
    errors: &mut Vec<ContentError>,
) {
    let mut now: HashMap<(&str, &str), (Published, &SourceFile, &str)> = HashMap::new();
    for Located { file, value } in payouts {
        for p in value {
            now.insert(("payout", &p.reference), (of_payout(p), file, "reference"));
        }
    }
    for Located { file, value } in adjustments {
        for a in value {
            now.insert(("adjustment", &a.id), (of_adjustment(a), file, "id"));
        }
    }
    for was in published {
        let folder = if was.kind == "payout" {
            "payouts/"
        } else {
            "adjustments/"
        };
        let fix = match &was.kind[..] {
            "payout" => format!(
                "published payouts are final: restore it as it was, then add an adjustment in adjustments/ with `corrects: {}` for the difference",
                was.id
            ),
            _ => "published adjustments are final: restore it as it was, then add another adjustment for the difference".to_owned(),
        };
        match now.get(&(was.kind.as_str(), was.id.as_str())) {
            Some((current, _, _)) if current == was => {}
            Some((current, file, key)) => errors.push(
                file.error_at(
                    file.find_value(key, &was.id),
                    format!(
                        "{} {} was published as {}; it now says {}",
                        was.kind,
                        was.id,
                        words(was),
                        words(current)
                    ),
                )
                .hint(fix),
            ),
            None if !complete => {}
            None => {
                let message = format!(
                    "{} {} ({}) was published and is no longer in {folder}",
                    was.kind,
                    was.id,
                    words(was)
                );
                errors.push(
                    match lock_file {
                        Some(lock) => lock.error_at(lock.find_value("id", &was.id), message),
                        None => ContentError::file(FILE, message),
                    }
                    .hint(fix),
                );
            }
        }
    }
}

/// Adds the content's new payouts and adjustments to `root/ledger.lock` (atomically); leaves
/// the file untouched when nothing is new. Returns how many were added.
pub fn update(root: &Path, content: &Content) -> std::io::Result<usize> {
    let path = root.join(FILE);
    let mut lock: LockFile = match std::fs::read_to_string(&path) {
        Ok(text) => serde_yaml::from_str(&text).map_err(std::io::Error::other)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => LockFile::default(),
        Err(e) => return Err(e),
    };
    let before = lock.published.len();
    let all = content
        .payouts
        .iter()
        .map(of_payout)
        .chain(content.adjustments.iter().map(of_adjustment));
    for p in all {
        if !lock
            .published
            .iter()
            .any(|q| q.kind == p.kind && q.id == p.id)
        {
            lock.published.push(p);
        }
    }
    let added = lock.published.len() - before;
    if added == 0 {
        return Ok(0);
    }
    let text = format!(
        "{HEADER}{}",
        serde_yaml::to_string(&lock).map_err(std::io::Error::other)?
    );
    let temp = root.join(format!(".{FILE}.{}", std::process::id()));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, &path)?;
    Ok(added)
}
