//! The difference between a build and what is deployed.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use super::{Changes, Deployed, DeployedUnit};
use crate::build::bundle_path;
use crate::data::{AFTER_EVERY_DEPLOY, Unit, removal_sql, sql_text};

#[derive(Debug)]
pub struct Plan<'b> {
    /// New or changed units, in the build's order.
    pub put: Vec<&'b Unit>,
    /// Deployed units the build no longer has, with what they had written.
    pub delete: Vec<(String, DeployedUnit)>,
    pub unchanged: usize,
    /// For changed units: what they have deployed now (to delete keys they no longer write).
    previous: Vec<Option<DeployedUnit>>,
}

/// `deploy_units` rows per statement (D1 takes statements up to 100 KB).
const RECORD_ROWS: usize = 200;

/// One statement recording `rows` in `deploy_units`.
fn record(sql: &mut String, rows: &mut Vec<String>) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        sql,
        "INSERT INTO deploy_units (unit, hash, kv_keys) VALUES {} \
         ON CONFLICT (unit) DO UPDATE SET hash = excluded.hash, kv_keys = excluded.kv_keys;",
        rows.join(", ")
    );
    rows.clear();
}

impl<'b> Plan<'b> {
    pub fn new(units: &'b [Unit], deployed: &Deployed) -> Plan<'b> {
        let mut put = Vec::new();
        let mut previous = Vec::new();
        let mut unchanged = 0;
        for unit in units {
            match deployed.get(&unit.id) {
                Some(d) if d.hash == unit.hash => unchanged += 1,
                other => {
                    put.push(unit);
                    previous.push(other.cloned());
                }
            }
        }
        let built: HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
        let mut delete: Vec<(String, DeployedUnit)> = deployed
            .iter()
            .filter(|(id, _)| !built.contains(id.as_str()))
            .map(|(id, d)| (id.clone(), d.clone()))
            .collect();
        delete.sort_by(|a, b| a.0.cmp(&b.0));
        Plan {
            put,
            delete,
            unchanged,
            previous,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.put.is_empty() && self.delete.is_empty()
    }

    /// `plan: put N, delete M, unchanged K`.
    pub fn summary(&self) -> String {
        format!(
            "plan: put {}, delete {}, unchanged {}",
            self.put.len(),
            self.delete.len(),
            self.unchanged
        )
    }

    /// One line per unit to put or delete.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for (unit, previous) in self.put.iter().zip(&self.previous) {
            let verb = if previous.is_some() { "change" } else { "add" };
            let _ = writeln!(out, "  {verb} {}", unit.id);
        }
        for (id, _) in &self.delete {
            let _ = writeln!(out, "  delete {id}");
        }
        out
    }

    /// What the target must do to carry out this plan for the build in `out`.
    pub fn changes(&self, out: &Path, build_id: &str) -> Changes {
        let mut changes = Changes {
            build_id: build_id.to_owned(),
            ..Changes::default()
        };
        let mut recorded = Vec::with_capacity(RECORD_ROWS);
        for (unit, previous) in self.put.iter().zip(&self.previous) {
            if let Some(code) = unit.pages_of() {
                changes
                    .pages_put
                    .push((code.to_owned(), bundle_path(out, code)));
            }
            changes.links_put.extend(unit.kv.iter().cloned());
            // Keys the unit wrote before and does not write now.
            if let Some(previous) = previous {
                let now: HashSet<&str> = unit.kv.iter().map(|e| e.key.as_str()).collect();
                changes.links_delete.extend(
                    previous
                        .kv_keys
                        .iter()
                        .filter(|k| !now.contains(k.as_str()))
                        .cloned(),
                );
            }
            changes.sql.push_str(&unit.sql);
            let keys: Vec<&str> = unit.kv.iter().map(|e| e.key.as_str()).collect();
            recorded.push(format!(
                "({}, {}, {})",
                sql_text(&unit.id),
                sql_text(&unit.hash),
                sql_text(&keys.join(" ")),
            ));
            // Recorded after the units' own statements, a few hundred rows per statement: a
            // deploy cut short leaves units applied but unrecorded (the next one applies them
            // again, harmlessly), never recorded but not applied.
            if recorded.len() == RECORD_ROWS {
                record(&mut changes.sql, &mut recorded);
            }
        }
        record(&mut changes.sql, &mut recorded);
        for (id, deployed) in &self.delete {
            if let Some(code) = id.strip_prefix(crate::data::PAGES_PREFIX) {
                changes.pages_delete.push(code.to_owned());
            }
            changes
                .links_delete
                .extend(deployed.kv_keys.iter().cloned());
            changes.sql.push_str(&removal_sql(id));
            let _ = writeln!(
                changes.sql,
                "DELETE FROM deploy_units WHERE unit = {};",
                sql_text(id)
            );
        }
        if !changes.sql.is_empty() {
            changes.sql.push_str(AFTER_EVERY_DEPLOY);
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::KvEntry;

    fn unit(id: &str, hash: &str, keys: &[&str]) -> Unit {
        Unit {
            id: id.into(),
            hash: hash.into(),
            sql: format!("-- {id}\n"),
            kv: keys
                .iter()
                .map(|k| KvEntry {
                    key: (*k).into(),
                    value: "v".into(),
                })
                .collect(),
        }
    }

    fn deployed(entries: &[(&str, &str, &[&str])]) -> Deployed {
        entries
            .iter()
            .map(|(id, hash, keys)| {
                (
                    (*id).to_owned(),
                    DeployedUnit {
                        hash: (*hash).into(),
                        kv_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn only_the_difference_is_sent() {
        let units = [
            unit("partner:a", "1", &["link:a", "link:a:home"]),
            unit("partner:b", "2", &["link:b"]),
            unit("pages:b", "9", &[]),
            unit("partner:c", "3", &[]),
        ];
        let now = deployed(&[
            ("partner:a", "1", &["link:a", "link:a:home"]),
            ("partner:b", "old", &["link:b", "link:b:gone"]),
            ("pages:b", "8", &[]),
            ("partner:z", "7", &["link:z"]),
            ("pages:z", "7", &[]),
        ]);
        let plan = Plan::new(&units, &now);
        assert_eq!(plan.summary(), "plan: put 3, delete 2, unchanged 1");
        let changes = plan.changes(Path::new("dist"), "b1");
        let puts: Vec<&str> = changes.links_put.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(puts, ["link:b"]);
        assert_eq!(changes.links_delete, ["link:b:gone", "link:z"]);
        assert_eq!(
            changes.pages_put,
            [("b".to_owned(), Path::new("dist/pages/b.bin").to_owned())]
        );
        assert_eq!(changes.pages_delete, ["z"]);
        assert!(changes.sql.contains("-- partner:b") && !changes.sql.contains("-- partner:a"));
        assert!(
            changes
                .sql
                .contains("UPDATE partners SET status = 'removed' WHERE code = 'z'")
        );
        assert!(
            changes
                .sql
                .contains("DELETE FROM deploy_units WHERE unit = 'pages:z'")
        );
        assert_eq!(
            Plan::new(&units, &deployed(&[])).summary(),
            "plan: put 4, delete 0, unchanged 0"
        );
    }
}
