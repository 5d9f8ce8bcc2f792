//! Reminders and escalations, run by the background job: staff hear of a
//! request 3 days and 1 day before its due date (the assignees and their
//! departments), on the due date and each day it is overdue (the
//! department leads and the privacy officers); a requester who has not
//! confirmed their address after a day gets one reminder with a fresh link
//! and code. Each step is claimed in the transaction that queues its
//! emails (one row per request and step), so a restart or a second
//! instance never sends it twice.

use chrono::Duration;
use domain::ids::RequestId;

use super::identity::{CodeEmail, send_code};
use super::{Desk, WorkflowError};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::deadline;
use domain::lifecycle::RequestStatus;
use domain::reminder::{Audience, Step, VERIFY_REMINDER_HOURS, VERIFY_STEP, is_reminded};
use mail::notices::{self};
use store::reminders::{self, Addressee};
use store::requests;

/// What a pass sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Steps sent to staff.
    pub staff: usize,
    /// Requesters reminded to confirm.
    pub requesters: usize,
}

/// One pass: every step due now that no one has sent.
pub fn remind(desk: &Desk) -> Result<Sent, WorkflowError> {
    let tz = desk.config.timezone;
    // Read first, so a pass with nothing new to send writes nothing.
    let (due, unconfirmed) = desk.read(|conn, now| {
        let due = reminders::unsent(conn, deadline::local(now, tz).date())?;
        let unconfirmed = reminders::unconfirmed_since(conn, now - Duration::hours(VERIFY_REMINDER_HOURS))?;
        Ok((due, unconfirmed))
    })?;
    let mut sent = Sent::default();
    for id in due {
        sent.staff += usize::from(remind_staff(desk, &id)?);
    }
    for id in unconfirmed {
        sent.requesters += usize::from(remind_requester(desk, &id)?);
    }
    Ok(sent)
}

/// How long a sent step is kept (the audit trail keeps it for good).
pub const KEEP_DAYS: i64 = 30;

/// Forgets the steps sent more than [`KEEP_DAYS`] ago.
pub fn prune(desk: &Desk) -> Result<usize, WorkflowError> {
    let before = desk.clock.now() - Duration::days(KEEP_DAYS);
    Ok(desk
        .store
        .bookkeeping(|conn| store::reminders::prune(conn, before))?)
}

/// Sends the step `request_id` is at to staff, unless it was sent.
fn remind_staff(desk: &Desk, request_id: &RequestId) -> Result<bool, WorkflowError> {
    let tz = desk.config.timezone;
    desk.write(|tx| {
        let row = requests::get(tx.conn, request_id)?;
        let today = deadline::local(tx.now, tz).date();
        let Some(due) = row.due_date.filter(|_| is_reminded(row.status)) else {
            return Ok(false);
        };
        let days = (due - today).num_days();
        let Some(step) = Step::at(days, today) else {
            return Ok(false);
        };
        let to: Vec<Addressee> = match step.audience() {
            Audience::Workers => reminders::workers(tx.conn, &row.id)?,
            Audience::Escalation => reminders::escalation(tx.conn, &row.id)?,
        };
        let key = step.key();
        if !reminders::claim(tx.conn, &row.id, &key, to.len(), tx.now)? {
            return Ok(false);
        }
        let page = tx.desk.url(&format!("/staff/requests/{}", row.reference));
        let notices: Vec<_> = to
            .iter()
            .map(|a| {
                let recipient = crate::recipients::staff_about(&row, &a.name, &a.email, a.lang);
                notices::staff_reminder(recipient, step, row.kind, due, days, &page)
            })
            .collect();
        tx.send(&notices)?;
        tx.record(
            &row.id,
            &Actor::System,
            AuditAction::ReminderSent,
            serde_json::json!({"step": key, "recipients": to.len(), "due_date": due.to_string()}),
        )?;
        Ok(true)
    })
}

/// Reminds a requester who has not confirmed after a day, once.
fn remind_requester(desk: &Desk, request_id: &RequestId) -> Result<bool, WorkflowError> {
    desk.write(|tx| {
        let row = requests::get(tx.conn, request_id)?;
        if row.status != RequestStatus::Unverified
            || row.received_at > tx.now - Duration::hours(VERIFY_REMINDER_HOURS)
        {
            return Ok(false);
        }
        // A stranger may have named someone else's address: what it is
        // sent stays within the same cap as every other email.
        let may_send = tx.recent_emails(&row.requester_email)?.may_send_another();
        let recipients = usize::from(may_send);
        if !reminders::claim(tx.conn, &row.id, VERIFY_STEP, recipients, tx.now)? {
            return Ok(false);
        }
        if may_send {
            send_code(tx, &row, CodeEmail::Reminder)?;
        }
        tx.record(
            &row.id,
            &Actor::System,
            AuditAction::ReminderSent,
            serde_json::json!({"step": VERIFY_STEP, "recipients": recipients}),
        )?;
        Ok(may_send)
    })
}
