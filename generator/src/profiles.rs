//! `partner-center profiles [pull]`: partners' own profile changes (My Profile) brought into
//! git. `pull` writes them into `content/partners/<code>.yaml`, line by line, so comments and
//! everything else in the file stay as they were; the owner reviews the diff and deploys, and
//! the deploy marks the changes applied. Until then the partner's edit wins in the portal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::applications::{ApplicationsError, OwnerApi};

/// A pending change, with the content's values beside it.
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileChange {
    pub code: String,
    pub name: String,
    pub company: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub was_name: Option<String>,
    pub was_company: Option<String>,
    pub was_email: Option<String>,
    pub was_phone: Option<String>,
    pub was_address: Option<String>,
}

impl ProfileChange {
    /// `(field, content's value, partner's value)` for every field that differs.
    pub fn differences(&self) -> Vec<(&'static str, Option<&str>, Option<&str>)> {
        [
            ("name", self.was_name.as_deref(), Some(self.name.as_str())),
            (
                "company",
                self.was_company.as_deref(),
                self.company.as_deref(),
            ),
            (
                "email",
                self.was_email.as_deref(),
                Some(self.email.as_str()),
            ),
            ("phone", self.was_phone.as_deref(), self.phone.as_deref()),
            (
                "address",
                self.was_address.as_deref(),
                self.address.as_deref(),
            ),
        ]
        .into_iter()
        .filter(|(_, was, now)| was.unwrap_or("").trim_end() != now.unwrap_or("").trim_end())
        .collect()
    }
}

/// `key: value` as YAML (quoted or as a block where needed), ending with a newline.
fn yaml_entry(key: &str, value: &str) -> String {
    let mut map = BTreeMap::new();
    map.insert(key, value);
    serde_yaml::to_string(&map).unwrap_or_else(|_| format!("{key}: {value:?}\n"))
}

/// The lines of a top-level `key:` entry (with its indented continuation lines).
fn entry_span(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let start = lines
        .iter()
        .position(|l| l.starts_with(&format!("{key}:")))?;
    let mut end = start + 1;
    while end < lines.len() && (lines[end].starts_with(' ') || lines[end].is_empty()) {
        end += 1;
    }
    // Trailing blank lines belong to what follows.
    while end > start + 1 && lines[end - 1].is_empty() {
        end -= 1;
    }
    Some((start, end))
}

/// The file with `key` set to `value` (or removed), everything else untouched.
fn set_entry(text: &str, key: &str, value: Option<&str>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let new_lines: Vec<String> = value
        .filter(|v| !v.is_empty())
        .map(|v| {
            yaml_entry(key, v.trim_end())
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + new_lines.len());
    // The entry's lines are replaced; a new field goes after `name:` (or at the end).
    let (start, end) = entry_span(&lines, key).unwrap_or_else(|| {
        let after = entry_span(&lines, "name").map_or(lines.len(), |(_, end)| end);
        (after, after)
    });
    out.extend(lines[..start].iter().map(|l| (*l).to_owned()));
    out.extend(new_lines);
    out.extend(lines[end..].iter().map(|l| (*l).to_owned()));
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// A field both the owner (in the YAML, since the last deploy) and the partner changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: &'static str,
    /// What the deployed content said.
    pub deployed: String,
    /// What the YAML says now.
    pub in_file: String,
    /// What the partner chose.
    pub partner: String,
}

/// What was written: the file, and the fields left alone because both sides changed them.
#[derive(Debug)]
pub struct Applied {
    pub path: PathBuf,
    pub conflicts: Vec<Conflict>,
}

/// Writes one partner's changes into their YAML. A field the owner has also edited since the
/// last deploy is left as the owner wrote it and reported as a conflict.
pub fn apply(content: &Path, change: &ProfileChange) -> Result<Applied, ApplicationsError> {
    let path = content
        .join("partners")
        .join(format!("{}.yaml", change.code));
    let io = |source| ApplicationsError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut text = std::fs::read_to_string(&path).map_err(io)?;
    let current: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_default();
    let mut conflicts = Vec::new();
    for (key, was, now) in change.differences() {
        let in_file = current[key].as_str().unwrap_or("").trim_end().to_owned();
        let was = was.unwrap_or("").trim_end();
        let now = now.unwrap_or("").trim_end();
        if in_file != was && in_file != now {
            conflicts.push(Conflict {
                field: key,
                deployed: was.to_owned(),
                in_file,
                partner: now.to_owned(),
            });
            continue;
        }
        text = set_entry(&text, key, Some(now));
    }
    std::fs::write(&path, text).map_err(io)?;
    Ok(Applied { path, conflicts })
}

impl OwnerApi {
    /// `GET /api/v1/owner/profiles`: partners' profile changes the content does not have yet.
    pub fn profiles(&self) -> Result<Vec<ProfileChange>, ApplicationsError> {
        #[derive(Deserialize)]
        struct Profiles {
            profiles: Vec<ProfileChange>,
        }
        self.get_json::<Profiles>("/api/v1/owner/profiles")
            .map(|p| p.profiles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Priya runs the café.\ncode: cafe01\nname: Priya Nair\ncompany: Corner Cup Café\naddress: |\n  88 Pike St\n  Seattle, WA 98101\nprograms: [wholesale]  # keep\n";

    #[test]
    fn entries_change_and_everything_else_stays() {
        let text = set_entry(FILE, "name", Some("Priya N. Nair"));
        let text = set_entry(&text, "address", Some("1 Main St\nSeattle, WA 98101"));
        let text = set_entry(&text, "phone", Some("+1 (206) 555-0199"));
        let text = set_entry(&text, "company", None);
        assert_eq!(
            text,
            "# Priya runs the café.\ncode: cafe01\nname: Priya N. Nair\nphone: +1 (206) 555-0199\naddress: |-\n  1 Main St\n  Seattle, WA 98101\nprograms: [wholesale]  # keep\n"
        );
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(value["phone"], "+1 (206) 555-0199");
        assert_eq!(value["address"], "1 Main St\nSeattle, WA 98101");
    }

    #[test]
    fn a_field_changed_on_both_sides_is_a_conflict_and_keeps_the_owners_value() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("partners")).unwrap();
        let file = dir.path().join("partners/cafe01.yaml");
        // The owner renamed Priya in git after the last deploy.
        std::fs::write(&file, FILE.replace("Priya Nair", "Priya Nair-Khan")).unwrap();
        let change = ProfileChange {
            code: "cafe01".into(),
            name: "Priya N. Nair".into(),
            company: Some("Corner Cup".into()),
            email: "priya@cornercup.example".into(),
            phone: None,
            address: Some("88 Pike St\nSeattle, WA 98101".into()),
            was_name: Some("Priya Nair".into()),
            was_company: Some("Corner Cup Café".into()),
            was_email: Some("priya@cornercup.example".into()),
            was_phone: None,
            was_address: Some("88 Pike St\nSeattle, WA 98101\n".into()),
        };
        let applied = apply(dir.path(), &change).unwrap();
        assert_eq!(applied.conflicts.len(), 1);
        assert_eq!(applied.conflicts[0].field, "name");
        assert_eq!(applied.conflicts[0].in_file, "Priya Nair-Khan");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("name: Priya Nair-Khan") && text.contains("company: Corner Cup\n"),
            "{text}"
        );
    }

    #[test]
    fn text_that_looks_like_yaml_stays_text() {
        let text = set_entry(
            FILE,
            "name",
            Some("Jo: \"x\" # not a comment\nprograms: [evil]"),
        );
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(value["programs"][0], "wholesale");
        assert!(value["name"].as_str().unwrap().starts_with("Jo: \"x\""));
    }
}
