//! Tracking: a reference and an email address in, a status link out by
//! email to that address when they match (a few a day at most). The caller
//! learns nothing either way.

use super::{Desk, WorkflowError};
use auth::tokens::Purpose;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::identifier::Email;
use domain::limits;
use domain::reference::Reference;
use mail::notices::{self};
use store::{StoreError, audit, requests};

#[derive(Debug, Clone)]
pub struct Track {
    pub reference: Reference,
    pub email: Email,
}

pub fn track(desk: &Desk, input: Track) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let row = match requests::get_by_reference(tx.conn, &input.reference) {
            Ok(row) => row,
            Err(StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if row.requester_email != input.email.as_str() {
            return Ok(());
        }
        tx.serialise_address(&row.requester_email)?;
        let since = tx.now - chrono::Duration::hours(24);
        let sent_today =
            audit::count_for_request_since(tx.conn, &row.id, AuditAction::StatusLinkSent, since)?;
        if !limits::may_send_status_link(sent_today, tx.recent_emails(&row.requester_email)?) {
            return Ok(());
        }
        let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
        tx.send(&[notices::status_link(crate::recipients::requester(&row), &link)])?;
        tx.record(
            &row.id,
            &Actor::Requester,
            AuditAction::StatusLinkSent,
            serde_json::json!({}),
        )
    })
}
