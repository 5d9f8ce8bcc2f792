//! The HTTP application: routes, middleware, shared state.

pub mod csrf;
pub mod error;
pub mod headers;
pub mod health;
pub mod home;
pub mod lang;
pub mod multipart;
pub mod page;
pub mod public;
pub mod staff;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::keys::Keys;
use crate::config::Config;
use crate::store::Store;

/// What every handler may use.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
}

/// Registers every route. Public pages at the root, staff pages under
/// /staff, the JSON API under /api (each added by its own module).
pub fn routes(cfg: &mut web::ServiceConfig, limit: &public::PostLimit) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/", web::get().to(home::home))
        .service(actix_files::Files::new("/static", static_dir()).prefer_utf8(true));
    public::routes(cfg, limit);
    staff::routes(cfg);
}

/// Where the stylesheet and scripts are served from: `static/` beside the
/// crate (the binary is run from the checkout), overridable for packaging.
fn static_dir() -> std::path::PathBuf {
    std::env::var_os("RIGHTSDESK_STATIC_DIR")
        .map(Into::into)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static"))
}

/// Builds the server on an already bound listener (port 0 in tests).
fn server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let https = state.config.base_url.starts_with("https://");
    let limit = public::post_limit(state.config.rate_limit, state.config.trust_forwarded);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::FormConfig::default().limit(256 * 1024))
            .wrap(error::render_errors())
            .wrap(actix_web::middleware::from_fn(csrf::ensure_cookie))
            .wrap(actix_web::middleware::from_fn(lang::remember_choice))
            .wrap(actix_web::middleware::from_fn(headers::no_store))
            .wrap(headers::security_headers(https))
            .wrap(TracingLogger::default())
            .configure(|cfg| routes(cfg, &limit))
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
    backend: crate::store::Backend,
    server: Server,
    stop_jobs: tokio::sync::watch::Sender<bool>,
    jobs: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Binds `config.bind` (port 0 picks a free port) and starts the server
    /// and the jobs. Call inside a Tokio runtime. SIGTERM and SIGINT stop
    /// the server gracefully; the jobs stop after it.
    pub fn build(config: Arc<Config>, store: Store, keys: Keys) -> anyhow::Result<Self> {
        use anyhow::Context;
        let listener =
            TcpListener::bind(config.bind).with_context(|| format!("cannot listen on {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let mailer = crate::mail::Mailer::from_config(&config.mail)?;
        let (stop_jobs, stop_rx) = tokio::sync::watch::channel(false);
        let jobs = tokio::spawn(crate::jobs::run(store.clone(), mailer, config.clone(), stop_rx));
        let backend = store.backend();
        let state = AppState {
            store,
            config,
            keys: Arc::new(keys),
        };
        let server = server(state, listener)?;
        Ok(Self {
            port,
            backend,
            server,
            stop_jobs,
            jobs,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn backend(&self) -> crate::store::Backend {
        self.backend
    }

    /// A handle to stop the server from elsewhere (tests).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops, then stops the jobs and waits for them.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        let _ = self.stop_jobs.send(true);
        if let Err(error) = self.jobs.await {
            tracing::error!(%error, "background jobs ended abnormally");
        }
        result
    }
}
