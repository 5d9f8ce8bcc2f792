//! Posting webhook deliveries: claim due rows (at most one per system, its
//! oldest), post each signed, mark it delivered on a 2xx or record the
//! error and when to try again. A delivery is never lost (it stays queued
//! until a receiver takes it, waiting at most six hours between tries) and
//! never posted by two instances at once (claims exclude each other); if
//! an instance dies between a receiver's 2xx and the mark, the delivery is
//! posted again with the same `webhook-id`, which receivers de-duplicate on.
//!
//! A post never reaches inside the network unless the operator allowed
//! the address (`RIGHTSDESK_WEBHOOK_ALLOW`): a URL's address is checked as
//! written, and a name as it resolves for the connection itself — the
//! addresses checked are the ones connected to, so a name that resolves
//! elsewhere a moment later (DNS rebinding) changes nothing. The admin
//! page is told only that a delivery failed (or that its address is not
//! allowed); how it failed goes to the log.

use domain::ids::SystemId;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::{Desk, WorkflowError};
use auth::webhooks::WebhookSecret;
use domain::address::{AllowList, may_connect};
use domain::retry::backoff;
use domain::webhook::{DeliveryFailure, accepted, literal_host_allowed};
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
/// where it was asked), a short timeout, no proxy (a proxy would resolve
/// and reach the host itself, past the check), and names resolved by
/// [`GuardedResolver`].
pub fn client(allowed: &AllowList) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver {
            allowed: allowed.clone(),
        }))
        .user_agent(concat!("Rightsdesk-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A name resolved to an address the desk may not connect to.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves to {address}, an inside address RIGHTSDESK_WEBHOOK_ALLOW does not allow")]
struct AddressRefused {
    name: String,
    address: std::net::IpAddr,
}

/// Resolves a receiver's name for one connection and hands the connector
/// only addresses the desk may connect to; a name with any other address
/// among its answers is refused whole.
struct GuardedResolver {
    allowed: AllowList,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let lookup = host.clone();
            let found: Vec<SocketAddr> = tokio::task::spawn_blocking(move || {
                (lookup.as_str(), 0).to_socket_addrs().map(Iterator::collect)
            })
            .await??;
            if let Some(refused) = found.iter().find(|a| !may_connect(a.ip(), &allowed)) {
                return Err(Box::new(AddressRefused {
                    name: host,
                    address: refused.ip(),
                }) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
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
                    Err(failure) => {
                        let wait = backoff(retry_base, delivery.attempts);
                        let retry_at =
                            now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6));
                        Attempt::Failed {
                            error: failure.as_str(),
                            retry_at,
                        }
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

/// Posts one delivery; a failure is logged with its detail and kept as
/// what the admin page may say.
async fn attempt(
    desk: &Desk,
    client: &reqwest::Client,
    delivery: ClaimedDelivery,
) -> (ClaimedDelivery, Result<(), DeliveryFailure>) {
    let outcome = post(desk, client, &delivery).await;
    let outcome = outcome.map_err(|(failure, error)| {
        tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts + 1, %error, "webhook not delivered; will retry");
        failure
    });
    (delivery, outcome)
}

/// Posts one delivery: nothing, or why not (for the page, and in detail).
async fn post(
    desk: &Desk,
    client: &reqwest::Client,
    delivery: &ClaimedDelivery,
) -> Result<(), (DeliveryFailure, String)> {
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
    let not_delivered = |error: String| (DeliveryFailure::NotDelivered, error);
    let (url, secret) = match endpoint {
        Ok(Some(target)) => target,
        Ok(None) => return Err(not_delivered("the system has no webhook".into())),
        Err(error) => return Err(not_delivered(error.to_string())),
    };
    // An address written in the URL is never resolved: it is checked here.
    let parsed = url::Url::parse(&url).map_err(|e| not_delivered(format!("the URL {url:?}: {e}")))?;
    if literal_host_allowed(&parsed, &desk.config.webhook_allow).is_err() {
        return Err((
            DeliveryFailure::AddressNotAllowed,
            format!("{url} is an inside address RIGHTSDESK_WEBHOOK_ALLOW does not allow"),
        ));
    }
    let timestamp = desk.clock.now().and_utc().timestamp();
    let signature = secret.sign(&delivery.id, timestamp, &delivery.body);
    let sent = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.body.clone())
        .send()
        .await;
    match sent {
        Ok(response) if accepted(response.status().as_u16()) => Ok(()),
        Ok(response) => Err(not_delivered(format!(
            "the receiver answered {}",
            response.status()
        ))),
        Err(error) if refused_address(&error) => Err((DeliveryFailure::AddressNotAllowed, describe(&error))),
        Err(error) => Err(not_delivered(describe(&error))),
    }
}

/// Whether a transport error is the resolver's refusal of an address.
fn refused_address(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        if s.is::<AddressRefused>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// A transport error in a line an operator can act on (for the log).
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
