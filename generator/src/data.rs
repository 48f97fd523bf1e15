//! What the edge needs from a build, as deploy units: each unit is one thing of the content
//! (the site settings, a program, a link, a partner, a payout, an adjustment, a partner's
//! pages) with the D1 statements and KV entries that put it in place, and a hash of them.
//! `deploy` compares these hashes with what is deployed and sends only the difference.
//!
//! KV (`LINKS`): one key per partner, `link:<code>`, with all their links, so a redirect costs
//! exactly one KV read. Suspended partners get no key: their links fall back to the owner's
//! URL. `PAGES`: one value per partner, their page bundle.
//!
//! D1: idempotent upserts. Each row carries the id of the build that last changed it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::content::{Content, Partner, PartnerStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvEntry {
    pub key: String,
    pub value: String,
}

/// `link:<code>`: everything a redirect of the partner needs, so it costs one KV read.
#[derive(Serialize)]
struct PartnerLinks<'a> {
    /// What `/r/<code>` opens: the default link of the partner's paying program.
    default: Option<DefaultLink<'a>>,
    links: BTreeMap<&'a str, LinkEntry<'a>>,
    click_param: &'a str,
    partner_param: &'a str,
    /// The hosts a deep link (`?to=<url>`) may go to, and their subdomains.
    link_domains: &'a [String],
}

#[derive(Serialize)]
struct DefaultLink<'a> {
    slug: &'a str,
    url: &'a str,
    program: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

#[derive(Serialize)]
struct LinkEntry<'a> {
    url: &'a str,
    /// The program that pays for a sale through this link.
    program: &'a str,
    /// When the link stops (Unix seconds: the end of its `expires` day, UTC); after it the
    /// redirect goes to the fallback URL and says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

/// The end of `last` (UTC), in Unix seconds.
fn end_of(last: Option<time::Date>) -> Option<i64> {
    last.and_then(time::Date::next_day)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// `config:site`: read when a link is unknown (where to send the visitor instead), by payout
/// details, and by the store integrations (the link parameters a landing URL carries).
#[derive(Serialize)]
struct SiteConfig<'a> {
    fallback_url: &'a str,
    /// What partners may choose as payout method, and how long a change waits.
    payout_methods: &'a [String],
    payout_cooling_off_hours: u32,
    /// The least a payout run pays (minor units; 0: no minimum).
    payout_minimum_minor: i64,
    click_param: &'a str,
    partner_param: &'a str,
    /// Which e-mails the portal sends (the owner's switches; partners have their own).
    notifications: crate::content::Notifications,
    /// For links in e-mails (unsubscribe, the console).
    portal_url: &'a str,
    /// Every partner must use two-step sign-in.
    require_two_factor: bool,
}

/// `config:signup`: what `POST /join` accepts and the e-mails the owner's decisions send.
#[derive(Serialize)]
struct SignupConfig<'a> {
    open: bool,
    programs: Vec<&'a str>,
    required: &'a [String],
    portal_name: &'a str,
    approval_email: &'a str,
    rejection_email: &'a str,
}

/// What one unit puts in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// `site`, `program:<id>`, `link:<slug>`, `partner:<code>`, `owner:<email>`, `payout:<ref>`,
    /// `adjustment:<id>`, `pages:<code>`.
    pub id: String,
    /// Of the statements (before the build id is filled in), KV entries and page bundle.
    pub hash: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sql: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kv: Vec<KvEntry>,
}

impl Unit {
    fn new(id: String, sql: String, kv: Vec<KvEntry>) -> Unit {
        let mut hashed = format!("{id}\n{sql}\n");
        for e in &kv {
            let _ = writeln!(hashed, "{}={}", e.key, e.value);
        }
        Unit {
            hash: crate::hash::short_hash(hashed.as_bytes(), 12),
            id,
            sql,
            kv,
        }
    }

    /// The unit of one partner's page bundle (`PAGES` key = the partner code).
    pub fn pages(code: &str, bundle_hash: String) -> Unit {
        Unit {
            id: format!("{PAGES_PREFIX}{code}"),
            hash: bundle_hash,
            sql: String::new(),
            kv: Vec::new(),
        }
    }

    /// The partner whose page bundle this unit is.
    pub fn pages_of(&self) -> Option<&str> {
        self.id.strip_prefix(PAGES_PREFIX)
    }
}

pub const PAGES_PREFIX: &str = "pages:";

/// The statements that take away what a unit that is no longer built had put in D1. Ledger
/// lines (payouts, adjustments) stay: money that moved is never unwritten.
pub fn removal_sql(id: &str) -> String {
    let (kind, key) = id.split_once(':').unwrap_or((id, ""));
    let key = sql_text(key);
    match kind {
        "program" => format!("DELETE FROM programs WHERE id = {key};\n"),
        "link" => format!("DELETE FROM links WHERE slug = {key};\n"),
        "partner" => format!(
            "UPDATE partners SET status = 'removed' WHERE code = {key};\n\
             DELETE FROM partner_programs WHERE partner = {key};\n\
             DELETE FROM coupons WHERE partner = {key};\n"
        ),
        "owner" => format!("UPDATE owners SET role = 'removed' WHERE email = {key};\n"),
        _ => String::new(),
    }
}

/// The disposable e-mail domains /join checks (`scripts/update-disposable.sh`).
const DISPOSABLE_DOMAINS: &str = include_str!("../data/disposable-domains.txt");

/// `config:site`, `config:signup`, `config:risk` and (with a `disposable_email` rule)
/// `config:disposable`.
fn site_unit(content: &Content) -> Unit {
    let signup = &content.site.signup;
    let mut kv = vec![
        KvEntry {
            key: "config:site".into(),
            value: serde_json::to_string(&SiteConfig {
                fallback_url: content.site.fallback_url.as_str(),
                payout_methods: &content.site.payout_methods,
                payout_cooling_off_hours: content.site.payout_cooling_off_hours,
                payout_minimum_minor: content.site.payout_minimum.map_or(0, pc_core::Money::minor),
                click_param: &content.site.link_params.click_id,
                partner_param: &content.site.link_params.partner,
                notifications: content.site.notifications,
                portal_url: content.site.portal_url.as_str().trim_end_matches('/'),
                require_two_factor: content.site.require_two_factor,
            })
            .unwrap_or_default(),
        },
        KvEntry {
            key: "config:signup".into(),
            value: serde_json::to_string(&SignupConfig {
                open: signup.open,
                programs: signup
                    .programs
                    .iter()
                    .map(pc_core::ProgramId::as_str)
                    .collect(),
                required: &signup.required,
                portal_name: &content.site.portal_name,
                approval_email: &signup.approval_email,
                rejection_email: &signup.rejection_email,
            })
            .unwrap_or_default(),
        },
        KvEntry {
            key: "config:risk".into(),
            value: serde_json::to_string(&content.risk).unwrap_or_default(),
        },
    ];
    if content.risk.rules.disposable_email.is_some() {
        kv.push(KvEntry {
            key: "config:disposable".into(),
            value: serde_json::to_string(
                &DISPOSABLE_DOMAINS
                    .lines()
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default(),
        });
    }
    // The click writer reads click_burst's numbers from the database (no KV read per batch).
    let burst = content
        .risk
        .rules
        .click_burst
        .as_ref()
        .map_or_else(String::new, |b| {
            format!(
                "INSERT INTO click_burst (id, clicks, seconds) VALUES (1, {}, {});\n",
                b.clicks, b.seconds
            )
        });
    Unit::new(
        "site".into(),
        format!("DELETE FROM click_burst;\n{burst}"),
        kv,
    )
}

/// A partner's redirect key `link:<code>`: every link of their programs (the program that pays
/// for each) and the default one, so a redirect costs one KV read and a deploy one write per
/// partner. Partners who are not active get none: their links fall back to the owner's URL.
fn partner_links(content: &Content, partner: &Partner) -> Vec<KvEntry> {
    if partner.status != PartnerStatus::Active {
        return Vec::new();
    }
    let links: BTreeMap<&str, LinkEntry<'_>> = content
        .links
        .iter()
        .filter_map(|link| {
            let program = partner
                .programs
                .iter()
                .find(|p| link.audience.includes(p))?;
            Some((
                link.slug.as_str(),
                LinkEntry {
                    url: link.target.as_str(),
                    program: program.as_str(),
                    expires_at: end_of(link.expires),
                },
            ))
        })
        .collect();
    if links.is_empty() {
        return Vec::new();
    }
    let params = &content.site.link_params;
    let value = PartnerLinks {
        default: default_link(content, partner).map(|(link, program)| DefaultLink {
            slug: link.slug.as_str(),
            url: link.target.as_str(),
            program,
            expires_at: end_of(link.expires),
        }),
        links,
        click_param: &params.click_id,
        partner_param: &params.partner,
        link_domains: &content.site.link_domains,
    };
    vec![KvEntry {
        key: format!("link:{}", partner.code),
        value: serde_json::to_string(&value).unwrap_or_default(),
    }]
}

/// The target of `/r/<code>`: the default link of the partner's paying program.
fn default_link<'c>(
    content: &'c Content,
    partner: &'c Partner,
) -> Option<(&'c crate::content::Link, &'c str)> {
    partner.programs.iter().find_map(|id| {
        let program = content.program(id)?;
        let link = content.link(program.default_link.as_ref()?)?;
        link.audience.includes(id).then_some((link, id.as_str()))
    })
}

/// A SQL string literal.
pub(crate) fn sql_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn sql_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), sql_text)
}

/// Every unit of the content except the page bundles (the build adds those), in the order
/// their statements apply. Statements carry [`BUILD_PLACEHOLDER`] for the build id.
pub fn units(content: &Content) -> Vec<Unit> {
    let currency = content.site.currency.code();
    let b = sql_text(BUILD_PLACEHOLDER);
    let mut units = vec![site_unit(content)];
    for p in &content.programs {
        let rules = serde_json::to_string(&p.commission).unwrap_or_default();
        let sql = format!(
            "INSERT INTO programs (id, name, priority, currency, rules_json, source, paid_ads, build_id) VALUES ({}, {}, {}, {}, {}, {}, {}, {b}) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, priority = excluded.priority, currency = excluded.currency, rules_json = excluded.rules_json, source = excluded.source, paid_ads = excluded.paid_ads, build_id = excluded.build_id;\n",
            sql_text(p.id.as_str()),
            sql_text(&p.name),
            p.priority,
            sql_text(currency),
            sql_text(&rules),
            sql_text(&p.source),
            i32::from(p.paid_ads),
        );
        units.push(Unit::new(format!("program:{}", p.id), sql, Vec::new()));
    }
    for l in &content.links {
        let sql = format!(
            "INSERT INTO links (slug, title, target, build_id) VALUES ({}, {}, {}, {b}) \
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, target = excluded.target, build_id = excluded.build_id;\n",
            sql_text(l.slug.as_str()),
            sql_text(&l.title),
            sql_text(l.target.as_str()),
        );
        units.push(Unit::new(format!("link:{}", l.slug), sql, Vec::new()));
    }
    for p in &content.partners {
        let code = sql_text(p.code.as_str());
        let mut sql = format!(
            "INSERT INTO partners (code, name, company, email, phone, address, status, parent, payout_method, payout_details, build_id) VALUES ({code}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {b}) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, company = excluded.company, email = excluded.email, phone = excluded.phone, address = excluded.address, status = excluded.status, parent = excluded.parent, payout_method = excluded.payout_method, payout_details = excluded.payout_details, build_id = excluded.build_id;\n\
             DELETE FROM partner_programs WHERE partner = {code};\n\
             DELETE FROM coupons WHERE partner = {code};\n",
            sql_text(&p.name),
            sql_opt(p.company.as_deref()),
            sql_text(p.email.as_str()),
            sql_opt(p.phone.as_deref()),
            sql_opt(p.address.as_deref()),
            sql_text(p.status.as_str()),
            sql_opt(p.parent.as_ref().map(pc_core::PartnerCode::as_str)),
            sql_opt(p.payout.as_ref().map(|d| d.method.as_str())),
            sql_opt(p.payout.as_ref().and_then(|d| d.details.as_deref())),
        );
        for (rank, program) in p.programs.iter().enumerate() {
            let _ = writeln!(
                sql,
                "INSERT INTO partner_programs (partner, program, rank, build_id) VALUES ({code}, {}, {rank}, {b});",
                sql_text(program.as_str()),
            );
        }
        for coupon in &p.coupons {
            let _ = writeln!(
                sql,
                "INSERT INTO coupons (code, partner, build_id) VALUES ({}, {code}, {b}) \
                 ON CONFLICT (code) DO UPDATE SET partner = excluded.partner, build_id = excluded.build_id;",
                sql_text(coupon),
            );
        }
        units.push(Unit::new(
            format!("partner:{}", p.code),
            sql,
            partner_links(content, p),
        ));
    }
    for o in &content.owners {
        let email = sql_text(&o.email);
        let sql = format!(
            "INSERT INTO owners (email, name, role, two_factor_required, build_id) VALUES ({email}, {}, {}, {}, {b}) \
             ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, \
             two_factor_required = excluded.two_factor_required, build_id = excluded.build_id;\n",
            sql_text(&o.name),
            sql_text(o.role.as_str()),
            u8::from(o.two_factor_required),
        );
        units.push(Unit::new(format!("owner:{}", o.email), sql, Vec::new()));
    }
    // Payouts and adjustments are ledger lines: inserted once, never changed by a deploy.
    for payout in &content.payouts {
        let at = payout.date.midnight().assume_utc().unix_timestamp();
        let sql = format!(
            "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, memo, source, build_id) \
             VALUES ({}, {}, NULL, 'payout', {}, {}, {at}, {at}, {}, {}, {b}) ON CONFLICT (id) DO NOTHING;\n",
            sql_text(&format!("payout:{}", payout.reference)),
            sql_text(payout.partner.as_str()),
            -payout.amount.minor(),
            sql_text(payout.amount.currency().code()),
            sql_text(&format!(
                "{}, reference {}",
                payout.method, payout.reference
            )),
            sql_text(&payout.source),
        );
        units.push(Unit::new(
            format!("payout:{}", payout.reference),
            sql,
            Vec::new(),
        ));
    }
    for adjustment in &content.adjustments {
        let at = adjustment.date.midnight().assume_utc().unix_timestamp();
        let sql = format!(
            "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, reverses, memo, source, build_id) \
             VALUES ({}, {}, NULL, 'adjustment', {}, {}, {at}, {at}, {}, {}, {}, {b}) ON CONFLICT (id) DO NOTHING;\n",
            sql_text(&format!("adjustment:{}", adjustment.id)),
            sql_text(adjustment.partner.as_str()),
            adjustment.amount.minor(),
            sql_text(adjustment.amount.currency().code()),
            sql_opt(
                adjustment
                    .corrects
                    .as_ref()
                    .map(|r| format!("payout:{r}"))
                    .as_deref()
            ),
            sql_text(&adjustment.reason),
            sql_text(&adjustment.source),
        );
        units.push(Unit::new(
            format!("adjustment:{}", adjustment.id),
            sql,
            Vec::new(),
        ));
    }
    units
}

/// Statements every deploy that changes D1 ends with: a partner's profile change that the
/// content now has (`profiles pull`, then a deploy) is applied, so no longer pending.
pub const AFTER_EVERY_DEPLOY: &str = "DELETE FROM profile_updates WHERE EXISTS (SELECT 1 FROM partners p WHERE p.code = profile_updates.partner \
     AND p.name = profile_updates.name AND p.email = profile_updates.email \
     AND coalesce(p.company, '') = coalesce(profile_updates.company, '') AND coalesce(p.phone, '') = coalesce(profile_updates.phone, '') \
     AND coalesce(p.address, '') = coalesce(profile_updates.address, ''));\n";

/// Stands for the build id in statements until every unit's hash is known.
pub const BUILD_PLACEHOLDER: &str = "__BUILD_ID__";

/// The build id: a hash of every unit's id and hash, so any change to what the edge gets is a
/// new build. Fills it into the statements.
pub fn seal(units: &mut [Unit]) -> String {
    let mut all = String::new();
    for u in units.iter() {
        let _ = writeln!(all, "{} {}", u.id, u.hash);
    }
    let build_id = crate::hash::short_hash(all.as_bytes(), 8);
    for u in units.iter_mut() {
        if u.sql.contains(BUILD_PLACEHOLDER) {
            u.sql = u.sql.replace(BUILD_PLACEHOLDER, &build_id);
        }
    }
    build_id
}
