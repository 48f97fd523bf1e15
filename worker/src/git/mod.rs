//! The console's changes, committed to git for the owner: git stays the source of truth, and
//! every decision an owner makes with a button lands in the repository as a normal commit with
//! the owner as its author.
//!
//! `GIT_HOST` picks the host, each spoken in its own documented API: `github` (REST: a tree and
//! a commit naming its parent, then the branch moved to it, never forced), `forgejo` (also
//! Gitea: the contents API) and `gitlab` (the commits API). `serve` without a host writes into
//! its own content directory and commits there when it is a git repository
//! ([`crate::Platform::commit_locally`]).
//!
//! The console only ever adds files (a partner's file, a payout run, an adjustment), so a
//! commit is safe to retry: a file already there with the same contents is done, one with other
//! contents is a conflict reported with both versions.

mod client;
mod forgejo;
mod github;
mod gitlab;

pub use crate::content_change::{Author, Change, Committed, GitError, NewFile};
use crate::platform::{Platform, PlatformError};

impl From<PlatformError> for GitError {
    fn from(e: PlatformError) -> Self {
        GitError::Platform(e.0)
    }
}

/// Which API the repository is reached through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    GitHub,
    Forgejo,
    GitLab,
}

/// Where the content lives: from `GIT_HOST`, `GIT_REPOSITORY` (`owner/name`), `GIT_BRANCH`
/// (`main`), `GIT_CONTENT_DIR` (`content`), `GIT_TOKEN` and `GIT_API_URL` (the host's API;
/// GitHub's and GitLab's own by default, required for Forgejo).
#[derive(Clone)]
pub struct Repository {
    pub host: Host,
    pub api: String,
    pub name: String,
    pub branch: String,
    pub content_dir: String,
    token: String,
}

impl std::fmt::Debug for Repository {
    // The token is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("host", &self.host)
            .field("name", &self.name)
            .field("branch", &self.branch)
            .finish_non_exhaustive()
    }
}

impl Repository {
    pub fn from_platform(platform: &impl Platform) -> Option<Repository> {
        let host = match platform
            .env("GIT_HOST")?
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "github" => Host::GitHub,
            "forgejo" | "gitea" => Host::Forgejo,
            "gitlab" => Host::GitLab,
            _ => return None,
        };
        let default_api = match host {
            Host::GitHub => Some("https://api.github.com"),
            Host::GitLab => Some("https://gitlab.com/api/v4"),
            Host::Forgejo => None,
        };
        let api = platform
            .env("GIT_API_URL")
            .or_else(|| default_api.map(str::to_owned))?
            .trim_end_matches('/')
            .to_owned();
        Some(Repository {
            host,
            api,
            name: platform.env("GIT_REPOSITORY")?.trim().to_owned(),
            branch: platform
                .env("GIT_BRANCH")
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| "main".into()),
            content_dir: platform
                .env("GIT_CONTENT_DIR")
                .map_or_else(|| "content".into(), |d| d.trim_matches('/').to_owned()),
            token: platform.env("GIT_TOKEN").filter(|t| !t.is_empty())?,
        })
    }

    /// A content file's path in the repository.
    fn path_of(&self, file: &NewFile) -> String {
        if self.content_dir.is_empty() {
            file.path.clone()
        } else {
            format!("{}/{}", self.content_dir, file.path)
        }
    }
}

/// Commits `change`: through the git host when one is set up, else where the platform keeps
/// its content (`serve`), else [`GitError::NotConfigured`].
pub async fn commit(platform: &impl Platform, change: &Change) -> Result<Committed, GitError> {
    if let Some(repository) = Repository::from_platform(platform) {
        return match repository.host {
            Host::GitHub => github::commit(platform, &repository, change).await,
            Host::Forgejo => forgejo::commit(platform, &repository, change).await,
            Host::GitLab => gitlab::commit(platform, &repository, change).await,
        };
    }
    match platform.commit_locally(change).await {
        Some(result) => result,
        None => Err(GitError::NotConfigured),
    }
}

/// What a file already in the repository means for adding `file`: `Ok(true)` when it is there
/// with the same contents (nothing to do), `Ok(false)` when it is absent, a conflict otherwise.
pub fn compare(file: &NewFile, existing: Option<&str>) -> Result<bool, GitError> {
    match existing {
        None => Ok(false),
        Some(theirs) if theirs == file.contents => Ok(true),
        Some(theirs) => Err(GitError::Conflict {
            path: file.path.clone(),
            ours: file.contents.clone(),
            theirs: theirs.to_owned(),
        }),
    }
}

/// `text` as one URL path segment (a branch, GitLab's `owner/name` and file paths).
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A file path in a URL: each segment encoded, the slashes kept.
fn encode_segments(path: &str) -> String {
    path.split('/').map(encode).collect::<Vec<_>>().join("/")
}
