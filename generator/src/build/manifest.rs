//! `data/manifest.json`: what a build made, and from what. The next build reads it to reuse
//! the page bundles whose inputs did not change; `deploy` reads the unit list beside it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::inputs::Inputs;
use crate::data::Unit;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub build_id: String,
    pub portal_name: String,
    pub partners: usize,
    pub links: usize,
    pub inputs: Inputs,
    /// Unit id → hash, for every unit in `units.jsonl`.
    pub units: BTreeMap<String, String>,
}

pub const FILE: &str = "data/manifest.json";
pub const UNITS_FILE: &str = "data/units.jsonl";

impl Manifest {
    /// The manifest of the build in `out`, if there is a readable one.
    pub fn read(out: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(out.join(FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        std::fs::write(
            out.join(FILE),
            serde_json::to_string(self).map_err(std::io::Error::other)?,
        )
    }
}

/// Writes the units, one JSON object per line.
pub fn write_units(out: &Path, units: &[Unit]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out.join(UNITS_FILE))?);
    for unit in units {
        serde_json::to_writer(&mut file, unit).map_err(std::io::Error::other)?;
        file.write_all(b"\n")?;
    }
    file.flush()
}

/// The units of the build in `out`.
pub fn read_units(out: &Path) -> std::io::Result<Vec<Unit>> {
    let text = std::fs::read_to_string(out.join(UNITS_FILE))?;
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).map_err(std::io::Error::other))
        .collect()
}
