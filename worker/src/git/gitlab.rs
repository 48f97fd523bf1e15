//! GitLab's API: the branch's head, each file read at that head, then one commit creating the
//! files through the commits API (`POST /projects/:id/repository/commits`, `create` actions),
//! which refuses a file created meanwhile.
//! <https://docs.gitlab.com/api/commits/#create-a-commit-with-multiple-files-and-actions>

use serde_json::json;

use super::client::{Client, CreatesFiles, commit_by_creating};
use super::{Change, Committed, GitError, NewFile, Repository, encode};
use crate::platform::{HttpMethod, Platform};

pub(super) async fn commit(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Committed, GitError> {
    let gitlab = GitLab {
        client: Client {
            platform,
            host: "GitLab",
            base: format!("{}/projects/{}", repository.api, encode(&repository.name)),
            headers: vec![
                ("private-token", repository.token.clone()),
                ("accept", "application/json".into()),
            ],
        },
        branch: &repository.branch,
    };
    commit_by_creating(&gitlab, |f| repository.path_of(f), change).await
}

struct GitLab<'a, P> {
    client: Client<'a, P>,
    branch: &'a str,
}

impl<P: Platform> CreatesFiles for GitLab<'_, P> {
    async fn head(&self) -> Result<String, GitError> {
        let path = format!("repository/branches/{}", encode(self.branch));
        let branch = self.client.call(HttpMethod::Get, &path, None).await?;
        self.client.text(&branch, &["commit", "id"])
    }

    async fn file_at(&self, path: &str, at: &str) -> Result<Option<String>, GitError> {
        self.client
            .raw(&format!("repository/files/{}/raw?ref={at}", encode(path)))
            .await
    }

    async fn create(
        &self,
        files: &[(String, &NewFile)],
        change: &Change,
    ) -> Result<Option<Committed>, GitError> {
        let body = json!({
            "branch": self.branch,
            "commit_message": change.message,
            "author_name": change.author.name,
            "author_email": change.author.email,
            "actions": files.iter().map(|(path, file)| json!({
                "action": "create",
                "file_path": path,
                "content": file.contents,
            })).collect::<Vec<_>>(),
        });
        match self
            .client
            .send(HttpMethod::Post, "repository/commits", Some(&body))
            .await?
        {
            (200..=299, answer) => Ok(Some(Committed {
                sha: self.client.text(&answer, &["id"])?,
                url: answer["web_url"].as_str().map(str::to_owned),
                already: false,
            })),
            // "A file with this name already exists": created meanwhile.
            (400 | 409, answer) if answer.to_string().contains("already exists") => Ok(None),
            (status, answer) => Err(self.client.refused(status, &answer)),
        }
    }
}
