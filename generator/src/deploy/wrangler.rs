//! Deploying to Cloudflare (or, with `--local`, to `wrangler dev`'s local state) by running
//! wrangler: `d1 migrations apply`, `kv bulk put` (in parts within the API's 10,000 pairs and
//! 100 MB per request), `d1 execute --file`, `deploy`, `kv bulk delete`, `kv key put`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Changes, DeployError, Deployed, DeployedUnit, Target};

/// KV bulk requests: at most this many pairs …
const BULK_PAIRS: usize = 10_000;
/// … and about this many bytes of JSON (the API takes 100 MB).
const BULK_BYTES: usize = 90 * 1024 * 1024;
/// Rows of `deploy_units` read per query.
const READ_PAGE: usize = 20_000;

#[derive(Debug, Clone)]
pub struct WranglerOptions {
    /// The wrangler command (`node_modules/.bin/wrangler` when present, else `npx wrangler`).
    pub program: Vec<String>,
    /// `--local` (wrangler dev's state) instead of `--remote`.
    pub local: bool,
    /// `--persist-to` for local state.
    pub persist_to: Option<PathBuf>,
    /// `--config` (wrangler.toml).
    pub config: Option<PathBuf>,
    /// The D1 database name in wrangler.toml.
    pub database: String,
    /// Whether to run `wrangler deploy` (the worker and the static assets) after the data.
    pub deploy_worker: bool,
    /// Where the request files go.
    pub work_dir: PathBuf,
}

#[derive(Debug)]
pub struct Wrangler {
    options: WranglerOptions,
}

fn sql_escape(value: &str) -> String {
    value.replace('\'', "''")
}

impl Wrangler {
    pub fn new(options: WranglerOptions) -> Wrangler {
        Wrangler { options }
    }

    /// The default wrangler command for a project in the current directory (`WRANGLER`, when
    /// set, names another).
    pub fn default_program() -> Vec<String> {
        if let Some(program) = std::env::var_os("WRANGLER") {
            return vec![program.to_string_lossy().into_owned()];
        }
        let local = Path::new("node_modules/.bin/wrangler");
        if local.is_file() {
            vec![local.display().to_string()]
        } else {
            vec!["npx".into(), "wrangler".into()]
        }
    }

    fn run(&self, args: &[&str]) -> Result<String, DeployError> {
        let o = &self.options;
        let mut command = Command::new(&o.program[0]);
        command.args(&o.program[1..]).args(args);
        let is_data = matches!(args.first(), Some(&("d1" | "kv")));
        if is_data {
            command.arg(if o.local { "--local" } else { "--remote" });
            if let (true, Some(dir)) = (o.local, &o.persist_to) {
                command.arg("--persist-to").arg(dir);
            }
        }
        if let Some(config) = &o.config {
            command.arg("--config").arg(config);
        }
        let shown = format!("wrangler {}", args.join(" "));
        let started = std::time::Instant::now();
        let output = command.output().map_err(|e| DeployError::Wrangler {
            command: shown.clone(),
            detail: e.to_string(),
        })?;
        eprintln!("  → {shown} ({:.1} s)", started.elapsed().as_secs_f64());
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            return Err(DeployError::Wrangler {
                command: shown,
                detail: format!("{}\n{}", stdout.trim(), stderr.trim()),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// For account-level commands (secrets, resources): no data target, no deploy.
    pub fn for_account(program: Vec<String>, config: PathBuf) -> Wrangler {
        Wrangler::new(WranglerOptions {
            program,
            local: false,
            persist_to: None,
            config: Some(config),
            database: String::new(),
            deploy_worker: false,
            work_dir: std::env::temp_dir(),
        })
    }

    /// The names of the worker's secrets (`wrangler secret list`).
    pub fn secret_names(&self) -> Result<Vec<String>, DeployError> {
        let listed = self.run(&["secret", "list", "--format", "json"])?;
        let secrets: Vec<serde_json::Value> =
            serde_json::from_str(listed.trim()).map_err(|e| DeployError::Wrangler {
                command: "wrangler secret list".into(),
                detail: format!("not the JSON list it documents: {e}"),
            })?;
        Ok(secrets
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_owned))
            .collect())
    }

    /// Whether `database` has migrations not applied yet on Cloudflare (`wrangler d1
    /// migrations list --remote`, which says "No migrations to apply!" when none).
    pub fn migrations_pending(&self, database: &str) -> Result<bool, DeployError> {
        let listed = self.run(&["d1", "migrations", "list", database, "--remote"])?;
        Ok(!listed.contains("No migrations to apply"))
    }

    /// Writes `entries` as bulk files within the API's limits and puts each.
    fn bulk(
        &self,
        verb: &str,
        binding: &str,
        entries: impl Iterator<Item = Result<serde_json::Value, DeployError>>,
    ) -> Result<(), DeployError> {
        // Each entry is serialized once: its JSON both sizes the part and goes into the file.
        let mut part: Vec<String> = Vec::new();
        let mut bytes = 0;
        let mut n = 0;
        let flush = |part: &mut Vec<String>, n: &mut usize| {
            if part.is_empty() {
                return Ok(());
            }
            *n += 1;
            let file = self
                .options
                .work_dir
                .join(format!("{binding}-{verb}-{n}.json"));
            std::fs::write(&file, format!("[{}]", part.join(",")))?;
            part.clear();
            let path = file.display().to_string();
            let mut args = vec!["kv", "bulk", verb, path.as_str(), "--binding", binding];
            if verb == "delete" {
                args.push("--force");
            }
            self.run(&args).map(|_| ())
        };
        for entry in entries {
            let entry = entry?.to_string();
            let size = entry.len() + 1;
            if part.len() == BULK_PAIRS || bytes + size > BULK_BYTES {
                flush(&mut part, &mut n)?;
                bytes = 0;
            }
            bytes += size;
            part.push(entry);
        }
        flush(&mut part, &mut n)
    }

    fn query(&self, sql: &str) -> Result<Vec<serde_json::Value>, DeployError> {
        let database = self.options.database.clone();
        let out = self.run(&["d1", "execute", &database, "--json", "--command", sql])?;
        let bad = |detail: String| DeployError::WranglerOutput {
            command: format!("wrangler d1 execute {database} --json"),
            detail,
        };
        let parsed: serde_json::Value =
            serde_json::from_str(&out).map_err(|e| bad(e.to_string()))?;
        parsed
            .get(0)
            .and_then(|r| r.get("results"))
            .and_then(|r| r.as_array())
            .cloned()
            .ok_or_else(|| bad("no results".into()))
    }
}

impl Target for Wrangler {
    fn deployed(&mut self) -> Result<Deployed, DeployError> {
        let mut deployed = Deployed::new();
        let mut after = String::new();
        loop {
            let sql = format!(
                "SELECT unit, hash, kv_keys FROM deploy_units WHERE unit > '{}' ORDER BY unit LIMIT {READ_PAGE}",
                sql_escape(&after)
            );
            let rows = match self.query(&sql) {
                Ok(rows) => rows,
                // Nothing was ever deployed with `deploy` (the table comes with the migrations).
                Err(DeployError::Wrangler { detail, .. }) if detail.contains("no such table") => {
                    return Ok(deployed);
                }
                Err(e) => return Err(e),
            };
            let count = rows.len();
            for row in rows.iter().filter_map(serde_json::Value::as_object) {
                let (unit, deployed_unit) = DeployedUnit::from_row(row);
                after.clone_from(&unit);
                deployed.insert(unit, deployed_unit);
            }
            if count < READ_PAGE {
                return Ok(deployed);
            }
        }
    }

    fn apply(&mut self, changes: &Changes) -> Result<(), DeployError> {
        std::fs::create_dir_all(&self.options.work_dir)?;
        let database = self.options.database.clone();
        self.run(&["d1", "migrations", "apply", &database])?;
        self.bulk(
            "put",
            "LINKS",
            changes
                .links_put
                .iter()
                .map(|e| Ok(serde_json::json!({ "key": e.key, "value": e.value }))),
        )?;
        self.bulk(
            "put",
            "PAGES",
            changes.pages_put.iter().map(|(code, path)| {
                Ok(serde_json::json!({ "key": code, "value": super::stored_bundle(path)? }))
            }),
        )?;
        if !changes.sql.is_empty() {
            let file = self.options.work_dir.join("changes.sql");
            std::fs::write(&file, &changes.sql)?;
            let path = file.display().to_string();
            self.run(&["d1", "execute", &database, "--file", &path])?;
        }
        if self.options.deploy_worker {
            self.run(&["deploy"])?;
        }
        self.bulk(
            "delete",
            "LINKS",
            changes
                .links_delete
                .iter()
                .map(|k| Ok(serde_json::json!(k))),
        )?;
        self.bulk(
            "delete",
            "PAGES",
            changes
                .pages_delete
                .iter()
                .map(|k| Ok(serde_json::json!(k))),
        )?;
        let build = serde_json::json!({ "build_id": changes.build_id }).to_string();
        self.run(&[
            "kv",
            "key",
            "put",
            "config:build",
            &build,
            "--binding",
            "LINKS",
        ])?;
        Ok(())
    }
}
