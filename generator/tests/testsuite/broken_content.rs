//! Every broken tree under tests/fixtures/broken/ fails `check` (and `build`) with a message
//! naming the file and line. A broken tree is tests/fixtures/minimal/ with the fixture's files
//! laid over it (and the paths in its `remove` file deleted); `expected` holds the error lines.

use crate::helpers::{cli, copy_tree, fixtures, read};

fn broken_tree(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("minimal"), dir.path());
    let fixture = fixtures().join("broken").join(name);
    copy_tree(&fixture, dir.path());
    for meta in ["expected", "remove"] {
        let _ = std::fs::remove_file(dir.path().join(meta));
    }
    if let Ok(list) = std::fs::read_to_string(fixture.join("remove")) {
        for path in list.lines().filter(|l| !l.is_empty()) {
            let target = dir.path().join(path);
            if target.is_dir() {
                std::fs::remove_dir_all(target).unwrap();
            } else {
                std::fs::remove_file(target).unwrap();
            }
        }
    }
    dir
}

/// `partner-center check` on a broken tree, without colours.
fn check_broken(name: &str) -> std::process::Output {
    let tree = broken_tree(name);
    cli()
        .current_dir(tree.path())
        .env("NO_COLOR", "1")
        .args(["check", "--content", "content"])
        .output()
        .unwrap()
}

#[test]
fn the_minimal_tree_is_valid() {
    cli()
        .current_dir(fixtures().join("minimal"))
        .args(["check", "--content", "content"])
        .assert()
        .success();
}

#[test]
fn every_broken_tree_is_refused_with_its_file_and_line() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 20, "the corpus has {} trees", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let output = check_broken(name);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}\n{stderr}", output.status.code()));
            continue;
        }
        let expected = read(&fixtures().join("broken").join(name).join("expected"));
        assert!(!expected.trim().is_empty(), "{name}: empty expected file");
        let actual: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        let wanted: Vec<&str> = expected.lines().collect();
        if actual != wanted {
            failures.push(format!(
                "{name}:\n  expected {wanted:#?}\n  got {actual:#?}"
            ));
        }
        // Each error names a file with a line and column (or the missing file itself).
        for line in &actual {
            let location = line
                .trim_start_matches("error: ")
                .split(": ")
                .next()
                .unwrap();
            assert!(
                location.matches(':').count() == 2 || name == "missing-site",
                "{name}: no line:column in {line}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn reports_show_the_source_line_and_a_hint() {
    let output = check_broken("unknown-program");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("programs: [basic, platinum]"), "{stderr}");
    assert!(
        stderr.contains("help: known programs: basic, pro"),
        "{stderr}"
    );
    assert!(stderr.contains("1 error in the content"), "{stderr}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let good = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("minimal"), good.path());
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    cli()
        .current_dir(good.path())
        .args(["build", "--content", "content", "--out"])
        .arg(&dist)
        .assert()
        .success();
    let before = std::fs::read(dist.join("pages/alpha1.bin")).unwrap();

    let bad = broken_tree("several-errors");
    cli()
        .current_dir(bad.path())
        .args(["build", "--content", "content", "--out"])
        .arg(&dist)
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read(dist.join("pages/alpha1.bin")).unwrap(),
        before
    );
    assert!(dist.join("data/units.jsonl").is_file());
    // No staging directories are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "dist")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_published_payout_is_final_and_the_hint_says_how_to_correct_it() {
    let output = check_broken("published-payout-edited");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("add an adjustment in adjustments/ with `corrects: MIN-1`"),
        "{stderr}"
    );
}

#[test]
fn build_records_new_payouts_and_adjustments_in_the_lock() {
    let tree = broken_tree("published-payout-edited");
    // The fix the hint asks for: the payout as it was, and an adjustment.
    std::fs::copy(
        fixtures().join("minimal/content/payouts/2026-10.yaml"),
        tree.path().join("content/payouts/2026-10.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(tree.path().join("content/adjustments")).unwrap();
    std::fs::write(
        tree.path().join("content/adjustments/2026-11.yaml"),
        "adjustments:\n  - id: FIX-1\n    partner: alpha1\n    date: 2026-11-02\n    amount: -2.50\n    reason: Paid twice\n    corrects: MIN-1\n",
    )
    .unwrap();
    cli()
        .current_dir(tree.path())
        .args(["build", "--content", "content", "--out", "dist"])
        .assert()
        .success();
    let lock = read(&tree.path().join("content/ledger.lock"));
    assert!(
        lock.contains("id: MIN-1") && lock.contains("id: FIX-1"),
        "{lock}"
    );
    assert!(lock.contains("amount: '-2.50'"), "{lock}");
    // Once published, the adjustment is final too.
    let path = tree.path().join("content/adjustments/2026-11.yaml");
    std::fs::write(&path, read(&path).replace("-2.50", "-3.50")).unwrap();
    let output = cli()
        .current_dir(tree.path())
        .env("NO_COLOR", "1")
        .args(["check", "--content", "content"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("adjustment FIX-1 was published as -2.50"),
        "{stderr}"
    );
}
