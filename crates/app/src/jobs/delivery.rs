//! Draining the outbox: claim due rows, send each, mark it sent or record
//! the error and when to retry. An email is never lost (it stays queued
//! until sent) and never sent twice by two instances (claims exclude each
//! other; see `store::outbox::claim_due`), nor because the database was
//! briefly away when a batch was to be recorded (see [`RECORD_PATIENCE`]).

use std::time::Duration;

use lettre::message::Mailbox;

use crate::clock::Clock;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::email::MAX_ATTEMPTS;
use domain::retry::backoff;
use mail::{MailError, Mailer, Outgoing};
use store::audit::NewEvent;
use store::outbox::{self, Attempt, ClaimedEmail};
use store::{Store, StoreError};

/// How long a claim lasts: far longer than one SMTP send may take.
const LEASE: Duration = Duration::from_secs(300);
/// The most emails one claim takes. A pass claims again only after a full
/// batch, so a pass costs one claim for what was due when it began.
const BATCH: i64 = 50;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

/// Claims and sends due emails until none are left. Blocking: run it on a
/// blocking thread.
pub fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    from: &Mailbox,
    claimant: &str,
    retry_base: Duration,
    clock: &dyn Clock,
) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport::default();
    let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(5));
    loop {
        let claimed =
            store.bookkeeping(|conn| outbox::claim_due(conn, claimant, clock.now(), lease, BATCH))?;
        if claimed.is_empty() {
            return Ok(report);
        }
        let full = i64::try_from(claimed.len()).is_ok_and(|n| n >= BATCH);
        let sent_before = report.sent;
        // What became of each email of the batch, recorded together once
        // the batch is through (a crash before that sends the batch again
        // when its lease ends, with the same Message-IDs). The sent ones
        // are recorded in one statement, as sent when the batch was.
        let mut sent: Vec<String> = Vec::with_capacity(claimed.len());
        let mut failed: Vec<(String, String, chrono::NaiveDateTime)> = Vec::new();
        for email in claimed {
            match mailer.send(from, &outgoing(&email)) {
                Ok(()) => {
                    tracing::info!(email = %email.id, "email sent");
                    sent.push(email.id);
                    report.sent += 1;
                }
                Err(error) => {
                    let attempts = email.attempts + 1;
                    // A message that cannot even be built will never go.
                    let final_attempt = matches!(error, MailError::Build(_)) || attempts >= MAX_ATTEMPTS;
                    let error = error.to_string();
                    if final_attempt {
                        give_up(store, &email, claimant, &error, clock)?;
                        tracing::error!(email = %email.id, attempts, %error, "email given up");
                    } else {
                        let wait = backoff(retry_base, email.attempts);
                        let retry_at = clock.now()
                            + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(6));
                        tracing::warn!(email = %email.id, attempts, %error, retry_in = ?wait, "email not sent; will retry");
                        failed.push((email.id, error, retry_at));
                    }
                    report.failed += 1;
                }
            }
        }
        record(store, claimant, clock, &sent, &failed)?;
        // A batch that sent nothing means the transport is down: wait for
        // the next pass rather than spin on rows that fail. One that was
        // not full took all that was due.
        if report.sent == sent_before || !full {
            return Ok(report);
        }
    }
}

/// How long a pass keeps trying to record what became of its batch while
/// the database is unavailable (stopped, restarting, failing over). The
/// emails stay claimed meanwhile; were the pass to give up, the ones it
/// sent would be sent again once their claim lapsed. Well within the
/// claim, and short enough not to hold up a shutdown for long.
const RECORD_PATIENCE: Duration = Duration::from_secs(60);

/// Records the batch's outcomes: the sent ones in one statement, the
/// failed ones with when to retry them.
fn record(
    store: &Store,
    claimant: &str,
    clock: &dyn Clock,
    sent: &[String],
    failed: &[(String, String, chrono::NaiveDateTime)],
) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    loop {
        let recorded = store.bookkeeping(|conn| {
            let ids: Vec<&str> = sent.iter().map(String::as_str).collect();
            outbox::finish_sent(conn, &ids, claimant, clock.now())?;
            for (id, error, retry_at) in failed {
                let attempt = Attempt::Failed {
                    error,
                    retry_at: *retry_at,
                };
                outbox::finish(conn, id, claimant, attempt)?;
            }
            Ok(())
        });
        match recorded {
            Err(error) if error.is_unavailable() && started.elapsed() < RECORD_PATIENCE => {
                tracing::warn!(%error, sent = sent.len(), "recording sent emails failed; trying again");
                std::thread::sleep(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// The claimed email as the transport sends it.
fn outgoing(email: &ClaimedEmail) -> Outgoing<'_> {
    Outgoing {
        recipient: &email.recipient,
        subject: &email.subject,
        body_text: &email.body_text,
        body_html: email.body_html.as_deref(),
        message_id: &email.message_id,
    }
}

/// Marks an email failed for good, with its audit event (which names the
/// email and its request, never the address or the message).
fn give_up(
    store: &Store,
    email: &ClaimedEmail,
    claimant: &str,
    error: &str,
    clock: &dyn Clock,
) -> Result<(), StoreError> {
    store.write(|conn| {
        if outbox::finish(conn, &email.id, claimant, Attempt::GaveUp { error })? {
            let event = NewEvent {
                request_id: email.request_id.as_deref(),
                actor: &Actor::System,
                action: AuditAction::EmailFailed,
                from_status: None,
                to_status: None,
                reason: None,
                payload: serde_json::json!({"email": email.id, "attempts": email.attempts + 1}),
            };
            conn.append(event, clock.now());
        }
        Ok(())
    })
}
