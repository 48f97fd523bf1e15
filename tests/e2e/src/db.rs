//! Looking into the backend's database: the native state's SQLite file, or the
//! SQLite file behind workerd's local D1 (under `wrangler dev --persist-to`).
//!
//! Both are opened directly, with a busy timeout: D1's local file is in WAL
//! mode, so reading it never blocks the worker, and a scenario's rare write
//! waits for the worker's instead of failing. (`wrangler d1 execute --local`
//! starts a second workerd on the same file, which has no busy timeout and
//! failed with SQLITE_BUSY whenever the queue consumer wrote at that moment.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::ValueRef;
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
            Db::Sqlite(path) => sqlite_rows(path, sql),
            Db::Wrangler(persist) => sqlite_rows(&d1_file(persist)?, sql),
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

/// The one D1 database's file in a `--persist-to` directory (its name is a
/// hash of the database id; `metadata.sqlite` beside it is miniflare's own).
fn d1_file(persist: &Path) -> Result<PathBuf, String> {
    let dir = persist.join("v3/d1/miniflare-D1DatabaseObject");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "sqlite")
                && p.file_name().is_some_and(|n| n != "metadata.sqlite")
        })
        .collect();
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(format!(
            "{}: expected one D1 database file, found {n}",
            dir.display()
        )),
    }
}

fn sqlite_rows(path: &Path, sql: &str) -> Result<Vec<Value>, String> {
    let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(10))
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
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(x) => x.into(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                };
                map.insert(name.clone(), v);
            }
            Ok(Value::Object(map))
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}
