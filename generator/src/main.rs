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
