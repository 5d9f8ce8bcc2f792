//! Persistence: the pool, migrations, transactions, and one module of
//! queries per table family. Every function here runs on SQLite and
//! PostgreSQL alike; the few statements that differ match on the backend.

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod calendar_days;
pub mod catalog;
pub mod connection;
pub mod decisions;
pub mod documents;
mod files;
pub mod grants;
pub mod held_keys;
pub mod holds;
pub mod json_list;
pub mod lifecycle;
pub mod messages;
pub mod migrations;
pub mod notes;
pub mod outbox;
pub mod prepared;
pub mod prolongations;
pub mod queue;
pub mod reminders;
pub mod requests;
pub mod schema;
pub mod service_tokens;
pub mod sessions;
pub mod settings;
mod sqlite_writer;
pub mod staff;
pub mod tasks;
pub mod tx;
pub mod types;
pub mod verification;
pub mod webhooks;

use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

pub use connection::{Backend, DatabaseUrl, DbConnection};
pub use tx::{Effects, Tx};

use domain::lifecycle::TransitionError;

/// What can go wrong in the store. Domain refusals travel through it so
/// that a refused transition rolls its transaction back like any error.
/// Only `NotFound`, `Transition` and `Conflict` concern what a person did;
/// every other variant is an internal failure and is never shown as theirs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the request changed since it was read; reload it and try again")]
    Conflict,
    /// A broken invariant: something the calling code should have
    /// prevented (an exhausted reference counter, an unknown category id).
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// The transaction a write joined failed to commit (on SQLite, a
    /// write shares its commit with the writes queued beside it).
    #[error("the transaction could not be committed: {0}")]
    Commit(String),
    #[error("database unavailable: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("could not connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("encryption failed: {0}")]
    Crypto(String),
}

impl StoreError {
    /// Whether this is the database's absence rather than a fault in what
    /// was asked: no connection could be had, or the one in use was lost
    /// (the server stopped, restarted or dropped it). Worth answering
    /// "unavailable, try again in a moment".
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Pool(_) | StoreError::Connection(_) => true,
            StoreError::Database(e) => connection_lost(e),
            _ => false,
        }
    }

    /// The database's absence told again, from its text (to each of the
    /// callers one failed lookup answers).
    pub fn unavailable(text: String) -> Self {
        StoreError::Connection(diesel::ConnectionError::BadConnection(text))
    }
}

/// Whether a statement failed because its connection is gone.
fn connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::RollbackErrorOnCommit { commit_error, .. } => connection_lost(commit_error),
        _ => false,
    }
}

/// Why a transaction failed: the caller's own error, or the database's
/// (which diesel's transaction needs to be able to make); so callers need
/// to convert only from [`StoreError`].
enum Failed<E> {
    Caller(E),
    Store(StoreError),
}

impl<E> From<diesel::result::Error> for Failed<E> {
    fn from(e: diesel::result::Error) -> Self {
        Failed::Store(StoreError::Database(e))
    }
}

impl<E> From<StoreError> for Failed<E> {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

impl<E: From<StoreError>> Failed<E> {
    fn into_caller(self) -> E {
        match self {
            Failed::Caller(e) => e,
            Failed::Store(e) => E::from(e),
        }
    }
}

/// Makes the write transactions that call this with the same `key` take
/// turns from here to their commit, on every instance: what a check reads
/// (how many emails an address was sent, how many codes were tried) stays
/// true until the transaction that relied on it has committed. PostgreSQL
/// takes a transaction-scoped advisory lock on the key's hash; SQLite's
/// writers take turns anyway.
pub fn serialise(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    if let DbConnection::Pg(c) = conn {
        // Prepared prepared: intake and verification run it on every call.
        prepared::prepared(
            "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
            ((diesel::sql_types::Text, key),),
        )
        .execute(c)?;
    }
    Ok(())
}

/// A new id: a UUID v7, which sorts by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub type PooledConnection = r2d2::PooledConnection<connection::Manager>;

/// How often a call waiting for a connection looks whether the database
/// has been found down.
const DOWN_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

/// The database behind the desk.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<connection::Manager>,
    /// Whether the pool's latest attempt to open a connection failed.
    last_connect: connection::LastConnect,
    backend: Backend,
    /// SQLite has one writer at a time: this instance's writes queue here
    /// (each woken in turn) rather than poll the database's lock, and
    /// share commits ([`sqlite_writer`]). None on PostgreSQL.
    writer: Option<Arc<sqlite_writer::SqliteWriter>>,
    url: DatabaseUrl,
    /// The identifier keys that may have an active hold
    /// ([`held_keys`]).
    pub held: held_keys::HeldKeys,
}

impl Store {
    /// Opens the pool (creating the SQLite file and its folder, private to
    /// the desk's user, if needed). Does not migrate: call [`Store::migrate`].
    pub fn open(url: &DatabaseUrl, max_connections: Option<u32>) -> Result<Self, StoreError> {
        if let DatabaseUrl::Sqlite(path) = url {
            files::private_database(path).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot make the database file {} private: {e}",
                    path.display()
                ))
            })?;
        }
        // Fail at once with the connection's own error (a refused TLS-less
        // connection, a wrong password) rather than after a pool timeout.
        url.connect()?;
        let (pool, last_connect) = connection::build_pool(url, max_connections)?;
        let writer = match url.backend() {
            Backend::Sqlite => Some(Arc::new(sqlite_writer::SqliteWriter::new(url.clone()))),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            last_connect,
            backend: url.backend(),
            writer,
            url: url.clone(),
            held: held_keys::HeldKeys::default(),
        })
    }

    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts keeping [`Store::held`] in step with the database (for a
    /// serving instance; until it has read the database, and without it,
    /// every holds question goes to the database).
    pub fn follow_holds(&self) -> std::io::Result<()> {
        self.held.follow(self.url.clone())
    }

    /// A connection from the pool, waiting for one up to the pool's
    /// timeout — unless the database is down: once every connection the
    /// pool had is gone and its latest attempt to open one failed, callers
    /// are told at once (the pool keeps trying in the background, and its
    /// first new connection ends this), rather than each waiting out the
    /// timeout while requests pile up.
    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        let deadline = std::time::Instant::now() + self.pool.connection_timeout();
        loop {
            if self.last_connect.failed() && self.pool.state().connections == 0 {
                return self
                    .pool
                    .try_get()
                    .ok_or_else(|| StoreError::unavailable("the database refuses connections".to_owned()));
            }
            // Waits in short turns, so a wait begun before the database
            // was found down ends soon after.
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.pool.get_timeout(left.min(DOWN_CHECK)) {
                Ok(conn) => return Ok(conn),
                Err(e) if left <= DOWN_CHECK => return Err(e.into()),
                Err(_) => {}
            }
        }
    }

    /// An idle connection, if the pool has one now (never waits).
    pub fn try_conn(&self) -> Option<PooledConnection> {
        self.pool.try_get()
    }

    /// Applies pending migrations; returns the names applied.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let applied = migrations::run(&mut *self.conn()?)?;
        self.write(|tx| requests::index_unindexed_names(tx))?;
        self.prepare_references(chrono::Utc::now().naive_utc())?;
        Ok(applied)
    }

    /// Readies the numbering of references for the year of `now` and the
    /// next (see [`requests::prepare_references`]).
    pub fn prepare_references(&self, now: chrono::NaiveDateTime) -> Result<(), StoreError> {
        use chrono::Datelike;
        let year = now.year();
        requests::prepare_references(&mut *self.conn()?, &[year, year + 1])
    }

    /// Keeps the query planner's statistics current. SQLite keeps none of
    /// its own: `PRAGMA optimize` analyses the tables whose statistics are
    /// missing or stale (within a bounded effort), as SQLite's documentation
    /// advises at start and then periodically. PostgreSQL's autovacuum does
    /// this by itself.
    pub fn optimize(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            self.conn()?
                .batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
        }
        Ok(())
    }

    /// Answers when the database does (for /readyz).
    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn()?.batch_execute("SELECT 1")?;
        Ok(())
    }

    /// Runs `f` in a read-only transaction: one consistent snapshot, so a
    /// page built from several queries never mixes two states. On
    /// PostgreSQL the transaction is `REPEATABLE READ, READ ONLY`; on SQLite
    /// (WAL) a read transaction sees the database as of its first read.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read_as(f)
    }

    /// [`Store::read`] for callers with their own error type.
    pub fn read_as<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.conn()?;
        (*conn)
            .transaction(|conn| {
                if let DbConnection::Pg(pg) = conn {
                    // Must be the transaction's first statement.
                    pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
                }
                f(conn).map_err(Failed::Caller)
            })
            .map_err(Failed::into_caller)
    }

    /// Runs `f` in a write transaction that may append audit events.
    /// Everything `f` does commits together or not at all, and the events
    /// it appends join the chain in that commit, in order, never forked:
    ///
    /// - on PostgreSQL the events wait in memory while `f` runs, and the
    ///   chain's head row is locked only at the end, just before commit —
    ///   so concurrent writers run side by side and queue only for the few
    ///   statements that extend the chain (a transaction without events
    ///   does not queue at all);
    /// - on SQLite, which writes one transaction at a time anyway, this
    ///   instance's writes take turns on one connection (served in turn
    ///   instead of polling the database's lock), each in its own
    ///   savepoint, and the writes queued together share one commit
    ///   ([`sqlite_writer`]); `f`'s events are chained at the end of its
    ///   savepoint, after those of the writes before it.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.write_as(f)
    }

    /// A write that appends no audit event — the outbox's and webhooks'
    /// own bookkeeping (claims, attempts, pruning). On SQLite it takes its
    /// turn with every other write of this instance: a statement run
    /// outside the turn would take the database's lock on its own, and a
    /// writer in its turn would then wait for it by polling the busy
    /// timeout while the others queue behind it.
    pub fn bookkeeping<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &self.writer {
            Some(writer) => writer.run(f),
            None => (*self.conn()?).transaction(f),
        }
    }

    /// [`Store::write`] for callers with their own error type.
    pub fn write_as<T, E>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with_effects(f).map(|(value, _)| value)
    }

    /// [`Store::write_as`], also telling what the committed transaction
    /// left for the jobs to do.
    pub fn write_with_effects<T, E>(
        &self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, E>,
    ) -> Result<(T, Effects), E>
    where
        E: From<StoreError>,
    {
        let mut changing = Vec::new();
        let write = |conn: &mut DbConnection| -> Result<(T, Effects), Failed<E>> {
            let mut tx = Tx::new(conn);
            let value = f(&mut tx).map_err(Failed::Caller)?;
            let events = tx.take_events();
            audit::chain(&mut tx, events)?;
            // Known before the commit, so no answer after it misses them.
            changing = tx.take_hold_keys();
            if !changing.is_empty() {
                self.held.changing(&changing);
                held_keys::announce(&mut tx, &changing)?;
            }
            Ok((value, tx.effects()))
        };
        let result = match &self.writer {
            Some(writer) => writer.run(write),
            None => match self.conn() {
                Ok(mut conn) => (*conn).transaction(write),
                Err(e) => Err(Failed::Caller(E::from(e))),
            },
        };
        if !changing.is_empty() {
            self.held.settled(&changing);
        }
        result.map_err(Failed::into_caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn failed(kind: DatabaseErrorKind) -> Error {
        Error::DatabaseError(
            kind,
            Box::new("server closed the connection unexpectedly".to_owned()),
        )
    }

    #[test]
    fn a_lost_connection_is_unavailability_and_a_refused_statement_is_not() {
        let lost = [
            StoreError::Database(failed(DatabaseErrorKind::ClosedConnection)),
            StoreError::Database(failed(DatabaseErrorKind::UnableToSendCommand)),
            StoreError::Database(Error::RollbackErrorOnCommit {
                rollback_error: Box::new(failed(DatabaseErrorKind::ClosedConnection)),
                commit_error: Box::new(failed(DatabaseErrorKind::ClosedConnection)),
            }),
            StoreError::unavailable("the database refuses connections".to_owned()),
        ];
        for error in &lost {
            assert!(error.is_unavailable(), "{error}");
        }
        let refused = [
            StoreError::Database(failed(DatabaseErrorKind::UniqueViolation)),
            StoreError::Database(failed(DatabaseErrorKind::SerializationFailure)),
            StoreError::Database(Error::NotFound),
            StoreError::Invalid("an unknown category id".to_owned()),
            StoreError::Conflict,
        ];
        for error in &refused {
            assert!(!error.is_unavailable(), "{error}");
        }
    }
}
