//! SQLite: the same migrations as D1, the generator's seed, and a table standing in for KV.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value};

use crate::platform::{Row, SqlValue, Statement};

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot read a page bundle: {0}")]
    Read(std::io::Error),
    #[error(transparent)]
    Journal(#[from] super::click_journal::JournalError),
}

/// What [`Database::apply_deploy`] writes.
#[allow(missing_debug_implementations)]
pub struct DeployBatch<'a> {
    pub kv_put: &'a [(String, String)],
    pub kv_delete: &'a [String],
    /// Partner code and bundle (base64, as the page store keeps it), read one at a time.
    pub pages_put: &'a mut dyn Iterator<Item = std::io::Result<(String, String)>>,
    pub pages_delete: &'a [String],
    pub sql: &'a str,
}

/// One SQLite database (a file, or memory), shared by the server's threads.
#[derive(Debug)]
pub struct Database {
    connection: Mutex<Connection>,
    /// Every distinct statement the app ran, appended to a file (see [`Database::log_statements`]).
    statement_log: Mutex<Option<StatementLog>>,
    clicks: super::click_journal::ClickJournal,
    kv_cache: RwLock<KvCache>,
}

/// KV values read since the last deploy (only a deploy writes KV), so the redirect's read is a
/// map lookup rather than a query on a connection whose page cache each click commit empties.
/// Only values found are kept (an unknown key cannot grow it), and at most [`KV_CACHE_MAX`].
#[derive(Debug, Default)]
struct KvCache {
    values: HashMap<String, String>,
    /// Bumped by every deploy: a value read from SQLite before a deploy's commit is not kept
    /// after it.
    generation: u64,
}

const KV_CACHE_MAX: usize = 20_000;

#[derive(Debug)]
struct StatementLog {
    file: std::fs::File,
    seen: std::collections::HashSet<&'static str>,
}

pub(super) fn bind(params: &[SqlValue]) -> impl Iterator<Item = rusqlite::types::Value> + '_ {
    params.iter().map(|p| match p {
        SqlValue::Null => rusqlite::types::Value::Null,
        SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
        SqlValue::Text(t) => rusqlite::types::Value::Text(t.clone()),
    })
}

/// Applies pending migrations, each in its own transaction.
fn migrate(conn: &mut Connection, migrations: &[(&str, &str)]) -> Result<(), DatabaseError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY);
         CREATE TABLE IF NOT EXISTS _kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS _pages (partner TEXT PRIMARY KEY, bundle TEXT NOT NULL);",
    )?;
    for (name, sql) in migrations {
        let done: bool = conn.query_row(
            "SELECT count(*) > 0 FROM _migrations WHERE name = ?",
            [name],
            |r| r.get(0),
        )?;
        if !done {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO _migrations (name) VALUES (?)", [name])?;
            tx.commit()?;
        }
    }
    Ok(())
}

/// Terms a compound SELECT may have on D1 (`too many terms in compound SELECT` past it).
const D1_COMPOUND_SELECT_TERMS: i32 = 5;

impl Database {
    /// Opens (creating) the database and applies pending [`crate::MIGRATIONS`].
    pub fn open(path: &Path) -> Result<Database, DatabaseError> {
        let mut connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        // D1's limit, so that a statement D1 refuses fails here too.
        connection.set_limit(
            rusqlite::limits::Limit::SQLITE_LIMIT_COMPOUND_SELECT,
            D1_COMPOUND_SELECT_TERMS,
        )?;
        migrate(&mut connection, crate::MIGRATIONS)?;
        Ok(Database {
            connection: Mutex::new(connection),
            statement_log: Mutex::new(None),
            clicks: super::click_journal::ClickJournal::open(path)?,
            kv_cache: RwLock::default(),
        })
    }

    /// From now on, appends each distinct statement the app runs to `path`, one per line (the
    /// tests check every one's query plan uses an index).
    pub fn log_statements(&self, path: &Path) -> std::io::Result<()> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        *self
            .statement_log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(StatementLog {
            file,
            seen: std::collections::HashSet::new(),
        });
        Ok(())
    }

    fn record(&self, sql: &'static str) {
        use std::io::Write as _;
        let mut log = self
            .statement_log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(log) = log.as_mut()
            && log.seen.insert(sql)
        {
            let line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(log.file, "{line}");
        }
    }

    /// The connection, once every click row appended so far is in the database (queries
    /// never read around the journal).
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.clicks.wait_moved();
        self.connection()
    }

    /// The connection as it is, for the tables no click row touches (KV, page bundles).
    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still usable.
        self.connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Carries out a deploy in one transaction: KV and page-store writes, the statements, then
    /// the deletions. Nothing of it is visible until all of it is done.
    pub fn apply_deploy(&self, deploy: DeployBatch<'_>) -> Result<(), DatabaseError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare("INSERT OR REPLACE INTO _kv (key, value) VALUES (?, ?)")?;
            for (key, value) in deploy.kv_put {
                put.execute([key, value])?;
            }
            let mut page =
                tx.prepare("INSERT OR REPLACE INTO _pages (partner, bundle) VALUES (?, ?)")?;
            for entry in deploy.pages_put {
                let (code, bundle) = entry.map_err(DatabaseError::Read)?;
                page.execute(rusqlite::params![code, bundle])?;
            }
        }
        tx.execute_batch(deploy.sql)?;
        {
            let mut delete = tx.prepare("DELETE FROM _kv WHERE key = ?")?;
            for key in deploy.kv_delete {
                delete.execute([key])?;
            }
            let mut delete = tx.prepare("DELETE FROM _pages WHERE partner = ?")?;
            for code in deploy.pages_delete {
                delete.execute([code])?;
            }
        }
        tx.commit()?;
        let mut cache = self.kv_cache();
        cache.values.clear();
        cache.generation += 1;
        Ok(())
    }

    fn kv_cache(&self) -> std::sync::RwLockWriteGuard<'_, KvCache> {
        self.kv_cache
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends a click row to the journal (see [`super::click_journal`]): on return it
    /// survives the process being killed, and every later query sees it.
    pub(crate) fn record_click(&self, click: &crate::clicks::ClickRecord) {
        self.clicks.append(click);
    }

    /// As [`Database::record_click`], in one write with the other redirects this thread's
    /// runtime answers in the same pass (on a single-threaded tokio runtime).
    pub(crate) async fn record_clicks_together(&self, clicks: &[crate::clicks::ClickRecord]) {
        self.clicks.append_together(clicks).await;
    }

    /// A partner's page bundle.
    pub fn page_bundle(&self, partner: &str) -> Result<Option<String>, DatabaseError> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached("SELECT bundle FROM _pages WHERE partner = ?")?;
        let mut rows = stmt.query([partner])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    pub fn kv_get(&self, key: &str) -> Result<Option<String>, DatabaseError> {
        let generation = {
            let cache = self
                .kv_cache
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(value) = cache.values.get(key) {
                return Ok(Some(value.clone()));
            }
            cache.generation
        };
        let value = self.kv_read(key)?;
        if let Some(value) = &value {
            let mut cache = self.kv_cache();
            if cache.generation == generation {
                if cache.values.len() >= KV_CACHE_MAX {
                    cache.values.clear();
                }
                cache.values.insert(key.to_owned(), value.clone());
            }
        }
        Ok(value)
    }

    fn kv_read(&self, key: &str) -> Result<Option<String>, DatabaseError> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached("SELECT value FROM _kv WHERE key = ?")?;
        let mut rows = stmt.query([key])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    pub fn query(&self, statement: &Statement) -> Result<Vec<Row>, DatabaseError> {
        self.record(statement.sql);
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(statement.sql)?;
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.query(params_from_iter(bind(&statement.params)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::from(b.to_vec()),
                };
                map.insert(name.clone(), value);
            }
            out.push(map);
        }
        Ok(out)
    }

    pub fn execute(&self, statement: &Statement) -> Result<u64, DatabaseError> {
        self.record(statement.sql);
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(statement.sql)?;
        Ok(stmt.execute(params_from_iter(bind(&statement.params)))? as u64)
    }

    /// All statements in one transaction.
    pub fn batch(&self, statements: &[Statement]) -> Result<(), DatabaseError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for s in statements {
            self.record(s.sql);
            tx.prepare_cached(s.sql)?
                .execute(params_from_iter(bind(&s.params)))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs a read-only query for tools (`partner-center` commands, tests).
    pub fn query_json(
        &self,
        sql: &'static str,
        params: Vec<SqlValue>,
    ) -> Result<Vec<Row>, DatabaseError> {
        self.query(&Statement::new(sql, params))
    }
}
