//! The build pipeline: load content → load theme → render every page → write edge data,
//! all into a staging directory that replaces the output directory only when complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::content::{self, Content};
use crate::data;
use crate::diagnostics::Diagnostics;
use crate::render::{DirSink, NullSink, RenderError, Renderer, Sink, Written};
use crate::theme::Theme;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the content has errors")]
    Content(Diagnostics),
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Render(RenderError),
}

/// What a build did, for the one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct BuildSummary {
    pub partners: usize,
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64();
        write!(
            f,
            "{} partners, {} pages, {} files in {:.2} s ({:.0} pages/s)",
            self.partners,
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

/// Renders everything into `sink`, partners in parallel, with a progress bar on big builds.
fn render_all(content: &Content, theme: &Theme, sink: &dyn Sink) -> Result<Written, BuildError> {
    let renderer = Renderer::new(content, theme);
    let mut written = renderer.render_public(sink).map_err(render_error)?;
    let progress = if content.partners.len() >= 500 {
        ProgressBar::new(content.partners.len() as u64).with_style(
            ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} partners [{bar:30}] {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let partners = content
        .partners
        .par_iter()
        .map(|partner| {
            let w = renderer.render_partner(partner, sink);
            progress.inc(1);
            w
        })
        .try_reduce(Written::default, |mut a, b| {
            a += b;
            Ok(a)
        })
        .map_err(render_error)?;
    progress.finish_and_clear();
    written += partners;
    Ok(written)
}

/// `check`: everything a build does except writing.
pub fn check(content_dir: &Path) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let (content, theme) = load(content_dir)?;
    let written = render_all(&content, &theme, &NullSink)?;
    let _ = data::seed_sql(&content);
    Ok(BuildSummary {
        partners: content.partners.len(),
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
    })
}

/// `build`: renders `out/site` and `out/data`, replacing `out` only when all of it is written.
pub fn build(content_dir: &Path, out: &Path) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let (content, theme) = load(content_dir)?;
    let staging = sibling(out, "staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    std::fs::create_dir_all(staging.join("site"))?;
    let result = write_all(&content, &theme, &staging);
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    swap_into_place(&staging, out)?;
    // What was just built for deploying is published: record it (commit ledger.lock).
    crate::content::ledger_lock::update(content_dir, &content)?;
    Ok(BuildSummary {
        partners: content.partners.len(),
        pages: written.pages,
        files: written.files,
        elapsed: started.elapsed(),
    })
}

fn write_all(content: &Content, theme: &Theme, staging: &Path) -> Result<Written, BuildError> {
    let mut written = render_all(content, theme, &DirSink(staging.join("site")))?;
    let data = staging.join("data");
    std::fs::create_dir_all(&data)?;
    let (seed, build_id) = data::seed_sql(content);
    std::fs::write(
        data.join("kv-links.json"),
        data::kv_links(content, &build_id),
    )?;
    std::fs::write(data.join("seed.sql"), seed)?;
    let manifest = serde_json::json!({
        "build_id": build_id,
        "portal_name": content.site.portal_name,
        "partners": content.partners.len(),
        "pages": written.pages,
        "links": content.links.len(),
    });
    std::fs::write(
        data.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap_or_default(),
    )?;
    written.files += 3;
    Ok(written)
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
