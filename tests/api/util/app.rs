//! A running desk for one test: settings for it, the server and its jobs
//! on a free port, and the desk alone (no server, no jobs) for calling
//! workflows directly.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::Desk;
use app::clock::ManualClock;
use app::config::{Config, ConfigArgs};
use auth::keys::{Keys, SecretKey};
use clap::Parser;
use domain::request::RequestKind;
use store::requests::Created;
use store::{self, Store};
use web::Application;

use super::{TestDb, TestSmtp, create_request, csrf_token_in, eventually};

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
    webhook_passes: Arc<AtomicU64>,
    reminder_passes: Arc<AtomicU64>,
    // Last, so the database outlives the pools above.
    pub db: TestDb,
}

/// A test ends with `app.stop().await`: the desk's jobs finish their pass
/// while its database still exists. (Were the database dropped under a
/// delivery pass, the pass would wait for it to come back — a minute — and
/// the test with it.)
impl Drop for TestApp {
    fn drop(&mut self) {
        let running = self.running.get_mut().map(|r| r.is_some()).unwrap_or(false);
        if running && !std::thread::panicking() {
            panic!("a test ended without app.stop().await: stop the desk before its database is dropped");
        }
    }
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

    /// Waits until `job` has finished a pass that began after this call, so
    /// that whatever the job would do about what happened before the call
    /// is done: the condition a check that something did not happen can
    /// rely on. (The pass running at the call may have begun before it, so
    /// the count must move by two.)
    pub async fn pass_begun_after_now(&self, job: Job) {
        let passes = match job {
            Job::Webhooks => &self.webhook_passes,
            Job::Reminders => &self.reminder_passes,
        };
        let start = passes.load(Ordering::SeqCst);
        eventually(&format!("a {job:?} pass begun after the call"), || {
            (passes.load(Ordering::SeqCst) >= start + 2).then_some(())
        })
        .await;
    }

    /// Waits until the delivery job has finished `n` passes in all.
    pub async fn delivery_passes_reach(&self, n: u64) {
        eventually("delivery passes", || {
            (self.delivery_passes.load(Ordering::SeqCst) >= n).then_some(())
        })
        .await;
    }
}

/// A background job whose passes a test can wait on (email delivery has
/// [`TestApp::settle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Webhook delivery.
    Webhooks,
    /// Reminders, then the expiry of unverified requests.
    Reminders,
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
    let webhook_passes = app.webhook_passes();
    let reminder_passes = app.reminder_passes();
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
        webhook_passes,
        reminder_passes,
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
