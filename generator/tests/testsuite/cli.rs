//! The CLI: new, check, build, synth.

use predicates::prelude::*;

use crate::helpers::{cli, demo_content, parse, select};

#[test]
fn check_accepts_the_demo_content() {
    cli()
        .args(["check", "--content"])
        .arg(demo_content())
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 7 partners"));
}

#[test]
fn build_prints_a_one_line_summary() {
    let out = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--content"])
        .arg(demo_content())
        .arg("--out")
        .arg(out.path().join("dist"))
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"^built 7 partners, \d+ pages, \d+ files in [0-9.]+ s \(\d+ pages/s\) → .*dist\n$",
            )
            .unwrap(),
        );
    assert!(out.path().join("dist/data/manifest.json").is_file());
}

#[test]
fn new_scaffolds_a_repository_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("my-portal");
    cli().arg("new").arg(&repo).assert().success();
    for file in [
        "content/site.yaml",
        "themes/default/templates/base.html",
        "wrangler.toml",
        ".github/workflows/deploy.yml",
        "README.md",
    ] {
        assert!(repo.join(file).is_file(), "{file}");
    }
    cli().current_dir(&repo).arg("check").assert().success();
    // The scaffolded theme is the one used: editing it changes the output.
    let base = repo.join("themes/default/templates/partials/footer.html");
    std::fs::write(&base, "<footer class=\"footer\">Custom footer</footer>\n").unwrap();
    cli().current_dir(&repo).arg("build").assert().success();
    cli()
        .current_dir(&repo)
        .args(["pages", "abc123", "--to", "abc123-pages"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pages of abc123"));
    let page = parse(&repo.join("abc123-pages/index.html"));
    assert_eq!(
        select(&page, "footer")[0].text().collect::<String>(),
        "Custom footer"
    );
    // It refuses to overwrite.
    cli()
        .arg("new")
        .arg(&repo)
        .assert()
        .failure()
        .stderr(predicate::str::contains("not empty"));
}

#[test]
fn synth_writes_valid_content_of_any_size() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    cli()
        .args(["synth", "--partners", "120", "--out"])
        .arg(&content)
        .assert()
        .success();
    cli()
        .args(["check", "--content"])
        .arg(&content)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 120 partners"));
}

#[test]
fn a_missing_content_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    cli()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the content folder does not exist",
        ));
}
