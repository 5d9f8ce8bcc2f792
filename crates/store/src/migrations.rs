//! The embedded migrations of both backends.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, StoreError};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Applies the pending migrations of the connection's backend.
pub fn run(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    run_until(conn, None)
}

/// Applies the pending migrations whose version is at most `last` (a
/// folder's date, such as `2026-11-25-000002`; all of them for `None`), in
/// order: an upgrade can be rehearsed from any earlier schema.
pub fn run_until(conn: &mut DbConnection, last: Option<&str>) -> Result<Vec<String>, StoreError> {
    fn apply<C, DB>(
        conn: &mut C,
        source: EmbeddedMigrations,
        last: Option<&str>,
    ) -> Result<Vec<String>, StoreError>
    where
        DB: diesel::backend::Backend,
        C: MigrationHarness<DB>,
    {
        let failed = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Migration(e.to_string());
        let pending = conn.pending_migrations(source).map_err(failed)?;
        // Versions are the folder names' dates without their dashes.
        let last = last.map(|l| l.replace('-', ""));
        let mut applied = Vec::new();
        for migration in pending {
            let version = migration.name().version().to_string();
            if last.as_deref().is_some_and(|last| version.as_str() > last) {
                break;
            }
            conn.run_migration(&*migration).map_err(failed)?;
            applied.push(migration.name().to_string());
        }
        Ok(applied)
    }
    match conn {
        DbConnection::Sqlite(c) => apply(c, SQLITE, last),
        DbConnection::Pg(c) => apply(c, POSTGRES, last),
    }
}
