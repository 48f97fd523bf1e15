//! GitHub's REST API: the branch's head, each file checked at that head, then a tree on the
//! head's tree, a commit whose parent is the head, and the branch moved to it without force.
//! If the branch moved meanwhile (422: not a fast-forward), everything is done once more on the
//! new head. <https://docs.github.com/en/rest/git>

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Change, Committed, GitError, NewFile, Repository, compare, encode, encode_segments};
use crate::platform::{HttpCall, HttpMethod, Platform};

pub(super) async fn commit(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Committed, GitError> {
    for _ in 0..2 {
        if let Some(committed) = attempt(platform, repository, change).await? {
            return Ok(committed);
        }
    }
    Err(GitError::Refused(
        "the branch moved twice while committing; try again".into(),
    ))
}

/// One try: `None` when the branch moved before it could be updated.
async fn attempt(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Option<Committed>, GitError> {
    let api = Api {
        platform,
        repository,
    };
    let branch = encode(&repository.branch);
    let head = api
        .call(HttpMethod::Get, &format!("git/ref/heads/{branch}"), None)
        .await?;
    let head = super::text(&head, &["object", "sha"], "GitHub")?;
    let mut new = Vec::new();
    for file in &change.files {
        if !compare(
            file,
            api.file_at(&repository.path_of(file), &head)
                .await?
                .as_deref(),
        )? {
            new.push(file);
        }
    }
    if new.is_empty() {
        return Ok(Some(Committed {
            url: Some(api.commit_page(&head)),
            sha: head,
            already: true,
        }));
    }
    let parent = api
        .call(HttpMethod::Get, &format!("git/commits/{head}"), None)
        .await?;
    let tree = api
        .call(
            HttpMethod::Post,
            "git/trees",
            Some(json!({
                "base_tree": super::text(&parent, &["tree", "sha"], "GitHub")?,
                "tree": new.iter().map(|file: &&NewFile| json!({
                    "path": repository.path_of(file),
                    "mode": "100644",
                    "type": "blob",
                    "content": file.contents,
                })).collect::<Vec<_>>(),
            })),
        )
        .await?;
    let commit = api
        .call(
            HttpMethod::Post,
            "git/commits",
            Some(json!({
                "message": change.message,
                "tree": super::text(&tree, &["sha"], "GitHub")?,
                "parents": [head],
                "author": { "name": change.author.name, "email": change.author.email },
            })),
        )
        .await?;
    let sha = super::text(&commit, &["sha"], "GitHub")?;
    let (status, answer) = api
        .send(
            HttpMethod::Patch,
            &format!("git/refs/heads/{branch}"),
            Some(json!({ "sha": sha, "force": false })),
        )
        .await?;
    match status {
        200..=299 => Ok(Some(Committed {
            url: Some(
                super::text(&commit, &["html_url"], "GitHub")
                    .unwrap_or_else(|_| api.commit_page(&sha)),
            ),
            sha,
            already: false,
        })),
        // "Update is not a fast forward": someone pushed meanwhile.
        409 | 422 => Ok(None),
        _ => Err(super::refused("GitHub", status, &answer)),
    }
}

struct Api<'a, P> {
    platform: &'a P,
    repository: &'a Repository,
}

impl<P: Platform> Api<'_, P> {
    /// `path` under the repository's API: the status and the answer.
    async fn send(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), GitError> {
        let repository = self.repository;
        let call = HttpCall {
            method,
            url: format!("{}/repos/{}/{path}", repository.api, repository.name),
            headers: vec![
                ("authorization", format!("Bearer {}", repository.token)),
                ("accept", "application/vnd.github+json".into()),
                ("x-github-api-version", "2022-11-28".into()),
                ("user-agent", "partner-center".into()),
                ("content-type", "application/json".into()),
            ],
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        };
        let (status, text) = self.platform.http(call).await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// As [`Api::send`], for a call that must succeed.
    async fn call(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, GitError> {
        match self.send(method, path, body).await? {
            (200..=299, answer) => Ok(answer),
            (status, answer) => Err(super::refused("GitHub", status, &answer)),
        }
    }

    /// A file's contents at commit `at`, if it is there.
    async fn file_at(&self, path: &str, at: &str) -> Result<Option<String>, GitError> {
        let path = encode_segments(path);
        match self
            .send(HttpMethod::Get, &format!("contents/{path}?ref={at}"), None)
            .await?
        {
            (404, _) => Ok(None),
            (200..=299, answer) => {
                let encoded: String = super::text(&answer, &["content"], "GitHub")?
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|e| GitError::Refused(format!("{path}: unreadable contents: {e}")))?;
                Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
            }
            (status, answer) => Err(super::refused("GitHub", status, &answer)),
        }
    }

    /// The commit's page for people (github.com, or the Enterprise server's).
    fn commit_page(&self, sha: &str) -> String {
        let web = match self.repository.api.as_str() {
            "https://api.github.com" => "https://github.com".to_owned(),
            other => other.trim_end_matches("/api/v3").to_owned(),
        };
        format!("{web}/{}/commit/{sha}", self.repository.name)
    }
}
