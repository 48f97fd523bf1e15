//! `GET /r/<code>/<slug>` and `/r/<code>`: one KV read, a 302 to the configured target with the
//! click id and partner code appended, and the click written after the response.

use http::{HeaderValue, StatusCode, header};
use pc_core::{PartnerCode, Slug};
use serde::Deserialize;

mod filter;
mod links;

pub use filter::{Filtered, filtered};
use links::parsed_links;

use super::Ctx;
use crate::clicks::ClickRecord;
use crate::http_util::{header_str, query, redirect};
use crate::platform::{Platform, PlatformError};
use crate::{Request, Response};

#[derive(Debug, Deserialize)]
struct SiteConfig {
    fallback_url: String,
}

/// Visitor parameters carried to the target when the link builder added them.
const CARRIED: &[&str] = &[
    "sub",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
];

fn agent_class(req: &Request) -> &'static str {
    let agent = header_str(req, "user-agent").unwrap_or("");
    if agent.contains("iPad") || agent.contains("Tablet") {
        "tablet"
    } else if agent.contains("Mobi") || agent.contains("Android") || agent.contains("iPhone") {
        "mobile"
    } else if agent.starts_with("Mozilla/") {
        "desktop"
    } else {
        "other"
    }
}

/// A sub-id, by the one rule the link builder uses too (`core`).
pub fn clean_sub(value: &str) -> Option<String> {
    pc_core::ids::valid_sub_id(value).map(str::to_owned)
}

fn clean_utm(value: &str) -> Option<&str> {
    (!value.is_empty() && value.len() <= 100 && !value.chars().any(char::is_control))
        .then_some(value)
}

/// `/r/<code>` or `/r/<code>/<slug>` (a trailing slash allowed), validated.
fn parse_path(path: &str) -> Option<(PartnerCode, Option<Slug>)> {
    let rest = path.strip_prefix("/r/")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.split('/');
    let code = PartnerCode::parse(parts.next()?).ok()?;
    let slug = match parts.next() {
        Some(s) => Some(Slug::parse(s).ok()?),
        None => None,
    };
    parts.next().is_none().then_some((code, slug))
}

/// A click's id: the second it was made (8 hex digits), then 64 random bits. Ids made in the
/// same second sort together, so the clicks table's id index takes new rows at its end instead
/// of on a random page each (one page written per batch, not one per click).
fn click_id<P: Platform>(ctx: &Ctx<'_, P>) -> String {
    let mut id = String::with_capacity(24);
    let _ = std::fmt::Write::write_fmt(&mut id, format_args!("{:08x}", ctx.now as u32));
    id.push_str(&hex::encode(ctx.platform.random_bytes(8)));
    id
}

/// The handler.
pub async fn follow<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
) -> Result<Response, PlatformError> {
    let found = match parse_path(req.uri().path()) {
        Some((code, slug)) => {
            let raw = ctx.platform.kv_get(&format!("link:{code}")).await?;
            raw.and_then(|raw| parsed_links(&code, raw))
                .map(|links| (code, slug, links))
        }
        None => None,
    };
    let Some((slug, link, links, code)) = found.as_ref().and_then(|(code, slug, links)| {
        let (slug, link) = links.target(slug.as_ref().map(Slug::as_str))?;
        Some((slug, link, links, code))
    }) else {
        return fallback(ctx).await;
    };
    let q = query(req);
    // An expired offer: the visitor goes to the owner's fallback page, and the partner sees why
    // under "Not counted".
    if link.expires_at.is_some_and(|end| ctx.now >= end) {
        ctx.platform.record_click(ClickRecord::Filtered {
            id: filtered_id(ctx),
            partner: code.to_string(),
            slug: slug.to_owned(),
            sub: crate::http_util::field(&q, "sub").and_then(clean_sub),
            reason: "expired".to_owned(),
            detail: link
                .expires_at
                .map(|end| format!("ended {}", super::reports::date_of(end - 1))),
            created_at: ctx.now,
        });
        return fallback(ctx).await;
    }
    // A deep link goes to a page on the owner's own sites; to any other, the link's target.
    let mut url = crate::http_util::field(&q, "to")
        .and_then(|to| links.deep_target(to))
        .unwrap_or_else(|| link.url.clone());
    let sub = crate::http_util::field(&q, "sub").and_then(clean_sub);
    let own = own_click(ctx, req, code);
    let not_counted = filtered(req, || ctx.platform.client_network(req)).or_else(|| {
        own.map(|who| Filtered {
            reason: "own_click",
            detail: who.to_owned(),
        })
    });
    let click_id = not_counted.is_none().then(|| click_id(ctx));
    {
        let mut pairs = url.query_pairs_mut();
        if let Some(id) = &click_id {
            pairs.append_pair(&links.click_param, id);
        }
        // An own click credits nobody: the store is not told the partner either.
        if own.is_none() {
            pairs.append_pair(&links.partner_param, code.as_str());
        }
        for name in CARRIED {
            let value = crate::http_util::field(&q, name);
            let value = if *name == "sub" {
                sub.as_deref()
            } else {
                value.and_then(clean_utm)
            };
            if let Some(value) = value {
                pairs.append_pair(name, value);
            }
        }
    }
    if let Some(id) = click_id {
        let referrer_host = header_str(req, "referer")
            .and_then(|r| url::Url::parse(r).ok())
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.chars().take(253).collect::<String>())
            });
        let country = header_str(req, "cf-ipcountry")
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
            .map(str::to_owned);
        // A visitor is an address and a browser for a day: people behind one office or
        // phone network address are told apart by their browsers.
        let day = ctx.now / 86_400;
        let visitor = ctx.config.keys.mac_hex(
            "visitor",
            &format!(
                "{day}|{}|{}",
                super::accounts::client(req),
                header_str(req, "user-agent").unwrap_or("")
            ),
        )[..32]
            .to_owned();
        let address = crate::risk::public_address(req)
            .map(|ip| crate::risk::address_hash(&ctx.config.keys, ip));
        ctx.platform.record_click(ClickRecord::Counted {
            id,
            partner: code.to_string(),
            program: link.program.clone(),
            slug: slug.to_owned(),
            sub: sub.clone(),
            referrer_host,
            country,
            agent: agent_class(req).to_owned(),
            visitor,
            address,
            ad_param: crate::risk::ad_param(&q).map(str::to_owned),
            created_at: ctx.now,
        });
    }
    if let Some(f) = not_counted {
        // Kept apart, so partners can see what was not counted and why.
        ctx.platform.record_click(ClickRecord::Filtered {
            id: filtered_id(ctx),
            partner: code.to_string(),
            slug: slug.to_owned(),
            sub,
            reason: f.reason.to_owned(),
            detail: (!f.detail.is_empty()).then_some(f.detail),
            created_at: ctx.now,
        });
    }
    if own.is_some() {
        return own_click_page(ctx, url.as_str()).await;
    }
    Ok(found_response(url.as_str()))
}

/// A not-counted request's id: the millisecond, then 22 random bits (rows land at the table's
/// end, as with click ids).
fn filtered_id<P: Platform>(ctx: &Ctx<'_, P>) -> String {
    let mut random = [0u8; 4];
    random.copy_from_slice(&ctx.platform.random_bytes(4));
    let id = (ctx.platform.now_ms() << 22) | i64::from(u32::from_le_bytes(random) >> 10);
    id.to_string()
}

/// Whose own click this is, when the browser is signed in to the portal (its session cookies
/// are sent to `/r/` on the portal's own domain): `partner` (this link's partner) or `owner`.
/// Only the cookies' signatures are checked; nothing is read.
fn own_click<P: Platform>(
    ctx: &Ctx<'_, P>,
    req: &Request,
    code: &PartnerCode,
) -> Option<&'static str> {
    use super::accounts::{Kind, session_of};
    use crate::store::Account;
    // Most visitors send no cookie at all.
    header_str(req, "cookie")?;
    match session_of(ctx, req, Kind::Partner) {
        Some((Account::Partner(signed_in), _)) if signed_in == *code => return Some("partner"),
        _ => {}
    }
    session_of(ctx, req, Kind::Owner).map(|_| "owner")
}

/// The page a signed-in partner or owner sees instead of the redirect: their click is not
/// counted, and a button goes on to the target.
async fn own_click_page<P: Platform>(
    ctx: &Ctx<'_, P>,
    target: &str,
) -> Result<Response, PlatformError> {
    let slot = r#"href="" data-own-click-target"#.to_owned();
    let filled = format!(
        r#"href="{}" data-own-click-target"#,
        crate::security::escape_html(target)
    );
    let mut page = ctx
        .page(
            "own-click/index.html",
            StatusCode::OK,
            None,
            &[(slot, filled)],
        )
        .await?;
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(page)
}

fn found_response(location: &str) -> Response {
    let mut response = redirect(StatusCode::FOUND, location);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Unknown code or slug, suspended partner, malformed path: the owner's fallback URL.
async fn fallback<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Response, PlatformError> {
    let config = ctx
        .platform
        .kv_get("config:site")
        .await?
        .and_then(|v| serde_json::from_str::<SiteConfig>(&v).ok())
        .filter(|c| {
            c.fallback_url.starts_with("https://") || c.fallback_url.starts_with("http://")
        });
    match config {
        Some(c) => Ok(found_response(&c.fallback_url)),
        None => ctx.not_found().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(agent: &str, extra: &[(&str, &str)]) -> Request {
        let mut b = http::Request::builder()
            .uri("https://p.example/r/abc123/home")
            .header("user-agent", agent);
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        b.body(Vec::new()).unwrap()
    }

    #[test]
    fn paths_are_validated() {
        assert_eq!(
            parse_path("/r/abc123/home").unwrap().1.unwrap().as_str(),
            "home"
        );
        assert!(parse_path("/r/abc123").unwrap().1.is_none());
        assert!(parse_path("/r/abc123/").unwrap().1.is_none());
        for bad in [
            "/r/",
            "/r//evil.example",
            "/r/abc123//evil.example",
            "/r/abc123/%2F%2Fevil",
            "/r/abc123/home/x",
            "/r/ABC/home",
            "/r/abc123/Home",
        ] {
            assert!(parse_path(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bots_and_prefetches_are_recognised() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";
        let is_bot = |req: &Request| filtered(req, || None).is_some();
        assert!(!is_bot(&req(chrome, &[])));
        assert!(is_bot(&req(
            "Googlebot/2.1 (+http://www.google.com/bot.html)",
            &[]
        )));
        assert!(is_bot(&req("facebookexternalhit/1.1", &[])));
        let why = |agent: &str| filtered(&req(agent, &[]), || None).map(|f| (f.reason, f.detail));
        assert_eq!(
            why("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            Some(("crawler", "googlebot/2.1".to_owned()))
        );
        assert_eq!(
            why("WhatsApp/2.23.20.0"),
            Some(("link_preview", "whatsapp/2.23.20.0".to_owned()))
        );
        assert_eq!(why("curl/8.5.0"), Some(("script", "curl/8.5.0".to_owned())));
        assert!(is_bot(&req("curl/8.5.0", &[])));
        assert!(is_bot(&req("", &[])));
        assert!(is_bot(&req(
            chrome,
            &[("sec-purpose", "prefetch;prerender")]
        )));
        assert_eq!(
            agent_class(&req("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile", &[])),
            "mobile"
        );
        assert_eq!(agent_class(&req(chrome, &[])), "desktop");
    }

    /// A browser in a cloud provider's network is not counted; one at home is. The network is
    /// asked for only when nothing else settled it: a crawler's request never needs it.
    #[test]
    fn data_centres_are_told_by_the_clients_network() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";
        assert_eq!(
            filtered(&req(chrome, &[]), || Some(16509)).map(|f| (f.reason, f.detail)),
            Some(("datacenter", "AS16509 Amazon AWS".to_owned()))
        );
        assert_eq!(filtered(&req(chrome, &[]), || Some(7922)), None);
        assert_eq!(filtered(&req(chrome, &[]), || None), None);
        let googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        let asked = std::cell::Cell::new(false);
        let crawler = filtered(&req(googlebot, &[]), || {
            asked.set(true);
            Some(16509)
        });
        assert_eq!(crawler.map(|f| f.reason), Some("crawler"));
        assert!(!asked.get(), "a crawler's network was looked up");
    }

    /// The edge's header says the client's network; a platform that has none says nothing.
    #[test]
    fn the_network_header_is_read_as_a_number() {
        use crate::platform::{ASN_HEADER, network_header};
        let network = |value: &str| network_header(&req("Mozilla/5.0", &[(ASN_HEADER, value)]));
        assert_eq!(network("16509"), Some(16509));
        assert_eq!(network("not a number"), None);
        assert_eq!(network_header(&req("Mozilla/5.0", &[])), None);
    }

    #[test]
    fn sub_ids_are_plain() {
        assert_eq!(
            clean_sub("newsletter-june").as_deref(),
            Some("newsletter-june")
        );
        assert!(clean_sub("<script>").is_none());
        assert!(clean_sub(&"a".repeat(65)).is_none());
    }
}
