//! New content files committed as one change: what the console's buttons hand to git
//! ([`crate::git`]), and what `serve` commits in its own content directory
//! ([`crate::platform::Platform::commit_locally`]). Plain data: this module imports nothing of
//! the app's.

/// A file the commit adds, by its path in the content directory (`partners/nora.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub path: String,
    pub contents: String,
}

/// Who made the change: the commit's author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// One commit of new content files.
#[derive(Debug, Clone)]
pub struct Change {
    pub files: Vec<NewFile>,
    /// The first line says what and who: "Approve partner nora (by Olivia Brightloom via the
    /// console)".
    pub message: String,
    pub author: Author,
}

/// What the commit came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The commit that holds the files (an earlier one, when they were all there already).
    pub sha: String,
    /// Where a person can see it, if the host has a page for it.
    pub url: Option<String>,
    /// The files were all there already with these contents: nothing was committed.
    pub already: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "no git host is set up for the console: set GIT_HOST, GIT_REPOSITORY and GIT_TOKEN \
         (the README's \"The console commits to git\")"
    )]
    NotConfigured,
    #[error("{path} was changed in the repository meanwhile; nothing was committed")]
    Conflict {
        path: String,
        ours: String,
        theirs: String,
    },
    #[error("the git host refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Platform(String),
}
