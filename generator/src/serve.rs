//! `partner-center serve`: build, seed SQLite, run the worker app natively, rebuild on change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pc_core::password::{DEFAULT_ITERATIONS, PasswordHash, SALT_LEN, derive};
use pc_core::token::INVITE_SECONDS;
use pc_core::{PartnerCode, PasswordLink, SigningKeys};
use pc_worker::native::{Database, NativeState, Server};
use pc_worker::{SqlValue, Statement};

use crate::build::{self, BuildError};
use crate::content::PartnerStatus;
use crate::deploy;
use crate::dev_state::{DevState, random_password};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the content has errors")]
    Content(crate::diagnostics::Diagnostics),
    #[error(transparent)]
    Build(BuildError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] pc_worker::native::DatabaseError),
    #[error(transparent)]
    Server(#[from] pc_worker::native::ServerError),
    #[error("{0}")]
    Secret(&'static str),
    #[error(
        "MAIL_PROVIDER is not set: in production (an https PORTAL_URL, or --production) partners' \
         set-password links and notices must be e-mailed. Set MAIL_PROVIDER (see the README's \
         \"Mail\"), or MAIL_PROVIDER=outbox to keep mail in the database on purpose"
    )]
    NoMailProvider,
    #[error(transparent)]
    Demo(#[from] crate::demo_history::DemoError),
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
}

impl From<BuildError> for ServeError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Content(d) => ServeError::Content(d),
            other => ServeError::Build(other),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub content: PathBuf,
    pub port: u16,
    /// The address to listen on (127.0.0.1; 0.0.0.0 in a container).
    pub host: String,
    pub state: PathBuf,
    /// Threads that run the app's non-redirect requests (SQLite is synchronous), shared among
    /// the per-core runtimes.
    pub threads: usize,
    /// On a new database, fill in the demo content's sample activity (`site.yaml`: `demo: true`).
    pub demo_history: bool,
    /// Production (also whenever `PORTAL_URL` is https): nothing secret is printed, the demo
    /// never seeds, and a mail provider must be set.
    pub production: bool,
}

/// A set-password link for `code`, valid for a week, signed with `secret`.
pub fn invite_link(
    secret: &str,
    code: &PartnerCode,
    base_url: &str,
    now: i64,
) -> Result<String, ServeError> {
    let keys = SigningKeys::new(secret, None).map_err(ServeError::Secret)?;
    let link = PasswordLink {
        partner: code.clone(),
        nonce: link_nonce()?,
        expires_at: now + INVITE_SECONDS,
    };
    Ok(pc_worker::routes::password::link_url(
        base_url.trim_end_matches('/'),
        &link.sign(&keys),
    ))
}

/// A one-time set-password link for the owner with `email` (lowercase), valid for a week.
pub fn owner_invite_link(
    secret: &str,
    email: &str,
    base_url: &str,
    now: i64,
) -> Result<String, ServeError> {
    let keys = SigningKeys::new(secret, None).map_err(ServeError::Secret)?;
    let link = pc_core::OwnerLink {
        email: email.to_owned(),
        nonce: link_nonce()?,
        expires_at: now + INVITE_SECONDS,
    };
    Ok(format!(
        "{}/owner/reset/?token={}",
        base_url.trim_end_matches('/'),
        link.sign(&keys)
    ))
}

/// A set-password link's single-use nonce: 16 random bytes, hex.
fn link_nonce() -> Result<String, ServeError> {
    let mut nonce = [0u8; 16];
    getrandom::getrandom(&mut nonce).map_err(std::io::Error::other)?;
    Ok(hex::encode(nonce))
}

pub use crate::clock::unix_now;

/// Builds into the state dir (again only what changed) and deploys the difference into the
/// database, as `partner-center deploy` does to Cloudflare.
fn build_and_seed(
    content: &Path,
    state: &DevState,
    db: &Database,
) -> Result<build::BuildSummary, ServeError> {
    let summary = build::build(content, &state.dist())?;
    let built = deploy::Build::read(&state.dist())?;
    deploy::deploy(&built, &mut deploy::NativeTarget(db), false)?;
    Ok(summary)
}

/// What a fresh state prints: a ready sign-in for the demo's `abc123`, invites for the rest.
fn first_run_sign_ins(
    content: &Path,
    db: &Database,
    secret: &str,
    base_url: &str,
) -> Result<(), ServeError> {
    let has_credentials = !db
        .query(&Statement::new(
            "SELECT 1 AS x FROM credentials LIMIT 1",
            vec![],
        ))?
        .is_empty();
    if has_credentials {
        return Ok(());
    }
    let content = crate::content::load(content).map_err(ServeError::Content)?;
    let now = unix_now();
    let active: Vec<_> = content
        .partners
        .iter()
        .filter(|p| p.status == PartnerStatus::Active)
        .collect();
    if let Some(demo) = active.iter().find(|p| p.code.as_str() == "abc123") {
        let password = random_password()?;
        let mut salt = [0u8; SALT_LEN];
        getrandom::getrandom(&mut salt).map_err(std::io::Error::other)?;
        let phc = PasswordHash {
            iterations: DEFAULT_ITERATIONS,
            salt: salt.to_vec(),
            hash: derive(password.as_bytes(), &salt, DEFAULT_ITERATIONS).to_vec(),
        }
        .to_phc();
        db.execute(&Statement::new(
            "INSERT INTO credentials (partner, password_hash, session_version, updated_at) VALUES (?, ?, 0, ?)",
            vec![demo.code.to_string().into(), phc.into(), SqlValue::Int(now)],
        ))?;
        println!(
            "\nSign in at {base_url}/login/ as {} with password: {password}",
            demo.code
        );
        println!("(generated for this local state only; it is not stored anywhere else)");
    }
    let others: Vec<_> = active
        .iter()
        .filter(|p| p.code.as_str() != "abc123")
        .collect();
    if !others.is_empty() {
        println!("\nSet-password links for the other partners (valid for 7 days, single use):");
        for p in others.iter().take(10) {
            println!(
                "  {:<10} {}",
                p.code.as_str(),
                invite_link(secret, &p.code, base_url, now)?
            );
        }
        if others.len() > 10 {
            println!(
                "  … and {} more: partner-center invite <code>",
                others.len() - 10
            );
        }
    }
    if !content.owners.is_empty() {
        println!(
            "\nThe owner's console, {base_url}/owner/: set-password links (7 days, single use):"
        );
        for o in &content.owners {
            println!(
                "  {:<28} {:<6} {}",
                o.email,
                o.role.as_str(),
                owner_invite_link(secret, &o.email, base_url, now)?
            );
        }
    }
    Ok(())
}

/// The demo's eight weeks of sample activity, once, on a new database.
fn sample_activity(
    content: &Path,
    db: &Database,
    base_url: &str,
    events_secret: &str,
) -> Result<(), ServeError> {
    let content = crate::content::load(content).map_err(ServeError::Content)?;
    if !content.site.demo || !crate::demo_history::is_empty(db)? {
        return Ok(());
    }
    let (clicks, events) =
        crate::demo_history::seed(&content, db, base_url, events_secret, unix_now())?;
    println!("sample activity for the demo: {clicks} clicks and {events} events over eight weeks");
    Ok(())
}

/// A cheap fingerprint of a tree: file count and newest modification time.
fn fingerprint(dirs: &[PathBuf]) -> (usize, Option<SystemTime>) {
    let mut count = 0;
    let mut newest = None;
    for dir in dirs {
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            count += 1;
            let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
            newest = newest.max(modified);
        }
    }
    (count, newest)
}

/// Runs until the process is stopped.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let state = DevState::new(&options.state)?;
    let secrets = state.secrets()?;
    let db = Database::open(&state.database())?;
    if let Some(path) = std::env::var_os("PC_STATEMENT_LOG") {
        // For the tests: every statement the app runs, to check their query plans.
        db.log_statements(Path::new(&path))?;
    }
    let production =
        options.production || std::env::var("PORTAL_URL").is_ok_and(|u| u.starts_with("https://"));
    if production {
        match std::env::var("MAIL_PROVIDER").as_deref() {
            Err(_) | Ok("") => return Err(ServeError::NoMailProvider),
            Ok("outbox") => eprintln!(
                "warning: MAIL_PROVIDER=outbox in production: mail is kept in the database, not sent"
            ),
            Ok(_) => {}
        }
    }
    let first = build_and_seed(&options.content, &state, &db)?;
    println!("built {first}");
    let base_url = format!("http://127.0.0.1:{}", options.port);
    let mut env = secrets.clone();
    env.insert("PORTAL_URL".into(), base_url.clone());
    // The console's buttons commit here (in git, when the directory is in a repository).
    let content_dir = std::fs::canonicalize(&options.content)?;
    env.insert("CONTENT_DIR".into(), content_dir.display().to_string());
    for name in crate::dev_state::SETTING_NAMES {
        if let Ok(value) = std::env::var(name) {
            env.insert((*name).to_owned(), value);
        }
    }
    if production {
        // The worker keeps tokens out of the outbox in production.
        env.insert("PRODUCTION".into(), "1".into());
        println!("production mode: invite partners with `partner-center invite <code>`");
    } else {
        first_run_sign_ins(&options.content, &db, &secrets["SESSION_SECRET"], &base_url)?;
    }

    let mail_log: Box<dyn Fn(&pc_worker::Mail) + Send + Sync> = if production {
        Box::new(|mail| println!("a mail was kept in the outbox: {}", mail.subject))
    } else {
        Box::new(|mail| {
            println!("\n✉ mail to {}: {}\n{}", mail.to, mail.subject, mail.body);
        })
    };
    let shared = Arc::new(NativeState::new(
        db,
        state.dist().join("site"),
        env,
        mail_log,
    ));
    let server = Server::start(
        &shared,
        &format!("{}:{}", options.host, options.port),
        options.threads,
    )?;
    if options.demo_history && !production {
        sample_activity(
            &options.content,
            &shared.db,
            &base_url,
            &secrets["EVENTS_SECRET"],
        )?;
    }
    let _schedule = pc_worker::native::start_schedule(Arc::clone(&shared));
    println!("\nPartner Center is running at {base_url}/ (Ctrl-C to stop)");

    let theme_dir = options.content.parent().map(|p| p.join("themes"));
    let watched: Vec<PathBuf> = std::iter::once(options.content.clone())
        .chain(theme_dir)
        .collect();
    let mut seen = fingerprint(&watched);
    let rebuilding = Arc::clone(&shared);
    let content = options.content.clone();
    let watch_state = state.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(700));
            let now = fingerprint(&watched);
            if now == seen {
                continue;
            }
            seen = now;
            match build_and_seed(&content, &watch_state, &rebuilding.db) {
                Ok(summary) => {
                    println!("rebuilt {summary}");
                    // What a deploy makes due at once: approved partners now live are welcomed,
                    // recorded payouts told (as the next scheduled run would).
                    if let Err(e) = pc_worker::native::run_scheduled(
                        &rebuilding,
                        pc_worker::notify::FREQUENT_CRON,
                    ) {
                        eprintln!("after the rebuild: {e}");
                    }
                }
                Err(ServeError::Content(d)) => {
                    eprint!("{}", d.render(false));
                    eprintln!("(still serving the previous build)");
                }
                Err(e) => eprintln!("rebuild failed: {e} (still serving the previous build)"),
            }
        }
    });
    // SIGINT or SIGTERM: stop taking connections, finish the requests in flight, exit.
    server.stop_on_signal();
    println!("stopped");
    Ok(())
}
