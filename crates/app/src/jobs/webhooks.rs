//! Posting webhook deliveries: claim due rows (at most one per system, its
//! oldest), post each signed, mark it delivered on a 2xx or record the
//! error and when to try again. A delivery is never lost (it stays queued
//! until a receiver takes it, waiting at most six hours between tries) and
//! never posted by two instances at once (claims exclude each other); if
//! an instance dies between a receiver's 2xx and the mark, the delivery is
//! posted again with the same `webhook-id`, which receivers de-duplicate on.

use domain::ids::SystemId;
use std::time::Duration;

use futures_util::future::join_all;

use crate::{Desk, WorkflowError};
use auth::webhooks::WebhookSecret;
use domain::retry::backoff;
use domain::webhook::accepted;
use store::webhooks::{self, Attempt, ClaimedDelivery};
use store::{StoreError, documents};

/// How long a claim lasts: far longer than one post may take.
const LEASE: Duration = Duration::from_secs(120);
/// How long one post may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries claimed per round (each of a different system).
const BATCH: i64 = 32;
/// How long delivered events are kept (their bodies name people).
const KEEP_DELIVERED: chrono::Duration = chrono::Duration::days(30);

/// The client every post goes through: no redirects (a receiver answers
/// where it was asked), a short timeout.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("Rightsdesk-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub delivered: usize,
    pub failed: usize,
}

async fn blocking<T: Send + 'static>(
    desk: &Desk,
    f: impl FnOnce(&Desk) -> Result<T, WorkflowError> + Send + 'static,
) -> Result<T, WorkflowError> {
    let d = desk.clone();
    tokio::task::spawn_blocking(move || f(&d))
        .await
        .map_err(|e| WorkflowError::Store(StoreError::Invalid(format!("webhook job panicked: {e}"))))?
}

/// Claims and posts due deliveries until a round delivers nothing.
pub async fn deliver_due(
    desk: &Desk,
    client: &reqwest::Client,
    claimant: &str,
) -> Result<Report, WorkflowError> {
    let mut report = Report::default();
    let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(2));
    loop {
        let name = claimant.to_owned();
        let claimed = blocking(desk, move |d| {
            let now = d.clock.now();
            Ok(d.store
                .bookkeeping(|conn| webhooks::claim_due(conn, &name, now, lease, BATCH))?)
        })
        .await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        let outcomes = join_all(claimed.into_iter().map(|c| attempt(desk, client, c))).await;
        let mut delivered = 0;
        for (delivery, outcome) in outcomes {
            let (name, retry_base) = (claimant.to_owned(), desk.config.webhook_retry_base);
            let (id, attempts) = (delivery.id.clone(), delivery.attempts + 1);
            let ok = outcome.is_ok();
            blocking(desk, move |d| {
                let now = d.clock.now();
                let attempt = match &outcome {
                    Ok(()) => Attempt::Delivered { at: now },
                    Err(error) => {
                        let wait = backoff(retry_base, delivery.attempts);
                        let retry_at =
                            now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6));
                        Attempt::Failed { error, retry_at }
                    }
                };
                Ok(d.store
                    .bookkeeping(|conn| webhooks::finish(conn, &delivery.id, &name, attempt))?)
            })
            .await?;
            if ok {
                delivered += 1;
                tracing::info!(delivery = %id, attempts, "webhook delivered");
            } else {
                report.failed += 1;
            }
        }
        report.delivered += delivered;
        // A round that delivered nothing: the receivers are down; wait for
        // the next pass rather than spin.
        if delivered == 0 {
            return Ok(report);
        }
    }
}

/// Posts one delivery; the error text is what the admin page shows.
async fn attempt(
    desk: &Desk,
    client: &reqwest::Client,
    delivery: ClaimedDelivery,
) -> (ClaimedDelivery, Result<(), String>) {
    let system_id = delivery.system_id.clone();
    let endpoint = blocking(desk, move |d| {
        let Some(endpoint) = webhooks::endpoint(&mut *d.store.conn()?, &SystemId::from(system_id.clone()))?
        else {
            return Ok(None);
        };
        let text = documents::open(
            &d.keys.webhooks,
            &system_id,
            &endpoint.secret_nonce,
            &endpoint.secret,
        )?;
        let secret = String::from_utf8(text)
            .ok()
            .and_then(|t| WebhookSecret::parse(&t))
            .ok_or_else(|| StoreError::Corrupt(format!("webhook secret of system {system_id}")))?;
        Ok(Some((endpoint.url, secret)))
    })
    .await;
    let (url, secret) = match endpoint {
        Ok(Some(target)) => target,
        Ok(None) => return (delivery, Err("the system has no webhook".into())),
        Err(error) => return (delivery, Err(error.to_string())),
    };
    let timestamp = desk.clock.now().and_utc().timestamp();
    let signature = secret.sign(&delivery.id, timestamp, &delivery.body);
    let sent = client
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.body.clone())
        .send()
        .await;
    let outcome = match sent {
        Ok(response) if accepted(response.status().as_u16()) => Ok(()),
        Ok(response) => Err(format!("the receiver answered {}", response.status())),
        Err(error) => Err(describe(&error)),
    };
    if let Err(error) = &outcome {
        tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts + 1, %error, "webhook not delivered; will retry");
    }
    (delivery, outcome)
}

/// A transport error in a line an admin can act on (the URL is on the page
/// beside it).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {cause}")
    }
}

/// Deletes deliveries delivered more than 30 days ago.
pub fn prune(desk: &Desk) -> Result<usize, WorkflowError> {
    let before = desk.clock.now() - KEEP_DELIVERED;
    Ok(desk
        .store
        .bookkeeping(|conn| webhooks::prune_delivered(conn, before))?)
}
