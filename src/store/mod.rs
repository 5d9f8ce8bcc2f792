//! Persistence: the pool, migrations, transactions, and one module of
//! queries per table family. Every function here runs on SQLite and
//! PostgreSQL alike; the few statements that differ match on the backend.

pub mod audit;
pub mod casework;
pub mod catalog;
pub mod connection;
pub mod documents;
pub mod holds;
pub mod lifecycle;
pub mod messages;
pub mod migrations;
pub mod outbox;
pub mod queue;
pub mod requests;
pub mod schema;
pub mod service_tokens;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod tasks;
pub mod types;
pub mod verification;
pub mod webhooks;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

pub use connection::{Backend, DatabaseUrl, DbConnection};

use crate::domain::lifecycle::TransitionError;

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

/// A new id: a UUID v7, which sorts by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub type PooledConnection = r2d2::PooledConnection<connection::Manager>;

/// The database behind the desk.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<connection::Manager>,
    backend: Backend,
}

impl Store {
    /// Opens the pool (creating the SQLite file's folder if needed). Does
    /// not migrate: call [`Store::migrate`].
    pub fn open(url: &DatabaseUrl, max_connections: Option<u32>) -> Result<Self, StoreError> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot create the database folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
        // Fail at once with the connection's own error (a refused TLS-less
        // connection, a wrong password) rather than after a pool timeout.
        url.connect()?;
        let pool = connection::build_pool(url, max_connections)?;
        Ok(Self {
            pool,
            backend: url.backend(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations; returns the names applied.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let applied = migrations::run(&mut *self.conn()?)?;
        self.write(requests::index_unindexed_names)?;
        Ok(applied)
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
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        (*conn).transaction(|conn| {
            if let DbConnection::Pg(pg) = conn {
                // Must be the transaction's first statement.
                pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            }
            f(conn)
        })
    }

    /// Runs `f` in a write transaction that may append audit events: the
    /// audit chain's head is locked first, so audited writes are applied one
    /// at a time on every backend and the chain never forks. Everything `f`
    /// does commits together or not at all.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_as(f)
    }

    /// [`Store::write`] for callers with their own error type.
    pub fn write_as<T, E>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        (*conn).transaction(|conn| {
            audit::lock_head(conn)?;
            f(conn)
        })
    }
}
