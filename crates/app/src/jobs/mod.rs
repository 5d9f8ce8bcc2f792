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

/// Runs the jobs until `stop` turns true; counts delivery passes in
/// `delivery_passes`.
pub async fn run(desk: Desk, mailer: Mailer, delivery_passes: Arc<AtomicU64>, stop: watch::Receiver<bool>) {
    let claimant = format!("{}-{}", hostname(), uuid::Uuid::now_v7());
    tracing::info!(%claimant, interval = ?desk.config.job_interval, "background jobs started");
    let delivery = tokio::spawn(deliver(
        desk.clone(),
        mailer,
        claimant.clone(),
        delivery_passes,
        stop.clone(),
    ));
    let revocations = tokio::spawn(refresh_revocations(desk.clone(), stop.clone()));
    let hooks = tokio::spawn(post_webhooks(desk.clone(), claimant.clone(), stop.clone()));
    periodic(desk, stop).await;
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

async fn periodic(desk: Desk, mut stop: watch::Receiver<bool>) {
    let mut optimized: Option<std::time::Instant> = None;
    loop {
        if optimized.is_none_or(|at| at.elapsed() >= OPTIMIZE_EVERY) {
            let store = desk.store.clone();
            match tokio::task::spawn_blocking(move || store.optimize()).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "refreshing the planner's statistics failed"),
                Err(error) => tracing::error!(%error, "refreshing the planner's statistics panicked"),
            }
            let (store, now) = (desk.store.clone(), desk.clock.now());
            match tokio::task::spawn_blocking(move || store.prepare_references(now)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "readying next year's references failed"),
                Err(error) => tracing::error!(%error, "readying next year's references panicked"),
            }
            let d = desk.clone();
            match tokio::task::spawn_blocking(move || reminders::prune(&d)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(pruned = n, "old reminder steps forgotten"),
                Ok(Err(error)) => tracing::warn!(%error, "pruning reminder steps failed"),
                Err(error) => tracing::error!(%error, "pruning reminder steps panicked"),
            }
            let d = desk.clone();
            match tokio::task::spawn_blocking(move || webhooks::prune(&d)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(pruned = n, "old webhook deliveries deleted"),
                Ok(Err(error)) => tracing::warn!(%error, "pruning webhook deliveries failed"),
                Err(error) => tracing::error!(%error, "pruning webhook deliveries panicked"),
            }
            optimized = Some(std::time::Instant::now());
        }
        let d = desk.clone();
        match tokio::task::spawn_blocking(move || reminders::remind(&d)).await {
            Ok(Ok(sent)) if sent == reminders::Sent::default() => {}
            Ok(Ok(sent)) => {
                tracing::info!(staff = sent.staff, requesters = sent.requesters, "reminders sent")
            }
            Ok(Err(error)) => tracing::error!(%error, "reminder pass failed"),
            Err(error) => tracing::error!(%error, "reminder pass panicked"),
        }
        let d = desk.clone();
        match tokio::task::spawn_blocking(move || expire::expire_unverified(&d)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(expired = n, "unverified requests expired"),
            Ok(Err(error)) => tracing::error!(%error, "expiry pass failed"),
            Err(error) => tracing::error!(%error, "expiry pass panicked"),
        }
        if !pause(&desk, &mut stop, None).await {
            return;
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
        let (d, m, name) = (desk.clone(), mailer.clone(), claimant.clone());
        let pass = tokio::task::spawn_blocking(move || {
            let config = &d.config;
            delivery::deliver_due(
                &d.store,
                &m,
                &config.mail_from,
                &name,
                config.mail_retry_base,
                d.clock.as_ref(),
            )
        });
        let busy = match pass.await {
            Ok(Ok(report)) if report.sent + report.failed > 0 => {
                tracing::debug!(sent = report.sent, failed = report.failed, "email delivery pass");
                true
            }
            Ok(Ok(_)) => false,
            Ok(Err(error)) => {
                tracing::error!(%error, "email delivery pass failed");
                false
            }
            Err(error) => {
                tracing::error!(%error, "email delivery pass panicked");
                false
            }
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

async fn post_webhooks(desk: Desk, claimant: String, mut stop: watch::Receiver<bool>) {
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
        let d = desk.clone();
        match tokio::task::spawn_blocking(move || d.revocations.refresh(&d)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(%error, "refreshing the revoked service tokens failed"),
            Err(error) => tracing::error!(%error, "refreshing the revoked service tokens panicked"),
        }
        // Who the notices come from, as an admin on any instance set it.
        let d = desk.clone();
        match tokio::task::spawn_blocking(move || d.letterheads.refresh(&d)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!(%error, "reading the letterhead failed"),
            Err(error) => tracing::error!(%error, "reading the letterhead panicked"),
        }
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "rightsdesk".to_owned())
}
