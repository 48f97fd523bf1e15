//! `serve`'s own content directory as the console's git: new files are written there (each
//! through a temporary file and a rename, so the watcher never builds half a file) and, when
//! the directory is in a git repository, committed with the owner as author. The watcher then
//! rebuilds at once. Without git the files are written and the answer says so.

use std::path::{Component, Path};
use std::process::Command;

use crate::content_change::{Change, Committed, GitError};
use crate::git::compare;

/// Commits `change` into the content directory `content`.
pub(super) fn commit(content: &Path, change: &Change) -> Result<Committed, GitError> {
    let mut new = Vec::new();
    for file in &change.files {
        let relative = Path::new(&file.path);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(GitError::Refused(format!(
                "{} is not a path inside the content directory",
                file.path
            )));
        }
        let existing = std::fs::read_to_string(content.join(relative)).ok();
        if !compare(file, existing.as_deref())? {
            new.push(file);
        }
    }
    let repository = git(content, &["rev-parse", "--show-toplevel"]).ok();
    if new.is_empty() {
        let sha = match &repository {
            Some(_) => git(content, &["rev-parse", "HEAD"]).unwrap_or_default(),
            None => String::new(),
        };
        return Ok(Committed {
            sha,
            url: None,
            already: true,
        });
    }
    for file in &new {
        let path = content.join(&file.path);
        let failed = |e: std::io::Error| GitError::Platform(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        let temporary = path.with_extension("partial");
        std::fs::write(&temporary, &file.contents).map_err(failed)?;
        std::fs::rename(&temporary, &path).map_err(failed)?;
    }
    if repository.is_none() {
        return Ok(Committed {
            sha: String::new(),
            url: None,
            already: false,
        });
    }
    let paths: Vec<&str> = new.iter().map(|f| f.path.as_str()).collect();
    let mut add = vec!["add", "--"];
    add.extend(&paths);
    git(content, &add)?;
    let author = format!("{} <{}>", change.author.name, change.author.email);
    let name = format!("user.name={}", change.author.name);
    let email = format!("user.email={}", change.author.email);
    let mut commit = vec![
        "-c",
        &name,
        "-c",
        &email,
        "commit",
        "--quiet",
        "--no-verify",
        "--author",
        &author,
        "-m",
        &change.message,
        "--",
    ];
    commit.extend(&paths);
    git(content, &commit)?;
    Ok(Committed {
        sha: git(content, &["rev-parse", "HEAD"])?,
        url: None,
        already: false,
    })
}

/// Runs git in `dir`: its output, trimmed, or what it said went wrong.
fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| GitError::Platform(format!("git: {e}")))?;
    if !output.status.success() {
        return Err(GitError::Refused(format!(
            "git {}: {}",
            args.iter()
                .find(|a| !a.starts_with('-') && !a.contains('='))
                .unwrap_or(&""),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
