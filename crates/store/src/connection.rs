//! Database connections: one enum over both backends, chosen by the URL's
//! scheme (never by trying one and then the other), and pooled with r2d2.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

/// A connection to either backend. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed `RIGHTSDESK_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://relative/path.db` or `sqlite:///absolute/path.db`.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to libpq as given.
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("expected sqlite://PATH or postgres://USER@HOST/DB")]
    UnknownScheme,
    #[error("sqlite:// needs a file path, as in sqlite://data/rightsdesk.db")]
    EmptyPath,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .ok_or(DatabaseUrlError::UnknownScheme)?;
        if path.is_empty() {
            return Err(DatabaseUrlError::EmptyPath);
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one connection and prepares it for use.
    pub fn connect(&self) -> ConnectionResult<DbConnection> {
        match self {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&sqlite_path(path))?;
                // WAL lets readers run beside the one writer; busy_timeout
                // makes a second writer wait instead of failing at once. It
                // comes first: setting the journal mode takes a lock too,
                // and without it a connection opened while another process
                // writes or checkpoints failed with "database is locked".
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA temp_store = MEMORY;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Notices (such as "relation already exists, skipping" from
                // the migration table check) would go to stderr via libpq.
                // Each execution of a prepared statement is planned for its
                // values and the tables as they are now: a generic plan made
                // while a table was small (a desk started empty) would be
                // kept until the next ANALYZE, scanning the table as it
                // grows (the outbox's batch update did, every delivery pass).
                conn.batch_execute(
                    "SET TIME ZONE 'UTC'; SET client_min_messages TO WARNING; \
                     SET plan_cache_mode = force_custom_plan",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Pg(conn))
            }
        }
    }
}

fn sqlite_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Whether the pool's latest attempt to open a connection failed: the
/// pool's [`Manager`] records each attempt, and the store reads it to answer
/// at once that the database is unavailable rather than make every caller
/// wait out the pool's timeout while the server is down.
#[derive(Debug, Clone, Default)]
pub struct LastConnect(Arc<AtomicBool>);

impl LastConnect {
    pub fn failed(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn record(&self, failed: bool) {
        self.0.store(failed, Ordering::Relaxed);
    }
}

/// r2d2's view of [`DatabaseUrl`]: opens connections by scheme (noting
/// whether that worked), and drops the ones that broke.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    last_connect: LastConnect,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            last_connect: LastConnect::default(),
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
        let connected = self.url.connect();
        self.last_connect.record(connected.is_err());
        connected
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection whose last statement found the server gone (or that
    /// was left inside a transaction) is not put back.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// The pool size when none is set: two connections per core of this
/// machine, at least 4 and at most 32. More only queue for the same cores:
/// measured on two cores with the database beside the desk, 16 PostgreSQL
/// connections gave the holds check a p99 of 169 ms where 4 gave 4.7 ms
/// (and more calls per second), because concurrent holds questions are
/// answered together anyway and every extra backend competes for the CPU.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    u32::try_from(cores * 2).unwrap_or(32).clamp(4, 32)
}

/// Builds the pool ([`default_pool_size`] connections unless set).
/// Connections are made when first needed and then kept: no background
/// thread tops the pool up, so none is left half-way through a connection
/// (a TLS handshake, say) when a command exits. A connection is not tested
/// each time it is handed out (that would be a second round trip for every
/// one-query call, like a holds check): one that finds the server gone
/// fails that call and is then dropped ([`Manager::has_broken`]), and idle
/// ones are closed after ten minutes. A pool that cannot open connections
/// keeps trying in the background (at most five seconds apart); the
/// returned [`LastConnect`] tells whether its latest attempt failed.
pub fn build_pool(
    url: &DatabaseUrl,
    max_size: Option<u32>,
) -> Result<(r2d2::Pool<Manager>, LastConnect), r2d2::Error> {
    let manager = Manager::new(url.clone());
    let last_connect = manager.last_connect.clone();
    let pool = r2d2::Pool::builder()
        .max_size(max_size.unwrap_or_else(default_pool_size))
        .min_idle(Some(0))
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)?;
    Ok((pool, last_connect))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pool_follows_the_cores_within_bounds() {
        let size = default_pool_size();
        assert!((4..=32).contains(&size), "{size}");
        assert_eq!(size % 2, 0);
    }

    #[test]
    fn the_scheme_chooses_the_backend() {
        let table = [
            (
                "sqlite://data/rightsdesk.db",
                Ok(DatabaseUrl::Sqlite("data/rightsdesk.db".into())),
            ),
            (
                "sqlite:///var/lib/rd.db",
                Ok(DatabaseUrl::Sqlite("/var/lib/rd.db".into())),
            ),
            (
                "postgres://rd@db/rightsdesk",
                Ok(DatabaseUrl::Postgres("postgres://rd@db/rightsdesk".into())),
            ),
            (
                "postgresql://rd@db/rightsdesk",
                Ok(DatabaseUrl::Postgres("postgresql://rd@db/rightsdesk".into())),
            ),
            ("sqlite://", Err(DatabaseUrlError::EmptyPath)),
            ("data/rightsdesk.db", Err(DatabaseUrlError::UnknownScheme)),
            ("mysql://x@y/z", Err(DatabaseUrlError::UnknownScheme)),
        ];
        for (raw, expected) in table {
            assert_eq!(DatabaseUrl::parse(raw), expected, "{raw}");
        }
    }

    #[test]
    fn a_connection_opened_while_another_holds_the_database_waits_for_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("desk.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).expect("url");
        // Another process's connection, holding the database (as a
        // checkpoint or a closing connection does) for a moment.
        let mut holder = SqliteConnection::establish(&sqlite_path(&path)).expect("holder");
        holder
            .batch_execute("CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);")
            .expect("lock");
        let opening = std::thread::spawn(move || url.connect().map(|_| ()));
        std::thread::sleep(Duration::from_millis(300));
        holder.batch_execute("COMMIT").expect("release");
        opening
            .join()
            .expect("the opening thread")
            .expect("the connection waited for the lock instead of failing");
    }
}
