//! Requests to a link that are redirected but not counted: prefetches, link previews,
//! scripts and crawlers (our own markers, then the maintained `crawler-user-agents` patterns).

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

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

/// The `crawler-user-agents` list (`crawlers.txt`, written by `scripts/update-crawlers.sh`):
/// the text its patterns match, one a line after the header, each with where in the user agent
/// (`any`, `start`, `end`, `whole`), a tab, and the text.
/// The marker lists in the order they are tried, with the reason each gives.
const MARKER_LISTS: [(&str, &[&str]); 3] = [
    ("link_preview", PREVIEW_MARKERS),
    ("script", SCRIPT_MARKERS),
    ("crawler", CRAWLER_MARKERS),
];

/// Every marker in one automaton, read in one pass over the User-Agent (27 substring searches
/// were the redirect's costliest step in wasm, a tenth of a bot's request in a CPU profile).
struct Markers {
    all: AhoCorasick,
    /// Pattern id → the reason its list gives, in `MARKER_LISTS` order.
    reasons: Vec<&'static str>,
}

impl Markers {
    /// The first list with a marker in `agent` (lowercase), that list's first such marker (the
    /// smallest pattern id among the matches, as the ids follow the lists' order) and where in
    /// `agent` it first is.
    fn first_in(&self, agent: &str) -> Option<(&'static str, std::ops::Range<usize>)> {
        let found = self
            .all
            .find_overlapping_iter(agent)
            .min_by_key(aho_corasick::Match::pattern)?;
        let reason = self.reasons.get(found.pattern().as_usize())?;
        Some((reason, found.range()))
    }
}

fn markers() -> Option<&'static Markers> {
    static MARKERS: OnceLock<Option<Markers>> = OnceLock::new();
    MARKERS
        .get_or_init(|| {
            let markers = MARKER_LISTS.iter().flat_map(|(_, list)| list.iter());
            let reasons = MARKER_LISTS
                .iter()
                .flat_map(|(reason, list)| list.iter().map(move |_| *reason))
                .collect();
            let all = AhoCorasick::new(markers).ok()?;
            Some(Markers { all, reasons })
        })
        .as_ref()
}

const KNOWN_CRAWLERS: &str = include_str!("crawlers.txt");

/// The list, ready to look for: text anywhere in one pass of an Aho-Corasick automaton, the
/// few anchored ones one by one.
struct Crawlers {
    anywhere: AhoCorasick,
    at_start: Vec<&'static str>,
    at_end: Vec<&'static str>,
    whole: Vec<&'static str>,
}

impl Crawlers {
    /// Where in `agent` a crawler is named, if anywhere.
    fn find(&self, agent: &str) -> Option<std::ops::Range<usize>> {
        if let Some(m) = self.anywhere.find(agent) {
            return Some(m.range());
        }
        let start = self.at_start.iter().find(|s| agent.starts_with(**s));
        let end = self.at_end.iter().find(|s| agent.ends_with(**s));
        start
            .map(|s| 0..s.len())
            .or_else(|| end.map(|s| agent.len() - s.len()..agent.len()))
            .or_else(|| self.whole.contains(&agent).then_some(0..agent.len()))
    }
}

/// The list, built once per isolate (`None` if the file is malformed, which a test rules out).
fn known_crawlers() -> Option<&'static Crawlers> {
    static MATCHER: OnceLock<Option<Crawlers>> = OnceLock::new();
    MATCHER
        .get_or_init(|| {
            let (mut anywhere, mut at_start, mut at_end, mut whole) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for line in KNOWN_CRAWLERS.lines().filter(|l| !l.starts_with('#')) {
                match line.split_once('\t')? {
                    ("any", text) => anywhere.push(text),
                    ("start", text) => at_start.push(text),
                    ("end", text) => at_end.push(text),
                    ("whole", text) => whole.push(text),
                    _ => return None,
                }
            }
            Some(Crawlers {
                anywhere: AhoCorasick::new(anywhere).ok()?,
                at_start,
                at_end,
                whole,
            })
        })
        .as_ref()
}

/// Why a request to a link is redirected but not counted as a click. Partners see these
/// (with counts) so they know why clicks they expected are missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtered {
    /// `prefetch`, `link_preview`, `script`, `crawler`, `no_user_agent`, `datacenter`,
    /// `own_click`.
    pub reason: &'static str,
    /// What gave it away (the header or the part of the user agent), at most 60 characters.
    pub detail: String,
}

/// The word of `agent` around what was found at `found` (`googlebot/2.1`), or what was found
/// when it is more than a word.
fn token_around(agent: &str, found: std::ops::Range<usize>) -> String {
    let apart = |c: char| c.is_whitespace() || matches!(c, ';' | '(' | ')' | ',');
    let text = &agent[found.clone()];
    let word = if text.contains(apart) {
        text
    } else {
        let start = agent[..found.start].rfind(apart).map_or(0, |i| {
            i + agent[i..].chars().next().map_or(1, char::len_utf8)
        });
        let end = agent[found.end..]
            .find(apart)
            .map_or(agent.len(), |i| found.end + i);
        &agent[start..end]
    };
    word.chars().take(60).collect()
}

/// `Some` if the request is a prefetch, a preview, a script, a crawler or from a data centre's
/// network (`network`: the client's autonomous system, asked for last, only if it matters).
pub fn filtered(req: &Request, network: impl FnOnce() -> Option<u32>) -> Option<Filtered> {
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
    let sent = header_str(req, "user-agent").unwrap_or("");
    let agent = sent.to_ascii_lowercase();
    if agent.trim().is_empty() {
        return Some(Filtered {
            reason: "no_user_agent",
            detail: String::new(),
        });
    }
    if let Some((reason, found)) = markers().and_then(|m| m.first_in(&agent)) {
        return Some(Filtered {
            reason,
            detail: token_around(&agent, found),
        });
    }
    if let Some(found) = known_crawlers().and_then(|m| m.find(sent)) {
        return Some(Filtered {
            reason: "crawler",
            detail: token_around(sent, found),
        });
    }
    datacenter(network()?)
}

/// Networks of cloud and hosting providers, by autonomous system number: a browser there is a
/// script or a crawler run from a server, not a person (VPN and privacy-relay networks are
/// left out: people browse through them).
const DATACENTER_ASNS: &[(u32, &str)] = &[
    (16509, "Amazon AWS"),
    (14618, "Amazon AWS"),
    (396_982, "Google Cloud"),
    (8075, "Microsoft Azure"),
    (14061, "DigitalOcean"),
    (16276, "OVH"),
    (24940, "Hetzner"),
    (63949, "Akamai Linode"),
    (20473, "Vultr"),
    (45102, "Alibaba Cloud"),
    (31898, "Oracle Cloud"),
    (132_203, "Tencent Cloud"),
    (12876, "Scaleway"),
    (51167, "Contabo"),
];

/// A request from a data centre's network, by the autonomous system Cloudflare says the
/// client is in (`request.cf.asn`; see `Platform::client_network`).
fn datacenter(asn: u32) -> Option<Filtered> {
    let (_, name) = DATACENTER_ASNS.iter().find(|(n, _)| *n == asn)?;
    Some(Filtered {
        reason: "datacenter",
        detail: format!("AS{asn} {name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of an npm package the project pins (`npm ci` by the test tools' installer).
    fn package_file(path: &str) -> serde_json::Value {
        let path = format!("{}/../node_modules/{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e} (run tests/lib/install-worker-tools.sh)"));
        serde_json::from_str(&text).unwrap()
    }

    fn from(agent: &str) -> Request {
        http::Request::builder()
            .uri("https://p.example/go/abc123")
            .header("user-agent", agent)
            .body(Vec::new())
            .unwrap()
    }

    #[test]
    fn the_patterns_compile_and_are_the_pinned_datasets() {
        assert!(known_crawlers().is_some());
        let version = package_file("crawler-user-agents/package.json")["version"].clone();
        let header = KNOWN_CRAWLERS.lines().next().unwrap();
        assert!(
            header.contains(&format!(
                "crawler-user-agents {} ",
                version.as_str().unwrap()
            )),
            "crawlers.txt is from another version than the pinned {version}: run scripts/update-crawlers.sh"
        );
    }

    /// At least 99 % of the dataset's example user agents are not counted, and none of the
    /// 100 most common browsers' is filtered.
    #[test]
    fn known_crawlers_are_not_counted_and_browsers_are() {
        let crawlers = package_file("crawler-user-agents/crawler-user-agents.json");
        let instances: Vec<&str> = crawlers
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["instances"].as_array().into_iter().flatten())
            .filter_map(serde_json::Value::as_str)
            .collect();
        let counted: Vec<&str> = instances
            .iter()
            .copied()
            .filter(|a| filtered(&from(a), || None).is_none())
            .collect();
        assert!(instances.len() > 2_000, "{} examples", instances.len());
        println!(
            "{} of {} crawler-user-agents examples counted as clicks",
            counted.len(),
            instances.len()
        );
        assert!(
            counted.len() * 100 <= instances.len(),
            "{} of {} crawlers counted as clicks: {counted:#?}",
            counted.len(),
            instances.len()
        );
        let browsers = package_file("top-user-agents/src/index.json");
        for agent in browsers
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a.as_str())
        {
            assert_eq!(
                filtered(&from(agent), || None),
                None,
                "a browser filtered: {agent}"
            );
        }
    }
}
