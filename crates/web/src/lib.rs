//! The HTTP application: routes, middleware, shared state. Handlers parse
//! a request into a workflow's input, run the workflow, and render.

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod assets;
pub mod body;
pub mod client;
pub mod csrf;
pub mod error;
pub mod headers;
pub mod health;
pub mod home;
pub mod lang;
pub mod logging;
pub mod multipart;
pub mod page;
pub mod public;
pub mod staff;

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use app::config::Config;
use app::{Desk, WorkflowError};
use error::AppError;

/// What every handler may use: the desk the workflows run on, this
/// instance's upload slots, and its workflow slots.
#[derive(Clone)]
pub struct AppState {
    pub desk: Desk,
    pub uploads: multipart::UploadSlots,
    /// As many as the pool has connections: a workflow waits for a slot
    /// here, without a thread, rather than on a blocking thread parked on
    /// the pool (under load, hundreds of threads woken and put back to
    /// sleep in turn cost more than the queries).
    workflows: Arc<tokio::sync::Semaphore>,
    /// Where holds questions queue to be answered together.
    pub holds: api::batch::HoldsQueue,
}

impl AppState {
    pub fn config(&self) -> &Config {
        &self.desk.config
    }

    /// Runs a workflow on a blocking thread and turns its error into the
    /// answer the person gets.
    pub async fn run<T, F>(&self, workflow: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Desk) -> Result<T, WorkflowError> + Send + 'static,
    {
        Ok(self.try_run(workflow).await??)
    }

    /// Runs a workflow on a blocking thread and hands back its own result,
    /// for a handler that answers some of its refusals itself.
    pub async fn try_run<T, F>(&self, workflow: F) -> Result<Result<T, WorkflowError>, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Desk) -> Result<T, WorkflowError> + Send + 'static,
    {
        let _slot = self
            .workflows
            .acquire()
            .await
            .map_err(|e| AppError::unavailable(anyhow::anyhow!("the workflow slots are closed: {e}")))?;
        let desk = self.desk.clone();
        Ok(web::block(move || workflow(&desk)).await?)
    }
}

/// Registers every route. Public pages at the root, staff pages under
/// /staff, the JSON API under /api (each added by its own module). The
/// router tries them in this order, so the API — the holds check is the
/// hot path of every other system — comes first, before the pages'
/// patterns (each a regular expression to try).
pub fn routes(cfg: &mut web::ServiceConfig, limit: &public::PostLimit, api_limit: &api::gate::TokenLimit) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz));
    api::routes(cfg, api_limit);
    cfg.route("/", web::get().to(home::home))
        .route("/static/{path:.*}", web::get().to(assets::serve));
    public::routes(cfg, limit);
    staff::routes(cfg);
}

/// Builds the server on an already bound listener (port 0 in tests).
fn server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let https = state.config().base_url.starts_with("https://");
    let limit = public::post_limit(state.config().rate_limit, state.config().trusted_proxies);
    let api_limit = api::gate::token_limit(state.config().api_rate_limit);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(
                web::FormConfig::default()
                    .limit(64 * 1024)
                    .error_handler(error::form_error),
            )
            .wrap(actix_web::middleware::from_fn(staff::session::load))
            .wrap(error::render_errors())
            .wrap(actix_web::middleware::from_fn(body::limit_body_time))
            .wrap(actix_web::middleware::from_fn(csrf::ensure_cookie))
            .wrap(actix_web::middleware::from_fn(lang::remember_choice))
            .wrap(actix_web::middleware::from_fn(headers::no_store))
            .wrap(headers::security_headers(https))
            .wrap(TracingLogger::<logging::RedactedRootSpan>::new())
            .configure(|cfg| routes(cfg, &limit, &api_limit))
            .default_service(web::to(error::not_found))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

/// The running desk: the HTTP server and the background jobs beside it.
pub struct Application {
    port: u16,
    desk: Desk,
    server: Server,
    stop_jobs: tokio::sync::watch::Sender<bool>,
    jobs: tokio::task::JoinHandle<()>,
    passes: app::jobs::Passes,
}

impl Application {
    /// Binds the desk's `bind` address (port 0 picks a free port) and starts
    /// the server and the jobs. Call inside a Tokio runtime. SIGTERM and
    /// SIGINT stop the server gracefully; the jobs stop after it.
    pub fn build(desk: Desk) -> anyhow::Result<Self> {
        use anyhow::Context;
        let bind = desk.config.bind;
        let listener = TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
        desk.config.prepare_data_dir()?;
        let port = listener.local_addr()?.port();
        let mailer = app::jobs::Mailer::from_config(desk.config.mail())?;
        desk.revocations
            .refresh(&desk)
            .context("cannot read the revoked service tokens")?;
        desk.letterheads
            .refresh(&desk)
            .context("cannot read the letterhead")?;
        let calendar = &desk.config.calendar;
        let until = calendar.calendar().covered_until();
        if domain::calendar::calendar_ends_soon(until, desk.clock.now().date()) {
            tracing::warn!(
                %calendar,
                until = %until.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                "the holiday calendar ends within 90 days: after it, due dates count weekends only; \
                 install a release with newer calendars (scripts/calendars)"
            );
        }
        desk.store
            .follow_holds()
            .context("cannot start following the holds placed")?;
        let (stop_jobs, stop_rx) = tokio::sync::watch::channel(false);
        let passes = app::jobs::Passes::default();
        let jobs = tokio::spawn(app::jobs::run(desk.clone(), mailer, passes.clone(), stop_rx));
        let workflows = Arc::new(tokio::sync::Semaphore::new(desk.store.max_connections() as usize));
        let state = AppState {
            desk: desk.clone(),
            uploads: multipart::UploadSlots::default(),
            holds: api::batch::HoldsQueue::start(desk.clone(), workflows.clone()),
            workflows,
        };
        let server = server(state, listener)?;
        Ok(Self {
            port,
            desk,
            server,
            stop_jobs,
            jobs,
            passes,
        })
    }

    /// The desk the server and jobs run on.
    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// How many email delivery passes have finished (a pass that sent
    /// nothing counts too), for waiting on the jobs in tests.
    pub fn delivery_passes(&self) -> Arc<AtomicU64> {
        self.passes.delivery.clone()
    }

    /// How many webhook delivery passes have finished (a pass that posted
    /// nothing counts too), for waiting on the jobs in tests.
    pub fn webhook_passes(&self) -> Arc<AtomicU64> {
        self.passes.webhooks.clone()
    }

    /// How many reminder passes (each with the expiry of unverified
    /// requests after it) have finished, for waiting on the jobs in tests.
    pub fn reminder_passes(&self) -> Arc<AtomicU64> {
        self.passes.reminders.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn backend(&self) -> app::Backend {
        self.desk.store.backend()
    }

    /// A handle to stop the server from elsewhere (tests).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops, then stops the jobs and waits for them.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.desk.store.held.stop();
        let _ = self.stop_jobs.send(true);
        if let Err(error) = self.jobs.await {
            tracing::error!(%error, "background jobs ended abnormally");
        }
        result
    }
}
