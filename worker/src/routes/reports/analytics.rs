//! Link analytics for the summary: per link and per sub-id (clicks, leads, sales, earnings,
//! earnings per click), where clicks come from (country, device, referrer), and the requests
//! that were not counted, with the reason.

use pc_core::Currency;
use serde_json::{Value, json};

use super::{Range, int, money, rows, scope, text};
use crate::platform::{Platform, PlatformError, Row};
use crate::routes::Ctx;

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

fn find(rows: &[Row], key: &str, column: &str) -> i64 {
    rows.iter()
        .find(|r| text(r, "key") == key)
        .map_or(0, |r| int(r, column))
}

/// Per link (`slug`) or per sub-id (`sub`): clicks, leads, sales, earnings, earnings per click.
pub(super) async fn by_key<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
    currency: Currency,
    by_link: bool,
) -> Result<Vec<Value>, PlatformError> {
    let (clicks_sql, events_sql, earned_sql) = if by_link {
        (
            "SELECT slug AS key, count(*) AS clicks, count(DISTINCT visitor) AS visitors FROM clicks \
             WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY key",
            "SELECT coalesce(slug, '') AS key, type, count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? \
             AND occurred_at < ? AND type IN ('lead', 'sale') GROUP BY key, type",
            // A refund counts against the link of the sale it takes back from.
            "SELECT coalesce(e.slug, '') AS key, sum(l.amount_minor) AS earned FROM ledger l \
             JOIN ledger o ON o.id = coalesce(l.reverses, l.id) JOIN events e ON e.id = o.event_id \
             WHERE l.partner = ? AND l.occurred_at >= ? AND l.occurred_at < ? AND l.level = 0 \
             AND l.kind IN ('commission', 'clawback') GROUP BY key",
        )
    } else {
        (
            "SELECT coalesce(sub, '') AS key, count(*) AS clicks, count(DISTINCT visitor) AS visitors FROM clicks \
             WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY key",
            "SELECT coalesce(sub, '') AS key, type, count(*) AS n FROM events WHERE partner = ? AND occurred_at >= ? \
             AND occurred_at < ? AND type IN ('lead', 'sale') GROUP BY key, type",
            "SELECT coalesce(e.sub, '') AS key, sum(l.amount_minor) AS earned FROM ledger l \
             JOIN ledger o ON o.id = coalesce(l.reverses, l.id) JOIN events e ON e.id = o.event_id \
             WHERE l.partner = ? AND l.occurred_at >= ? AND l.occurred_at < ? AND l.level = 0 \
             AND l.kind IN ('commission', 'clawback') GROUP BY key",
        )
    };
    let clicks = rows(ctx, clicks_sql, scope(code, range)).await?;
    let events = rows(ctx, events_sql, scope(code, range)).await?;
    let earned = rows(ctx, earned_sql, scope(code, range)).await?;
    let mut keys: Vec<String> = clicks
        .iter()
        .chain(&events)
        .chain(&earned)
        .map(|r| text(r, "key"))
        .collect();
    keys.sort();
    keys.dedup();
    let mut out: Vec<(i64, Value)> = keys
        .into_iter()
        .map(|k| {
            let c = find(&clicks, &k, "clicks");
            let e = find(&earned, &k, "earned");
            let n = |t: &str| {
                events
                    .iter()
                    .find(|r| text(r, "key") == k && text(r, "type") == t)
                    .map_or(0, |r| int(r, "n"))
            };
            (
                e,
                json!({
                    "key": k, "clicks": c, "visitors": find(&clicks, &k, "visitors"),
                    "leads": n("lead"), "sales": n("sale"),
                    "earned": money(e, currency), "per_click": money(per_click(e, c), currency),
                }),
            )
        })
        .collect();
    // Best earners first, then by clicks.
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1["clicks"].as_i64().cmp(&a.1["clicks"].as_i64()))
    });
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// Where counted clicks came from: top countries, devices and referring sites.
pub(super) async fn audience<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
) -> Result<Value, PlatformError> {
    let top = |sql: &'static str| async move {
        let found = rows(ctx, sql, scope(code, range)).await?;
        Ok::<Vec<Value>, PlatformError>(
            found
                .iter()
                .map(|r| json!({ "key": text(r, "key"), "clicks": int(r, "clicks") }))
                .collect(),
        )
    };
    Ok(json!({
        "by_country": top("SELECT coalesce(country, '') AS key, count(*) AS clicks FROM clicks WHERE partner = ? \
            AND created_at >= ? AND created_at < ? GROUP BY key ORDER BY clicks DESC, key LIMIT 8").await?,
        "by_device": top("SELECT agent AS key, count(*) AS clicks FROM clicks WHERE partner = ? \
            AND created_at >= ? AND created_at < ? GROUP BY key ORDER BY clicks DESC, key LIMIT 8").await?,
        "by_referrer": top("SELECT coalesce(referrer_host, '') AS key, count(*) AS clicks FROM clicks WHERE partner = ? \
            AND created_at >= ? AND created_at < ? GROUP BY key ORDER BY clicks DESC, key LIMIT 8").await?,
    }))
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
        _ => "Not a visit by a person.",
    }
}

/// The requests that were redirected but not counted, by reason, with an example.
pub(super) async fn filtered<P: Platform>(
    ctx: &Ctx<'_, P>,
    code: &str,
    range: &Range,
) -> Result<Vec<Value>, PlatformError> {
    let found = rows(
        ctx,
        "SELECT reason, count(*) AS n, max(detail) AS example FROM filtered_clicks \
         WHERE partner = ? AND created_at >= ? AND created_at < ? GROUP BY reason ORDER BY n DESC, reason",
        scope(code, range),
    )
    .await?;
    Ok(found
        .iter()
        .map(|r| {
            let reason = text(r, "reason");
            json!({
                "reason": reason, "why": reason_words(&reason), "count": int(r, "n"),
                "example": Some(text(r, "example")).filter(|e| !e.is_empty()),
            })
        })
        .collect())
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
