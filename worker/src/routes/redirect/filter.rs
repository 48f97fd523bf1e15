//! Requests to a link that are redirected but not counted: prefetches, link previews,
//! scripts and crawlers.

use crate::Request;
use crate::http_util::header_str;

/// User agents that are apps showing a preview of a shared link, not a person clicking it.
const PREVIEW_MARKERS: &[&str] = &[
    "facebookexternalhit",
    "preview",
    "embedly",
    "whatsapp",
    "telegram",
    "discord",
    "vkshare",
    "skypeuripreview",
];

/// User agents of scripts, monitors and test tools.
const SCRIPT_MARKERS: &[&str] = &[
    "headless",
    "curl/",
    "wget",
    "python-requests",
    "python-urllib",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "httpclient",
    "pingdom",
    "uptime",
    "lighthouse",
    "scanner",
    "validator",
];

/// User agents of search engines and crawlers.
const CRAWLER_MARKERS: &[&str] = &["bot", "crawl", "spider", "slurp"];

/// Why a request to a link is redirected but not counted as a click. Partners see these
/// (with counts) so they know why clicks they expected are missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtered {
    /// `prefetch`, `link_preview`, `script`, `crawler`, `no_user_agent`.
    pub reason: &'static str,
    /// What gave it away (the header or the part of the user agent), at most 60 characters.
    pub detail: String,
}

/// The word of `agent` around `marker` (`googlebot/2.1`).
fn token_around(agent: &str, marker: &str) -> String {
    agent
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '(' | ')' | ','))
        .find(|t| t.contains(marker))
        .unwrap_or(marker)
        .chars()
        .take(60)
        .collect()
}

/// `Some` if the request is a prefetch, a preview, a script or a crawler.
pub fn filtered(req: &Request) -> Option<Filtered> {
    for h in ["purpose", "sec-purpose", "x-moz", "x-purpose"] {
        if let Some(v) =
            header_str(req, h).filter(|v| v.contains("prefetch") || v.contains("preview"))
        {
            return Some(Filtered {
                reason: "prefetch",
                detail: format!("{h}: {}", v.chars().take(40).collect::<String>()),
            });
        }
    }
    let agent = header_str(req, "user-agent")
        .unwrap_or("")
        .to_ascii_lowercase();
    if agent.trim().is_empty() {
        return Some(Filtered {
            reason: "no_user_agent",
            detail: String::new(),
        });
    }
    for (reason, markers) in [
        ("link_preview", PREVIEW_MARKERS),
        ("script", SCRIPT_MARKERS),
        ("crawler", CRAWLER_MARKERS),
    ] {
        if let Some(m) = markers.iter().find(|m| agent.contains(*m)) {
            return Some(Filtered {
                reason,
                detail: token_around(&agent, m),
            });
        }
    }
    None
}

/// Whether the request comes from a bot or is a prefetch (redirected, but not counted).
pub fn is_bot(req: &Request) -> bool {
    filtered(req).is_some()
}
