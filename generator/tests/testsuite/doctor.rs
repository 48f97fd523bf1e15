//! `partner-center doctor`: on a new repository it lists exactly the settings still missing,
//! each with its fix; with them set it passes.

use std::path::Path;

use crate::helpers::cli;

fn doctor(repo: &Path, wrangler: &Path) -> (bool, Vec<String>) {
    let out = cli()
        .current_dir(repo)
        .env("WRANGLER", wrangler)
        .arg("doctor")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let failed = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("✗ "))
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    (out.status.success(), failed)
}

/// A `wrangler` that answers `secret list --format json` as wrangler documents it, with
/// `secrets`, and `d1 migrations list` as it does when every migration is applied; anything
/// else fails.
fn wrangler_with_secrets(dir: &Path, secrets: &[&str]) -> std::path::PathBuf {
    wrangler_answering(dir, secrets, "✅ No migrations to apply!")
}

fn wrangler_answering(dir: &Path, secrets: &[&str], migrations: &str) -> std::path::PathBuf {
    let list = secrets
        .iter()
        .map(|s| format!("{{\"name\":\"{s}\",\"type\":\"secret_text\"}}"))
        .collect::<Vec<_>>()
        .join(",");
    let path = dir.join("wrangler");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\n[ \"$1 $2 $3\" = \"d1 migrations list\" ] && {{ echo '{migrations}'; exit 0; }}\n\
             [ \"$1 $2\" = \"secret list\" ] || exit 1\necho '[{list}]'\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

#[test]
fn doctor_lists_what_a_new_repository_still_needs_then_passes() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("portal");
    cli().arg("new").arg(&repo).assert().success();
    let wrangler = wrangler_with_secrets(dir.path(), &["SESSION_SECRET"]);
    let (ok, failed) = doctor(&repo, &wrangler);
    assert!(!ok);
    assert_eq!(
        failed,
        [
            "KV namespace LINKS",
            "KV namespace PAGES",
            "D1 database",
            "PORTAL_URL",
            "mail",
            "secrets"
        ]
    );
    let toml = repo.join("wrangler.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace(
            "replace-with-your-links-kv-namespace-id",
            "0f2ac74b498b48028cb68387c421e279",
        )
        .replace(
            "replace-with-your-pages-kv-namespace-id",
            "6a1e2c3d4b5a49788f0e1d2c3b4a5968",
        )
        .replace(
            "replace-with-your-d1-database-id",
            "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
        )
        .replace(
            "PORTAL_URL = \"https://partners.example.com\"",
            "PORTAL_URL = \"https://partners.brightloom.coffee\"\nMAIL_PROVIDER = \"resend\"",
        );
    std::fs::write(&toml, text).unwrap();
    let (_, failed) = doctor(&repo, &wrangler);
    assert_eq!(
        failed,
        ["mail", "secrets"],
        "MAIL_FROM, and the secrets, are still missing"
    );
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "MAIL_PROVIDER = \"resend\"",
        "MAIL_PROVIDER = \"resend\"\nMAIL_FROM = \"partners@brightloom.coffee\"",
    );
    std::fs::write(&toml, text).unwrap();
    let all = [
        "SESSION_SECRET",
        "EVENTS_SECRET",
        "OWNER_TOKEN",
        "MAIL_API_KEY",
    ];
    let (ok, failed) = doctor(&repo, &wrangler_with_secrets(dir.path(), &all));
    assert_eq!((ok, failed), (true, Vec::<String>::new()));
    // A migration not applied on Cloudflare yet.
    let pending = wrangler_answering(
        dir.path(),
        &all,
        "Migrations to be applied:\n│ 0025_test_mode.sql │",
    );
    let (ok, failed) = doctor(&repo, &pending);
    assert_eq!(
        (ok, failed),
        (false, vec!["migrations of partner-center".to_owned()])
    );
}

#[test]
fn doctor_says_when_the_portal_does_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("portal");
    cli().arg("new").arg(&repo).assert().success();
    let out = cli()
        .current_dir(&repo)
        .env("WRANGLER", "/bin/false")
        .args(["doctor", "--remote", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("✗ deployed build: http://127.0.0.1:9 does not answer"),
        "{stdout}"
    );
    assert!(stdout.contains("✗ tracking script"), "{stdout}");
    assert!(
        stdout.contains("✗ secrets: cannot list the worker's secrets"),
        "{stdout}"
    );
}
