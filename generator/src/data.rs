//! What the edge needs from a build: the redirect table for KV and the D1 seed.
//!
//! KV (wrangler's bulk-put JSON): one key per partner and link, `link:<code>:<slug>`, and the
//! partner's default `link:<code>`, so a redirect costs exactly one KV read. Suspended
//! partners get no keys: their links fall back to the owner's URL.
//!
//! D1 (`seed.sql`): idempotent upserts of programs, partners, programs per partner, coupons,
//! links and payouts. Each row carries the build id (a hash of the seed), and rows an older
//! build wrote that this one did not are removed or marked, so reseeding converges.

use std::fmt::Write as _;

use serde::Serialize;

use crate::content::{Content, Partner, PartnerStatus};

#[derive(Serialize)]
struct KvEntry {
    key: String,
    value: String,
}

/// A redirect's target: everything the redirect needs, so it costs one KV read.
#[derive(Serialize)]
struct LinkTarget<'a> {
    url: &'a str,
    program: &'a str,
    slug: &'a str,
    click_param: &'a str,
    partner_param: &'a str,
}

/// `config:site`: read only when a link is unknown (where to send the visitor instead).
#[derive(Serialize)]
struct SiteConfig<'a> {
    fallback_url: &'a str,
    /// What partners may choose as payout method, and how long a change waits.
    payout_methods: &'a [String],
    payout_cooling_off_hours: u32,
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

/// The KV bulk file: `[{"key": "link:abc123:home", "value": "{\"url\":…,\"program\":…}"}]`,
/// ending with `config:build` (the build id, so a deploy can be seen to be live).
pub fn kv_links(content: &Content, build_id: &str) -> String {
    let params = &content.site.link_params;
    let mut entries = vec![KvEntry {
        key: "config:site".into(),
        value: serde_json::to_string(&SiteConfig {
            fallback_url: content.site.fallback_url.as_str(),
            payout_methods: &content.site.payout_methods,
            payout_cooling_off_hours: content.site.payout_cooling_off_hours,
        })
        .unwrap_or_default(),
    }];
    let signup = &content.site.signup;
    entries.push(KvEntry {
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
    });
    for partner in content
        .partners
        .iter()
        .filter(|p| p.status == PartnerStatus::Active)
    {
        for link in &content.links {
            let Some(program) = partner.programs.iter().find(|p| link.audience.includes(p)) else {
                continue;
            };
            let value = LinkTarget {
                url: link.target.as_str(),
                program: program.as_str(),
                slug: link.slug.as_str(),
                click_param: &params.click_id,
                partner_param: &params.partner,
            };
            entries.push(KvEntry {
                key: format!("link:{}:{}", partner.code, link.slug),
                value: serde_json::to_string(&value).unwrap_or_default(),
            });
        }
        if let Some((link, program)) = default_link(content, partner) {
            let value = LinkTarget {
                url: link.target.as_str(),
                program,
                slug: link.slug.as_str(),
                click_param: &params.click_id,
                partner_param: &params.partner,
            };
            entries.push(KvEntry {
                key: format!("link:{}", partner.code),
                value: serde_json::to_string(&value).unwrap_or_default(),
            });
        }
    }
    entries.push(KvEntry {
        key: "config:build".into(),
        value: serde_json::json!({ "build_id": build_id }).to_string(),
    });
    serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into())
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

fn sql_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn sql_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), sql_text)
}

const BUILD: &str = "__BUILD_ID__";

/// The idempotent D1 seed, and the build id: a hash of everything the edge gets (this seed
/// and the KV data), so any change to either is a new build.
pub fn seed_sql(content: &Content) -> (String, String) {
    let mut sql = String::new();
    let currency = content.site.currency.code();
    let b = sql_text(BUILD);
    for p in &content.programs {
        let rules = serde_json::to_string(&p.commission).unwrap_or_default();
        let _ = writeln!(
            sql,
            "INSERT INTO programs (id, name, priority, currency, rules_json, source, build_id) VALUES ({}, {}, {}, {}, {}, {}, {b}) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, priority = excluded.priority, currency = excluded.currency, rules_json = excluded.rules_json, source = excluded.source, build_id = excluded.build_id;",
            sql_text(p.id.as_str()),
            sql_text(&p.name),
            p.priority,
            sql_text(currency),
            sql_text(&rules),
            sql_text(&p.source),
        );
    }
    for p in &content.partners {
        let _ = writeln!(
            sql,
            "INSERT INTO partners (code, name, company, email, phone, address, status, parent, payout_method, payout_details, build_id) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {b}) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, company = excluded.company, email = excluded.email, phone = excluded.phone, address = excluded.address, status = excluded.status, parent = excluded.parent, payout_method = excluded.payout_method, payout_details = excluded.payout_details, build_id = excluded.build_id;",
            sql_text(p.code.as_str()),
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
                "INSERT INTO partner_programs (partner, program, rank, build_id) VALUES ({}, {}, {rank}, {b}) \
                 ON CONFLICT (partner, program) DO UPDATE SET rank = excluded.rank, build_id = excluded.build_id;",
                sql_text(p.code.as_str()),
                sql_text(program.as_str()),
            );
        }
        for coupon in &p.coupons {
            let _ = writeln!(
                sql,
                "INSERT INTO coupons (code, partner, build_id) VALUES ({}, {}, {b}) \
                 ON CONFLICT (code) DO UPDATE SET partner = excluded.partner, build_id = excluded.build_id;",
                sql_text(coupon),
                sql_text(p.code.as_str()),
            );
        }
    }
    for l in &content.links {
        let _ = writeln!(
            sql,
            "INSERT INTO links (slug, title, target, build_id) VALUES ({}, {}, {}, {b}) \
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, target = excluded.target, build_id = excluded.build_id;",
            sql_text(l.slug.as_str()),
            sql_text(&l.title),
            sql_text(l.target.as_str()),
        );
    }
    // Payouts and adjustments are ledger lines: inserted once, never changed by a reseed.
    for payout in &content.payouts {
        let at = payout.date.midnight().assume_utc().unix_timestamp();
        let _ = writeln!(
            sql,
            "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, memo, source, build_id) \
             VALUES ({}, {}, NULL, 'payout', {}, {}, {at}, {at}, {}, {}, {b}) ON CONFLICT (id) DO NOTHING;",
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
    }
    for adjustment in &content.adjustments {
        let at = adjustment.date.midnight().assume_utc().unix_timestamp();
        let _ = writeln!(
            sql,
            "INSERT INTO ledger (id, partner, program, kind, amount_minor, currency, occurred_at, payable_at, reverses, memo, source, build_id) \
             VALUES ({}, {}, NULL, 'adjustment', {}, {}, {at}, {at}, {}, {}, {}, {b}) ON CONFLICT (id) DO NOTHING;",
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
    }
    // Rows a previous build wrote and this one did not.
    for table in ["programs", "partner_programs", "coupons", "links"] {
        let _ = writeln!(sql, "DELETE FROM {table} WHERE build_id <> {b};");
    }
    let _ = writeln!(
        sql,
        "UPDATE partners SET status = 'removed' WHERE build_id <> {b};"
    );
    // A partner's profile change that the content now has (`profiles pull`, then a deploy) is
    // applied: it is no longer pending.
    let _ = writeln!(
        sql,
        "DELETE FROM profile_updates WHERE EXISTS (SELECT 1 FROM partners p WHERE p.code = profile_updates.partner \
         AND p.name = profile_updates.name AND p.email = profile_updates.email \
         AND coalesce(p.company, '') = coalesce(profile_updates.company, '') AND coalesce(p.phone, '') = coalesce(profile_updates.phone, '') \
         AND coalesce(p.address, '') = coalesce(profile_updates.address, ''));"
    );
    let kv = kv_links(content, BUILD);
    let build_id = crate::hash::short_hash(format!("{sql}\n{kv}").as_bytes(), 8);
    let header =
        "-- Generated by `partner-center build`. Idempotent: apply it after every build.\n";
    (
        format!("{header}{}", sql.replace(BUILD, &build_id)),
        build_id,
    )
}
