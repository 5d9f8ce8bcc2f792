//! The test harness: a fresh database per test, a running desk on a free
//! port, and an SMTP server on loopback that records what it receives.

#![allow(dead_code)]

use domain::ids::RequestId;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use app::Desk;
use app::clock::{Clock, ManualClock, SystemClock};
use app::config::{Config, ConfigArgs};
use auth::keys::{Keys, SecretKey};
use chrono::NaiveDateTime;
use clap::Parser;
use diesel::Connection;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use domain::actor::Actor;
use domain::identifier::Email;
use domain::jurisdiction::Jurisdiction;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, OnBehalf, RequestKind};
use mailin_embedded::response::{self, Response};
use store::requests::{Created, NewRequest};
use store::{self, DatabaseUrl, DbConnection, Store};
use web::Application;

/// The machine's time, as the store keeps it (for setting data up).
/// Whether `text` has Korean letters (a notice written in Korean).
pub fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

pub fn now() -> NaiveDateTime {
    SystemClock.now()
}

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

/// One email as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct ReceivedEmail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedEmail {
    /// The decoded subject.
    pub fn subject(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }

    /// The decoded HTML part, if the message has one.
    pub fn html(&self) -> Option<String> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .and_then(|m| m.body_html(0).map(|t| t.into_owned()))
    }

    /// The six-digit code in a verification email.
    pub fn code(&self) -> String {
        let text = self.text();
        text.lines()
            .filter_map(|l| l.rsplit_once(": ").map(|(_, v)| v.trim().to_owned()))
            .find(|v| v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in: {text}"))
    }

    /// The path of the first link to `prefix` (`/v/`, `/r/`) in the body.
    pub fn link(&self, prefix: &str) -> String {
        let text = self.text();
        let start = text
            .find(prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in: {text}"));
        text[start..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

#[derive(Clone, Default)]
struct Recorder {
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
    current: Option<ReceivedEmail>,
}

impl mailin_embedded::Handler for Recorder {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(ReceivedEmail {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.inbox.lock().expect("inbox").push(done);
        }
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
}

/// A real SMTP server on loopback that keeps every message it receives.
#[derive(Clone)]
pub struct TestSmtp {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedEmail>>>,
}

impl TestSmtp {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        Self::serve(listener)
    }

    /// A port nothing listens on yet; `start_on` it later.
    pub fn reserve_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }

    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind smtp on the reserved port");
        Self::serve(listener)
    }

    fn serve(listener: TcpListener) -> Self {
        let port = listener.local_addr().expect("addr").port();
        let recorder = Recorder::default();
        let inbox = recorder.inbox.clone();
        let mut server = mailin_embedded::Server::new(recorder);
        server
            .with_name("smtp.test")
            .with_ssl(mailin_embedded::SslConfig::None)
            .expect("ssl config")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(e) = server.serve() {
                eprintln!("test SMTP server stopped: {e}");
            }
        });
        Self { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedEmail> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<ReceivedEmail> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits for the `n`th message to `address` and returns it.
    pub async fn wait_for_to(&self, address: &str, n: usize) -> ReceivedEmail {
        eventually(&format!("email {n} to {address}"), || {
            self.to(address).into_iter().nth(n - 1)
        })
        .await
    }

    /// Waits until at least `n` messages arrived (or panics after 15 s).
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedEmail> {
        eventually("emails to arrive", || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}

/// Polls `check` every 50 ms until it returns Some, for at most 15 s.
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = check() {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Awaits `attempt` every 50 ms until it succeeds, for at most 15 s.
pub async fn eventually_async<T, E, F>(what: &str, mut attempt: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Result<T, E>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(value) = attempt().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Settings for a test desk: test defaults, overridden by `extra` (flag
/// names without the dashes).
pub fn test_config(db: &TestDb, extra: &[(&str, &str)]) -> Config {
    let data_dir = db.dir.join("data").display().to_string();
    let secret = SecretKey::generate().to_base64();
    let mut settings: Vec<(&str, String)> = vec![
        ("database-url", db.url_string.clone()),
        ("bind", "127.0.0.1:0".into()),
        ("data-dir", data_dir),
        ("job-interval", "100ms".into()),
        ("mail-retry-base", "200ms".into()),
        ("rate-limit", "100000".into()),
        ("mail-from", "Rightsdesk Test <privacy@rightsdesk.test>".into()),
        ("secret-key", secret),
    ];
    for (flag, value) in extra {
        settings.retain(|(f, _)| f != flag);
        settings.push((flag, (*value).to_owned()));
    }
    let mut argv: Vec<String> = vec!["rightsdesk".into()];
    for (flag, value) in settings {
        argv.push(format!("--{flag}"));
        argv.push(value);
    }
    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: ConfigArgs,
    }
    Config::from_args(&Wrapper::parse_from(argv).args).expect("valid test config")
}

/// A running desk for one test.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub store: Store,
    pub keys: Keys,
    pub config: Arc<Config>,
    /// The desk the server and jobs run on, with the clock below.
    pub desk: Desk,
    /// The desk's clock: tests move it forward instead of sleeping.
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    /// The server and its jobs, until [`TestApp::stop`] waits for them.
    running: Mutex<Option<tokio::task::JoinHandle<io::Result<()>>>>,
    delivery_passes: Arc<AtomicU64>,
    // Last, so the database outlives the pools above.
    pub db: TestDb,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }

    /// Creates a request directly in the store (the public form comes in
    /// its own module of tests).
    pub fn create_request(&self, kind: RequestKind, email: &str) -> Created {
        create_request(&self.store, &self.keys, kind, email)
    }

    /// Fetches a page and returns its body and the CSRF token of its forms.
    pub async fn page_with_csrf(&self, path: &str) -> (String, String) {
        let body = self.get(path).await.text().await.expect("body");
        let token = csrf_token_in(&body).unwrap_or_else(|| panic!("no csrf token on {path}"));
        (body, token)
    }

    /// Posts a URL-encoded form.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// Posts the request form (multipart) with a fresh CSRF token.
    pub async fn submit_request(
        &self,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>)>,
    ) -> reqwest::Response {
        let (_, token) = self.page_with_csrf("/requests/new").await;
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        if let Some((filename, bytes)) = file {
            form = form.part(
                "authority_document",
                reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned()),
            );
        }
        self.post_multipart("/requests", form).await
    }

    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Stops the server and waits until its background jobs have stopped
    /// too, so that nothing uses the database after the test.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
        let running = self.running.lock().expect("running").take();
        if let Some(running) = running {
            running
                .await
                .expect("the desk panicked")
                .expect("the desk failed");
        }
    }

    /// Waits until no email is left queued and the delivery job has made
    /// `passes` more passes after that: the condition a check that nothing
    /// more arrives can rely on.
    pub async fn settle(&self, passes: u64) {
        let store = self.store.clone();
        eventually("the outbox to empty", || {
            let queued = store::outbox::queued_count(&mut store.conn().expect("conn")).expect("count");
            (queued == 0).then_some(())
        })
        .await;
        let start = self.delivery_passes.load(Ordering::SeqCst);
        self.delivery_passes_reach(start + passes).await;
    }

    /// Waits until the delivery job has finished `n` passes in all.
    pub async fn delivery_passes_reach(&self, n: u64) {
        eventually("delivery passes", || {
            (self.delivery_passes.load(Ordering::SeqCst) >= n).then_some(())
        })
        .await;
    }
}

pub struct SpawnOptions<'a> {
    /// The SMTP URL to send through, or None for file transport.
    pub smtp_url: Option<String>,
    pub extra: Vec<(&'a str, &'a str)>,
}

/// Starts a desk on a fresh database, sending mail to `smtp`.
pub async fn spawn_app(smtp: &TestSmtp) -> TestApp {
    spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: Vec::new(),
    })
    .await
}

pub async fn spawn_app_with(options: SpawnOptions<'_>) -> TestApp {
    let db = TestDb::fresh();
    let mut extra = options.extra.clone();
    let smtp_url = options.smtp_url.clone();
    if let Some(url) = &smtp_url {
        extra.push(("smtp-url", url));
    }
    let config = Arc::new(test_config(&db, &extra));
    let store = db.store();
    let secret = config.load_secret().expect("secret").0;
    let keys = Keys::new(secret);
    let clock = Arc::new(ManualClock::new());
    let desk = Desk::new(
        store.clone(),
        config.clone(),
        Arc::new(keys.clone()),
        clock.clone(),
    );
    let app = Application::build(desk.clone()).expect("build app");
    // Holds questions go to the database until the set of held keys has
    // read it; wait, so that the tests ask the way a running desk answers.
    let started = std::time::Instant::now();
    while !store.held.ready() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the held keys never became ready"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let port = app.port();
    let handle = app.handle();
    let delivery_passes = app.delivery_passes();
    let running = Mutex::new(Some(tokio::spawn(app.run_until_stopped())));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        store,
        keys,
        config,
        desk,
        clock,
        client,
        handle,
        running,
        delivery_passes,
        db,
    }
}

/// A desk on `db` with no server and no jobs: workflows run only when the
/// test calls them, at the time of the returned clock.
pub fn desk_on(db: &TestDb, extra: &[(&str, &str)]) -> (Desk, Arc<ManualClock>) {
    let config = Arc::new(test_config(db, extra));
    let secret = config.load_secret().expect("secret").0;
    let clock = Arc::new(ManualClock::new());
    let desk = Desk::new(db.store(), config, Arc::new(Keys::new(secret)), clock.clone());
    (desk, clock)
}

/// The value of the first `csrf_token` hidden input on a page.
pub fn csrf_token_in(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A self-request of `kind` from `email`, received now, about all data.
pub fn new_request(kind: RequestKind, email: &str) -> NewRequest {
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let email = Email::parse(email).expect("email");
    let now = now();
    NewRequest {
        kind,
        channel: Channel::Web,
        jurisdiction: Jurisdiction::KrPipa,
        on_behalf: OnBehalf::SelfRequest,
        received_at: now,
        reference_year: 2026,
        due_date: domain::deadline::answer_due(
            domain::profile::Profile::of(Jurisdiction::KrPipa),
            kind,
            false,
            now,
            chrono_tz::Asia::Seoul,
            domain::calendar::CalendarCode::KOREA.calendar(),
        ),
        calendar: domain::calendar::CalendarCode::KOREA.label(),
        requester_name: format!("Requester {n}"),
        requester_email: email.clone(),
        requester_phone: None,
        subject_name: format!("Requester {n}"),
        subject_email: email,
        subject_phone: None,
        details: "test".into(),
        correction: (kind == RequestKind::Correction).then(|| "name: A → B".to_owned()),
        category_ids: Vec::new(),
        subject_id: None,
        lang: Lang::Ko,
    }
}

/// Stores a self-request of `kind` from `email`, as received now.
pub fn create_request(store: &Store, keys: &Keys, kind: RequestKind, email: &str) -> Created {
    let new = new_request(kind, email);
    store
        .write(|conn| {
            store::requests::create(
                conn,
                &new,
                &keys.identifier_index,
                &Actor::Requester,
                new.received_at,
            )
        })
        .expect("create request")
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

/// The smallest PDF the desk accepts as a document.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A small catalog: one department, one system, two categories.
pub fn seed_catalog(store: &Store) {
    use domain::retention::{RetentionBasis, RetentionRule};
    use store::catalog;
    let rule = RetentionRule::new(RetentionBasis::UntilWithdrawal, None, None).expect("rule");
    store
        .write(|conn| {
            let now = now();
            let dept = catalog::upsert_department(
                conn,
                "IRM",
                "IRM",
                domain::catalog::DepartmentFunction::Privacy,
                None,
                now,
            )?;
            let system = catalog::upsert_system(
                conn,
                &catalog::SystemSpec {
                    code: "MEMBERSHIP",
                    name: "Membership database",
                    description: "",
                    department_id: &dept,
                    processed_overseas: false,
                },
                now,
            )?;
            for (code, ko, en) in [
                ("member_email", "회원 이메일", "Member email"),
                ("member_name", "회원 이름", "Member name"),
            ] {
                catalog::upsert_category(
                    conn,
                    &catalog::CategorySpec {
                        code,
                        system_id: &system,
                        name_ko: ko,
                        name_en: en,
                        retention: &rule,
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .expect("seed catalog");
}
