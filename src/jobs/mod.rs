//! The background loop every instance runs beside the web server. Each job
//! claims its work from tables, so any number of instances may run it.

pub mod expiry;

use std::sync::Arc;

use tokio::sync::watch;

use crate::config::Config;
use crate::mail::Mailer;
use crate::mail::delivery;
use crate::store::Store;

/// Runs the jobs every `config.job_interval` until `stop` turns true.
pub async fn run(store: Store, mailer: Mailer, config: Arc<Config>, mut stop: watch::Receiver<bool>) {
    let claimant = format!("{}-{}", hostname(), uuid::Uuid::now_v7());
    tracing::info!(%claimant, interval = ?config.job_interval, "background jobs started");
    loop {
        let (s, c) = (store.clone(), config.clone());
        match tokio::task::spawn_blocking(move || expiry::expire_unverified(&s, c.unverified_expiry)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(expired = n, "unverified requests expired"),
            Ok(Err(error)) => tracing::error!(%error, "expiry pass failed"),
            Err(error) => tracing::error!(%error, "expiry pass panicked"),
        }
        // Delivery runs after the other jobs so that the emails they queue
        // leave in the same pass.
        let (s, m, c, name) = (store.clone(), mailer.clone(), config.clone(), claimant.clone());
        let pass = tokio::task::spawn_blocking(move || {
            delivery::deliver_due(&s, &m, &c.mail_from, &name, c.mail_retry_base)
        });
        match pass.await {
            Ok(Ok(report)) if report.sent + report.failed > 0 => {
                tracing::debug!(sent = report.sent, failed = report.failed, "email delivery pass");
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(%error, "email delivery pass failed"),
            Err(error) => tracing::error!(%error, "email delivery pass panicked"),
        }
        tokio::select! {
            _ = tokio::time::sleep(config.job_interval) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
    tracing::info!("background jobs stopped");
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "rightsdesk".to_owned())
}
