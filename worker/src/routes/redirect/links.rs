//! `link:<code>`: a partner's links as the redirect reads them, parsed once per value.

use pc_core::PartnerCode;
use serde::Deserialize;

/// `link:<code>`, written by the generator: every link of the partner, and the one
/// `/r/<code>` opens, so any redirect costs one KV read.
#[derive(Debug, Deserialize)]
struct PartnerLinks {
    default: Option<DefaultLink>,
    links: std::collections::HashMap<String, LinkEntry>,
    click_param: String,
    partner_param: String,
    #[serde(default)]
    link_domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DefaultLink {
    slug: String,
    url: String,
    program: String,
    #[serde(default)]
    expires_at: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct LinkEntry {
    url: String,
    program: String,
    #[serde(default)]
    expires_at: Option<i64>,
}

/// A partner's links as redirects use them: the targets parsed.
#[derive(Debug)]
pub(super) struct ParsedLinks {
    /// The slug `/r/<code>` opens, and its link.
    default: Option<(String, ParsedLink)>,
    /// Links whose target is not a URL are left out (they go to the fallback).
    links: std::collections::HashMap<String, ParsedLink>,
    pub(super) click_param: String,
    pub(super) partner_param: String,
    /// The hosts a deep link may go to (and their subdomains).
    link_domains: Vec<String>,
}

#[derive(Debug)]
pub(super) struct ParsedLink {
    pub(super) url: url::Url,
    pub(super) program: String,
    /// When the link stops (Unix seconds), if it expires.
    pub(super) expires_at: Option<i64>,
}

impl ParsedLinks {
    fn from_json(raw: &str) -> Option<ParsedLinks> {
        let links = serde_json::from_str::<PartnerLinks>(raw).ok()?;
        let parse = |url: &str, program: String, expires_at: Option<i64>| {
            url::Url::parse(url).ok().map(|url| ParsedLink {
                url,
                program,
                expires_at,
            })
        };
        Some(ParsedLinks {
            default: links
                .default
                .and_then(|d| Some((d.slug, parse(&d.url, d.program, d.expires_at)?))),
            links: links
                .links
                .into_iter()
                .filter_map(|(slug, l)| Some((slug, parse(&l.url, l.program, l.expires_at)?)))
                .collect(),
            click_param: links.click_param,
            partner_param: links.partner_param,
            link_domains: links.link_domains,
        })
    }

    /// A deep link's target: `to`, when it is an http(s) address on one of the owner's
    /// `link_domains` (or a subdomain of one); anything else is refused (never an open
    /// redirect).
    pub(super) fn deep_target(&self, to: &str) -> Option<url::Url> {
        let url = url::Url::parse(to).ok()?;
        if !matches!(url.scheme(), "https" | "http")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return None;
        }
        let host = url.host_str()?;
        self.link_domains
            .iter()
            .any(|d| {
                host == d
                    || host
                        .strip_suffix(d.as_str())
                        .is_some_and(|sub| sub.ends_with('.'))
            })
            .then_some(url)
    }

    /// The link `slug` (or, without one, the default link), and its slug.
    pub(super) fn target(&self, slug: Option<&str>) -> Option<(&str, &ParsedLink)> {
        match slug {
            Some(slug) => self.links.get_key_value(slug).map(|(s, l)| (s.as_str(), l)),
            None => self.default.as_ref().map(|(s, l)| (s.as_str(), l)),
        }
    }
}

/// The partner `code`'s links from the `link:<code>` value `raw`. Every redirect still reads
/// KV (a deploy is seen at once), but the value is parsed only when it differs from the last
/// one seen for the code in this isolate (or thread).
pub(super) fn parsed_links(code: &PartnerCode, raw: String) -> Option<std::rc::Rc<ParsedLinks>> {
    /// Partners whose parsed links are kept; past it, the cache starts again.
    const KEPT: usize = 10_000;
    type Seen = std::collections::HashMap<String, (String, std::rc::Rc<ParsedLinks>)>;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
    }
    SEEN.with_borrow_mut(|seen| {
        if let Some((value, links)) = seen.get(code.as_str())
            && *value == raw
        {
            return Some(std::rc::Rc::clone(links));
        }
        let links = std::rc::Rc::new(ParsedLinks::from_json(&raw)?);
        if seen.len() >= KEPT {
            seen.clear();
        }
        seen.insert(code.to_string(), (raw, std::rc::Rc::clone(&links)));
        Some(links)
    })
}
