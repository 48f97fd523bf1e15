//! Looking into the backend's database: SQLite directly (native), or through
//! `wrangler d1 execute --local` (workerd's local D1).

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

#[derive(Debug)]
pub enum Db {
    Sqlite(PathBuf),
    Wrangler(PathBuf),
}

impl Db {
    /// Rows of `sql` as JSON objects. `sql` is written by the scenarios, never from input.
    pub fn query(&self, sql: &str) -> Result<Vec<Value>, String> {
        match self {
            Db::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(|e| e.to_string())?;
                let mut stmt = conn.prepare(sql).map_err(|e| e.to_string())?;
                let names: Vec<String> = stmt
                    .column_names()
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                let rows = stmt
                    .query_map([], |row| {
                        let mut map = serde_json::Map::new();
                        for (i, name) in names.iter().enumerate() {
                            let v = match row.get_ref(i)? {
                                rusqlite::types::ValueRef::Integer(n) => n.into(),
                                rusqlite::types::ValueRef::Real(x) => x.into(),
                                rusqlite::types::ValueRef::Text(t) => {
                                    String::from_utf8_lossy(t).into_owned().into()
                                }
                                rusqlite::types::ValueRef::Null
                                | rusqlite::types::ValueRef::Blob(_) => Value::Null,
                            };
                            map.insert(name.clone(), v);
                        }
                        Ok(Value::Object(map))
                    })
                    .map_err(|e| e.to_string())?;
                rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
            }
            Db::Wrangler(persist) => {
                let output = Command::new("npx")
                    .args([
                        "--no-install",
                        "wrangler",
                        "d1",
                        "execute",
                        "partner-center",
                        "--local",
                        "--json",
                    ])
                    .arg("--persist-to")
                    .arg(persist)
                    .arg("--command")
                    .arg(sql)
                    .output()
                    .map_err(|e| format!("running wrangler: {e}"))?;
                if !output.status.success() {
                    return Err(format!(
                        "wrangler d1 execute failed: {}{}",
                        String::from_utf8_lossy(&output.stdout),
                        String::from_utf8_lossy(&output.stderr)
                    ));
                }
                let parsed: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
                    format!(
                        "wrangler output: {e}: {}",
                        String::from_utf8_lossy(&output.stdout)
                    )
                })?;
                Ok(parsed[0]["results"].as_array().cloned().unwrap_or_default())
            }
        }
    }

    /// The first column of the first row as a number (a `count(*)`, a sum), 0 if none.
    pub fn count(&self, sql: &str) -> Result<i64, String> {
        Ok(self
            .query(sql)?
            .first()
            .and_then(|r| r.as_object()?.values().next()?.as_i64())
            .unwrap_or(0))
    }

    pub fn execute(&self, sql: &str) -> Result<(), String> {
        self.query(sql).map(drop)
    }
}
