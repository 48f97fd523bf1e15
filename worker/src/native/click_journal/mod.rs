//! The native backend's stand-in for the edge's click Queue. A redirect appends its click row
//! to a journal file beside the database (a `write` into the page cache, which outlives the
//! process if it is killed, as SQLite's WAL does with `synchronous=NORMAL`; one write for all
//! the redirects a runtime answers in one pass of its event loop) and is answered then. A
//! background thread, at low priority so that it never slows the answers, moves the journal's
//! rows into SQLite, many per transaction ([`mover`]).
//!
//! Nothing reads around the journal: before a query, the thread that runs it moves the rows
//! appended before it itself ([`ClickJournal::wait_moved`], read-your-writes, at the query's
//! priority). The journal is bounded: past [`BACKLOG_LIMIT`] rows not yet moved, redirects
//! move a batch themselves. At start, the rows a killed process left are moved before
//! anything else runs. Rows are idempotent inserts (they carry their ids): a row moved twice is
//! stored once.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::clicks::ClickRecord;

mod mover;

use mover::{Mover, move_rows, run_in_background};

/// Rows not yet moved past which each redirect moves a batch itself (~50 MB of journal).
const BACKLOG_LIMIT: u64 = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the click journal {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the click journal {0} is in use by another process (is another `serve` running on this state?)"
    )]
    InUse(PathBuf),
    #[error("moving the click journal into SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The journal's file name beside the database `db` (as SQLite names its `-wal`).
pub(super) fn path_beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-clicks");
    PathBuf::from(name)
}

#[derive(Debug)]
pub(super) struct ClickJournal {
    shared: Arc<Shared>,
    background: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    /// The journal, opened for appending. Held while appending (so rows are whole lines, in
    /// the order they are counted) and while emptying it.
    file: Mutex<File>,
    /// Rows appended so far (counted under `file`'s lock, so they are the file's first rows).
    appended: AtomicU64,
    /// Rows moved into SQLite so far (or skipped as unreadable).
    moved: AtomicU64,
    /// Whoever holds it moves rows: the background thread, or a query that waits for them.
    mover: Mutex<Mover>,
    /// True while the background thread sleeps; the append that finds it so wakes it.
    idle: AtomicBool,
    stopping: Mutex<bool>,
    wake: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves nothing half-done that matters here: the file
    // holds whole lines or a torn last one, which the mover skips.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ClickJournal {
    /// Opens the journal of the database `db` (its own connection to it), moves what a killed
    /// process left in it, and starts the background thread.
    pub(super) fn open(db: &Path) -> Result<ClickJournal, JournalError> {
        let path = path_beside(db);
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        // One process owns a journal: a second one would empty rows the first has not moved.
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => JournalError::InUse(path.clone()),
            std::fs::TryLockError::Error(e) => io(e),
        })?;
        let mut conn = Connection::open(db)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mut reader = File::open(&path).map_err(io)?;
        let mut left = Vec::new();
        reader.read_to_end(&mut left).map_err(io)?;
        let mut recovered = 0;
        let mut rest = &left[..];
        loop {
            let moved = move_rows(&mut conn, rest)?;
            if moved.rows == 0 {
                break;
            }
            recovered += moved.rows;
            rest = &rest[moved.bytes..];
        }
        if recovered > 0 {
            eprintln!(
                "moved {recovered} click rows left in {} into the database",
                path.display()
            );
        }
        // A torn last line was never acknowledged (its append did not return): dropped.
        file.set_len(0).map_err(io)?;
        reader.seek(SeekFrom::Start(0)).map_err(io)?;
        let shared = Arc::new(Shared {
            file: Mutex::new(file),
            appended: AtomicU64::new(0),
            moved: AtomicU64::new(0),
            mover: Mutex::new(Mover::new(path.clone(), conn, reader)),
            idle: AtomicBool::new(false),
            stopping: Mutex::new(false),
            wake: Condvar::new(),
        });
        let background = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("click-mover".into())
                .spawn(move || run_in_background(&shared))
                .map_err(io)?
        };
        Ok(ClickJournal {
            shared,
            background: Some(background),
        })
    }

    /// Appends `click`; when this returns, the row survives the process being killed.
    pub(super) fn append(&self, click: &ClickRecord) {
        let mut line = Vec::new();
        push_line(&mut line, click);
        write_lines(&self.shared, &line, 1);
    }

    /// Appends `clicks` together with the rows of the other redirects this thread's runtime
    /// answers in the same pass of its event loop: one write for all of them, made by a task
    /// that runs after those redirects (called on a single-threaded tokio runtime). Returns
    /// once the rows survive the process being killed.
    pub(super) async fn append_together(&self, clicks: &[ClickRecord]) {
        if clicks.is_empty() {
            return;
        }
        let batch = GATHERING.with_borrow_mut(|gathering| {
            Arc::clone(gathering.get_or_insert_with(|| {
                let batch = Arc::new(Batch {
                    lines: Mutex::default(),
                    rows: AtomicU64::new(0),
                    written: tokio::sync::watch::Sender::new(false),
                });
                let (shared, to_write) = (Arc::clone(&self.shared), Arc::clone(&batch));
                tokio::spawn(async move { to_write.write(&shared) });
                batch
            }))
        });
        {
            let mut lines = lock(&batch.lines);
            for click in clicks {
                push_line(&mut lines, click);
            }
        }
        batch.rows.fetch_add(clicks.len() as u64, Ordering::SeqCst);
        let _ = batch.written.subscribe().wait_for(|written| *written).await;
    }
}

/// The rows being gathered on this thread for one write (see [`ClickJournal::append_together`]).
#[derive(Debug)]
struct Batch {
    lines: Mutex<Vec<u8>>,
    rows: AtomicU64,
    written: tokio::sync::watch::Sender<bool>,
}

thread_local! {
    static GATHERING: std::cell::RefCell<Option<Arc<Batch>>> = const { std::cell::RefCell::new(None) };
}

impl Batch {
    /// Writes the rows gathered so far; later redirects start the next batch.
    fn write(&self, shared: &Shared) {
        GATHERING.with_borrow_mut(|gathering| *gathering = None);
        let lines = std::mem::take(&mut *lock(&self.lines));
        write_lines(shared, &lines, self.rows.load(Ordering::SeqCst));
        self.written.send_replace(true);
    }
}

fn push_line(out: &mut Vec<u8>, click: &ClickRecord) {
    serde_json::to_writer(&mut *out, click).expect("a click row is plain data");
    out.push(b'\n');
}

/// Appends whole `lines` (`rows` of them) in one write, and wakes or helps the mover.
fn write_lines(shared: &Shared, lines: &[u8], rows: u64) {
    if rows == 0 {
        return;
    }
    let appended = {
        let mut file = lock(&shared.file);
        if let Err(e) = file.write_all(lines) {
            eprintln!("{rows} click rows lost: cannot append to the click journal: {e}");
            return;
        }
        shared.appended.fetch_add(rows, Ordering::SeqCst) + rows
    };
    if shared.idle.swap(false, Ordering::SeqCst) {
        let _stopping = lock(&shared.stopping);
        shared.wake.notify_one();
    }
    // Overload for longer than the background thread can catch up with: help it.
    if appended.saturating_sub(shared.moved.load(Ordering::SeqCst)) > BACKLOG_LIMIT
        && let Ok(mut mover) = shared.mover.try_lock()
        && let Err(e) = mover.pass(shared)
    {
        eprintln!("moving click rows failed ({e}); they stay in the journal");
    }
}

impl ClickJournal {
    /// Returns once every row appended before the call is in SQLite.
    pub(super) fn wait_moved(&self) {
        let shared = &*self.shared;
        let target = shared.appended.load(Ordering::SeqCst);
        if shared.moved.load(Ordering::SeqCst) >= target {
            return;
        }
        let mut mover = lock(&shared.mover);
        while shared.moved.load(Ordering::SeqCst) < target {
            match mover.pass(shared) {
                Ok(0) => {
                    // The rows are counted, so they are in the file: not reached only if the
                    // file was changed under us.
                    eprintln!("click rows counted but not in the journal");
                    return;
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("moving click rows failed ({e}); reading without them");
                    return;
                }
            }
        }
    }
}

impl Drop for ClickJournal {
    /// Moves what is left and empties the journal.
    fn drop(&mut self) {
        *lock(&self.shared.stopping) = true;
        self.shared.wake.notify_one();
        if let Some(background) = self.background.take() {
            let _ = background.join();
        }
    }
}
