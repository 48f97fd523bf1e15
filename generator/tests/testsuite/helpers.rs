//! Fixture trees in temp dirs, the CLI, and HTML parsing helpers.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub(crate) fn demo_content() -> PathBuf {
    repo_root().join("content")
}

pub(crate) fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures")
}

pub(crate) fn cli() -> Command {
    Command::cargo_bin("partner-center").expect("the partner-center binary is built")
}

/// Copies `from` into `to` recursively (creating `to`).
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temp dir holding a copy of the demo content at `content/`.
pub(crate) fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_content(), &dir.path().join("content"));
    dir
}

/// Builds `content` into a fresh temp dir and returns it (`site/`, `pages/`, `data/`), with
/// every partner's pages also unpacked from their bundle as files under `unpacked/<code>/`.
pub(crate) fn build(content: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    cli()
        .args(["build", "--content"])
        .arg(content)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    for entry in std::fs::read_dir(out.path().join("pages")).unwrap() {
        let path = entry.unwrap().path();
        let code = path.file_stem().unwrap().to_string_lossy().into_owned();
        pc_generator::build::write_pages(
            out.path(),
            &code,
            &out.path().join("unpacked").join(&code),
        )
        .unwrap();
    }
    out
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn parse(path: &Path) -> Html {
    Html::parse_document(&read(path))
}

/// Deploys the build at `out` into the native database at `db` (as `serve` does).
pub(crate) fn deploy_native(out: &Path, db: &Path) -> pc_generator::deploy::Plan<'static> {
    let database = pc_worker::native::Database::open(db).unwrap();
    let built = Box::leak(Box::new(pc_generator::deploy::Build::read(out).unwrap()));
    pc_generator::deploy::deploy(
        built,
        &mut pc_generator::deploy::NativeTarget(&database),
        false,
    )
    .unwrap()
}

pub(crate) fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

pub(crate) fn text(element: &scraper::ElementRef<'_>) -> String {
    element.text().collect::<Vec<_>>().join(" ")
}

/// Every `href`, `src` and `value` attribute and all text of a page.
pub(crate) fn visible_urls_and_text(html: &Html) -> String {
    let mut out = String::new();
    for element in select(html, "*") {
        for attr in ["href", "src", "value"] {
            if let Some(v) = element.value().attr(attr) {
                out.push_str(v);
                out.push('\n');
            }
        }
    }
    out.push_str(&html.root_element().text().collect::<String>());
    out
}

/// Partner codes of the demo content (read from the YAML, not hard-coded).
pub(crate) fn demo_partners() -> Vec<(String, Vec<String>)> {
    let mut partners = Vec::new();
    for entry in std::fs::read_dir(demo_content().join("partners")).unwrap() {
        let yaml: serde_yaml::Value = serde_yaml::from_str(&read(&entry.unwrap().path())).unwrap();
        let code = yaml["code"].as_str().unwrap().to_owned();
        let programs = yaml["programs"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        partners.push((code, programs));
    }
    partners.sort();
    partners
}
