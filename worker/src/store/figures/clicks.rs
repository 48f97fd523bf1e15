//! One partner's click figures of the days not rolled up, grouped here from the raw rows the
//! way the rollup groups them in SQL (`rollups::click_figures`, the same keys; visitors
//! counted once per key): a partner's day of rows reads in a few milliseconds, but grouping
//! it eight ways in SQLite takes ten times that.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::FigureRow;

/// A raw click, in the columns the figures are grouped by.
#[derive(Debug, Deserialize)]
pub(super) struct RawClick {
    slug: String,
    sub: Option<String>,
    referrer_host: Option<String>,
    country: Option<String>,
    agent: String,
    program: String,
    visitor: String,
}

impl RawClick {
    /// Its key in each dimension.
    fn keys(&self) -> [(&'static str, String); 8] {
        let sub = self.sub.clone().unwrap_or_default();
        [
            ("all", String::new()),
            ("link", self.slug.clone()),
            ("link_sub", format!("{}\u{1f}{sub}", self.slug)),
            ("sub", sub),
            ("country", self.country.clone().unwrap_or_default()),
            ("device", self.agent.clone()),
            ("referrer", self.referrer_host.clone().unwrap_or_default()),
            ("program", self.program.clone()),
        ]
    }
}

/// The figures (measure `clicks`: `n` clicks, `m` visitors) of `clicks` by dimension and key.
pub(super) fn group(clicks: &[RawClick]) -> Vec<FigureRow> {
    let mut groups: HashMap<(&'static str, String), (i64, HashSet<&str>)> = HashMap::new();
    for click in clicks {
        for key in click.keys() {
            let (n, visitors) = groups.entry(key).or_default();
            *n += 1;
            visitors.insert(click.visitor.as_str());
        }
    }
    groups
        .into_iter()
        .map(|((dimension, key), (n, visitors))| FigureRow {
            partner: None,
            measure: "clicks".to_owned(),
            dimension: dimension.to_owned(),
            key,
            n,
            m: visitors.len() as i64,
            example: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(slug: &str, sub: Option<&str>, visitor: &str) -> RawClick {
        RawClick {
            slug: slug.to_owned(),
            sub: sub.map(str::to_owned),
            referrer_host: None,
            country: Some("DE".to_owned()),
            agent: "mobile".to_owned(),
            program: "coffee-club".to_owned(),
            visitor: visitor.to_owned(),
        }
    }

    #[test]
    fn clicks_are_counted_per_key_and_visitors_once_per_key() {
        let rows = group(&[
            click("home", None, "a"),
            click("home", Some("yt"), "a"),
            click("beans", Some("yt"), "b"),
        ]);
        let get = |d: &str, k: &str| {
            rows.iter()
                .find(|r| r.dimension == d && r.key == k)
                .map(|r| (r.n, r.m))
        };
        assert_eq!(get("all", ""), Some((3, 2)));
        assert_eq!(get("link", "home"), Some((2, 1)));
        assert_eq!(get("sub", ""), Some((1, 1)));
        assert_eq!(get("sub", "yt"), Some((2, 2)));
        assert_eq!(get("link_sub", "home\u{1f}"), Some((1, 1)));
        assert_eq!(get("link_sub", "beans\u{1f}yt"), Some((1, 1)));
        assert_eq!(get("referrer", ""), Some((3, 2)));
        assert_eq!(get("country", "DE"), Some((3, 2)));
        assert_eq!(rows.len(), 1 + 2 + 2 + 3 + 1 + 1 + 1 + 1);
    }
}
