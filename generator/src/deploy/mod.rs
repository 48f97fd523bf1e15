//! `partner-center deploy`: sends the edge only what changed since the last deploy.
//!
//! A build lists its deploy units (`data/units.jsonl`, see [`crate::data`]). The target keeps,
//! in the `deploy_units` table, each deployed unit's hash and the KV keys it wrote. The plan is
//! the difference: units to put (new or changed), units to delete (gone from the build), and
//! the rest unchanged. Applying it writes KV keys and page bundles first, then the D1
//! statements together with the new `deploy_units` rows, then deletes what is gone, and last
//! sets `config:build` (the build that is live). A deploy that stops half-way is finished by
//! the next one: puts are idempotent and `deploy_units` only records what was written.

mod native;
mod plan;
mod wrangler;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use native::NativeTarget;
pub use plan::Plan;
pub use wrangler::{Wrangler, WranglerOptions};

use crate::build::{Manifest, manifest};
use crate::data::{KvEntry, Unit};

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("no build in {0}: run `partner-center build --out {0}` first")]
    NoBuild(String),
    #[error("cannot read the build: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] pc_worker::native::DatabaseError),
    #[error("`{command}` failed: {detail}")]
    Wrangler { command: String, detail: String },
    #[error("what `{command}` printed is not what it should print: {detail}")]
    WranglerOutput { command: String, detail: String },
}

/// A unit as the target has it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeployedUnit {
    pub hash: String,
    pub kv_keys: Vec<String>,
}

impl DeployedUnit {
    /// A `deploy_units` row (`unit`, `hash`, `kv_keys`): the unit id and what it has.
    pub fn from_row(row: &serde_json::Map<String, serde_json::Value>) -> (String, DeployedUnit) {
        let text = |k: &str| row.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let unit = DeployedUnit {
            hash: text("hash"),
            kv_keys: text("kv_keys")
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        };
        (text("unit"), unit)
    }
}

/// Unit id → what is deployed.
pub type Deployed = HashMap<String, DeployedUnit>;

/// What a target is told to do.
#[derive(Debug, Default)]
pub struct Changes {
    /// `LINKS` entries to write (`config:build` is not among them: see `build_id`).
    pub links_put: Vec<KvEntry>,
    pub links_delete: Vec<String>,
    /// `PAGES` keys (partner codes) and the bundle file to write under each.
    pub pages_put: Vec<(String, PathBuf)>,
    pub pages_delete: Vec<String>,
    /// D1 statements: the units', their removals, and the `deploy_units` bookkeeping.
    pub sql: String,
    /// Written last, to `LINKS` `config:build`.
    pub build_id: String,
}

/// Where a deploy goes: the native SQLite database, or Cloudflare through wrangler.
pub trait Target {
    /// What is deployed now.
    fn deployed(&mut self) -> Result<Deployed, DeployError>;
    /// Carries out `changes`.
    fn apply(&mut self, changes: &Changes) -> Result<(), DeployError>;
}

/// A page bundle as the page store keeps it: base64 text. (Binary KV values would be 25%
/// smaller, but `wrangler kv bulk put --local` 4.86 turns them into UTF-8 text, replacing
/// bytes, so tests could not deploy what production does; text values are the same everywhere.)
pub fn stored_bundle(path: &Path) -> std::io::Result<String> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.encode(std::fs::read(path)?))
}

/// A build in `out`, read for deploying.
#[derive(Debug)]
pub struct Build {
    pub out: PathBuf,
    pub manifest: Manifest,
    pub units: Vec<Unit>,
}

impl Build {
    pub fn read(out: &Path) -> Result<Build, DeployError> {
        let manifest =
            Manifest::read(out).ok_or_else(|| DeployError::NoBuild(out.display().to_string()))?;
        let units = manifest::read_units(out)?;
        Ok(Build {
            out: out.to_owned(),
            manifest,
            units,
        })
    }
}

/// Plans the deploy of `build` to `target` and, unless `dry_run`, carries it out.
pub fn deploy<'b>(
    build: &'b Build,
    target: &mut dyn Target,
    dry_run: bool,
) -> Result<Plan<'b>, DeployError> {
    let deployed = target.deployed()?;
    let plan = Plan::new(&build.units, &deployed);
    // An empty plan still sets `config:build`: it finishes a deploy that stopped before it.
    if !dry_run {
        target.apply(&plan.changes(&build.out, &build.manifest.build_id))?;
    }
    Ok(plan)
}
