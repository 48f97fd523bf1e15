//! Partners' portal pages: rendered (in parallel, with a progress bar on big builds) and
//! packed into one bundle per partner, `pages/<code>.bin`, or kept from the previous build when
//! nothing they depend on changed.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::inputs::Inputs;
use super::{BuildError, Manifest, render_error};
use crate::content::{Content, Partner};
use crate::data::Unit;
use crate::render::Renderer;

/// Where the bundles are, under the output directory.
pub const PAGES_DIR: &str = "pages";
/// Deflate level of the pages in a bundle: level 1 builds 20 % faster but makes bundles 43 %
/// larger (README "Scale").
const LEVEL: u8 = 6;

/// Raw deflate with zlib-rs (through flate2): faster than miniz_oxide at the same level.
fn deflate(html: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(html.len() / 3),
        flate2::Compression::new(u32::from(LEVEL)),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(html);
    encoder.finish().unwrap_or_default()
}

pub fn bundle_path(out: &Path, code: &str) -> PathBuf {
    out.join(PAGES_DIR).join(format!("{code}.bin"))
}

/// One page of a built partner portal (`place` as under `/portal/`: "", "links/"), for tests
/// and `partner-center pages`.
pub fn read_page(out: &Path, code: &str, place: &str) -> std::io::Result<Option<String>> {
    let bundle = std::fs::read(bundle_path(out, code))?;
    let page = pc_core::page_bundle::page(&bundle, place).map_err(std::io::Error::other)?;
    Ok(page.map(|html| String::from_utf8_lossy(&html).into_owned()))
}

/// Writes every page of `code`'s bundle under `to` (`index.html`, `links/index.html`, …).
pub fn write_pages(out: &Path, code: &str, to: &Path) -> std::io::Result<usize> {
    let bundle = std::fs::read(bundle_path(out, code))?;
    let places = pc_core::page_bundle::paths(&bundle).map_err(std::io::Error::other)?;
    for place in &places {
        let html = pc_core::page_bundle::page(&bundle, place)
            .map_err(std::io::Error::other)?
            .unwrap_or_default();
        let dir = to.join(place);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), html)?;
    }
    Ok(places.len())
}

/// What writing the partners' pages did.
#[derive(Debug, Default)]
pub(super) struct PartnerPages {
    pub pages: usize,
    pub rendered: usize,
    /// One `pages:<code>` unit per partner, in content order.
    pub units: Vec<Unit>,
}

fn progress(len: usize) -> ProgressBar {
    if len < 500 {
        return ProgressBar::hidden();
    }
    ProgressBar::new(len as u64).with_style(
        ProgressStyle::with_template("{spinner} rendering {pos}/{len} partners [{bar:30}] {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

/// Renders every partner's pages without writing them; the number of pages.
pub(super) fn check_partners(
    content: &Content,
    renderer: &Renderer<'_>,
) -> Result<usize, BuildError> {
    content
        .partners
        .par_iter()
        .map(|p| renderer.render_partner(p).map(|pages| pages.len()))
        .try_reduce(|| 0, |a, b| Ok(a + b))
        .map_err(render_error)
}

/// One partner: `(pages rendered, unit)`.
fn write_partner(
    partner: &Partner,
    renderer: &Renderer<'_>,
    inputs: &Inputs,
    previous: Option<(&Manifest, &Path)>,
    staging: &Path,
) -> Result<(usize, Unit), BuildError> {
    let code = partner.code.as_str();
    let target = bundle_path(staging, code);
    if let Some((manifest, out)) = previous
        && inputs.unchanged(&manifest.inputs, code)
        && let Some(hash) = manifest
            .units
            .get(&format!("{}{code}", crate::data::PAGES_PREFIX))
    {
        let old = bundle_path(out, code);
        // Same file system: a hard link costs no copy; fall back to a copy where links fail.
        if std::fs::hard_link(&old, &target).is_ok() || std::fs::copy(&old, &target).is_ok() {
            return Ok((0, Unit::pages(code, hash.clone())));
        }
    }
    let pages = renderer.render_partner(partner).map_err(render_error)?;
    let bundle = pc_core::page_bundle::pack_with(
        pages
            .iter()
            .map(|(place, html)| (place.as_str(), html.as_bytes())),
        deflate,
    );
    std::fs::write(&target, &bundle)?;
    let hash = crate::hash::short_hash(&bundle, 12);
    Ok((pages.len(), Unit::pages(code, hash)))
}

/// Writes every partner's bundle into `staging/pages/`.
pub(super) fn write_partners(
    content: &Content,
    renderer: &Renderer<'_>,
    inputs: &Inputs,
    previous: Option<(&Manifest, &Path)>,
    staging: &Path,
) -> Result<PartnerPages, BuildError> {
    std::fs::create_dir_all(staging.join(PAGES_DIR))?;
    let bar = progress(content.partners.len());
    let results: Vec<(usize, Unit)> = content
        .partners
        .par_iter()
        .map(|partner| {
            let result = write_partner(partner, renderer, inputs, previous, staging);
            bar.inc(1);
            result
        })
        .collect::<Result<_, _>>()?;
    bar.finish_and_clear();
    let mut out = PartnerPages::default();
    for (pages, unit) in results {
        out.pages += pages;
        out.rendered += usize::from(pages > 0);
        out.units.push(unit);
    }
    Ok(out)
}
