//! The build pipeline: load content → load theme → hash the inputs → render the shared pages
//! and every partner whose inputs changed → write the deploy units and the manifest, all into a
//! staging directory that replaces the output directory only when complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::{self, Content};
use crate::data;
use crate::diagnostics::Diagnostics;
use crate::render::{DirSink, NullSink, RenderError, Renderer};
use crate::theme::Theme;
use inputs::Inputs;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the content has errors")]
    Content(Diagnostics),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Render(RenderError),
}

mod inputs;
pub mod manifest;
mod pages;

pub use manifest::Manifest;
pub use pages::{PAGES_DIR, bundle_path, read_page, write_pages};

/// What a build did, for the one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct BuildSummary {
    pub partners: usize,
    /// Partners whose pages were rendered by this build (the others' were unchanged).
    pub rendered: usize,
    /// Pages rendered by this build.
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        write!(f, "{} partners", self.partners)?;
        if self.rendered < self.partners {
            write!(
                f,
                " ({} rendered, {} unchanged)",
                self.rendered,
                self.partners - self.rendered
            )?;
        }
        write!(
            f,
            ", {} pages, {} files in {:.2} s ({:.0} pages/s)",
            self.pages,
            self.files,
            secs,
            self.pages as f64 / secs.max(1e-9)
        )
    }
}

/// Loads and validates content and theme; every error at once.
pub fn load(content_dir: &Path) -> Result<(Content, Theme), BuildError> {
    let content = content::load(content_dir).map_err(BuildError::Content)?;
    let theme = Theme::load(content_dir, &content.site.theme).map_err(BuildError::Content)?;
    Ok((content, theme))
}

fn render_error(err: RenderError) -> BuildError {
    match err {
        RenderError::Template(e) => {
            let mut d = Diagnostics::default();
            d.push(*e);
            BuildError::Content(d)
        }
        other @ RenderError::Write { .. } => BuildError::Render(other),
    }
}

/// `check`: everything a build does except writing.
pub fn check(content_dir: &Path) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let (content, theme) = load(content_dir)?;
    let renderer = Renderer::new(&content, &theme);
    let mut written = renderer.render_public(&NullSink).map_err(render_error)?;
    written.pages += pages::check_partners(&content, &renderer)?;
    let _ = data::units(&content);
    Ok(BuildSummary {
        partners: content.partners.len(),
        rendered: content.partners.len(),
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
    })
}

/// `build`: renders `out/site` (shared files), `out/pages` (one bundle per partner) and
/// `out/data` (deploy units and the manifest), replacing `out` only when all of it is written.
/// Partners whose inputs did not change since the build in `out` keep their bundle.
pub fn build(content_dir: &Path, out: &Path) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let (content, theme) = load(content_dir)?;
    let inputs = Inputs::of(&content, &theme)?;
    let previous = Manifest::read(out);
    let staging = sibling(out, "staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(staging.join("site"))?;
    let result = write_all(&content, &theme, &inputs, previous.as_ref(), out, &staging);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    swap_into_place(&staging, out)?;
    // What was just built for deploying is published: record it (commit ledger.lock).
    crate::content::ledger_lock::update(content_dir, &content)?;
    Ok(BuildSummary {
        elapsed: started.elapsed(),
        ..summary
    })
}

fn write_all(
    content: &Content,
    theme: &Theme,
    inputs: &Inputs,
    previous: Option<&Manifest>,
    out: &Path,
    staging: &Path,
) -> Result<BuildSummary, BuildError> {
    let renderer = Renderer::new(content, theme);
    let mut written = renderer
        .render_public(&DirSink(staging.join("site")))
        .map_err(render_error)?;
    let reuse = previous.map(|m| (m, out));
    let partner_pages = pages::write_partners(content, &renderer, inputs, reuse, staging)?;
    written.pages += partner_pages.pages;
    written.files += content.partners.len();

    let mut units = data::units(content);
    units.extend(partner_pages.units);
    let build_id = data::seal(&mut units);
    std::fs::create_dir_all(staging.join("data"))?;
    manifest::write_units(staging, &units)?;
    let manifest = Manifest {
        build_id,
        portal_name: content.site.portal_name.clone(),
        partners: content.partners.len(),
        links: content.links.len(),
        inputs: inputs.clone(),
        units: units.into_iter().map(|u| (u.id, u.hash)).collect(),
    };
    manifest.write(staging)?;
    written.files += 2;
    Ok(BuildSummary {
        partners: content.partners.len(),
        rendered: partner_pages.rendered,
        pages: written.pages,
        files: written.files,
        elapsed: Duration::ZERO,
    })
}

/// `<parent>/.<name>.<what>-<pid>`: on the same file system as `out`, so renames are atomic.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "dist".into(), |n| n.to_string_lossy().into_owned());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{what}-{}", std::process::id()))
}

/// Replaces `out` with `staging`: two renames, so readers see the old or the new tree.
fn swap_into_place(staging: &Path, out: &Path) -> std::io::Result<()> {
    if out.exists() {
        let old = sibling(out, "old");
        std::fs::rename(out, &old)?;
        if let Err(e) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(staging, out)?;
    }
    Ok(())
}
