//! A local fake of the git hosts' APIs for the console's commits, over one repository:
//! GitHub's REST API (`/repos/…`, `GIT_API_URL` pointing here), Forgejo's (`/api/v1/repos/…`)
//! and GitLab's (`/api/v4/projects/…`). Each checks what its host would: the token in the
//! host's own header, the headers GitHub asks for, a tree built on the head's tree, a commit
//! whose parent exists, a branch update that is never forced and only a fast-forward (else 422,
//! as GitHub answers), a created file that must not exist yet (Forgejo 422, GitLab 400). The
//! scenario can make "someone else" push right before the next update, to see the console
//! retry on the new head or report a conflict.

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::fake_http::{Received, read_request, respond};

pub const REPOSITORY: &str = "brightloom/partners";

/// A commit as the fake keeps it.
#[derive(Debug, Clone)]
pub struct Commit {
    pub sha: String,
    pub parent: Option<String>,
    pub tree: String,
    pub message: String,
    pub author: (String, String),
}

#[derive(Debug, Default)]
struct Repo {
    head: String,
    commits: HashMap<String, Commit>,
    /// The commits in the order they were made.
    order: Vec<String>,
    trees: HashMap<String, BTreeMap<String, String>>,
    /// Pushed by "someone else" just before the next branch update.
    push_first: Option<(String, String)>,
    /// What the fake refused, for the scenario's message.
    refusals: Vec<String>,
}

impl Repo {
    fn next_sha(&self, kind: char) -> String {
        format!("{kind}{:039x}", self.commits.len() + self.trees.len() + 1)
    }

    fn add_commit(
        &mut self,
        parent: Option<String>,
        tree: String,
        message: &str,
        author: (String, String),
    ) -> String {
        let sha = self.next_sha('c');
        self.commits.insert(
            sha.clone(),
            Commit {
                sha: sha.clone(),
                parent,
                tree,
                message: message.to_owned(),
                author,
            },
        );
        self.order.push(sha.clone());
        sha
    }

    /// Someone else's commit on the branch: `path` set to `contents`.
    fn push_other(&mut self, path: &str, contents: &str) {
        let mut files = self.files_at(&self.head.clone());
        files.insert(path.to_owned(), contents.to_owned());
        let tree = self.next_sha('t');
        self.trees.insert(tree.clone(), files);
        let head = self.head.clone();
        self.head = self.add_commit(
            Some(head),
            tree,
            "Someone else's change",
            ("Someone Else".into(), "else@brightloom.example".into()),
        );
    }

    fn files_at(&self, commit: &str) -> BTreeMap<String, String> {
        self.commits
            .get(commit)
            .and_then(|c| self.trees.get(&c.tree))
            .cloned()
            .unwrap_or_default()
    }
}

/// The fake, serving on its own thread until the process ends.
#[derive(Clone)]
pub struct FakeGitHub {
    repo: Arc<Mutex<Repo>>,
}

impl FakeGitHub {
    /// Serves on `port` (127.0.0.1), accepting `token` only.
    pub fn start(port: u16, token: &str) -> Result<FakeGitHub, String> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| format!("fake GitHub on {port}: {e}"))?;
        let mut repo = Repo::default();
        let tree = repo.next_sha('t');
        repo.trees.insert(tree.clone(), BTreeMap::new());
        repo.head = repo.add_commit(
            None,
            tree,
            "Initial commit",
            ("Owner".into(), "owner@brightloom.example".into()),
        );
        let fake = FakeGitHub {
            repo: Arc::new(Mutex::new(repo)),
        };
        let serving = fake.clone();
        let token = token.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let Ok(request) = read_request(&stream) else {
                    continue;
                };
                let (status, body) = serving.answer(&request, &token);
                // A raw file goes as its text; everything else as JSON.
                let text = match body {
                    Value::String(raw) => raw,
                    json => json.to_string(),
                };
                let _ = respond(&stream, status, &text);
            }
        });
        Ok(fake)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Repo> {
        self.repo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The branch's head now.
    pub fn head(&self) -> String {
        self.lock().head.clone()
    }

    /// The commits made after `since` (a head), oldest first.
    pub fn commits_after(&self, since: &str) -> Vec<Commit> {
        let repo = self.lock();
        let start = repo
            .order
            .iter()
            .position(|s| s == since)
            .map_or(0, |i| i + 1);
        repo.order[start..]
            .iter()
            .filter_map(|s| repo.commits.get(s).cloned())
            .collect()
    }

    /// The files a commit adds or changes against its parent.
    pub fn changed_in(&self, commit: &Commit) -> BTreeMap<String, String> {
        let repo = self.lock();
        let before = commit
            .parent
            .as_deref()
            .map(|p| repo.files_at(p))
            .unwrap_or_default();
        repo.files_at(&commit.sha)
            .into_iter()
            .filter(|(path, contents)| before.get(path) != Some(contents))
            .collect()
    }

    /// Someone else pushes `path` with `contents` right before the next branch update.
    pub fn push_before_next_update(&self, path: &str, contents: &str) {
        self.lock().push_first = Some((path.to_owned(), contents.to_owned()));
    }

    /// What the fake refused so far.
    pub fn refusals(&self) -> Vec<String> {
        self.lock().refusals.clone()
    }

    fn answer(&self, request: &Received, token: &str) -> (&'static str, Value) {
        let mut repo = self.lock();
        let refuse = |repo: &mut Repo, status: &'static str, message: String| {
            repo.refusals
                .push(format!("{} {}: {message}", request.method, request.path));
            (status, json!({ "message": message }))
        };
        if let Some(rest) = request
            .path
            .strip_prefix(&format!("/api/v1/repos/{REPOSITORY}/"))
        {
            if request.header("authorization") != format!("token {token}") {
                return refuse(&mut repo, "401 Unauthorized", "token is required".into());
            }
            return forgejo(&mut repo, request, rest);
        }
        if let Some(rest) = request
            .path
            .strip_prefix("/api/v4/projects/brightloom%2Fpartners/")
        {
            if request.header("private-token") != token {
                return refuse(&mut repo, "401 Unauthorized", "401 Unauthorized".into());
            }
            return gitlab(&mut repo, request, rest);
        }
        let Some(rest) = request.path.strip_prefix(&format!("/repos/{REPOSITORY}/")) else {
            return refuse(&mut repo, "404 Not Found", "Not Found".into());
        };
        if request.header("authorization") != format!("Bearer {token}") {
            return refuse(&mut repo, "401 Unauthorized", "Bad credentials".into());
        }
        if request.header("user-agent").is_empty()
            || request.header("accept") != "application/vnd.github+json"
        {
            return refuse(
                &mut repo,
                "400 Bad Request",
                "a User-Agent and Accept: application/vnd.github+json are required".into(),
            );
        }
        let (route, query) = rest.split_once('?').unwrap_or((rest, ""));
        let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
        match (request.method.as_str(), route) {
            ("GET", "git/ref/heads/main") => (
                "200 OK",
                json!({ "ref": "refs/heads/main", "object": { "sha": repo.head, "type": "commit" } }),
            ),
            ("GET", path) if path.starts_with("contents/") => {
                let path = percent_decode(&path["contents/".len()..]);
                let at = query.strip_prefix("ref=").unwrap_or(&repo.head).to_owned();
                match repo.files_at(&at).get(&path) {
                    None => ("404 Not Found", json!({ "message": "Not Found" })),
                    Some(contents) => {
                        let encoded = base64::engine::general_purpose::STANDARD.encode(contents);
                        // GitHub wraps the base64 at 60 characters.
                        let wrapped: Vec<String> = encoded
                            .as_bytes()
                            .chunks(60)
                            .map(|c| String::from_utf8_lossy(c).into_owned())
                            .collect();
                        (
                            "200 OK",
                            json!({ "type": "file", "encoding": "base64", "path": path, "content": wrapped.join("\n") }),
                        )
                    }
                }
            }
            ("GET", path) if path.starts_with("git/commits/") => {
                match repo.commits.get(&path["git/commits/".len()..]) {
                    Some(c) => ("200 OK", json!({ "sha": c.sha, "tree": { "sha": c.tree } })),
                    None => ("404 Not Found", json!({ "message": "Not Found" })),
                }
            }
            ("POST", "git/trees") => {
                let Some(mut files) = body["base_tree"]
                    .as_str()
                    .and_then(|t| repo.trees.get(t))
                    .cloned()
                else {
                    return refuse(
                        &mut repo,
                        "422 Unprocessable Entity",
                        "base_tree is not a tree".into(),
                    );
                };
                for entry in body["tree"].as_array().cloned().unwrap_or_default() {
                    if entry["mode"] != "100644" || entry["type"] != "blob" {
                        return refuse(
                            &mut repo,
                            "422 Unprocessable Entity",
                            format!("not a file blob: {entry}"),
                        );
                    }
                    files.insert(
                        entry["path"].as_str().unwrap_or_default().to_owned(),
                        entry["content"].as_str().unwrap_or_default().to_owned(),
                    );
                }
                let sha = repo.next_sha('t');
                repo.trees.insert(sha.clone(), files);
                ("201 Created", json!({ "sha": sha }))
            }
            ("POST", "git/commits") => {
                let tree = body["tree"].as_str().unwrap_or_default().to_owned();
                let parents: Vec<String> = body["parents"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if !repo.trees.contains_key(&tree)
                    || parents.len() != 1
                    || !repo.commits.contains_key(&parents[0])
                {
                    return refuse(
                        &mut repo,
                        "422 Unprocessable Entity",
                        "a commit needs a tree and one known parent".into(),
                    );
                }
                let author = (
                    body["author"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    body["author"]["email"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
                let message = body["message"].as_str().unwrap_or_default().to_owned();
                let sha = repo.add_commit(Some(parents[0].clone()), tree, &message, author);
                // Not on the branch until the ref moves: drop it from the order for now.
                repo.order.retain(|s| s != &sha);
                (
                    "201 Created",
                    json!({ "sha": sha, "html_url": format!("https://github.example/{REPOSITORY}/commit/{sha}") }),
                )
            }
            ("PATCH", "git/refs/heads/main") => {
                if body["force"] != false {
                    return refuse(
                        &mut repo,
                        "422 Unprocessable Entity",
                        "a forced update".into(),
                    );
                }
                if let Some((path, contents)) = repo.push_first.take() {
                    repo.push_other(&path, &contents);
                }
                let sha = body["sha"].as_str().unwrap_or_default().to_owned();
                let parent = repo.commits.get(&sha).and_then(|c| c.parent.clone());
                if parent.as_deref() != Some(repo.head.as_str()) {
                    return (
                        "422 Unprocessable Entity",
                        json!({ "message": "Update is not a fast forward" }),
                    );
                }
                repo.head.clone_from(&sha);
                repo.order.push(sha.clone());
                (
                    "200 OK",
                    json!({ "ref": "refs/heads/main", "object": { "sha": sha } }),
                )
            }
            _ => refuse(&mut repo, "404 Not Found", "Not Found".into()),
        }
    }
}

/// A file of the head, as a host's raw-file endpoint answers it (the JSON answer carries it as
/// a string: `respond` sends JSON, and a raw file is sent as its text).
fn raw_file(repo: &Repo, path: &str, at: &str) -> (&'static str, Value) {
    match repo.files_at(at).get(path) {
        Some(contents) => ("200 OK", Value::String(contents.clone())),
        None => ("404 Not Found", json!({ "message": "404 File Not Found" })),
    }
}

/// Someone else's push, if the scenario asked for one before this update.
fn push_first(repo: &mut Repo) {
    if let Some((path, contents)) = repo.push_first.take() {
        repo.push_other(&path, &contents);
    }
}

/// New files committed on the head: `None` when one of them exists already.
fn create(
    repo: &mut Repo,
    files: Vec<(String, String)>,
    message: &str,
    author: (String, String),
) -> Option<String> {
    let mut tree_files = repo.files_at(&repo.head.clone());
    for (path, contents) in files {
        if tree_files.contains_key(&path) {
            return None;
        }
        tree_files.insert(path, contents);
    }
    let tree = repo.next_sha('t');
    repo.trees.insert(tree.clone(), tree_files);
    let head = repo.head.clone();
    let sha = repo.add_commit(Some(head), tree, message, author);
    repo.head.clone_from(&sha);
    Some(sha)
}

/// Forgejo's (and Gitea's) API: a branch, a raw file, the contents API's commit.
fn forgejo(repo: &mut Repo, request: &Received, rest: &str) -> (&'static str, Value) {
    let (route, query) = rest.split_once('?').unwrap_or((rest, ""));
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    match (request.method.as_str(), route) {
        ("GET", "branches/main") => (
            "200 OK",
            json!({ "name": "main", "commit": { "id": repo.head } }),
        ),
        ("GET", path) if path.starts_with("raw/") => {
            let at = query.strip_prefix("ref=").unwrap_or_default().to_owned();
            raw_file(repo, &percent_decode(&path["raw/".len()..]), &at)
        }
        ("POST", "contents") => {
            push_first(repo);
            let mut files = Vec::new();
            for file in body["files"].as_array().cloned().unwrap_or_default() {
                if file["operation"] != "create" || body["branch"] != "main" {
                    return (
                        "422 Unprocessable Entity",
                        json!({ "message": "only creating files on main" }),
                    );
                }
                let Ok(bytes) = base64::engine::general_purpose::STANDARD
                    .decode(file["content"].as_str().unwrap_or_default())
                else {
                    return (
                        "422 Unprocessable Entity",
                        json!({ "message": "content is not base64" }),
                    );
                };
                files.push((
                    file["path"].as_str().unwrap_or_default().to_owned(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
            let author = (
                body["author"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                body["author"]["email"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            match create(
                repo,
                files,
                body["message"].as_str().unwrap_or_default(),
                author,
            ) {
                Some(sha) => (
                    "201 Created",
                    json!({ "commit": { "sha": sha, "html_url": format!("https://forgejo.example/{REPOSITORY}/commit/{sha}") } }),
                ),
                None => (
                    "422 Unprocessable Entity",
                    json!({ "message": "repository file already exists" }),
                ),
            }
        }
        _ => ("404 Not Found", json!({ "message": "not found" })),
    }
}

/// GitLab's API: a branch, a raw file, the commits API with `create` actions.
fn gitlab(repo: &mut Repo, request: &Received, rest: &str) -> (&'static str, Value) {
    let (route, query) = rest.split_once('?').unwrap_or((rest, ""));
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    match (request.method.as_str(), route) {
        ("GET", "repository/branches/main") => (
            "200 OK",
            json!({ "name": "main", "commit": { "id": repo.head } }),
        ),
        ("GET", path) if path.starts_with("repository/files/") && path.ends_with("/raw") => {
            let at = query.strip_prefix("ref=").unwrap_or_default().to_owned();
            let encoded = &path["repository/files/".len()..path.len() - "/raw".len()];
            raw_file(repo, &percent_decode(encoded), &at)
        }
        ("POST", "repository/commits") => {
            push_first(repo);
            let mut files = Vec::new();
            for action in body["actions"].as_array().cloned().unwrap_or_default() {
                if action["action"] != "create" || body["branch"] != "main" {
                    return (
                        "400 Bad Request",
                        json!({ "message": "only creating files on main" }),
                    );
                }
                files.push((
                    action["file_path"].as_str().unwrap_or_default().to_owned(),
                    action["content"].as_str().unwrap_or_default().to_owned(),
                ));
            }
            let author = (
                body["author_name"].as_str().unwrap_or_default().to_owned(),
                body["author_email"].as_str().unwrap_or_default().to_owned(),
            );
            match create(
                repo,
                files,
                body["commit_message"].as_str().unwrap_or_default(),
                author,
            ) {
                Some(sha) => (
                    "201 Created",
                    json!({ "id": sha, "web_url": format!("https://gitlab.example/{REPOSITORY}/-/commit/{sha}") }),
                ),
                None => (
                    "400 Bad Request",
                    json!({ "message": "A file with this name already exists" }),
                ),
            }
        }
        _ => ("404 Not Found", json!({ "message": "404 Not Found" })),
    }
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
