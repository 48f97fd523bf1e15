//! Forgejo's (and Gitea's) API: the branch's head, each file read at that head, then one commit
//! creating the files through the contents API (`POST /repos/{owner}/{repo}/contents`). The
//! API takes no parent commit: a file created meanwhile makes the host refuse, and the files
//! are read again once (the same contents: done; others: a conflict with both versions).
//! <https://forgejo.org/docs/latest/user/api-usage/>

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Change, Committed, GitError, Repository, compare, encode, encode_segments, refused};
use crate::platform::{HttpCall, HttpMethod, Platform};

pub(super) async fn commit(
    platform: &impl Platform,
    repository: &Repository,
    change: &Change,
) -> Result<Committed, GitError> {
    let api = Api {
        platform,
        repository,
    };
    for _ in 0..2 {
        let branch = api
            .call(
                HttpMethod::Get,
                &format!("branches/{}", encode(&repository.branch)),
                None,
            )
            .await?;
        let head = super::text(&branch, &["commit", "id"], "Forgejo")?;
        let mut new = Vec::new();
        for file in &change.files {
            let path = repository.path_of(file);
            let existing = api.raw(&path, &head).await?;
            if !compare(file, existing.as_deref())? {
                new.push((path, file));
            }
        }
        if new.is_empty() {
            return Ok(Committed {
                url: None,
                sha: head,
                already: true,
            });
        }
        let body = json!({
            "branch": repository.branch,
            "message": change.message,
            "author": { "name": change.author.name, "email": change.author.email },
            "files": new.iter().map(|(path, file)| json!({
                "operation": "create",
                "path": path,
                "content": base64::engine::general_purpose::STANDARD.encode(&file.contents),
            })).collect::<Vec<_>>(),
        });
        match api.send(HttpMethod::Post, "contents", Some(body)).await? {
            (200..=299, answer) => {
                return Ok(Committed {
                    sha: super::text(&answer, &["commit", "sha"], "Forgejo")?,
                    url: answer["commit"]["html_url"].as_str().map(str::to_owned),
                    already: false,
                });
            }
            // A file was created meanwhile: read the files again.
            (409 | 422, _) => {}
            (status, answer) => return Err(refused("Forgejo", status, &answer)),
        }
    }
    Err(GitError::Refused(
        "the repository kept changing while committing; try again".into(),
    ))
}

struct Api<'a, P> {
    platform: &'a P,
    repository: &'a Repository,
}

impl<P: Platform> Api<'_, P> {
    async fn send(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), GitError> {
        let (status, text) = self.send_raw(method, path, body).await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn send_raw(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, String), GitError> {
        let repository = self.repository;
        let call = HttpCall {
            method,
            url: format!("{}/repos/{}/{path}", repository.api, repository.name),
            headers: vec![
                ("authorization", format!("token {}", repository.token)),
                ("accept", "application/json".into()),
                ("content-type", "application/json".into()),
                ("user-agent", "partner-center".into()),
            ],
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        };
        Ok(self.platform.http(call).await?)
    }

    async fn call(
        &self,
        method: HttpMethod,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, GitError> {
        match self.send(method, path, body).await? {
            (200..=299, answer) => Ok(answer),
            (status, answer) => Err(refused("Forgejo", status, &answer)),
        }
    }

    /// A file's contents at commit `at`, if it is there.
    async fn raw(&self, path: &str, at: &str) -> Result<Option<String>, GitError> {
        match self
            .send_raw(
                HttpMethod::Get,
                &format!("raw/{}?ref={at}", encode_segments(path)),
                None,
            )
            .await?
        {
            (404, _) => Ok(None),
            (200..=299, text) => Ok(Some(text)),
            (status, text) => Err(refused(
                "Forgejo",
                status,
                &serde_json::from_str(&text).unwrap_or(Value::Null),
            )),
        }
    }
}
