//! A checkpoint: the statement's replay stopped at a moment, so that a statement reads only
//! the entries whose money moved since.

use serde::{Deserialize, Serialize};

use super::statement::{Moves, replay};
use super::{Balance, Entry, Line, Status};

/// A credit still open at a checkpoint: some of it is not paid yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open {
    pub id: String,
    pub left: i64,
    pub paid: i64,
    /// Its status at the checkpoint (payable, or a payout's correction).
    pub status: Status,
}

/// The replay's state once every entry whose money moved before `through` is counted: what
/// a statement starts from, so that it reads only what moved since. Every entry before it
/// has its final status, except the open credits (which payouts may still pay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub through: i64,
    /// The balances so far (nothing is pending: all of it has matured).
    pub balance: Balance,
    /// Credits not fully paid yet, oldest first.
    pub open: Vec<Open>,
    /// Taken back after it was paid, not yet recovered.
    pub owed: i64,
}

impl Checkpoint {
    /// Before the first entry.
    pub fn start() -> Checkpoint {
        Checkpoint {
            through: i64::MIN,
            balance: Balance::default(),
            open: Vec::new(),
            owed: 0,
        }
    }

    /// Moves the checkpoint on to `through` (not before its own): `candidates` holds (at
    /// least) every entry whose money moves from its `through` up to the new one, `known`
    /// the entries they reverse. Returns the new checkpoint, the lines it replayed (with
    /// their statuses) and the open credits whose status changed (paid, or taken back).
    pub fn advance(
        &self,
        candidates: &[Entry],
        known: &[Entry],
        through: i64,
    ) -> (Checkpoint, Vec<Line>, Vec<(String, Status)>) {
        let through = through.max(self.through);
        let moved = Moves::of(candidates, known).select(candidates, self.through..through);
        let (statement, replay) = replay(self, &moved, known, through);
        let open_before = self.open.len();
        let open = replay
            .queue
            .iter()
            .filter(|u| u.left > 0)
            .map(|u| {
                let (id, status) = if u.line < open_before {
                    (self.open[u.line].id.clone(), self.open[u.line].status)
                } else {
                    let line = &moved[u.line - open_before];
                    (
                        line.id.clone(),
                        statement.lines[u.line - open_before].status,
                    )
                };
                Open {
                    id,
                    left: u.left,
                    paid: u.paid,
                    status,
                }
            })
            .collect();
        // The open credits settled since (paid, or taken back).
        let settled = self
            .open
            .iter()
            .zip(&statement.earlier)
            .filter(|(o, (_, now))| *now != o.status)
            .map(|(_, (id, now))| (id.clone(), *now))
            .collect();
        let checkpoint = Checkpoint {
            through,
            balance: Balance {
                pending: 0,
                ..statement.balance
            },
            open,
            owed: replay.owed,
        };
        (checkpoint, statement.lines, settled)
    }
}
