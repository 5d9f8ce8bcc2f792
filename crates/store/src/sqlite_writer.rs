//! SQLite's writer, with group commit. SQLite writes one transaction at a
//! time, and most of a small transaction's cost is its commit: the pages it
//! touched are appended to the write-ahead log once per commit. So this
//! instance's writes run in turn on one connection, and while others are
//! waiting for their turn the transaction stays open: each write runs in
//! its own savepoint inside it, and the last one waiting commits them all.
//! A write returns only once its batch has committed; one that fails rolls
//! back its savepoint alone, returns at once, and ends the batch (its
//! predecessors commit). Pages the writes share (the audit chain's head,
//! the last leaf of each table and index) reach the log once per batch
//! instead of once per write.
//!
//! A batch grows only while writers are already queued, so an idle desk
//! commits each write at once; and it stops at [`MAX_BATCH`] writes, so no
//! write waits behind more than that many others.
//!
//! Checkpoints (copying the log's pages back into the database file, and
//! syncing it) run beside the writes, not in their turn: SQLite runs one
//! on the committing connection whenever the log passes 1,000 pages, which
//! would stop every writer while it copies and syncs. A thread of the
//! writer's own, with its own connection, checkpoints what has been
//! committed every [`CHECKPOINT_EVERY`] while writes come in (a passive
//! checkpoint: it waits for no reader or writer), so the log is restarted
//! from its beginning at the first batch that finds it all copied. The
//! writer's connection still checkpoints itself if the log ever reaches
//! [`WRITER_CHECKPOINT_PAGES`] (the thread cannot start, or cannot keep
//! up); most of it is copied by then.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::ThreadId;
use std::time::Duration;

use diesel::connection::{Connection, SimpleConnection, TransactionManager};

use super::connection::{DatabaseUrl, DbConnection};
use super::{StoreError, audit};

/// The most writes one commit carries.
pub const MAX_BATCH: usize = 32;

/// How often the checkpoint thread copies what was committed since.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// The log's length (pages) at which the writer's connection checkpoints
/// itself; SQLite's default, without the thread.
const WRITER_CHECKPOINT_PAGES: u32 = 10_000;

type Manager = <DbConnection as Connection>::TransactionManager;

pub(super) struct SqliteWriter {
    url: DatabaseUrl,
    turn: Mutex<Turn>,
    /// The thread whose write holds the turn: the same thread asking for
    /// it again (a write begun inside another) would wait for itself.
    holder: Mutex<Option<ThreadId>>,
    /// Writers waiting for the turn: while there are any, the batch stays
    /// open for them.
    queued: AtomicUsize,
    outcomes: Mutex<Outcomes>,
    settled: Condvar,
    /// Batches committed, counted for the checkpoint thread (which ends
    /// when this is dropped); `None` if the thread could not start.
    commits: Option<Arc<AtomicU64>>,
}

#[derive(Default)]
struct Turn {
    /// Opened when first needed, dropped (and so rolled back) when broken.
    conn: Option<DbConnection>,
    open: Option<Batch>,
    last_batch: u64,
}

struct Batch {
    id: u64,
    /// Writes run in this batch so far.
    writes: usize,
    /// Writes that succeeded and wait for the batch's commit.
    waiting: usize,
}

#[derive(Default)]
struct Outcomes {
    /// Batches are settled in order: every batch up to this one is.
    settled_through: u64,
    /// Why a batch failed, and how many of its writers have yet to hear.
    failed: HashMap<u64, (String, usize)>,
}

impl SqliteWriter {
    pub(super) fn new(url: DatabaseUrl) -> Self {
        let commits = Arc::new(AtomicU64::new(0));
        let (behind, counted) = (url.clone(), Arc::downgrade(&commits));
        let started = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_behind(behind, counted));
        let commits = match started {
            Ok(_) => Some(commits),
            Err(error) => {
                tracing::warn!(%error, "no checkpoint thread: the writer checkpoints in its turn");
                None
            }
        };
        Self {
            url,
            turn: Mutex::new(Turn::default()),
            holder: Mutex::new(None),
            queued: AtomicUsize::new(0),
            outcomes: Mutex::new(Outcomes::default()),
            settled: Condvar::new(),
            commits,
        }
    }

    /// The writer's connection: with the checkpoint thread running, it
    /// checkpoints itself only when the log is long.
    fn connect(&self) -> Result<DbConnection, StoreError> {
        let mut conn = self.url.connect()?;
        if self.commits.is_some() {
            conn.batch_execute(&format!("PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}"))?;
        }
        Ok(conn)
    }

    /// Runs `write` in its turn, inside the open batch's transaction (or a
    /// new one), and returns once what it wrote is committed.
    pub(super) fn run<T, E>(&self, write: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let me = std::thread::current().id();
        if *self.holder.lock().unwrap_or_else(PoisonError::into_inner) == Some(me) {
            return Err(StoreError::Invalid(
                "a write transaction was begun inside another on the same thread".into(),
            )
            .into());
        }
        self.queued.fetch_add(1, Ordering::SeqCst);
        let turn = self.turn.lock().unwrap_or_else(PoisonError::into_inner);
        self.queued.fetch_sub(1, Ordering::SeqCst);
        *self.holder.lock().unwrap_or_else(PoisonError::into_inner) = Some(me);
        let mut turn = InTurn { turn, writer: self };
        let (batch, conn) = turn.batch()?;
        let result = conn.transaction(write);
        let open = turn.turn.open.as_mut().ok_or_else(|| lost(batch))?;
        open.writes += 1;
        let more = self.queued.load(Ordering::SeqCst) > 0;
        if result.is_ok() && more && open.writes < MAX_BATCH {
            open.waiting += 1;
            drop(turn);
            return match self.outcome(batch) {
                Ok(()) => result,
                Err(why) => Err(StoreError::Commit(why).into()),
            };
        }
        let committed = turn.end(result.is_ok());
        drop(turn);
        match (result, committed) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(e)) => Err(e.into()),
            (Err(e), _) => Err(e),
        }
    }

    /// Waits until `batch` is settled: committed, or failed (and why).
    fn outcome(&self, batch: u64) -> Result<(), String> {
        let mut outcomes = self.outcomes.lock().unwrap_or_else(PoisonError::into_inner);
        while outcomes.settled_through < batch {
            outcomes = self
                .settled
                .wait(outcomes)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let Some((why, unheard)) = outcomes.failed.get_mut(&batch) else {
            return Ok(());
        };
        let why = why.clone();
        *unheard -= 1;
        if *unheard == 0 {
            outcomes.failed.remove(&batch);
        }
        Err(why)
    }

    fn settle(&self, batch: u64, waiting: usize, outcome: Result<(), String>) {
        let mut outcomes = self.outcomes.lock().unwrap_or_else(PoisonError::into_inner);
        outcomes.settled_through = batch;
        if let Err(why) = outcome
            && waiting > 0
        {
            outcomes.failed.insert(batch, (why, waiting));
        }
        self.settled.notify_all();
    }
}

/// The checkpoint thread: every [`CHECKPOINT_EVERY`], if batches were
/// committed since it last looked, a passive checkpoint on its own
/// connection. Ends once the writer is dropped.
fn checkpoint_behind(url: DatabaseUrl, commits: Weak<AtomicU64>) {
    let mut conn: Option<DbConnection> = None;
    let mut seen = 0;
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        let Some(now) = commits.upgrade().map(|c| c.load(Ordering::Relaxed)) else {
            return;
        };
        if now == seen {
            continue;
        }
        seen = now;
        let connected = match conn.as_mut() {
            Some(c) => Ok(c),
            None => url.connect().map(|c| conn.insert(c)),
        };
        let done = match connected {
            Ok(c) => c
                .batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = done {
            tracing::warn!(%error, "checkpoint failed; the writer checkpoints itself if the log grows long");
            conn = None;
        }
    }
}

fn lost(batch: u64) -> StoreError {
    StoreError::Commit(format!("the write batch {batch} was abandoned"))
}

/// The turn, held while one write runs. Dropped by a panic in the middle of
/// a batch, it drops the connection (rolling the transaction back) and
/// fails the batch, so its waiting writers hear of it.
struct InTurn<'a> {
    turn: MutexGuard<'a, Turn>,
    writer: &'a SqliteWriter,
}

impl InTurn<'_> {
    /// The open batch and its connection, beginning both if needed. A new
    /// transaction takes the database's writer lock with its first
    /// statement ([`audit::lock_head_early`]).
    fn batch(&mut self) -> Result<(u64, &mut DbConnection), StoreError> {
        let turn = &mut *self.turn;
        if turn.conn.is_none() {
            turn.conn = Some(self.writer.connect()?);
        }
        if turn.open.is_none() {
            let begun = match turn.conn.as_mut() {
                Some(conn) => Manager::begin_transaction(conn)
                    .map_err(StoreError::from)
                    .and_then(|()| audit::lock_head_early(conn)),
                None => Err(StoreError::Invalid("the writer's connection is missing".into())),
            };
            if let Err(e) = begun {
                turn.conn = None;
                return Err(e);
            }
            turn.last_batch += 1;
            turn.open = Some(Batch {
                id: turn.last_batch,
                writes: 0,
                waiting: 0,
            });
        }
        let id = turn.open.as_ref().map_or(0, |b| b.id);
        let conn = turn
            .conn
            .as_mut()
            .ok_or_else(|| StoreError::Invalid("the writer's connection is missing".into()))?;
        Ok((id, conn))
    }

    /// Ends the open batch: commits it, or rolls it back when the write
    /// that ends it failed and no earlier write waits for it. A connection
    /// that fails to commit or roll back is dropped.
    fn end(&mut self, keep: bool) -> Result<(), StoreError> {
        let turn = &mut *self.turn;
        let Some(batch) = turn.open.take() else {
            return Ok(());
        };
        let ended = match turn.conn.as_mut() {
            Some(conn) if keep || batch.waiting > 0 => Manager::commit_transaction(conn),
            Some(conn) => Manager::rollback_transaction(conn),
            None => Err(diesel::result::Error::BrokenTransactionManager),
        };
        if ended.is_err() {
            turn.conn = None;
        } else if let Some(commits) = &self.writer.commits {
            commits.fetch_add(1, Ordering::Relaxed);
        }
        let outcome = ended.as_ref().map(|_| ()).map_err(|e| e.to_string());
        self.writer.settle(batch.id, batch.waiting, outcome);
        Ok(ended?)
    }
}

impl Drop for InTurn<'_> {
    fn drop(&mut self) {
        *self.writer.holder.lock().unwrap_or_else(PoisonError::into_inner) = None;
        if std::thread::panicking()
            && let Some(batch) = self.turn.open.take()
        {
            self.turn.conn = None;
            self.writer.settle(
                batch.id,
                batch.waiting,
                Err("a write in the same batch panicked".into()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    /// Rows of `t` in the database file alone, as if its log were lost:
    /// what checkpoints have copied there (`None` before the table is).
    fn rows_in_file(path: &std::path::Path, copy: &std::path::Path) -> Option<i64> {
        std::fs::copy(path, copy).ok()?;
        let mut conn = SqliteConnection::establish(&copy.to_string_lossy()).ok()?;
        let count = diesel::sql_query("SELECT count(*) AS n FROM t").get_result::<Count>(&mut conn);
        count.ok().map(|c| c.n)
    }

    /// Nothing checkpoints in the writes' turn (the log is far below the
    /// writer's own threshold), yet what they commit reaches the database
    /// file: the checkpoint thread copies it there.
    #[test]
    fn committed_writes_reach_the_database_file_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("writes.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
        // The tables, checkpointed into the file by this connection's close.
        url.connect()
            .unwrap()
            .batch_execute(
                "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL); \
                 INSERT INTO audit_head VALUES (1, 0, ''); CREATE TABLE t (n INTEGER);",
            )
            .unwrap();
        let copy = dir.path().join("copy.db");
        assert_eq!(rows_in_file(&path, &copy), Some(0));
        let writer = SqliteWriter::new(url);
        for n in 0..10 {
            writer
                .run(|conn| -> Result<(), StoreError> {
                    Ok(conn.batch_execute(&format!("INSERT INTO t VALUES ({n})"))?)
                })
                .unwrap();
        }
        let start = Instant::now();
        while rows_in_file(&path, &copy) != Some(10) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the database file holds {:?} rows of 10 committed",
                rows_in_file(&path, &copy)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
