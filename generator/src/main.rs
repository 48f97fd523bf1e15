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
    /// Import partners from another program's export (Rewardful, FirstPromoter, Tolt,
    /// PartnerStack, or any CSV with --map): content/partners/*.yaml, and their unpaid balances
    /// as opening-balance adjustments. One refused row (each with its line): nothing written.
    Import {
        /// Whose export it is.
        #[arg(value_enum)]
        source: pc_generator::import::Source,
        /// The export: CSV with its header row.
        file: PathBuf,
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// A program the partners join (repeat for several; default: the only program).
        #[arg(long = "program", value_name = "PROGRAM")]
        programs: Vec<String>,
        /// Which column holds a field, e.g. `code=Ref,email=E-mail` (fields: code, name,
        /// first_name, last_name, email, company, phone, parent, coupons, payout_method,
        /// payout_details, paypal_email, wise_email, unpaid, currency, status).
        #[arg(long, value_name = "FIELD=COLUMN")]
        map: Vec<String>,
        /// The opening balances' date (default today, UTC), as YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
    },
    /// Make or find the Cloudflare resources wrangler.toml names, write their ids into it (its
    /// comments kept), put the generated secrets (and MAIL_API_KEY, STRIPE_WEBHOOK_SECRET,
    /// SHOPIFY_WEBHOOK_SECRET when the environment gives them), apply the migrations. A second
    /// run changes nothing.
    Setup {
        #[command(subcommand)]
        target: SetupTarget,
    },
    /// One checklist of what a working deployment needs, each ✗ with its fix; exit 1 on any ✗.
    Doctor {
        #[arg(long, default_value = "content")]
        content: PathBuf,
        #[arg(long, default_value = "wrangler.toml")]
        config: PathBuf,
        /// The build the portal should be running.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// The deployed portal's address: also check what it serves.
        #[arg(long, value_name = "URL")]
        remote: Option<String>,
    },
    /// Validate everything and print every error with file:line:column.
    Check {
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Render the portal to OUT/site (shared static assets), OUT/pages (one bundle per partner)
    /// and OUT/data (deploy units), atomically; again only what changed since the last build.
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
        /// The address to listen on: 127.0.0.1, or 0.0.0.0 in a container.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Local state: database, build, development secrets.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
        /// Do not fill a new database with the demo content's sample activity.
        #[arg(long)]
        no_demo_history: bool,
        /// Production: print no password, link or mail; seed no demo activity; require
        /// MAIL_PROVIDER. On whenever PORTAL_URL is https.
        #[arg(long)]
        production: bool,
    },
    /// Print a one-time set-password link for a partner (valid for 7 days).
    Invite {
        /// The partner's code; with --owner, the owner's e-mail (as in owners.yaml).
        code: String,
        /// Invite an owner of the console (`/owner/`) instead of a partner.
        #[arg(long)]
        owner: bool,
        /// The portal's address (the deployed worker, or a local `serve`).
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        base_url: String,
        /// Where `serve` keeps its secrets, used when SESSION_SECRET is not set.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// List pending partner applications; approve (writes content/partners/<code>.yaml) or reject.
    Applications {
        #[command(subcommand)]
        action: Option<ApplicationAction>,
        #[command(flatten)]
        owner: OwnerArgs,
    },
    /// The owner's payouts: `plan` writes content/payouts/<date>.yaml from the payable balances.
    Payouts {
        #[command(subcommand)]
        action: PayoutsAction,
        #[command(flatten)]
        owner: OwnerArgs,
    },
    /// Partners' own profile changes: list them, or `pull` them into content/partners/*.yaml.
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
        #[command(flatten)]
        owner: OwnerArgs,
    },
    /// Print the `Partner-Signature` header for an event body (to send it with curl).
    SignEvent {
        /// The JSON body, exactly as it will be sent.
        body: PathBuf,
        /// Where `serve` keeps its secrets, used when EVENTS_SECRET is not set.
        #[arg(long, default_value = ".partner-center")]
        state: PathBuf,
    },
    /// Send Cloudflare what changed since the last deploy: KV keys, page bundles, D1 rows
    /// (after the migrations), then the worker; `--local` for `wrangler dev`'s local state.
    Deploy {
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Print the plan (`plan: put N, delete M, unchanged K`) and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// One line per unit put or deleted.
        #[arg(short, long)]
        verbose: bool,
        /// Deploy to `wrangler dev`'s local state instead of Cloudflare (no `wrangler deploy`).
        #[arg(long)]
        local: bool,
        /// wrangler's `--persist-to` (with `--local`).
        #[arg(long)]
        persist_to: Option<PathBuf>,
        /// wrangler.toml
        #[arg(long)]
        config: Option<PathBuf>,
        /// The D1 database name in wrangler.toml.
        #[arg(long, default_value = "partner-center")]
        database: String,
    },
    /// Write one partner's built pages as files (to look at what they see).
    Pages {
        code: String,
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// The folder to write them to.
        #[arg(long)]
        to: PathBuf,
    },
    /// Write a synthetic content tree with N partners (for benchmarks and scale tests).
    Synth {
        #[arg(long)]
        partners: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ApplicationAction {
    /// Write the partner's YAML (commit and deploy it), move their password over, e-mail them.
    Approve { code: String },
    /// Mark the application rejected and e-mail the applicant the reason.
    Reject {
        code: String,
        #[arg(long)]
        reason: String,
    },
}

/// Where the owner's API is and how to reach it (applications, payouts).
#[derive(clap::Args)]
struct OwnerArgs {
    /// The portal's address (a local `serve`, or the deployed worker).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8787")]
    base_url: String,
    /// The owner token (else OWNER_TOKEN, else the local state's). It may start with `-`.
    #[arg(long, global = true, allow_hyphen_values = true)]
    owner_token: Option<String>,
    #[arg(long, global = true, default_value = "content")]
    content: PathBuf,
    #[arg(long, global = true, default_value = ".partner-center")]
    state: PathBuf,
}

impl OwnerArgs {
    /// The owner API client: the token from the flag, else OWNER_TOKEN, else the local state's.
    fn api(&self) -> anyhow::Result<pc_generator::applications::OwnerApi> {
        let token = match self
            .owner_token
            .clone()
            .or_else(|| std::env::var("OWNER_TOKEN").ok())
        {
            Some(t) => t,
            None => pc_generator::dev_state::DevState::new(&self.state)?
                .secrets()?
                .remove("OWNER_TOKEN")
                .unwrap_or_default(),
        };
        Ok(pc_generator::applications::OwnerApi::new(
            &self.base_url,
            &token,
        ))
    }
}

#[derive(Subcommand)]
enum ProfilesAction {
    /// Write the changes into the partners' YAML files (review with git diff, then deploy).
    Pull,
}

#[derive(Subcommand)]
enum SetupTarget {
    /// Through wrangler: logged in (`wrangler login`), or CLOUDFLARE_API_TOKEN and
    /// CLOUDFLARE_ACCOUNT_ID.
    Cloudflare {
        #[arg(long, default_value = "wrangler.toml")]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum PayoutsAction {
    /// Write content/payouts/<date>.yaml with each partner's exact payable balance (less
    /// payouts in the content that are not deployed yet); refuse payouts above it.
    Plan {
        /// The payout date (default today, UTC), as YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
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

/// `--date YYYY-MM-DD`, or today (UTC).
fn date_arg(date: Option<String>) -> anyhow::Result<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(match date {
        Some(d) => time::Date::parse(&d, format)
            .map_err(|e| anyhow::anyhow!("--date {d:?} is not a date like 2026-11-30: {e}"))?,
        None => time::OffsetDateTime::now_utc().date(),
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Setup {
            target: SetupTarget::Cloudflare { config },
        } => {
            let given: Vec<(&str, String)> = pc_generator::setup::GIVEN
                .iter()
                .filter_map(|name| std::env::var(name).ok().map(|v| (*name, v)))
                .collect();
            let report = pc_generator::setup::cloudflare(
                &config,
                pc_generator::deploy::Wrangler::default_program(),
                &given,
            )?;
            for line in &report.done {
                println!("✓ {line}");
            }
            println!("Left for you:");
            for line in &report.left {
                println!("  - {line}");
            }
            println!("Then `partner-center doctor` lists what is still missing.");
        }
        Command::Doctor {
            content,
            config,
            out,
            remote,
        } => {
            let checks = pc_generator::doctor::doctor(&pc_generator::doctor::DoctorOptions {
                content: &content,
                config: &config,
                out: &out,
                remote: remote.as_deref(),
                owner_token: std::env::var("OWNER_TOKEN")
                    .ok()
                    .or_else(|| pc_generator::setup::kept_owner_token(&config))
                    .as_deref(),
            });
            for check in &checks {
                println!("{check}");
            }
            let failed = checks.iter().filter(|c| !c.holds()).count();
            if failed > 0 {
                println!("{failed} of {} to fix", checks.len());
                return Ok(ExitCode::FAILURE);
            }
            println!("all {} checks hold", checks.len());
        }
        Command::Import {
            source,
            file,
            content,
            programs,
            map,
            date,
        } => {
            let summary = pc_generator::import::import(&pc_generator::import::ImportOptions {
                source,
                file: &file,
                content: &content,
                programs,
                map,
                date: date_arg(date)?.to_string(),
            })?;
            for (line, code, status) in &summary.skipped {
                println!("left out line {line} ({code}): {status}, not a partner yet");
            }
            println!(
                "imported {} partners into {} ({} unpaid, as opening balances{}); run `partner-center check`, then commit",
                summary.partners.len(),
                content.join("partners").display(),
                summary.unpaid_total,
                summary
                    .adjustments
                    .as_ref()
                    .map(|p| format!(" in {}", p.display()))
                    .unwrap_or_default()
            );
        }
        Command::New { dir } => {
            let count = pc_generator::scaffold::scaffold(&dir)?;
            // From an unpacked release: its worker, where wrangler.toml expects it.
            let release = std::env::current_exe()
                .ok()
                .and_then(|exe| pc_generator::scaffold::release_of(&exe));
            if let Some(release) = &release {
                pc_generator::scaffold::link_release(&dir, release)?;
            }
            println!(
                "Created {} ({count} files{}). Next:\n  cd {}\n  partner-center serve                # the portal on this content, locally\n  npm ci && npx wrangler login        # then, for Cloudflare:\n  partner-center setup cloudflare\n  partner-center doctor",
                dir.display(),
                release.as_ref().map_or(String::new(), |r| format!(
                    "; {} links to the release at {}",
                    pc_generator::scaffold::RELEASE_LINK,
                    r.display()
                )),
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
        Command::Deploy {
            out,
            dry_run,
            verbose,
            local,
            persist_to,
            config,
            database,
        } => {
            use pc_generator::deploy;
            let built = deploy::Build::read(&out)?;
            let mut target = deploy::Wrangler::new(deploy::WranglerOptions {
                program: deploy::Wrangler::default_program(),
                local,
                persist_to,
                config,
                database,
                deploy_worker: !local,
                work_dir: out.join("deploy"),
            });
            let plan = deploy::deploy(&built, &mut target, dry_run)?;
            println!("{}", plan.summary());
            if verbose {
                print!("{}", plan.details());
            }
            if !dry_run {
                println!("deployed build {}", built.manifest.build_id);
            }
        }
        Command::Pages { code, out, to } => {
            let code = pc_core::PartnerCode::parse(&code)?;
            let count = build::write_pages(&out, code.as_str(), &to)?;
            println!("wrote {count} pages of {code} to {}", to.display());
        }
        Command::Serve {
            content,
            port,
            host,
            state,
            no_demo_history,
            production,
        } => {
            let options = pc_generator::serve::ServeOptions {
                content,
                port,
                host,
                state,
                threads: 8,
                demo_history: !no_demo_history,
                production,
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
            owner,
            base_url,
            state,
            content,
        } => {
            let secret = match std::env::var("SESSION_SECRET") {
                Ok(secret) => secret,
                Err(_) => pc_generator::dev_state::DevState::new(&state)?
                    .secrets()?
                    .remove("SESSION_SECRET")
                    .unwrap_or_default(),
            };
            let now = pc_generator::serve::unix_now();
            if owner {
                let email = code.trim().to_ascii_lowercase();
                if content.is_dir() {
                    let loaded = pc_generator::content::load(&content).map_err(|_| {
                        anyhow::anyhow!("the content has errors; run `partner-center check`")
                    })?;
                    anyhow::ensure!(
                        loaded.owners.iter().any(|o| o.email == email),
                        "there is no owner {email} in {}/owners.yaml",
                        content.display()
                    );
                }
                println!(
                    "{}",
                    pc_generator::serve::owner_invite_link(&secret, &email, &base_url, now)?
                );
                return Ok(ExitCode::SUCCESS);
            }
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
            println!(
                "{}",
                pc_generator::serve::invite_link(&secret, &code, &base_url, now)?
            );
        }
        Command::Applications { action, owner } => {
            use pc_generator::applications::write_partner;
            let api = owner.api()?;
            let content = owner.content;
            match action {
                None => {
                    let pending = api.pending()?;
                    if pending.is_empty() {
                        println!("no pending applications");
                    }
                    for a in pending {
                        println!(
                            "{:<12} {} <{}>{} — programs: {}",
                            a.code,
                            a.name,
                            a.email,
                            a.website
                                .as_deref()
                                .map(|w| format!(" {w}"))
                                .unwrap_or_default(),
                            a.programs.join(", ")
                        );
                        if let Some(p) = &a.promotion {
                            println!("             promotes: {}", p.replace('\n', " "));
                        }
                    }
                }
                Some(ApplicationAction::Approve { code }) => {
                    let pending = api.pending()?;
                    let app = pending.iter().find(|a| a.code == code).ok_or_else(|| {
                        pc_generator::applications::ApplicationsError::Unknown(code.clone())
                    })?;
                    let path = write_partner(&content, app)?;
                    api.decide(&code, true, None)?;
                    println!(
                        "approved {code}: wrote {} — commit and deploy it; {} has been e-mailed",
                        path.display(),
                        app.email
                    );
                }
                Some(ApplicationAction::Reject { code, reason }) => {
                    api.decide(&code, false, Some(&reason))?;
                    println!("rejected {code}; the applicant has been e-mailed");
                }
            }
        }
        Command::Payouts {
            action: PayoutsAction::Plan { date },
            owner,
        } => {
            let date = date_arg(date)?;
            match pc_generator::payouts::plan_file(&owner.api()?, &owner.content, date) {
                Ok((_, planned)) if planned.is_empty() => println!("nothing is payable now"),
                Ok((path, planned)) => {
                    for p in &planned {
                        println!(
                            "{:<12} {:>12}  {}  {}",
                            p.partner,
                            p.amount.to_string(),
                            p.method,
                            p.reference
                        );
                    }
                    println!(
                        "wrote {} ({} payouts): pay them, fill in methods, then commit and deploy",
                        path.display(),
                        planned.len()
                    );
                }
                Err(pc_generator::payouts::PayoutsError::Content(d)) => {
                    return report(BuildError::Content(d));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Profiles { action, owner } => {
            let pending = owner.api()?.profiles()?;
            let mut conflicts = 0;
            let changed: Vec<_> = pending
                .iter()
                .filter(|c| !c.differences().is_empty())
                .collect();
            if changed.is_empty() {
                println!("no pending profile changes");
            }
            for change in changed {
                println!("{}:", change.code);
                for (field, was, now) in change.differences() {
                    println!("  - {field}: {}", was.unwrap_or("").replace('\n', " / "));
                    println!("  + {field}: {}", now.unwrap_or("").replace('\n', " / "));
                }
                if matches!(action, Some(ProfilesAction::Pull)) {
                    let applied = pc_generator::profiles::apply(&owner.content, change)?;
                    println!("  wrote {}", applied.path.display());
                    for c in &applied.conflicts {
                        conflicts += 1;
                        println!(
                            "  ! {}: you changed it to {:?} since the deploy ({:?}), and {} chose {:?}; the file keeps yours: edit it to decide",
                            c.field, c.in_file, c.deployed, change.code, c.partner
                        );
                    }
                }
            }
            if matches!(action, Some(ProfilesAction::Pull)) {
                println!(
                    "review with `git diff`, run `partner-center check`, commit and deploy: the deploy marks them applied"
                );
            }
            if conflicts > 0 {
                eprintln!("{conflicts} field(s) changed on both sides: see the lines marked !");
                return Ok(ExitCode::FAILURE);
            }
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
