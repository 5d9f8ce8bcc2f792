//! A new code, asked for on the code page: sent to the address on file
//! (never to one typed there), at most a few per request, not too often,
//! and within what that address may be sent. Whatever the outcome, the
//! page says the same (see the code page's handler).

use super::identity::{CodeEmail, send_code};
use super::{Desk, WorkflowError};
use auth::codes;
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use store::{StoreError, requests};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResendOutcome {
    /// Sent — or nothing matched, which looks the same.
    Sent,
    /// Too soon: wait this many seconds.
    Wait(i64),
    /// This request may be sent no more codes.
    NoMore,
    /// The request is already confirmed.
    NotNeeded,
    /// The address has been sent as many emails as it may for now.
    Withheld,
}

pub fn send_new_code(desk: &Desk, reference: &Reference) -> Result<ResendOutcome, WorkflowError> {
    desk.write(|tx| {
        let row = match requests::get_by_reference(tx.conn, reference) {
            Ok(row) => row,
            Err(StoreError::NotFound) => return Ok(ResendOutcome::Sent),
            Err(e) => return Err(e.into()),
        };
        // Codes sent and tried are counted per request and per address: read
        // them again in the address's turn.
        tx.serialise_address(&row.requester_email)?;
        let row = requests::get(tx.conn, &row.id)?;
        if row.status != RequestStatus::Unverified {
            return Ok(ResendOutcome::NotNeeded);
        }
        let since = row.verification_sent_at.map(|t| (tx.now - t).num_seconds());
        let locked = row.verification_attempts >= codes::MAX_ATTEMPTS;
        match codes::may_resend(row.verification_codes_sent, since, locked) {
            Err(Some(wait)) => return Ok(ResendOutcome::Wait(wait)),
            Err(None) => return Ok(ResendOutcome::NoMore),
            Ok(()) => {}
        }
        if !tx.recent_emails(&row.requester_email)?.may_send_another() {
            return Ok(ResendOutcome::Withheld);
        }
        send_code(tx, &row, CodeEmail::NewCode)?;
        Ok(ResendOutcome::Sent)
    })
}
