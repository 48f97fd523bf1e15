//! `partner-center new <dir>`: a ready-to-edit content repository.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::theme::DEFAULT_THEME;

static DEMO_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../content");

/// The files beside `content/`; `{{version}}` in them becomes this release's version (the one
/// the deploy workflow downloads).
const FILES: &[(&str, &str)] = &[
    ("wrangler.toml", include_str!("../scaffold/wrangler.toml")),
    (
        ".github/workflows/deploy.yml",
        include_str!("../scaffold/deploy.yml"),
    ),
    // wrangler, pinned with its whole tree (`npm ci` in the deploy workflow).
    ("package.json", include_str!("../scaffold/package.json")),
    (
        "package-lock.json",
        include_str!("../scaffold/package-lock.json"),
    ),
    ("README.md", include_str!("../scaffold/README.md")),
    (
        ".gitignore",
        "/dist\n/.wrangler\n/node_modules\n/.partner-center\n/.partner-center-src\n",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{0} already exists and is not empty; choose a new folder")]
    NotEmpty(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn write(root: &Path, relative: &Path, bytes: &[u8]) -> Result<(), ScaffoldError> {
    let path = root.join(relative);
    let io = |source| ScaffoldError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(&path, bytes).map_err(io)
}

fn write_dir(
    root: &Path,
    prefix: &Path,
    dir: &Dir<'_>,
    skip: &[&str],
) -> Result<usize, ScaffoldError> {
    let mut count = 0;
    for file in dir.files() {
        if skip.iter().any(|s| file.path() == Path::new(s)) {
            continue;
        }
        write(root, &prefix.join(file.path()), file.contents())?;
        count += 1;
    }
    for sub in dir.dirs() {
        if !skip.iter().any(|s| sub.path() == Path::new(s)) {
            count += write_dir(root, prefix, sub, skip)?;
        }
    }
    Ok(count)
}

/// Writes the demo content into `root`, without the top-level folders and files in `skip`.
pub fn write_demo_content(root: &Path, skip: &[&str]) -> Result<usize, ScaffoldError> {
    write_dir(root, Path::new(""), &DEMO_CONTENT, skip)
}

/// Writes a new content repository at `root`: the demo content (to edit), the default theme
/// (to customise, or delete to use the built-in one), wrangler.toml, a deploy workflow, README.
pub fn scaffold(root: &Path) -> Result<usize, ScaffoldError> {
    if root.exists() && std::fs::read_dir(root).map_or(true, |mut d| d.next().is_some()) {
        return Err(ScaffoldError::NotEmpty(root.display().to_string()));
    }
    // A new program starts with the demo's programs, partners and resources to edit, but no
    // payouts and no sample activity: its reports start empty.
    let mut count = write_dir(
        root,
        Path::new("content"),
        &DEMO_CONTENT,
        &["payouts", crate::content::ledger_lock::FILE],
    )?;
    let site = root.join("content/site.yaml");
    let io = |source| ScaffoldError::Io {
        path: site.display().to_string(),
        source,
    };
    let text = std::fs::read_to_string(&site).map_err(io)?;
    let mut without_demo = text
        .lines()
        .filter(|l| {
            !l.starts_with("demo:")
                && !l.starts_with("# Sample content")
                && !l.starts_with("# clicks, leads, sales")
        })
        .collect::<Vec<_>>()
        .join("\n");
    without_demo.push('\n');
    std::fs::write(&site, without_demo).map_err(io)?;
    count += write_dir(root, Path::new("themes/default"), &DEFAULT_THEME, &[])?;
    for (path, text) in FILES {
        let text = text.replace("{{version}}", env!("CARGO_PKG_VERSION"));
        write(root, Path::new(path), text.as_bytes())?;
        count += 1;
    }
    Ok(count)
}

/// Where wrangler.toml expects the release's worker (`main`, `migrations_dir`).
pub const RELEASE_LINK: &str = ".partner-center-src";

/// The release `program` runs from (its `bin/partner-center` beside `worker/entry.mjs`), if
/// it runs from an unpacked release archive.
pub fn release_of(program: &Path) -> Option<std::path::PathBuf> {
    let root = program
        .canonicalize()
        .ok()?
        .parent()?
        .parent()?
        .to_path_buf();
    root.join("worker/entry.mjs").is_file().then_some(root)
}

/// Links `<root>/.partner-center-src` to `release`, so that wrangler finds the worker in a
/// repository made on the owner's machine as the deploy workflow finds it (git-ignored).
pub fn link_release(root: &Path, release: &Path) -> Result<(), ScaffoldError> {
    let link = root.join(RELEASE_LINK);
    let io = |source| ScaffoldError::Io {
        path: link.display().to_string(),
        source,
    };
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(release, &link).map_err(io)
    }
    #[cfg(not(unix))]
    {
        let _ = (release, io);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_is_found_from_its_program_and_linked() {
        let dir = tempfile::tempdir().unwrap();
        let release = dir
            .path()
            .join("partner-center-1.0.0-x86_64-unknown-linux-gnu");
        std::fs::create_dir_all(release.join("bin")).unwrap();
        std::fs::create_dir_all(release.join("worker")).unwrap();
        std::fs::write(release.join("bin/partner-center"), "").unwrap();
        assert_eq!(release_of(&release.join("bin/partner-center")), None);
        std::fs::write(release.join("worker/entry.mjs"), "export default {}").unwrap();
        let found = release_of(&release.join("bin/partner-center")).unwrap();
        assert_eq!(found, release.canonicalize().unwrap());
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        link_release(&repo, &found).unwrap();
        assert!(repo.join(".partner-center-src/worker/entry.mjs").is_file());
    }
}
