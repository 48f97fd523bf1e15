//! Link analytics for the summary: per link and per sub-id (clicks, leads, sales, earnings,
//! earnings per click), where clicks come from (country, device, referrer), and the requests
//! that were not counted, with the reason.

use pc_core::Currency;
use serde_json::{Value, json};

use super::money;
use crate::store::figures::{Figure, Figures};

/// Earnings per click in minor units, rounded half away from zero (0 without clicks).
pub fn per_click(earned: i64, clicks: i64) -> i64 {
    if clicks <= 0 {
        return 0;
    }
    let half = clicks / 2;
    if earned >= 0 {
        (earned + half) / clicks
    } else {
        (earned - half) / clicks
    }
}

/// Per link (`link`) or per sub-id (`sub`): clicks, leads, sales, earnings, earnings per click.
pub(super) fn by_key(figures: &Figures, currency: Currency, dimension: &str) -> Vec<Value> {
    let mut keys = figures.keys(&["clicks", "lead", "sale", "own_commission"], dimension);
    // What belongs to no link (or sub-id): second-tier earnings, coupon and direct sales,
    // adjustments. It is the row without a key, so that the rows add up to the range's earnings.
    let keyed: i64 = keys
        .iter()
        .filter(|k| !k.is_empty())
        .map(|k| figures.get("own_commission", dimension, k).m)
        .sum();
    let unkeyed = figures.total("earned").m - keyed;
    if unkeyed != 0 && !keys.iter().any(String::is_empty) {
        keys.push(String::new());
    }
    let mut out: Vec<(i64, Value)> = keys
        .into_iter()
        .map(|k| {
            let clicks = figures.get("clicks", dimension, &k);
            let e = if k.is_empty() {
                unkeyed
            } else {
                figures.get("own_commission", dimension, &k).m
            };
            (
                e,
                json!({
                    "key": k, "clicks": clicks.n, "visitors": clicks.m,
                    "leads": figures.get("lead", dimension, &k).n,
                    "sales": figures.get("sale", dimension, &k).n,
                    "earned": money(e, currency), "per_click": money(per_click(e, clicks.n), currency),
                }),
            )
        })
        .collect();
    // Best earners first, then by clicks.
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1["clicks"].as_i64().cmp(&a.1["clicks"].as_i64()))
    });
    out.into_iter().map(|(_, v)| v).collect()
}

/// The eight keys of `dimension` with the most clicks.
fn top(figures: &Figures, dimension: &str) -> Vec<Value> {
    let mut found: Vec<(&str, i64)> = figures
        .keyed("clicks", dimension)
        .map(|(k, f)| (k, f.n))
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    found
        .into_iter()
        .take(8)
        .map(|(key, clicks)| json!({ "key": key, "clicks": clicks }))
        .collect()
}

/// Where counted clicks came from: top countries, devices and referring sites.
pub(super) fn audience(figures: &Figures) -> Value {
    json!({
        "by_country": top(figures, "country"),
        "by_device": top(figures, "device"),
        "by_referrer": top(figures, "referrer"),
    })
}

/// What a reason means, in the partner's words.
fn reason_words(reason: &str) -> &'static str {
    match reason {
        "prefetch" => {
            "The browser loaded the link ahead of a click (prefetch); nobody clicked yet."
        }
        "link_preview" => {
            "An app fetched the link to show a preview of it (for example WhatsApp or Slack)."
        }
        "script" => "A script, monitor or test tool, not a browser.",
        "crawler" => "A search engine or crawler.",
        "no_user_agent" => "The request did not say what sent it, which browsers always do.",
        "datacenter" => "A server in a cloud or hosting network, not a person's connection.",
        "own_click" => {
            "You or the program's owner clicked while signed in to the portal; own clicks never count."
        }
        "expired" => {
            "The link's offer had ended: the visitor was sent to the program's main page, and nothing was credited."
        }
        "repeated" => {
            "The same visitor clicked your links many times within a minute; the first clicks counted."
        }
        _ => "Not a visit by a person.",
    }
}

/// The requests that were redirected but not counted, by reason, with an example.
pub(super) fn filtered(figures: &Figures) -> Vec<Value> {
    let mut found: Vec<(&str, &Figure)> = figures.keyed("filtered", "reason").collect();
    found.sort_by(|a, b| b.1.n.cmp(&a.1.n).then_with(|| a.0.cmp(b.0)));
    found
        .into_iter()
        .map(|(reason, f)| {
            json!({
                "reason": reason, "why": reason_words(reason), "count": f.n,
                "example": f.example.as_deref().filter(|e| !e.is_empty()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn earnings_per_click_round_like_money() {
        assert_eq!(super::per_click(1_000, 3), 333);
        assert_eq!(super::per_click(1_000, 6), 167);
        assert_eq!(super::per_click(-1_000, 6), -167);
        assert_eq!(super::per_click(500, 0), 0);
    }
}
