//! The native backend's stand-in for the edge's click Queue: request threads hand over click
//! rows; one writer thread, on its own connection, commits whatever has arrived in one
//! transaction (up to [`BATCH`] rows), so a burst of redirects costs a few commits instead of
//! one per click (group commit). The redirect is answered only once its row's commit is done
//! (the server awaits [`Committed`] without holding a thread): a click the visitor was sent on
//! with is on disk, even if the process is killed the next instant. Dropping the writer writes
//! what is still waiting.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use rusqlite::{Connection, params_from_iter};

use super::database::bind;
use crate::clicks::ClickRecord;

/// The most rows one transaction takes (a Queue batch is at most 100; SQLite takes more).
const BATCH: usize = 500;

/// A row and who waits for its commit.
type Pending = (ClickRecord, oneshot::Sender<()>);

/// Resolves when the row is committed (or reported lost, in the log).
pub(crate) type Committed = oneshot::Receiver<()>;

#[derive(Debug)]
pub(super) struct ClickWriter {
    sender: Option<Sender<Pending>>,
    thread: Option<JoinHandle<()>>,
}

fn write(conn: &mut Connection, batch: &[Pending]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (click, _) in batch {
        let statement = click.statement();
        tx.prepare_cached(statement.sql)?
            .execute(params_from_iter(bind(&statement.params)))?;
    }
    tx.commit()
}

fn run(mut conn: Connection, receiver: &Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    // Blocks for the first row; then takes what else has already arrived.
    while let Ok(first) = receiver.recv() {
        batch.push(first);
        while batch.len() < BATCH {
            match receiver.try_recv() {
                Ok(click) => batch.push(click),
                Err(_) => break,
            }
        }
        if let Err(e) = write(&mut conn, &batch) {
            // The rows are idempotent inserts: try them one by one, so one bad row cannot
            // take the others with it.
            eprintln!(
                "click batch of {} failed ({e}); writing rows one by one",
                batch.len()
            );
            for click in &batch {
                if let Err(e) = write(&mut conn, std::slice::from_ref(click)) {
                    eprintln!("click row lost: {e}");
                }
            }
        }
        // Committed (or reported lost): the request threads may answer now.
        for (_, done) in batch.drain(..) {
            let _ = done.send(());
        }
    }
}

impl ClickWriter {
    pub(super) fn start(path: &Path) -> rusqlite::Result<ClickWriter> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let (sender, receiver) = channel();
        let thread = std::thread::Builder::new()
            .name("click-writer".into())
            .spawn(move || run(conn, &receiver))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(ClickWriter {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Hands `click` to the writer; the answer resolves when its transaction is committed.
    pub(super) fn send(&self, click: ClickRecord) -> Committed {
        let (done, committed) = oneshot::channel();
        match &self.sender {
            Some(sender) => {
                if let Err(e) = sender.send((click, done)) {
                    eprintln!("click row lost: the writer has stopped ({e})");
                }
            }
            None => eprintln!("click row lost: the writer has stopped"),
        }
        committed
    }
}

impl Drop for ClickWriter {
    fn drop(&mut self) {
        // Closing the channel ends the writer once everything sent is written.
        self.sender = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
