//! GitHub's REST API: the branch's head, each file checked at that head, then a tree on the
//! head's tree, a commit whose parent is the head, and the branch moved to it without force.
//! If the branch moved meanwhile (422: not a fast-forward), everything is done once more on the
//! new head. <https://docs.github.com/en/rest/git>

use base64::Engine as _;
use serde_json::json;

use super::client::Client;
use super::{Change, Committed, GitError, NewFile, Repository, compare, encode, encode_segments};
use crate::platform::{HttpMethod, Platform};

pub(super) async fn commit(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Committed, GitError> {
    let client = Client {
        platform,
        host: "GitHub",
        base: format!("{}/repos/{}", repository.api, repository.name),
        headers: vec![
            ("authorization", format!("Bearer {}", repository.token)),
            ("accept", "application/vnd.github+json".into()),
            ("x-github-api-version", "2022-11-28".into()),
        ],
    };
    for _ in 0..2 {
        if let Some(committed) = attempt(&client, repository, change).await? {
            return Ok(committed);
        }
    }
    Err(GitError::Refused(
        "the branch moved twice while committing; try again".into(),
    ))
}

/// One try: `None` when the branch moved before it could be updated.
async fn attempt<P: Platform>(
    client: &Client<'_, P>,
    repository: &Repository,
    change: &Change,
) -> Result<Option<Committed>, GitError> {
    let branch = encode(&repository.branch);
    let head = client
        .call(HttpMethod::Get, &format!("git/ref/heads/{branch}"), None)
        .await?;
    let head = client.text(&head, &["object", "sha"])?;
    let mut new = Vec::new();
    for file in &change.files {
        let existing = file_at(client, &repository.path_of(file), &head).await?;
        if !compare(file, existing.as_deref())? {
            new.push(file);
        }
    }
    if new.is_empty() {
        return Ok(Some(Committed {
            url: Some(commit_page(repository, &head)),
            sha: head,
            already: true,
        }));
    }
    let parent = client
        .call(HttpMethod::Get, &format!("git/commits/{head}"), None)
        .await?;
    let tree = json!({
        "base_tree": client.text(&parent, &["tree", "sha"])?,
        "tree": new.iter().map(|file: &&NewFile| json!({
            "path": repository.path_of(file),
            "mode": "100644",
            "type": "blob",
            "content": file.contents,
        })).collect::<Vec<_>>(),
    });
    let tree = client
        .call(HttpMethod::Post, "git/trees", Some(&tree))
        .await?;
    let commit = json!({
        "message": change.message,
        "tree": client.text(&tree, &["sha"])?,
        "parents": [head],
        "author": { "name": change.author.name, "email": change.author.email },
    });
    let commit = client
        .call(HttpMethod::Post, "git/commits", Some(&commit))
        .await?;
    let sha = client.text(&commit, &["sha"])?;
    let update = json!({ "sha": sha, "force": false });
    let (status, answer) = client
        .send(
            HttpMethod::Patch,
            &format!("git/refs/heads/{branch}"),
            Some(&update),
        )
        .await?;
    match status {
        200..=299 => Ok(Some(Committed {
            url: Some(
                client
                    .text(&commit, &["html_url"])
                    .unwrap_or_else(|_| commit_page(repository, &sha)),
            ),
            sha,
            already: false,
        })),
        // "Update is not a fast forward": someone pushed meanwhile.
        409 | 422 => Ok(None),
        _ => Err(client.refused(status, &answer)),
    }
}

/// A file's contents at commit `at`, if it is there (the contents API, base64).
async fn file_at<P: Platform>(
    client: &Client<'_, P>,
    path: &str,
    at: &str,
) -> Result<Option<String>, GitError> {
    let url = format!("contents/{}?ref={at}", encode_segments(path));
    match client.send(HttpMethod::Get, &url, None).await? {
        (404, _) => Ok(None),
        (200..=299, answer) => {
            let encoded: String = client
                .text(&answer, &["content"])?
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| GitError::Refused(format!("{path}: unreadable contents: {e}")))?;
            Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
        (status, answer) => Err(client.refused(status, &answer)),
    }
}

/// The commit's page for people (github.com, or the Enterprise server's).
fn commit_page(repository: &Repository, sha: &str) -> String {
    let web = match repository.api.as_str() {
        "https://api.github.com" => "https://github.com".to_owned(),
        other => other.trim_end_matches("/api/v3").to_owned(),
    };
    format!("{web}/{}/commit/{sha}", repository.name)
}
