//! Snapshots of abc123's main pages (the `<main>` element), reviewed in the diff when they change.

use scraper::{Html, Selector};

use crate::helpers::{build, demo_content, read};

fn main_of(path: &std::path::Path) -> String {
    let html = Html::parse_document(&read(path));
    let main = html
        .select(&Selector::parse("main").unwrap())
        .next()
        .unwrap();
    // One element per line, whitespace-only lines dropped, so diffs are readable.
    main.html()
        .lines()
        .map(str::trim_end)
        // Asset URLs carry a hash of the file (`?v=3a94585c20`): a theme change is not a
        // change of the page's markup.
        .map(|l| match l.split_once("?v=") {
            Some((before, after)) => format!(
                "{before}?v=HASH{}",
                after.trim_start_matches(|c: char| c.is_ascii_hexdigit())
            ),
            None => l.to_owned(),
        })
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<String>>()
        .join("\n")
}

#[test]
fn abc123_pages() {
    let out = build(&demo_content());
    let root = out.path().join("unpacked/abc123");
    insta::assert_snapshot!("abc123_welcome", main_of(&root.join("index.html")));
    insta::assert_snapshot!(
        "abc123_commission",
        main_of(&root.join("commission/index.html"))
    );
    insta::assert_snapshot!("abc123_links", main_of(&root.join("links/index.html")));
}
