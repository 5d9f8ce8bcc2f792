//! A fresh database per test, on the backend this run tests; what a test
//! reads from it directly; and the environment for running the binary
//! against it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use auth::keys::SecretKey;
use diesel::Connection;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use store::types::Wire;
use store::{self, DatabaseUrl, DbConnection, Store};

use super::TestApp;

/// Which backend this run of the suite tests.
pub fn backend_name() -> String {
    std::env::var("RIGHTSDESK_TEST_BACKEND").unwrap_or_else(|_| "sqlite".to_owned())
}

/// A database that exists for one test. On PostgreSQL it is cloned from a
/// template migrated once per cluster, and dropped when the test ends.
pub struct TestDb {
    pub url: DatabaseUrl,
    pub url_string: String,
    /// Keeps the SQLite file's folder alive.
    _dir: tempfile::TempDir,
    pub dir: PathBuf,
    /// The PostgreSQL server and database name, to drop it at the end.
    pg: Option<(String, String)>,
}

/// The PostgreSQL server of this run (`RIGHTSDESK_TEST_PG`), without a
/// trailing slash.
fn pg_server() -> String {
    std::env::var("RIGHTSDESK_TEST_PG")
        .expect("RIGHTSDESK_TEST_PG=postgres://user@host:port is needed for the postgres backend")
        .trim_end_matches('/')
        .to_owned()
}

fn pg_admin(server: &str) -> diesel::PgConnection {
    diesel::PgConnection::establish(&format!("{server}/postgres"))
        .expect("connect to the test PostgreSQL server")
}

/// The name of a database migrated with this checkout's migrations, made
/// once per cluster (under an advisory lock, as test processes race) and
/// then only ever copied.
fn pg_template(server: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .expect("migrations")
            .flat_map(|d| std::fs::read_dir(d.expect("entry").path()).expect("migration"))
            .map(|f| f.expect("file").path())
            .collect();
        files.sort();
        let mut hasher = Sha256::new();
        for file in files {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&file).expect("read migration"));
        }
        let name = format!("rd_template_{}", &hex::encode(hasher.finalize())[..16]);
        let mut admin = pg_admin(server);
        admin
            .batch_execute("SELECT pg_advisory_lock(4711)")
            .expect("lock");
        #[derive(diesel::QueryableByName)]
        struct Found {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let found: Vec<Found> = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'"
        ))
        .load::<Found>(&mut admin)
        .expect("look for the template");
        if found.first().is_none_or(|f| f.n == 0) {
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the template");
            let url = DatabaseUrl::parse(&format!("{server}/{name}")).expect("url");
            let mut conn = url.connect().expect("connect to the template");
            store::migrations::run(&mut conn).expect("migrate the template");
        }
        admin
            .batch_execute("SELECT pg_advisory_unlock(4711)")
            .expect("unlock");
        name
    })
}

impl TestDb {
    /// A database with every migration applied.
    pub fn fresh() -> Self {
        Self::new(true)
    }

    /// A database no migration has touched.
    pub fn empty() -> Self {
        Self::new(false)
    }

    fn new(migrated: bool) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_owned();
        match backend_name().as_str() {
            "postgres" => {
                let server = pg_server();
                let name = format!("rd_test_{}", uuid::Uuid::new_v4().simple());
                let create = if migrated {
                    format!("CREATE DATABASE {name} TEMPLATE {}", pg_template(&server))
                } else {
                    format!("CREATE DATABASE {name}")
                };
                pg_admin(&server)
                    .batch_execute(&create)
                    .expect("create the test database");
                let url_string = format!("{server}/{name}");
                Self {
                    url: DatabaseUrl::parse(&url_string).expect("postgres url"),
                    url_string,
                    _dir: dir,
                    dir: path,
                    pg: Some((server, name)),
                }
            }
            "sqlite" => {
                let url_string = format!("sqlite://{}", path.join("rightsdesk.db").display());
                Self {
                    url: DatabaseUrl::parse(&url_string).expect("sqlite url"),
                    url_string,
                    _dir: dir,
                    dir: path,
                    pg: None,
                }
            }
            other => panic!("unknown RIGHTSDESK_TEST_BACKEND {other:?}"),
        }
    }

    /// A migrated store on this database.
    pub fn store(&self) -> Store {
        let store = Store::open(&self.url, Some(8)).expect("open store");
        store.migrate().expect("migrate");
        store
    }

    /// Runs raw SQL outside the application (to tamper, as an attacker would).
    pub fn execute_raw(&self, sql: &str) -> diesel::QueryResult<()> {
        let mut conn = self.url.connect().expect("connect");
        conn.batch_execute(sql)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.url, DatabaseUrl::Postgres(_))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg {
            // FORCE ends the connections the test's pools still hold.
            if let Ok(mut admin) = diesel::PgConnection::establish(&format!("{server}/postgres")) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Row counts that a refused or rolled-back change must leave alone.
#[derive(Debug, PartialEq, Eq)]
pub struct Footprint {
    pub audit_events: i64,
    pub outbox: i64,
    pub active_holds: i64,
    pub status: RequestStatus,
    pub version: i32,
}

pub fn footprint(store: &Store, request_id: &str) -> Footprint {
    use diesel::prelude::*;
    use store::schema::{email_outbox, holds};
    store
        .read(|conn: &mut DbConnection| {
            let request = store::requests::get(conn, &RequestId::from(request_id.to_owned()))?;
            Ok(Footprint {
                audit_events: store::audit::count(conn)?,
                outbox: email_outbox::table.count().get_result(conn)?,
                active_holds: holds::table
                    .filter(holds::request_id.eq(request_id))
                    .filter(holds::lifted_at.is_null())
                    .count()
                    .get_result(conn)?,
                status: request.status,
                version: request.version,
            })
        })
        .expect("footprint")
}

/// Environment for running the `rightsdesk` binary against a test database.
pub fn cli_env(db: &TestDb) -> HashMap<&'static str, String> {
    HashMap::from([
        ("RIGHTSDESK_DATABASE_URL", db.url_string.clone()),
        ("RIGHTSDESK_DATA_DIR", db.dir.join("data").display().to_string()),
        ("RIGHTSDESK_SECRET_KEY", SecretKey::generate().to_base64()),
        ("RIGHTSDESK_LOG", "warn".to_owned()),
    ])
}

/// The payloads of the audit events of `action` (about `request_id`, when
/// given), oldest first.
pub fn audit_payloads(app: &TestApp, action: &str, request_id: Option<&str>) -> Vec<serde_json::Value> {
    use diesel::prelude::*;
    use store::schema::audit_events;
    let conn = &mut app.store.conn().expect("conn");
    let mut query = audit_events::table
        .filter(
            audit_events::action.eq(Wire(
                action
                    .parse::<domain::audit::AuditAction>()
                    .expect("an audit action"),
            )),
        )
        .into_boxed();
    if let Some(id) = request_id {
        query = query.filter(audit_events::request_id.eq(id));
    }
    query
        .order(audit_events::seq.asc())
        .select(audit_events::payload)
        .load::<String>(conn)
        .expect("events")
        .iter()
        .map(|p| serde_json::from_str(p).expect("json"))
        .collect()
}
