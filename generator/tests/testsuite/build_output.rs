//! Builds the demo content and checks the portal by parsing its HTML.

use std::collections::BTreeSet;
use std::path::Path;

use crate::helpers::{
    build, demo_content, demo_copy, demo_partners, parse, read, select, text, visible_urls_and_text,
};

const HOME: [(&str, &str); 4] = [
    ("welcome", "Welcome"),
    ("profile", "My Profile"),
    ("programs", "My Programs"),
    ("commission", "My Commission Structure"),
];
const RESOURCES: [&str; 4] = ["links", "banners", "emails", "resources"];
const REPORTS: [&str; 5] = [
    "reports/commissions",
    "reports/leads",
    "reports/sales",
    "reports/clicks",
    "reports/ledger",
];

fn html_files(root: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect()
}

/// Resource titles (from the YAML/front matter) limited to programs, with those programs.
fn limited_resources() -> Vec<(String, Vec<String>)> {
    let root = demo_content();
    let mut out = Vec::new();
    for dir in [
        "links",
        "resources/banners",
        "resources/emails",
        "resources/pages",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = read(&path);
            let yaml = match path.extension().and_then(|x| x.to_str()) {
                Some("yaml") => text,
                Some("md") => text.split("---").nth(1).unwrap().to_owned(),
                _ => continue,
            };
            let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            if let Some(programs) = v["programs"].as_sequence() {
                let programs = programs
                    .iter()
                    .map(|p| p.as_str().unwrap().to_owned())
                    .collect();
                out.push((v["title"].as_str().unwrap().to_owned(), programs));
            }
        }
    }
    out
}

#[test]
fn every_partner_has_every_page_with_the_full_menu() {
    let out = build(&demo_content());
    for (code, _) in demo_partners() {
        let root = out.path().join("unpacked").join(&code);
        // The front page is the Welcome page; every other page is in its own folder.
        let front = parse(&root.join("index.html"));
        assert_eq!(text(&select(&front, "main h1")[0]), "Welcome", "{code}");
        let dirs = HOME[1..]
            .iter()
            .map(|(d, _)| *d)
            .chain(RESOURCES)
            .chain(REPORTS);
        for dir in dirs {
            let page = root.join(dir).join("index.html");
            assert!(page.is_file(), "{code} has no {dir} page");
            let html = parse(&page);
            let menu: Vec<String> = select(&html, "nav.menu .menu-panel a")
                .iter()
                .map(text)
                .collect();
            assert_eq!(menu.len(), 13, "{code}/{dir}: {menu:?}");
            for (_, title) in HOME {
                assert!(
                    menu.iter().any(|m| m == title),
                    "{code}/{dir} lacks {title}"
                );
            }
            let current: Vec<_> = select(&html, "nav.menu a[aria-current=page]");
            assert_eq!(current.len(), 1, "{code}/{dir}: one current menu item");
            let headings: Vec<String> = select(&html, "nav.menu h2").iter().map(text).collect();
            assert_eq!(headings, ["Home", "Resources", "Reports"]);
        }
    }
}

#[test]
fn pages_show_the_partners_own_details() {
    let out = build(&demo_content());
    let root = out.path().join("unpacked/abc123");
    let welcome = read(&root.join("index.html"));
    assert!(
        welcome.contains("Welcome back, Alex!"),
        "first name filled in"
    );
    let profile = parse(&root.join("profile/index.html"));
    let name = select(&profile, "input[name=name]");
    assert_eq!(name[0].value().attr("value"), Some("Alex Rivera"));
    assert!(text(&select(&profile, "dl.details")[0]).contains("alex@riverareviews.example"));
    let commission = parse(&root.join("commission/index.html"));
    let summary = text(&select(&commission, "p.summary")[0]);
    assert_eq!(
        summary,
        "20% of each sale; 10% of each subscription payment for 12 months; $2.00 per lead"
    );
    // Mia was referred by Alex: her profile says so.
    let mia = read(&out.path().join("unpacked/mia456/profile/index.html"));
    assert!(mia.contains("Referred by") && mia.contains("Alex Rivera"));
}

#[test]
fn links_banners_and_emails_carry_the_partners_link() {
    let out = build(&demo_content());
    let root = out.path().join("unpacked/abc123");
    let links = parse(&root.join("links/index.html"));
    let urls: Vec<&str> = select(&links, "section.link input[readonly]")
        .iter()
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert!(urls.contains(&"https://partners.brightloom.example/r/abc123/home"));
    assert_eq!(
        select(&links, "figure.qr svg").len(),
        urls.len(),
        "a QR code per link"
    );
    for button in select(&links, "button[data-copy]") {
        let target = button.value().attr("data-copy").unwrap();
        assert_eq!(
            select(&links, &format!("#{target}")).len(),
            1,
            "copy target {target}"
        );
    }
    assert_eq!(
        select(&links, "form[data-link-builder] input").len(),
        5,
        "sub-id, a page on the owner's site (deep link) + 3 UTM fields"
    );
    let deep = select(&links, "form[data-link-builder] input[name=to]");
    assert_eq!(
        deep[0].value().attr("data-link-domains"),
        Some("brightloom.example"),
        "the deep link's allowed hosts (site.yaml's link_domains)"
    );
    // summer-sale expired on 2026-08-31: not offered; spring-sale says until when.
    assert!(
        !urls.iter().any(|u| u.ends_with("/summer-sale")),
        "{urls:?}"
    );
    assert_eq!(
        select(
            &links,
            "section[data-expires=\"2027-04-30\"] time[datetime=\"2027-04-30\"]"
        )
        .len(),
        1,
        "the spring sale's last day"
    );

    let banners = parse(&root.join("banners/index.html"));
    let embed: Vec<String> = select(&banners, "textarea")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert!(embed.iter().any(|e| {
        // Each banner has its own sub-id; the link is marked as paid (`rel="sponsored"`).
        e.contains("href=\"https://partners.brightloom.example/r/abc123/subscribe?sub=banner-club-leaderboard\" rel=\"sponsored\"")
            && e.contains(
                "src=\"https://partners.brightloom.example/assets/banners/club-leaderboard.svg\"",
            )
    }));
    for img in select(&banners, ".banner-preview img") {
        let src = img.value().attr("src").unwrap();
        assert!(
            out.path()
                .join("site")
                .join(src.trim_start_matches('/'))
                .is_file(),
            "{src}"
        );
        assert!(!img.value().attr("alt").unwrap_or("").is_empty());
    }

    let emails = read(&root.join("emails/index.html"));
    assert!(emails.contains("Start your subscription here: https:&#x2F;&#x2F;partners.brightloom.example&#x2F;r&#x2F;abc123&#x2F;subscribe"));
}

#[test]
fn no_partner_page_shows_another_programs_resources_or_another_partners_links() {
    let out = build(&demo_content());
    let limited = limited_resources();
    assert!(limited.len() >= 5, "the demo limits resources to programs");
    let partners = demo_partners();
    for (code, programs) in &partners {
        for page in html_files(&out.path().join("unpacked").join(code)) {
            let html = parse(&page);
            let seen = visible_urls_and_text(&html);
            for (other, _) in partners.iter().filter(|(c, _)| c != code) {
                assert!(
                    !seen.contains(&format!("/r/{other}/")),
                    "{} shows {other}'s link",
                    page.display()
                );
                assert!(
                    !seen.contains(&format!("_p/{other}")),
                    "{} names {other}'s pages",
                    page.display()
                );
            }
            for (title, allowed) in &limited {
                if !allowed.iter().any(|p| programs.contains(p)) {
                    let headings: BTreeSet<String> = select(&html, "main h2, main option, main a")
                        .iter()
                        .map(text)
                        .collect();
                    assert!(
                        !headings.iter().any(|h| h.contains(title.as_str())),
                        "{} shows {title:?} of {allowed:?}",
                        page.display()
                    );
                }
            }
        }
    }
    // And the converse: a partner does see what their programs allow.
    let xyz = read(&out.path().join("unpacked/xyz789/links/index.html"));
    assert!(xyz.contains("Brightloom Espresso Pro") && !xyz.contains("Coffee Club subscription"));
    let pages = out
        .path()
        .join("unpacked/cafe01/resources/wholesale-playbook/index.html");
    assert!(pages.is_file());
    assert!(
        !out.path()
            .join("unpacked/abc123/resources/wholesale-playbook")
            .exists()
    );
}

#[test]
fn no_page_has_inline_script_handlers_or_styles() {
    let out = build(&demo_content());
    let mut files = html_files(&out.path().join("site"));
    files.extend(html_files(&out.path().join("unpacked")));
    assert!(files.len() > 50);
    for file in files {
        let html = parse(&file);
        for script in select(&html, "script") {
            assert!(
                script.value().attr("src").is_some(),
                "{}: inline script",
                file.display()
            );
            assert!(
                text(&script).trim().is_empty(),
                "{}: script body",
                file.display()
            );
        }
        for element in select(&html, "*") {
            for (name, _) in element.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{}: handler {name}",
                    file.display()
                );
                assert_ne!(name, "style", "{}: inline style", file.display());
            }
        }
        assert!(
            select(&html, "style").is_empty(),
            "{}: <style> element",
            file.display()
        );
    }
}

#[test]
fn the_public_pages_have_the_sign_in_form() {
    let out = build(&demo_content());
    let login = parse(&out.path().join("site/login/index.html"));
    let form = &select(&login, "form[action='/login'][method=post]")[0];
    let names: Vec<&str> = select(&login, "form input[name]")
        .iter()
        .filter_map(|i| i.value().attr("name"))
        .collect();
    for field in ["username", "password", "remember"] {
        assert!(names.contains(&field), "{field} in {names:?}");
    }
    assert!(text(form).contains("Remember me") && text(form).contains("Forgot your password?"));
    assert_eq!(text(&select(&login, "button[type=submit]")[0]), "Sign in");
    for (path, action) in [
        ("forgot/index.html", "/forgot"),
        ("reset/index.html", "/reset"),
    ] {
        let page = parse(&out.path().join("site").join(path));
        assert_eq!(
            select(&page, &format!("form[action='{action}']")).len(),
            1,
            "{path}"
        );
    }
    for label in select(&login, "label[for]") {
        let id = label.value().attr("for").unwrap();
        assert_eq!(
            select(&login, &format!("#{id}")).len(),
            1,
            "label for #{id}"
        );
    }
}

#[test]
fn hidden_home_items_are_neither_in_the_menu_nor_generated() {
    let tree = demo_copy();
    let site_yaml = tree.path().join("content/site.yaml");
    let edited = read(&site_yaml)
        .replace("  welcome: true", "  welcome: false")
        .replace(
            "  commission_structure: true",
            "  commission_structure: false",
        );
    std::fs::write(&site_yaml, edited).unwrap();
    let out = build(&tree.path().join("content"));
    for (code, _) in demo_partners() {
        let root = out.path().join("unpacked").join(&code);
        assert!(!root.join("welcome").exists() && !root.join("commission").exists());
        // The first remaining Home item becomes the front page.
        let front = parse(&root.join("index.html"));
        assert_eq!(text(&select(&front, "main h1")[0]), "My Profile");
        assert!(
            !root.join("profile").exists(),
            "the front page is not written twice"
        );
        for page in html_files(&root) {
            let html = parse(&page);
            let menu: Vec<String> = select(&html, "nav.menu .menu-panel a")
                .iter()
                .map(text)
                .collect();
            assert!(
                !menu
                    .iter()
                    .any(|m| m == "Welcome" || m == "My Commission Structure"),
                "{menu:?}"
            );
            assert!(menu.iter().any(|m| m == "My Programs"));
            assert!(!read(&page).contains("Welcome back"), "{}", page.display());
        }
    }
}
