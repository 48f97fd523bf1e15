//! Forgejo's (and Gitea's) API: the branch's head, each file read at that head, then one commit
//! creating the files through the contents API (`POST /repos/{owner}/{repo}/contents`), which
//! refuses a file created meanwhile. <https://forgejo.org/docs/latest/user/api-usage/>

use base64::Engine as _;
use serde_json::json;

use super::client::{Client, CreatesFiles, commit_by_creating};
use super::{Change, Committed, GitError, NewFile, Repository, encode, encode_segments};
use crate::platform::{HttpMethod, Platform};

pub(super) async fn commit(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Committed, GitError> {
    let forgejo = Forgejo {
        client: Client {
            platform,
            host: "Forgejo",
            base: format!("{}/repos/{}", repository.api, repository.name),
            headers: vec![
                ("authorization", format!("token {}", repository.token)),
                ("accept", "application/json".into()),
            ],
        },
        branch: &repository.branch,
    };
    commit_by_creating(&forgejo, |f| repository.path_of(f), change).await
}

struct Forgejo<'a, P> {
    client: Client<'a, P>,
    branch: &'a str,
}

impl<P: Platform> CreatesFiles for Forgejo<'_, P> {
    async fn head(&self) -> Result<String, GitError> {
        let path = format!("branches/{}", encode(self.branch));
        let branch = self.client.call(HttpMethod::Get, &path, None).await?;
        self.client.text(&branch, &["commit", "id"])
    }

    async fn file_at(&self, path: &str, at: &str) -> Result<Option<String>, GitError> {
        self.client
            .raw(&format!("raw/{}?ref={at}", encode_segments(path)))
            .await
    }

    async fn create(
        &self,
        files: &[(String, &NewFile)],
        change: &Change,
    ) -> Result<Option<Committed>, GitError> {
        let body = json!({
            "branch": self.branch,
            "message": change.message,
            "author": { "name": change.author.name, "email": change.author.email },
            "files": files.iter().map(|(path, file)| json!({
                "operation": "create",
                "path": path,
                "content": base64::engine::general_purpose::STANDARD.encode(&file.contents),
            })).collect::<Vec<_>>(),
        });
        match self
            .client
            .send(HttpMethod::Post, "contents", Some(&body))
            .await?
        {
            (200..=299, answer) => Ok(Some(Committed {
                sha: self.client.text(&answer, &["commit", "sha"])?,
                url: answer["commit"]["html_url"].as_str().map(str::to_owned),
                already: false,
            })),
            // "repository file already exists": created meanwhile.
            (409 | 422, _) => Ok(None),
            (status, answer) => Err(self.client.refused(status, &answer)),
        }
    }
}
