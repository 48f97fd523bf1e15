//! The end-to-end scenario suite. The same scenarios run against the native backend
//! (`partner-center serve`) and the real Workers runtime (`wrangler dev`); `tests/run` starts
//! each and runs this binary against it:
//!
//! ```text
//! pc-e2e --base-url URL --session-secret S --events-secret S (--sqlite FILE | --wrangler-persist DIR)
//! ```
//!
//! It prints one line per scenario and exits non-zero if any fails.

// A binary: `pub` marks what scenario modules share, not a public API.
#![allow(unreachable_pub, missing_debug_implementations)]

mod client;
mod crash;
mod db;
mod fake_http;
mod git_host;
mod load;
mod mail;
mod plans;
mod scenarios;

use std::process::ExitCode;
use std::time::Instant;

use client::Client;
use db::Db;

/// What every scenario gets: where the portal is, its secret (to mint links and forge
/// cookies), and a way to look into its database (the outbox, fixtures).
pub struct World {
    pub base: String,
    pub secret: String,
    pub events_secret: String,
    pub owner_token: String,
    /// `STRIPE_WEBHOOK_SECRET` and `SHOPIFY_WEBHOOK_SECRET` of the app under test.
    pub stripe_secret: String,
    pub shopify_secret: String,
    pub db: Db,
    /// The content folder the backend was built from (approvals write partners there).
    pub content: std::path::PathBuf,
    /// The partner-center binary.
    pub cli: std::path::PathBuf,
    /// A shell command that rebuilds and reseeds after a content change (workerd).
    pub reseed: Option<String>,
    /// The fake git host the portal commits to (`--git-port`, `--git-token`).
    pub git: Option<git_host::FakeGitHub>,
}

impl World {
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// After the scenario changed the content: deploys it (workerd: the reseed command; the
    /// native `serve` rebuilds by itself) and waits until the portal answers with the new
    /// build's id, so what follows runs against the new content, never a mix.
    pub fn content_changed(&self) -> Outcome {
        if let Some(cmd) = &self.reseed {
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .status()
                .map_err(|e| e.to_string())?;
            ensure!(status.success(), "the reseed command failed");
        }
        let out = std::env::temp_dir().join(format!("pc-e2e-build-{}", std::process::id()));
        let built = std::process::Command::new(&self.cli)
            .args(["build", "--content"])
            .arg(&self.content)
            .arg("--out")
            .arg(&out)
            .output()
            .map_err(|e| e.to_string())?;
        ensure!(
            built.status.success(),
            "building the changed content: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let manifest =
            std::fs::read_to_string(out.join("data/manifest.json")).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&out);
        let expected: serde_json::Value =
            serde_json::from_str(&manifest).map_err(|e| e.to_string())?;
        let expected = expected["build_id"].as_str().unwrap_or_default().to_owned();
        let started = Instant::now();
        let mut client = self.client();
        loop {
            let live = client.get("/api/v1/build")?;
            if live.body.contains(&expected) {
                return Ok(());
            }
            // A safety net only: the rebuild takes well under a second.
            ensure!(
                started.elapsed() < std::time::Duration::from_mins(2),
                "build {expected} never went live (live: {})",
                live.body
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

pub type Outcome = Result<(), String>;

/// Fails the scenario with a message unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn parse_args() -> Result<World, String> {
    let value = flag;
    let base = value("--base-url").ok_or("--base-url is required")?;
    let secret = value("--session-secret").unwrap_or_default();
    let events_secret = value("--events-secret").unwrap_or_default();
    let owner_token = value("--owner-token").unwrap_or_default();
    let stripe_secret = value("--stripe-secret").unwrap_or_default();
    let shopify_secret = value("--shopify-secret").unwrap_or_default();
    let content = value("--content")
        .unwrap_or_else(|| "content".into())
        .into();
    let cli = value("--cli")
        .unwrap_or_else(|| "partner-center".into())
        .into();
    let reseed = value("--reseed");
    let git = match (value("--git-port"), value("--git-token")) {
        (Some(port), Some(token)) => Some(git_host::FakeGitHub::start(
            port.parse().map_err(|_| "--git-port takes a port number")?,
            &token,
        )?),
        _ => None,
    };
    let db = match (value("--sqlite"), value("--wrangler-persist")) {
        (Some(path), None) => Db::Sqlite(path.into()),
        (None, Some(dir)) => Db::Wrangler(dir.into()),
        _ => return Err("give exactly one of --sqlite FILE or --wrangler-persist DIR".into()),
    };
    Ok(World {
        base: base.trim_end_matches('/').to_owned(),
        secret,
        events_secret,
        owner_token,
        stripe_secret,
        shopify_secret,
        db,
        content,
        cli,
        reseed,
        git,
    })
}

/// The value after `name` on the command line.
fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("load") {
        return match parse_args().and_then(|w| {
            let number = |name: &str, default: usize| {
                flag(name).and_then(|v| v.parse().ok()).unwrap_or(default)
            };
            load::run(&load::LoadOptions {
                base: w.base,
                events_secret: w.events_secret,
                db: w.db,
                redirects: number("--redirects", 20_000),
                events: number("--events", 2_000),
                threads: number("--threads", 32),
            })
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                println!("load: FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("crash") {
        let path = |name: &str| flag(name).map(std::path::PathBuf::from).unwrap_or_default();
        let number =
            |name: &str, default: usize| flag(name).and_then(|v| v.parse().ok()).unwrap_or(default);
        return match crash::run(&crash::CrashOptions {
            cli: path("--cli"),
            content: path("--content"),
            state: path("--state"),
            redirects: number("--redirects", 6000),
            events: number("--events", 600),
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                println!("crash: FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("git-host") {
        // `pc-e2e git-host --host forgejo|gitlab --git-port P --git-token T --base-url URL
        //  (--sqlite DB | --wrangler-persist DIR)`: the portal runs with that GIT_HOST.
        let host = flag("--host").unwrap_or_default();
        return match parse_args().and_then(|w| scenarios::approve_through_host(&w, &host)) {
            Ok(()) => {
                println!(
                    "git: {host}: an approval is one commit through its API; a conflict shows both versions"
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                println!("git: {host}: FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("mail") {
        // `pc-e2e mail --provider P --listen ADDR --code C --to E --from F --reply-to R --key K
        //  [--domain D] [--fail] [--wrangler-log FILE] (--sqlite DB | --wrangler-persist DIR)`
        let text = |name: &str| flag(name).unwrap_or_default();
        return match parse_args().and_then(|w| {
            mail::run(&mail::MailOptions {
                base: w.base,
                db: w.db,
                provider: text("--provider"),
                listen: text("--listen"),
                code: text("--code"),
                to: text("--to"),
                from: text("--from"),
                reply_to: text("--reply-to"),
                key: text("--key"),
                domain: text("--domain"),
                fail: std::env::args().any(|a| a == "--fail"),
                wrangler_log: flag("--wrangler-log").map(Into::into),
            })
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                println!("mail: FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("plans") {
        // `pc-e2e plans --sqlite DB --statements FILE`
        let path = |name: &str| flag(name).map(std::path::PathBuf::from);
        let (Some(db), Some(statements)) = (path("--sqlite"), path("--statements")) else {
            eprintln!("pc-e2e plans --sqlite DB --statements FILE");
            return ExitCode::from(2);
        };
        return match plans::run(&db, &statements) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                println!("plans: FAILED: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("partners") {
        // `pc-e2e partners --codes a,b,c …`: sign in as each, see only their own pages.
        let codes: Vec<String> = flag("--codes")
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        return match parse_args().and_then(|w| scenarios::scale::partners_see_their_own(&w, &codes))
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                println!("  FAIL  {e}");
                ExitCode::FAILURE
            }
        };
    }
    let world = match parse_args() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("pc-e2e: {e}");
            return ExitCode::from(2);
        }
    };
    let backend = match world.db {
        Db::Sqlite(_) => "native",
        Db::Wrangler(_) => "workerd",
    };
    println!("end-to-end scenarios against {} ({backend})", world.base);
    let mut failed = 0;
    let started = Instant::now();
    for (name, scenario) in scenarios::ALL {
        let t = Instant::now();
        match scenario(&world) {
            Ok(()) => println!("  ok    {name} ({} ms)", t.elapsed().as_millis()),
            Err(e) => {
                failed += 1;
                println!("  FAIL  {name}: {e}");
            }
        }
    }
    println!(
        "{} scenarios, {failed} failed, {:.1} s ({backend})",
        scenarios::ALL.len(),
        started.elapsed().as_secs_f64()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
