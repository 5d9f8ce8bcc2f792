//! The background work every instance runs beside the web server. Each job
//! claims its work from tables, so any number of instances may run it.
//!
//! Four loops: the list of revoked service tokens, read again every
//! interval; email delivery and webhook delivery, each run when a
//! transaction that queued its work commits (woken by the desk's signals)
//! and otherwise every interval — the fallback, and how work queued by
//! other instances or retries leaves; and the periodic jobs (the expiry of
//! unverified requests every interval; the database's planner statistics
//! and the pruning of old webhook deliveries at start and every hour).

pub mod delivery;
mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

use crate::signal::Signal;
use crate::{Desk, expire, reminders};
pub use mail::Mailer;

/// How many passes of each job have finished since start (a pass that
/// found nothing to do counts too): a test waits on them, so that what a
/// pass begun after some moment would have done is done.
#[derive(Clone, Default)]
pub struct Passes {
    /// Email delivery passes.
    pub delivery: Arc<AtomicU64>,
    /// Webhook delivery passes.
    pub webhooks: Arc<AtomicU64>,
    /// Reminder passes, each followed by the expiry of unverified requests.
    pub reminders: Arc<AtomicU64>,
}

/// Runs the jobs until `stop` turns true; counts their passes in `passes`.
pub async fn run(desk: Desk, mailer: Mailer, passes: Passes, stop: watch::Receiver<bool>) {
    let claimant = format!("{}-{}", hostname(), uuid::Uuid::now_v7());
    tracing::info!(%claimant, interval = ?desk.config.job_interval, "background jobs started");
    let delivery = tokio::spawn(deliver(
        desk.clone(),
        mailer,
        claimant.clone(),
        passes.delivery,
        stop.clone(),
    ));
    let revocations = tokio::spawn(refresh_revocations(desk.clone(), stop.clone()));
    let hooks = tokio::spawn(post_webhooks(
        desk.clone(),
        claimant.clone(),
        passes.webhooks,
        stop.clone(),
    ));
    periodic(desk, passes.reminders, stop).await;
    if let Err(error) = delivery.await {
        tracing::error!(%error, "email delivery ended abnormally");
    }
    if let Err(error) = hooks.await {
        tracing::error!(%error, "webhook delivery ended abnormally");
    }
    if let Err(error) = revocations.await {
        tracing::error!(%error, "the revoked-token refresh ended abnormally");
    }
    tracing::info!("background jobs stopped");
}

/// Waits for the interval (or the `wake` signal, when given); false once
/// stopped.
async fn pause(desk: &Desk, stop: &mut watch::Receiver<bool>, wake: Option<&Signal>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(desk.config.job_interval) => {}
        _ = async { if let Some(signal) = wake { signal.woken().await } }, if wake.is_some() => {}
        _ = stop.changed() => {}
    }
    !*stop.borrow()
}

/// How often the planner's statistics are refreshed.
const OPTIMIZE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

async fn periodic(desk: Desk, passes: Arc<AtomicU64>, mut stop: watch::Receiver<bool>) {
    let mut optimized: Option<std::time::Instant> = None;
    loop {
        if optimized.is_none_or(|at| at.elapsed() >= OPTIMIZE_EVERY) {
            pass("refreshing the planner's statistics", &desk, |d| {
                d.store.optimize()
            })
            .await;
            pass("readying next year's references", &desk, |d| {
                d.store.prepare_references(d.clock.now())
            })
            .await;
            if let Some(n @ 1..) = pass("pruning reminder steps", &desk, reminders::prune).await {
                tracing::info!(pruned = n, "old reminder steps forgotten");
            }
            if let Some(n @ 1..) = pass("pruning webhook deliveries", &desk, webhooks::prune).await {
                tracing::info!(pruned = n, "old webhook deliveries deleted");
            }
            optimized = Some(std::time::Instant::now());
        }
        if let Some(sent) = pass("the reminder pass", &desk, reminders::remind).await
            && sent != reminders::Sent::default()
        {
            tracing::info!(staff = sent.staff, requesters = sent.requesters, "reminders sent");
        }
        if let Some(n @ 1..) = pass("the expiry pass", &desk, expire::expire_unverified).await {
            tracing::info!(expired = n, "unverified requests expired");
        }
        passes.fetch_add(1, Ordering::SeqCst);
        if !pause(&desk, &mut stop, None).await {
            return;
        }
    }
}

/// Runs one pass of a job on a blocking thread; its failure (or panic) is
/// logged as `what`'s, and gives nothing.
async fn pass<T, E, F>(what: &'static str, desk: &Desk, job: F) -> Option<T>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
    F: FnOnce(&Desk) -> Result<T, E> + Send + 'static,
{
    let d = desk.clone();
    match tokio::task::spawn_blocking(move || job(&d)).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            tracing::error!(%error, "{what} failed");
            None
        }
        Err(error) => {
            tracing::error!(%error, "{what} panicked");
            None
        }
    }
}

/// While emails keep coming, delivery passes start at most this often: a
/// pass then takes in one claim what many transactions queued (each pass
/// costs a claim and a record of the outcomes), and an email waits at most
/// this long more.
const DELIVERY_SPACING: std::time::Duration = std::time::Duration::from_millis(20);

async fn deliver(
    desk: Desk,
    mailer: Mailer,
    claimant: String,
    passes: Arc<AtomicU64>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let started = tokio::time::Instant::now();
        let (m, name) = (mailer.clone(), claimant.clone());
        let report = pass("the email delivery pass", &desk, move |d| {
            let config = &d.config;
            delivery::deliver_due(
                &d.store,
                &m,
                &config.mail_from,
                &name,
                config.mail_retry_base,
                d.clock.as_ref(),
            )
        })
        .await;
        let busy = match report {
            Some(report) if report.sent + report.failed > 0 => {
                tracing::debug!(sent = report.sent, failed = report.failed, "email delivery pass");
                true
            }
            _ => false,
        };
        passes.fetch_add(1, Ordering::SeqCst);
        if busy {
            tokio::select! {
                _ = tokio::time::sleep_until(started + DELIVERY_SPACING) => {}
                _ = stop.changed() => {}
            }
        }
        if *stop.borrow() || !pause(&desk, &mut stop, Some(&desk.mail)).await {
            return;
        }
    }
}

async fn post_webhooks(
    desk: Desk,
    claimant: String,
    passes: Arc<AtomicU64>,
    mut stop: watch::Receiver<bool>,
) {
    let client = match webhooks::client(&desk.config.webhook_allow) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client: webhooks will not be delivered by this instance");
            return;
        }
    };
    loop {
        match webhooks::deliver_due(&desk, &client, &claimant).await {
            Ok(report) if report.delivered + report.failed > 0 => {
                tracing::debug!(
                    delivered = report.delivered,
                    failed = report.failed,
                    "webhook delivery pass"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "webhook delivery pass failed"),
        }
        passes.fetch_add(1, Ordering::SeqCst);
        if !pause(&desk, &mut stop, Some(&desk.webhooks)).await {
            return;
        }
    }
}

/// Reads the revoked service tokens (and the letterhead) again every
/// interval: the bound on how long a token revoked elsewhere still works
/// here.
async fn refresh_revocations(desk: Desk, mut stop: watch::Receiver<bool>) {
    loop {
        if !pause(&desk, &mut stop, None).await {
            return;
        }
        pass("refreshing the revoked service tokens", &desk, |d| {
            d.revocations.refresh(d)
        })
        .await;
        // Who the notices come from, as an admin on any instance set it.
        pass("reading the letterhead", &desk, |d| d.letterheads.refresh(d)).await;
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "rightsdesk".to_owned())
}
