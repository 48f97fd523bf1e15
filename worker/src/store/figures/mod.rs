//! The reports' figures over a range of days: whole months and days from the rollups, the
//! days not rolled up yet (today) from the raw rows, by the same grouping the rollup uses, so
//! a figure is the same before and after its day is rolled up.

use std::collections::HashMap;

use serde::Deserialize;

mod click_groups;
mod clicks;
mod cover;
mod daily;
mod sql;

pub use super::rollups::Source;
pub use click_groups::{ClickGroup, ClickGroups, click_groups};
pub use daily::{Daily, daily};

use super::parse;
use super::rollups::{DAY, Progress, progress};
use crate::platform::{Platform, PlatformError, SqlValue, Statement};
use cover::Cover;
use sql::{
    PARTNER_ROLLED, PARTNERS_ROLLED, PROGRAM_ROLLED, partner_raw, partners_raw, program_raw,
};

/// A count (`n`: clicks, events) and a sum (`m`: visitors, minor units), with an example (the
/// requests not counted).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Figure {
    pub n: i64,
    pub m: i64,
    pub example: Option<String>,
}

impl Figure {
    fn add(&mut self, n: i64, m: i64, example: Option<String>) {
        self.n += n;
        self.m += m;
        if example > self.example {
            self.example = example;
        }
    }
}

/// Figures by measure, dimension and key (see migration 0017 for the names).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Figures(HashMap<(String, String, String), Figure>);

impl Figures {
    fn add(&mut self, row: FigureRow) {
        self.0
            .entry((row.measure, row.dimension, row.key))
            .or_default()
            .add(row.n, row.m, row.example);
    }

    /// A measure in total (`all`), e.g. `total("clicks").n`.
    pub fn total(&self, measure: &str) -> Figure {
        self.get(measure, "all", "")
    }

    pub fn get(&self, measure: &str, dimension: &str, key: &str) -> Figure {
        self.0
            .get(&(measure.to_owned(), dimension.to_owned(), key.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    /// Every key of a measure in a dimension, in no particular order.
    pub fn keyed<'a>(
        &'a self,
        measure: &'a str,
        dimension: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Figure)> + 'a {
        self.0
            .iter()
            .filter(move |((m, d, _), _)| m == measure && d == dimension)
            .map(|((_, _, k), f)| (k.as_str(), f))
    }

    /// The keys (sorted) that any of `measures` has in `dimension`.
    pub fn keys(&self, measures: &[&str], dimension: &str) -> Vec<String> {
        let mut keys: Vec<String> = self
            .0
            .keys()
            .filter(|(m, d, _)| d == dimension && measures.contains(&m.as_str()))
            .map(|(_, _, k)| k.clone())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

#[derive(Debug, Deserialize)]
struct FigureRow {
    #[serde(default)]
    partner: Option<String>,
    measure: String,
    dimension: String,
    key: String,
    n: i64,
    m: i64,
    example: Option<String>,
}

/// Whose raw rows are read.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    Partner(&'a str),
    /// Each partner's.
    Partners,
    /// The whole program's (partner `''`).
    Program,
}

/// The raw figure rows of `sources` for `cover` (the days not rolled up, and the late rows of
/// the rolled days), of `scope`.
async fn raw_rows(
    platform: &impl Platform,
    cover: &Cover,
    progress: &Progress,
    scope: Scope<'_>,
    sources: &[Source],
) -> Result<Vec<FigureRow>, PlatformError> {
    let who: SqlValue = match scope {
        Scope::Partner(code) => code.into(),
        Scope::Partners | Scope::Program => "".into(),
    };
    let sql = |source, late| match scope {
        Scope::Partner(_) => partner_raw(source, late),
        Scope::Partners => partners_raw(source, late),
        Scope::Program => program_raw(source, late),
    };
    let mut found = Vec::new();
    for &source in sources {
        let mut statements = Vec::new();
        if let Some((a, b)) = cover.raw_window() {
            statements.push(Statement::new(
                sql(source, false),
                vec![a.into(), b.into(), who.clone()],
            ));
        }
        if let Some((a, b)) = cover.rolled_window() {
            statements.push(Statement::new(
                sql(source, true),
                vec![
                    a.into(),
                    b.into(),
                    who.clone(),
                    progress.seen(source).into(),
                    (progress.rolled_through * DAY).into(),
                ],
            ));
        }
        for statement in statements {
            let rows = platform.query(statement).await?;
            if source == Source::Clicks && matches!(scope, Scope::Partner(_)) {
                let clicks = rows
                    .into_iter()
                    .map(parse)
                    .collect::<Result<Vec<clicks::RawClick>, _>>()?;
                found.extend(clicks::group(&clicks));
            } else {
                for row in rows {
                    found.push(parse(row)?);
                }
            }
        }
    }
    Ok(found)
}

/// One partner's figures for the days `from` ≤ day < `until`, complete for the measures of
/// `sources` (the rolled-up days have every measure; the raw days are read for these only).
pub async fn partner(
    platform: &impl Platform,
    code: &str,
    from: i64,
    until: i64,
    sources: &[Source],
) -> Result<Figures, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut figures = Figures::default();
    for row in platform
        .query(Statement::new(
            PARTNER_ROLLED,
            cover.rolled_params(Some(code.into())),
        ))
        .await?
    {
        figures.add(parse(row)?);
    }
    for row in raw_rows(platform, &cover, &progress, Scope::Partner(code), sources).await? {
        figures.add(row);
    }
    Ok(figures)
}

/// The whole program's figures: totals and per program.
pub async fn program(
    platform: &impl Platform,
    from: i64,
    until: i64,
) -> Result<Figures, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut whole = Figures::default();
    for row in platform
        .query(Statement::new(PROGRAM_ROLLED, cover.rolled_params(None)))
        .await?
    {
        whole.add(parse(row)?);
    }
    for row in raw_rows(platform, &cover, &progress, Scope::Program, &Source::ALL).await? {
        if matches!(row.dimension.as_str(), "all" | "program") {
            whole.add(FigureRow {
                partner: None,
                example: None,
                ..row
            });
        }
    }
    Ok(whole)
}

/// Every partner's totals (`all`), by partner code.
pub async fn partners(
    platform: &impl Platform,
    from: i64,
    until: i64,
) -> Result<HashMap<String, Figures>, PlatformError> {
    let progress = progress(platform).await?.unwrap_or_default();
    let cover = Cover::of(from, until, progress.rolled_through);
    let mut partners: HashMap<String, Figures> = HashMap::new();
    let rolled = platform
        .query(Statement::new(PARTNERS_ROLLED, cover.rolled_params(None)))
        .await?
        .into_iter()
        .map(parse::<FigureRow>)
        .collect::<Result<Vec<_>, _>>()?;
    let raw = raw_rows(platform, &cover, &progress, Scope::Partners, &Source::ALL).await?;
    for row in rolled
        .into_iter()
        .chain(raw.into_iter().filter(|r| r.dimension == "all"))
    {
        partners
            .entry(row.partner.clone().unwrap_or_default())
            .or_default()
            .add(row);
    }
    Ok(partners)
}
