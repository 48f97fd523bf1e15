//! Moving the journal's rows into SQLite: the background thread, and the passes that it, a
//! query waiting for rows, or an overloaded redirect make.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;
use std::sync::PoisonError;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params_from_iter};

use super::{JournalError, Shared, lock};
use crate::clicks::ClickRecord;
use crate::native::database::bind;

/// The most rows one transaction (one pass) takes.
const BATCH: usize = 2_000;
/// How much of the journal a pass reads at most.
const READ_CHUNK: u64 = 1 << 20;
/// Once this much of the journal has been moved, it is emptied.
const SHRINK_AT: u64 = 4 << 20;
/// The background thread moves rows once redirects leave a quiet moment this long (a burst
/// is answered first, its rows moved after it), and a transaction then takes many rows.
const QUIET: Duration = Duration::from_millis(20);
/// ... or once rows have waited this long, quiet or not.
const MAX_DEFER: Duration = Duration::from_secs(30);
/// How long the background thread waits before trying again when SQLite refused a batch.
const RETRY_AFTER: Duration = Duration::from_millis(200);

/// Lowers the calling thread's priority (nice 19), so moving rows takes only the time the
/// answers leave.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
        eprintln!("the click mover runs at normal priority: {e}");
    }
}

pub(super) fn run_in_background(shared: &Shared) {
    lower_priority();
    loop {
        let stopping = wait_for_rows(shared);
        // Until every row appended so far is moved (queries may take the mover in between).
        while shared.moved.load(Ordering::SeqCst) < shared.appended.load(Ordering::SeqCst) {
            let result = lock(&shared.mover).pass(shared);
            match result {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("moving click rows failed ({e}); they stay in the journal");
                    if stopping {
                        return;
                    }
                    std::thread::sleep(RETRY_AFTER);
                }
            }
        }
        let mut mover = lock(&shared.mover);
        if stopping {
            if let Err(e) = mover.move_all_and_empty(shared) {
                eprintln!("the click journal keeps its rows for the next start: {e}");
            }
            return;
        }
        if mover.offset >= SHRINK_AT
            && let Err(e) = mover.move_all_and_empty(shared)
        {
            eprintln!("cannot empty the click journal: {e}");
        }
    }
}

/// Sleeps until rows were appended or the journal stops, then until a quiet moment (or
/// [`MAX_DEFER`]); whether it stops.
fn wait_for_rows(shared: &Shared) -> bool {
    let pending = || shared.appended.load(Ordering::SeqCst) > shared.moved.load(Ordering::SeqCst);
    let mut stopping = lock(&shared.stopping);
    loop {
        if *stopping {
            return true;
        }
        if pending() {
            break;
        }
        shared.idle.store(true, Ordering::SeqCst);
        // An append between the check and the flag would not wake us: look again.
        if pending() {
            shared.idle.store(false, Ordering::SeqCst);
            break;
        }
        stopping = shared
            .wake
            .wait(stopping)
            .unwrap_or_else(PoisonError::into_inner);
    }
    let deadline = Instant::now() + MAX_DEFER;
    let mut seen = shared.appended.load(Ordering::SeqCst);
    while !*stopping && Instant::now() < deadline {
        stopping = shared
            .wake
            .wait_timeout(stopping, QUIET)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        let now = shared.appended.load(Ordering::SeqCst);
        if now == seen {
            break;
        }
        seen = now;
    }
    *stopping
}

/// What one transaction moved.
#[derive(Debug, Default)]
pub(super) struct Moved {
    /// Whole lines consumed (stored, or skipped as unreadable).
    pub(super) rows: u64,
    /// Their bytes.
    pub(super) bytes: usize,
}

/// Moves up to [`BATCH`] whole lines from the start of `bytes` into SQLite, in one
/// transaction; a torn last line stays.
pub(super) fn move_rows(conn: &mut Connection, bytes: &[u8]) -> rusqlite::Result<Moved> {
    let mut moved = Moved::default();
    let tx = conn.transaction()?;
    for line in bytes.split_inclusive(|b| *b == b'\n').take(BATCH) {
        let Some(line) = line.strip_suffix(b"\n") else {
            break;
        };
        moved.rows += 1;
        moved.bytes += line.len() + 1;
        let click = match serde_json::from_slice::<ClickRecord>(line) {
            Ok(click) => click,
            Err(e) => {
                eprintln!(
                    "click row lost: unreadable journal line ({e}): {}",
                    String::from_utf8_lossy(line)
                );
                continue;
            }
        };
        for statement in crate::store::clicks::insert(click) {
            if let Err(e) = tx
                .prepare_cached(statement.sql)?
                .execute(params_from_iter(bind(&statement.params)))
            {
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                    // This row can never be stored; the others still are.
                    eprintln!("click row lost: {e}");
                } else {
                    return Err(e);
                }
            }
        }
    }
    tx.commit()?;
    Ok(moved)
}

/// Reads the journal and moves its rows: its SQLite connection and its place in the file.
#[derive(Debug)]
pub(super) struct Mover {
    path: PathBuf,
    conn: Connection,
    reader: File,
    /// Read from the journal, not yet moved (a torn last line waits for its end).
    unread: Vec<u8>,
    /// Bytes of the journal moved.
    offset: u64,
}

impl Mover {
    pub(super) fn new(path: PathBuf, conn: Connection, reader: File) -> Mover {
        Mover {
            path,
            conn,
            reader,
            unread: Vec::new(),
            offset: 0,
        }
    }

    fn io(&self, source: std::io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Moves the next batch of rows; how many.
    pub(super) fn pass(&mut self, shared: &Shared) -> Result<u64, JournalError> {
        if !self.unread.contains(&b'\n') || self.unread.len() < READ_CHUNK as usize / 2 {
            let read = (&mut self.reader)
                .take(READ_CHUNK)
                .read_to_end(&mut self.unread);
            if let Err(e) = read {
                return Err(self.io(e));
            }
        }
        let moved = move_rows(&mut self.conn, &self.unread)?;
        self.unread.drain(..moved.bytes);
        self.offset += moved.bytes as u64;
        shared.moved.fetch_add(moved.rows, Ordering::SeqCst);
        Ok(moved.rows)
    }

    /// Moves the rest of the journal and empties it, appends held back meanwhile.
    fn move_all_and_empty(&mut self, shared: &Shared) -> Result<(), JournalError> {
        let file = lock(&shared.file);
        while self.pass(shared)? > 0 {}
        if !self.unread.is_empty() {
            // A torn line with no append in progress: nothing will complete it.
            eprintln!(
                "click row lost: a torn journal line ({} bytes)",
                self.unread.len()
            );
            self.unread.clear();
        }
        file.set_len(0).map_err(|e| self.io(e))?;
        if let Err(e) = self.reader.seek(SeekFrom::Start(0)) {
            return Err(self.io(e));
        }
        self.offset = 0;
        Ok(())
    }
}
