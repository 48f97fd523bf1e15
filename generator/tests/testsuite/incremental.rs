//! Incremental builds: a rebuild renders again only what changed, and its output is byte for
//! byte what a clean build writes. Shared files stay few whatever the number of partners.

use std::collections::BTreeMap;
use std::path::Path;

use crate::helpers::{build, cli, demo_copy, read};

/// Every file under `root` (relative path → bytes), `unpacked/` aside.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(root).unwrap().display().to_string();
            (relative, std::fs::read(e.path()).unwrap())
        })
        .filter(|(path, _)| !path.starts_with("unpacked"))
        .collect()
}

/// The same files with the same bytes; names the ones that differ.
fn assert_same(a: &Path, b: &Path) {
    let (a, b) = (tree(a), tree(b));
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(differ.is_empty(), "incremental ≠ clean build: {differ:?}");
}

/// Builds `content` into `out` with the CLI; what it printed.
fn build_into(content: &Path, out: &Path) -> String {
    let output = cli()
        .args(["build", "--content"])
        .arg(content)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_rebuild_renders_only_the_changed_partner_and_equals_a_clean_build() {
    let tree_dir = demo_copy();
    let content = tree_dir.path().join("content");
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let first = build_into(&content, &dist);
    assert!(first.starts_with("built 7 partners, "), "{first}");

    let nothing = build_into(&content, &dist);
    assert!(nothing.contains("(0 rendered, 7 unchanged)"), "{nothing}");

    let yaml = content.join("partners/tess42.yaml");
    std::fs::write(&yaml, read(&yaml).replace("Tess", "Tessa")).unwrap();
    let one = build_into(&content, &dist);
    assert!(one.contains("(1 rendered, 6 unchanged)"), "{one}");
    let clean = build(&content);
    assert_same(&dist, clean.path());
    let page = pc_generator::build::read_page(&dist, "tess42", "profile/")
        .unwrap()
        .unwrap();
    assert!(page.contains("Tessa"));

    // A partner's referrer's name is on their pages: renaming Alex renders Mia again.
    let alex = content.join("partners/abc123.yaml");
    std::fs::write(&alex, read(&alex).replace("Alex Rivera", "Alexis Rivera")).unwrap();
    let two = build_into(&content, &dist);
    assert!(two.contains("(2 rendered, 5 unchanged)"), "{two}");
    assert_same(&dist, build(&content).path());

    // A theme or site change renders everyone again.
    let site = content.join("site.yaml");
    std::fs::write(
        &site,
        read(&site).replace("Brightloom Partner Center", "Brightloom Partners"),
    )
    .unwrap();
    let all = build_into(&content, &dist);
    assert!(!all.contains("unchanged"), "{all}");
    assert_same(&dist, build(&content).path());
}

#[test]
fn the_static_assets_do_not_grow_with_the_partners() {
    let dir = tempfile::tempdir().unwrap();
    let count = |n: usize| {
        let content = dir.path().join(format!("content-{n}"));
        cli()
            .args(["synth", "--partners", &n.to_string(), "--out"])
            .arg(&content)
            .assert()
            .success();
        let out = dir.path().join(format!("dist-{n}"));
        build_into(&content, &out);
        let files = walkdir::WalkDir::new(out.join("site"))
            .into_iter()
            .filter(|e| e.as_ref().unwrap().file_type().is_file())
            .count();
        let bundles = std::fs::read_dir(out.join("pages")).unwrap().count();
        assert_eq!(bundles, n, "one page bundle per partner");
        files
    };
    let few = count(3);
    assert!(few < 100, "{few} static files");
    assert_eq!(count(300), few, "300 partners, the same static files as 3");
}
