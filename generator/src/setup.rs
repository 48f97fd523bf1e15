//! `partner-center setup cloudflare`: the Cloudflare resources `wrangler.toml` names, made or
//! found by name through wrangler (KV namespaces `<worker>-<BINDING>`, the D1 database, the
//! click Queue), their ids written into `wrangler.toml` (its comments and order kept), the
//! secrets that can be generated put (`SESSION_SECRET`, `EVENTS_SECRET`, `OWNER_TOKEN`), and
//! those only the owner has ([`GIVEN`]) put from the environment when given there, the
//! migrations applied. A second run finds everything and changes nothing.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use toml_edit::{DocumentMut, Item, value};

/// The secrets setup generates (random, 288 bits each).
const GENERATED: &[&str] = &["SESSION_SECRET", "EVENTS_SECRET", "OWNER_TOKEN"];

/// Where setup keeps the owner token it generated (git-ignored, readable by the owner only),
/// for `doctor --remote` and the owner commands against the deployed portal.
pub const OWNER_TOKEN_FILE: &str = ".partner-center/cloudflare-owner-token";

/// The owner token setup kept beside `config`, if any.
pub fn kept_owner_token(config: &Path) -> Option<String> {
    let dir = config.parent().unwrap_or(Path::new(""));
    std::fs::read_to_string(dir.join(OWNER_TOKEN_FILE))
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Keeps the generated owner token beside `config` (mode 0600).
fn keep_owner_token(config: &Path, token: &str) -> Result<(), SetupError> {
    let path = config
        .parent()
        .unwrap_or(Path::new(""))
        .join(OWNER_TOKEN_FILE);
    let err = |source| SetupError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(err)?;
    file.write_all(token.as_bytes()).map_err(err)
}

/// The secrets only the owner has (the mail provider's key, the stores' webhook signing
/// secrets): put when the environment gives them and the worker has none yet.
pub const GIVEN: &[&str] = &[
    "MAIL_API_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "SHOPIFY_WEBHOOK_SECRET",
];

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not TOML: {message}")]
    Toml { path: String, message: String },
    #[error("`{command}` failed: {detail}")]
    Wrangler { command: String, detail: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// What setup did, a line each, and what only the owner can do.
#[derive(Debug, Default)]
pub struct SetupReport {
    pub done: Vec<String>,
    pub left: Vec<String>,
}

struct Wrangler {
    program: Vec<String>,
    config: PathBuf,
}

impl Wrangler {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program[0]);
        command
            .args(&self.program[1..])
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .env("WRANGLER_SEND_METRICS", "false");
        command
    }

    /// Runs `wrangler ARGS` (with `stdin`), its standard output.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Result<String, SetupError> {
        let shown = format!("wrangler {}", args.join(" "));
        let failed = |detail: String| SetupError::Wrangler {
            command: shown.clone(),
            detail,
        };
        let mut child = self
            .command(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(text.as_bytes())
                .map_err(|e| failed(e.to_string()))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| failed(e.to_string()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if output.status.success() {
            Ok(stdout)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(failed(
                format!("{}\n{}", stdout.trim(), stderr.trim())
                    .trim()
                    .to_owned(),
            ))
        }
    }

    /// A JSON list wrangler printed (after any banner lines).
    fn json_list(&self, args: &[&str]) -> Result<Vec<serde_json::Value>, SetupError> {
        let out = self.run(args, None)?;
        let start = out.find('[').unwrap_or(0);
        serde_json::from_str(&out[start..]).map_err(|e| SetupError::Wrangler {
            command: format!("wrangler {}", args.join(" ")),
            detail: format!("not the JSON list it prints: {e}"),
        })
    }
}

/// An id still to be made: empty, the scaffold's `replace-with-…`, or this repository's local
/// ones (shared with `doctor`).
pub fn is_placeholder(id: &str) -> bool {
    id.is_empty()
        || id.starts_with("replace-with-")
        || matches!(
            id,
            "partner-center-links" | "partner-center-pages" | "partner-center-local"
        )
}

fn find(list: &[serde_json::Value], key: &str, name: &str, id: &str) -> Option<String> {
    list.iter()
        .find(|item| item[key].as_str() == Some(name))
        .and_then(|item| item[id].as_str().map(str::to_owned))
}

/// KV namespaces: each placeholder id becomes the id of `<worker>-<BINDING>`, made if missing.
fn kv_namespaces(
    doc: &mut DocumentMut,
    worker: &str,
    wrangler: &Wrangler,
    report: &mut SetupReport,
) -> Result<(), SetupError> {
    let Some(tables) = doc
        .get_mut("kv_namespaces")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Ok(());
    };
    let mut listed: Option<Vec<serde_json::Value>> = None;
    for table in tables.iter_mut() {
        let id = table.get("id").and_then(Item::as_str).unwrap_or("");
        let binding = table
            .get("binding")
            .and_then(Item::as_str)
            .unwrap_or("KV")
            .to_owned();
        if !is_placeholder(id) {
            report.done.push(format!(
                "KV namespace {binding}: {id} (as wrangler.toml has it)"
            ));
            continue;
        }
        let title = format!("{worker}-{binding}");
        let list = match &listed {
            Some(list) => list,
            None => listed.insert(wrangler.json_list(&["kv", "namespace", "list"])?),
        };
        let id = if let Some(id) = find(list, "title", &title, "id") {
            report
                .done
                .push(format!("KV namespace {binding}: found {title} ({id})"));
            id
        } else {
            wrangler.run(&["kv", "namespace", "create", &title], None)?;
            let list = listed.insert(wrangler.json_list(&["kv", "namespace", "list"])?);
            let id = find(list, "title", &title, "id").ok_or_else(|| SetupError::Wrangler {
                command: format!("wrangler kv namespace create {title}"),
                detail: "the namespace is not listed after it was made".into(),
            })?;
            report
                .done
                .push(format!("KV namespace {binding}: made {title} ({id})"));
            id
        };
        table["id"] = value(id);
    }
    Ok(())
}

/// D1: each placeholder `database_id` becomes the id of `database_name`, made if missing.
/// Returns the database names, for the migrations.
fn d1_databases(
    doc: &mut DocumentMut,
    wrangler: &Wrangler,
    report: &mut SetupReport,
) -> Result<Vec<String>, SetupError> {
    let Some(tables) = doc
        .get_mut("d1_databases")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for table in tables.iter_mut() {
        let name = table
            .get("database_name")
            .and_then(Item::as_str)
            .unwrap_or("partner-center")
            .to_owned();
        names.push(name.clone());
        let id = table
            .get("database_id")
            .and_then(Item::as_str)
            .unwrap_or("");
        if !is_placeholder(id) {
            report.done.push(format!(
                "D1 database {name}: {id} (as wrangler.toml has it)"
            ));
            continue;
        }
        let list = wrangler.json_list(&["d1", "list", "--json"])?;
        let id = if let Some(id) = find(&list, "name", &name, "uuid") {
            report
                .done
                .push(format!("D1 database {name}: found ({id})"));
            id
        } else {
            wrangler.run(&["d1", "create", &name], None)?;
            let list = wrangler.json_list(&["d1", "list", "--json"])?;
            let id = find(&list, "name", &name, "uuid").ok_or_else(|| SetupError::Wrangler {
                command: format!("wrangler d1 create {name}"),
                detail: "the database is not listed after it was made".into(),
            })?;
            report.done.push(format!("D1 database {name}: made ({id})"));
            id
        };
        table["database_id"] = value(id);
    }
    Ok(names)
}

/// The Queues `[[queues.producers]]` and `[[queues.consumers]]` name, made if missing.
fn queues(
    doc: &DocumentMut,
    wrangler: &Wrangler,
    report: &mut SetupReport,
) -> Result<(), SetupError> {
    let mut names: Vec<String> = ["producers", "consumers"]
        .iter()
        .filter_map(|side| doc.get("queues")?.get(side)?.as_array_of_tables())
        .flat_map(|tables| tables.iter())
        .filter_map(|t| t.get("queue").and_then(Item::as_str).map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        if wrangler.run(&["queues", "info", &name], None).is_ok() {
            report.done.push(format!("Queue {name}: found"));
        } else {
            wrangler.run(&["queues", "create", &name], None)?;
            report.done.push(format!("Queue {name}: made"));
        }
    }
    Ok(())
}

/// The generated secrets the worker does not have yet (a worker not deployed yet has none:
/// wrangler then makes it, empty, to hold them), and the owner's from `given` (name, value)
/// that it does not have. Returns the names the worker has now.
fn secrets(
    config: &Path,
    wrangler: &Wrangler,
    given: &[(&str, String)],
    report: &mut SetupReport,
) -> Result<Vec<String>, SetupError> {
    // The listing `doctor` reads too; a worker that does not exist yet lists nothing.
    let listed =
        crate::deploy::Wrangler::for_account(wrangler.program.clone(), wrangler.config.clone())
            .secret_names()
            .unwrap_or_default();
    for name in GENERATED {
        if listed.iter().any(|s| s == name) {
            report.done.push(format!("secret {name}: set already"));
            continue;
        }
        let secret = crate::dev_state::random_secret().map_err(|e| SetupError::Wrangler {
            command: format!("wrangler secret put {name}"),
            detail: format!("no randomness: {e}"),
        })?;
        wrangler.run(&["secret", "put", name], Some(&secret))?;
        if *name == "OWNER_TOKEN" {
            keep_owner_token(config, &secret)?;
            report.done.push(format!(
                "secret {name}: generated and put, kept in {OWNER_TOKEN_FILE} for doctor (never printed)"
            ));
        } else {
            report
                .done
                .push(format!("secret {name}: generated and put (never printed)"));
        }
    }
    let mut now = listed.clone();
    now.extend(GENERATED.iter().map(|s| (*s).to_owned()));
    for (name, secret) in given.iter().filter(|(_, v)| !v.trim().is_empty()) {
        if listed.iter().any(|s| s == name) {
            report.done.push(format!(
                "secret {name}: set already (to change it: `wrangler secret put {name}`)"
            ));
            continue;
        }
        wrangler.run(&["secret", "put", name], Some(secret.trim()))?;
        report.done.push(format!(
            "secret {name}: put from the environment (never printed)"
        ));
        now.push((*name).to_owned());
    }
    Ok(now)
}

/// Writes `text` to `path` through a temporary file beside it.
fn write_atomically(path: &Path, text: &str) -> Result<(), SetupError> {
    let err = |source| SetupError::Write {
        path: path.display().to_string(),
        source,
    };
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// What only the owner can give, from what `wrangler.toml` says and the secrets set.
fn left(doc: &DocumentMut, secrets: &[String]) -> Vec<String> {
    let has = |name: &str| secrets.iter().any(|s| s == name);
    let var = |name: &str| {
        doc.get("vars")
            .and_then(|v| v.get(name))
            .and_then(Item::as_str)
    };
    let mut left = Vec::new();
    if var("PORTAL_URL").is_none_or(|u| u.contains("example.com") || !u.starts_with("https://")) {
        left.push(
            "PORTAL_URL in wrangler.toml [vars]: the portal's https address (a custom domain: add it to the worker under Settings → Domains & Routes)".to_owned(),
        );
    }
    if var("MAIL_PROVIDER").is_none() {
        left.push(
            "MAIL_PROVIDER and MAIL_FROM in [vars], and the provider's key as MAIL_API_KEY for Resend, Postmark, SendGrid or Mailgun (README \"Mail\")".to_owned(),
        );
    }
    if !has("STRIPE_WEBHOOK_SECRET") && !has("SHOPIFY_WEBHOOK_SECRET") {
        left.push(
            "a store: its webhook's signing secret as STRIPE_WEBHOOK_SECRET (or SHOPIFY_WEBHOOK_SECRET), e.g. `STRIPE_WEBHOOK_SECRET=whsec_… partner-center setup cloudflare` (README \"Connect a store\")".to_owned(),
        );
    }
    left.push(
        "the deploy workflow's secrets: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the repository's `production` environment".to_owned(),
    );
    left
}

/// Runs the setup against the account wrangler is logged in to (or CLOUDFLARE_API_TOKEN).
pub fn cloudflare(
    config: &Path,
    program: Vec<String>,
    given: &[(&str, String)],
) -> Result<SetupReport, SetupError> {
    let text = std::fs::read_to_string(config).map_err(|source| SetupError::Read {
        path: config.display().to_string(),
        source,
    })?;
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| SetupError::Toml {
                path: config.display().to_string(),
                message: e.to_string(),
            })?;
    let worker = doc
        .get("name")
        .and_then(Item::as_str)
        .unwrap_or("partner-center")
        .to_owned();
    let wrangler = Wrangler {
        program,
        config: config.to_path_buf(),
    };
    let mut report = SetupReport::default();
    kv_namespaces(&mut doc, &worker, &wrangler, &mut report)?;
    let databases = d1_databases(&mut doc, &wrangler, &mut report)?;
    queues(&doc, &wrangler, &mut report)?;
    let updated = doc.to_string();
    if updated != text {
        write_atomically(config, &updated)?;
        report.done.push(format!(
            "{}: the ids written (comments kept)",
            config.display()
        ));
    }
    let secrets = secrets(config, &wrangler, given, &mut report)?;
    for name in &databases {
        let out = wrangler.run(&["d1", "migrations", "apply", name, "--remote"], None)?;
        report.done.push(if out.contains("No migrations to apply") {
            format!("D1 database {name}: every migration applied already")
        } else {
            format!("D1 database {name}: migrations applied")
        });
    }
    report.left = left(&doc, &secrets);
    Ok(report)
}
