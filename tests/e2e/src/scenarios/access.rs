//! The gated portal: every page of one's own, none of anyone else's.

use super::{abc123, forge, now, session_version};
use crate::client::SESSION;
use crate::{Outcome, World, ensure};

/// The `/portal/…` links on a page (menu, resource lists).
fn portal_links(body: &str) -> Vec<String> {
    // Attribute values are HTML-escaped (tera writes `/` as `&#x2F;`).
    let body = body.replace("&#x2F;", "/");
    let mut links: Vec<String> = body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with("/portal/"))
        .map(str::to_owned)
        .collect();
    links.sort();
    links.dedup();
    links
}

pub fn every_page(world: &World) -> Outcome {
    let mut client = abc123(world, false)?;
    let home = client.get("/portal/")?;
    ensure!(home.status == 200, "/portal/: {}", home.status);
    ensure!(
        home.body.contains("Welcome back, Alex!"),
        "abc123's Welcome"
    );
    ensure!(
        home.header("cache-control") == Some("private, no-store"),
        "portal pages are private: {:?}",
        home.header("cache-control")
    );
    let mut pages = portal_links(&home.body);
    let resources = client.get("/portal/resources/")?;
    pages.extend(portal_links(&resources.body));
    pages.sort();
    pages.dedup();
    ensure!(
        pages.len() >= 13,
        "the menu links {} pages: {pages:?}",
        pages.len()
    );
    for page in &pages {
        let reply = client.get(page)?;
        ensure!(reply.status == 200, "{page}: {}", reply.status);
        ensure!(reply.body.contains("Alex Rivera"), "{page} is abc123's");
        ensure!(
            !reply.body.contains("/r/xyz789/"),
            "{page} shows no other partner's link"
        );
    }
    Ok(())
}

pub fn other_partner_unreachable(world: &World) -> Outcome {
    let mut client = abc123(world, false)?;
    let attempts = [
        "/_p/xyz789/",
        "/_p/xyz789/index.html",
        "/_p/xyz789/links/index.html",
        "/_p/abc123/index.html",
        "/portal/../_p/xyz789/",
        "/portal/%2e%2e/_p/xyz789/",
        "/portal/..%2f_p%2fxyz789%2f",
        "/portal/%2F_p%2Fxyz789%2F",
        "/portal/..%5c_p%5cxyz789%5c",
        "/portal//_p/xyz789/",
        "/portal/xyz789/",
        "/portal/_p/xyz789/",
        "/portal/links/..%2f..%2fxyz789/",
        "/portal/links/%2e%2e/%2e%2e/_p/xyz789/links/",
        "/assets/../_p/xyz789/index.html",
        "/assets/%2e%2e/_p/xyz789/index.html",
        "/login/../_p/xyz789/",
    ];
    for path in attempts {
        let reply = client.get(path)?;
        ensure!(
            !reply.body.contains("Yusuf") && !reply.body.contains("/r/xyz789/"),
            "{path} showed xyz789's page ({})",
            reply.status
        );
        ensure!(
            reply.status != 200 || reply.body.contains("Alex Rivera"),
            "{path}: {}",
            reply.status
        );
    }
    // Signed in as abc123 with a cookie claiming xyz789 (no key): refused.
    let mut forged = world.client();
    forged.cookies.insert(
        SESSION.into(),
        forge(&"x".repeat(40), "xyz789", 0, now() + 600),
    );
    ensure!(
        forged.get("/portal/")?.status == 303,
        "a cookie signed with another key"
    );
    Ok(())
}

pub fn bad_cookies(world: &World) -> Outcome {
    let client = abc123(world, false)?;
    let good = client.cookies.get(SESSION).cloned().ok_or("signed in")?;
    let version = session_version(world, "abc123")?;
    let (payload, tag) = good.split_once('.').ok_or("a token has two parts")?;
    let mut flipped = tag.to_owned();
    let last = flipped.pop().unwrap_or('A');
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    let cases = [
        ("tampered signature", format!("{payload}.{flipped}")),
        (
            "tampered payload",
            format!(
                "{}.{tag}",
                forge(&world.secret, "xyz789", version, now() + 600)
                    .split('.')
                    .next()
                    .unwrap_or("")
            ),
        ),
        (
            "expired",
            forge(&world.secret, "abc123", version, now() - 1),
        ),
        (
            "wrong key",
            forge(&"w".repeat(48), "abc123", version, now() + 600),
        ),
        (
            "old session version",
            forge(&world.secret, "abc123", version - 1, now() + 600),
        ),
        ("garbage", "%%%not-a-token".into()),
        ("empty", String::new()),
    ];
    for (what, value) in cases {
        let mut c = world.client();
        c.cookies.insert(SESSION.into(), value);
        let reply = c.get("/portal/links/")?;
        ensure!(reply.status == 303, "{what}: {}", reply.status);
        ensure!(
            reply.location() == "/login/?next=%2Fportal%2Flinks%2F",
            "{what} goes to /login keeping the page: {}",
            reply.location()
        );
    }
    // The genuine cookie still works.
    let mut c = world.client();
    c.cookies.insert(SESSION.into(), good);
    ensure!(c.get("/portal/links/")?.status == 200, "the real cookie");
    // After signing in from the login page with ?next, the partner lands on that page.
    let mut again = world.client();
    again.get("/login/?next=%2Fportal%2Flinks%2F")?;
    let reply = again.form(
        "/login",
        &[
            ("username", "abc123"),
            ("password", super::ABC123_PASSWORD),
            ("next", "/portal/links/"),
        ],
    )?;
    ensure!(
        reply.location() == "/portal/links/",
        "next: {}",
        reply.location()
    );
    Ok(())
}
