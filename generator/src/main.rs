//! `partner-center`: check, build and scaffold a partner portal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use pc_generator::build::{self, BuildError};

#[derive(Parser)]
#[command(
    name = "partner-center",
    version,
    about = "Partner Center: a referral-partner portal published from git"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scaffold a content repository: content/, a theme, wrangler.toml, a deploy workflow.
    New {
        /// The folder to create.
        dir: PathBuf,
    },
    /// Validate everything and print every error with file:line:column.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Render the portal to OUT/site (static assets) and OUT/data (KV + D1 seed), atomically.
    Build {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
    },
    /// Build, then run the portal locally on SQLite; rebuilds when content or theme change.
    Serve {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// Local state: database, build, development secrets.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
    },
    /// Print a one-time set-password link for a partner (valid for 7 days).
    Invite {
        code: String,
        /// The portal's address (the deployed worker, or a local `serve`).
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        base_url: String,
        /// Where `serve` keeps its secrets, used when SESSION_SECRET is not set.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Print the `Partner-Signature` header for an event body (to send it with curl).
    SignEvent {
        /// The JSON body, exactly as it will be sent.
        body: PathBuf,
        /// Where `serve` keeps its secrets, used when EVENTS_SECRET is not set.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
    },
    /// Write a synthetic content tree with N partners (for benchmarks and scale tests).
    Synth {
        #[arg(long)]
        partners: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn report(err: BuildError) -> anyhow::Result<ExitCode> {
    match err {
        BuildError::Content(diagnostics) => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", diagnostics.render(color));
            Ok(ExitCode::FAILURE)
        }
        other => Err(other.into()),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::New { dir } => {
            let count = pc_generator::scaffold::scaffold(&dir)?;
            println!(
                "Created {} ({count} files). Next:\n  cd {}\n  partner-center check\n  partner-center build",
                dir.display(),
                dir.display()
            );
        }
        Command::Check { content } => match build::check(&content) {
            Ok(summary) => println!(
                "ok: {} partners, {} pages, no errors",
                summary.partners, summary.pages
            ),
            Err(err) => return report(err),
        },
        Command::Build { content, out } => match build::build(&content, &out) {
            Ok(summary) => println!("built {summary} → {}", out.display()),
            Err(err) => return report(err),
        },
        Command::Serve {
            content,
            port,
            state,
        } => {
            let options = pc_generator::serve::ServeOptions {
                content,
                port,
                state,
                threads: 8,
            };
            match pc_generator::serve::serve(&options) {
                Ok(()) => {}
                Err(pc_generator::serve::ServeError::Content(diagnostics)) => {
                    return report(BuildError::Content(diagnostics));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Invite {
            code,
            base_url,
            state,
            content,
        } => {
            let code = pc_core::PartnerCode::parse(&code)?;
            if content.is_dir() {
                let loaded = pc_generator::content::load(&content).map_err(|_| {
                    anyhow::anyhow!("the content has errors; run `partner-center check`")
                })?;
                anyhow::ensure!(
                    loaded.partners.iter().any(|p| p.code == code),
                    "there is no partner `{code}` in {}",
                    content.display()
                );
            }
            let secret = match std::env::var("SESSION_SECRET") {
                Ok(secret) => secret,
                Err(_) => pc_generator::dev_state::DevState::new(&state)?
                    .secrets()?
                    .remove("SESSION_SECRET")
                    .unwrap_or_default(),
            };
            let now = pc_generator::serve::unix_now();
            println!(
                "{}",
                pc_generator::serve::invite_link(&secret, &code, &base_url, now)?
            );
        }
        Command::SignEvent { body, state } => {
            let bytes =
                std::fs::read(&body).with_context(|| format!("reading {}", body.display()))?;
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .with_context(|| format!("{} is not valid JSON", body.display()))?;
            let secret = match std::env::var("EVENTS_SECRET") {
                Ok(secret) => secret,
                Err(_) => pc_generator::dev_state::DevState::new(&state)?
                    .secrets()?
                    .remove("EVENTS_SECRET")
                    .unwrap_or_default(),
            };
            let t = pc_generator::serve::unix_now();
            println!(
                "Partner-Signature: {}",
                pc_worker::routes::events::signature(&secret, t, &bytes)
            );
        }
        Command::Synth { partners, out } => {
            if out.exists() && std::fs::read_dir(&out)?.next().is_some() {
                anyhow::bail!("{} is not empty", out.display());
            }
            pc_generator::synth::write_content(&out, partners)
                .with_context(|| format!("writing {}", out.display()))?;
            println!("wrote {partners} partners to {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
