//! What a build's output depends on, as hashes: one for everything every partner's pages
//! share (theme, site.yaml, programs, links, resources, the generator itself) and one per
//! partner. A rebuild renders again only the partners whose hash, or the shared one, changed.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::content::{Content, Partner};
use crate::theme::Theme;

/// Content folders that never reach a partner's pages (they are per-partner inputs or ledger
/// records that only the seed carries).
const NOT_SHARED: &[&str] = &["partners", "payouts", "adjustments", "ledger.lock"];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inputs {
    pub shared: String,
    pub partners: BTreeMap<String, String>,
}

fn hex(digest: &[u8]) -> String {
    hex::encode(&digest[..16])
}

/// Hashes every file under `dir` (path and bytes, in path order) except the `skip`ped names
/// at its top level.
fn hash_tree(hasher: &mut Sha256, dir: &Path, skip: &[&str]) -> std::io::Result<()> {
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() != 1
                || !skip
                    .iter()
                    .any(|s| e.file_name() == std::ffi::OsStr::new(s))
        });
    for entry in walk {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            hasher.update(relative.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update(std::fs::read(entry.path())?);
            hasher.update([0]);
        }
    }
    Ok(())
}

/// The generator that renders: its version and its own bytes, so a new generator (even one
/// with the same version number) renders everything again.
fn generator_identity(hasher: &mut Sha256) {
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::read) {
        hasher.update(Sha256::digest(exe));
    }
}

/// What one partner's pages depend on besides the shared inputs: the partner as loaded, and
/// the name of the partner who referred them (shown on their pages).
fn partner_hash(partner: &Partner, parent: Option<&Partner>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{partner:?}").as_bytes());
    hasher.update([0]);
    hasher.update(parent.map_or("", |p| p.name.as_str()).as_bytes());
    hex(&hasher.finalize())
}

impl Inputs {
    pub fn of(content: &Content, theme: &Theme) -> std::io::Result<Inputs> {
        let mut hasher = Sha256::new();
        generator_identity(&mut hasher);
        hash_tree(&mut hasher, &content.root, NOT_SHARED)?;
        hasher.update(b"\0theme\0");
        theme.hash_into(&mut hasher);
        // What has expired since the last build leaves every page that offered it.
        hasher.update(b"\0expired\0");
        hasher.update(content.expired_on(crate::clock::today()).as_bytes());
        let by_code: std::collections::HashMap<&str, &Partner> = content
            .partners
            .iter()
            .map(|p| (p.code.as_str(), p))
            .collect();
        let partners = content
            .partners
            .iter()
            .map(|p| {
                let parent = p
                    .parent
                    .as_ref()
                    .and_then(|c| by_code.get(c.as_str()).copied());
                (p.code.to_string(), partner_hash(p, parent))
            })
            .collect();
        Ok(Inputs {
            shared: hex(&hasher.finalize()),
            partners,
        })
    }

    /// Whether `code`'s pages from the build that had `previous` inputs are still right.
    pub fn unchanged(&self, previous: &Inputs, code: &str) -> bool {
        self.shared == previous.shared
            && self.partners.contains_key(code)
            && self.partners.get(code) == previous.partners.get(code)
    }
}
