//! `partner-center import <source> FILE`: a peer's partner export → `content/partners/*.yaml`
//! and their unpaid balances as opening-balance adjustments. Every row is read and checked
//! first; one refused row (each reported with its line) and nothing is written.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use pc_core::money::Currency;

mod layout;
mod row;
mod write;

use layout::Layout;
pub use layout::{Field, Source};
use row::{Imported, Row};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("--map {0}: give field=Column, with a field among: {fields}", fields = Field::names())]
    Map(String),
    #[error("{0}")]
    Content(String),
    #[error("{count} of the rows are refused; nothing was written:\n{lines}", count = .0.len(), lines = .0.join("\n"))]
    Refused(Vec<String>),
}

/// A row left out: `(line, code, status)` of an application that was never accepted.
pub type Skipped = (u64, String, String);

/// What to import, and into which content.
#[derive(Debug)]
pub struct ImportOptions<'a> {
    pub source: Source,
    pub file: &'a Path,
    pub content: &'a Path,
    /// The programs the partners join (default: every program, when there is only one).
    pub programs: Vec<String>,
    /// `field=Column` pairs, as given.
    pub map: Vec<String>,
    /// The opening balances' date, `YYYY-MM-DD`.
    pub date: String,
}

/// What was written.
#[derive(Debug)]
pub struct ImportSummary {
    pub partners: Vec<PathBuf>,
    pub adjustments: Option<PathBuf>,
    /// Rows that were applications, not partners.
    pub skipped: Vec<Skipped>,
    pub unpaid_total: String,
}

fn content_error(message: impl Into<String>) -> ImportError {
    ImportError::Content(message.into())
}

/// The site's currency and its program ids, read from `content/`.
fn content_facts(content: &Path) -> Result<(Currency, Vec<String>, HashSet<String>), ImportError> {
    let site = content.join("site.yaml");
    let text = std::fs::read_to_string(&site).map_err(|source| ImportError::Read {
        path: site.display().to_string(),
        source,
    })?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| content_error(format!("{}: {e}", site.display())))?;
    let currency = value
        .get("currency")
        .and_then(|c| c.as_str())
        .ok_or_else(|| content_error(format!("{}: no currency", site.display())))
        .and_then(|c| Currency::parse(c).map_err(|e| content_error(e.to_string())))?;
    let ids_in = |dir: &str| -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(content.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".yaml").map(str::to_owned)
            })
            .collect();
        ids.sort();
        ids
    };
    Ok((
        currency,
        ids_in("programs"),
        ids_in("partners").into_iter().collect(),
    ))
}

fn parse_map(map: &[String]) -> Result<Vec<(Field, String)>, ImportError> {
    map.iter()
        .flat_map(|m| m.split(','))
        .filter(|m| !m.trim().is_empty())
        .map(|pair| {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| ImportError::Map(pair.to_owned()))?;
            let field = Field::parse(field).ok_or_else(|| ImportError::Map(pair.to_owned()))?;
            Ok((field, column.trim().to_owned()))
        })
        .collect()
}

/// Reads every row; the partners, the skipped applications, or every refusal.
fn read_rows(
    options: &ImportOptions<'_>,
    currency: Currency,
) -> Result<(Vec<Imported>, Vec<Skipped>), ImportError> {
    let path = options.file.display().to_string();
    let text = std::fs::read(options.file).map_err(|source| ImportError::Read {
        path: path.clone(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::File {
            path: path.clone(),
            message: e.to_string(),
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    let layout = Layout::resolve(options.source, &headers, &parse_map(&options.map)?).map_err(
        |message| ImportError::File {
            path: path.clone(),
            message,
        },
    )?;
    let (mut partners, mut skipped, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                refused.push(format!("{path}:{line}: not CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        match row::read(&layout, &record, line, currency) {
            Ok(Row::Partner(p)) => partners.push(*p),
            Ok(Row::Skipped { line, code, status }) => skipped.push((line, code, status)),
            Err(message) => refused.push(format!("{path}:{line}: {message}")),
        }
    }
    if refused.is_empty() {
        Ok((partners, skipped))
    } else {
        Err(ImportError::Refused(refused))
    }
}

/// Refusals that need the whole file or the content: a code twice, a code or coupon already
/// taken, a parent nobody has.
fn cross_check(partners: &[Imported], existing: &HashSet<String>, path: &str) -> Vec<String> {
    let mut refused = Vec::new();
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut coupons: HashMap<&str, u64> = HashMap::new();
    for p in partners {
        let code = p.code.as_str();
        if existing.contains(code) {
            refused.push(format!(
                "{path}:{}: partner {code} already exists (content/partners/{code}.yaml)",
                p.line
            ));
        }
        if let Some(first) = seen.insert(code, p.line) {
            refused.push(format!(
                "{path}:{}: partner code {code} again (first on line {first})",
                p.line
            ));
        }
        for coupon in &p.coupons {
            if let Some(first) = coupons.insert(coupon, p.line) {
                refused.push(format!(
                    "{path}:{}: coupon {coupon} again (first on line {first})",
                    p.line
                ));
            }
        }
    }
    for p in partners {
        if let Some(parent) = &p.parent
            && !seen.contains_key(parent.as_str())
            && !existing.contains(parent.as_str())
        {
            refused.push(format!(
                "{path}:{}: parent {} is not a partner, in the file or in content/partners",
                p.line,
                parent.as_str()
            ));
        }
    }
    refused
}

fn write_new(path: &Path, text: &str) -> Result<(), ImportError> {
    let err = |source| ImportError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    // Never over a file: create_new.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(err)
}

pub fn import(options: &ImportOptions<'_>) -> Result<ImportSummary, ImportError> {
    let (currency, all_programs, existing) = content_facts(options.content)?;
    let programs = if options.programs.is_empty() {
        match all_programs.as_slice() {
            [only] => vec![only.clone()],
            _ => {
                return Err(content_error(format!(
                    "which programs do they join? Give --program (one or more of: {})",
                    all_programs.join(", ")
                )));
            }
        }
    } else {
        for p in &options.programs {
            if !all_programs.contains(p) {
                return Err(content_error(format!(
                    "--program {p}: no such program (content/programs has: {})",
                    all_programs.join(", ")
                )));
            }
        }
        options.programs.clone()
    };
    let (partners, skipped) = read_rows(options, currency)?;
    let from = options.file.file_name().map_or_else(
        || "the export".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let refused = cross_check(&partners, &existing, &options.file.display().to_string());
    if !refused.is_empty() {
        return Err(ImportError::Refused(refused));
    }
    let title = options.source.title();
    let adjustments_path = options.content.join("adjustments").join(format!(
        "{}-import-{}.yaml",
        options.date,
        options.source.slug()
    ));
    let balances = write::opening_balances_yaml(&partners, title, &from, &options.date);
    if balances.is_some() && adjustments_path.exists() {
        return Err(content_error(format!(
            "{} exists already: was this export imported today?",
            adjustments_path.display()
        )));
    }
    let mut written = Vec::new();
    for p in &partners {
        let path = options
            .content
            .join("partners")
            .join(format!("{}.yaml", p.code.as_str()));
        write_new(&path, &write::partner_yaml(p, &from, &programs))?;
        written.push(path);
    }
    let adjustments = match balances {
        Some(text) => {
            write_new(&adjustments_path, &text)?;
            Some(adjustments_path)
        }
        None => None,
    };
    let total = partners
        .iter()
        .try_fold(pc_core::Money::zero(currency), |sum, p| {
            sum.checked_add(p.unpaid)
        })
        .map_err(|e| content_error(e.to_string()))?;
    Ok(ImportSummary {
        partners: written,
        adjustments,
        skipped,
        unpaid_total: total.to_string(),
    })
}
