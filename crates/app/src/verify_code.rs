//! Confirming an email address with the code it was sent. Five wrong codes
//! lock the code until a new one is sent; an unknown reference looks
//! exactly like a wrong code.

use super::identity::confirm_email;
use super::{Desk, WorkflowError};
use auth::codes::{self, EnteredCode};
use domain::lifecycle::RequestStatus;
use domain::limits;
use domain::reference::Reference;
use store::{StoreError, requests, verification};

#[derive(Debug, Clone)]
pub struct VerifyByCode {
    pub reference: Reference,
    pub code: EnteredCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeOutcome {
    /// Confirmed; the token of the request's status page.
    Verified {
        status_token: String,
    },
    AlreadyVerified,
    Wrong {
        tries_left: i32,
    },
    Locked,
}

pub fn verify_by_code(desk: &Desk, input: VerifyByCode) -> Result<CodeOutcome, WorkflowError> {
    desk.write(|tx| {
        let row = match requests::get_by_reference(tx.conn, &input.reference) {
            Ok(row) => row,
            Err(StoreError::NotFound) => {
                return Ok(CodeOutcome::Wrong {
                    tries_left: codes::MAX_ATTEMPTS,
                });
            }
            Err(e) => return Err(e.into()),
        };
        // Codes sent and tried are counted per request and per address: read
        // them again in the address's turn.
        tx.serialise_address(&row.requester_email)?;
        let row = requests::get(tx.conn, &row.id)?;
        if row.status != RequestStatus::Unverified {
            return Ok(CodeOutcome::AlreadyVerified);
        }
        if row.verification_attempts >= codes::MAX_ATTEMPTS {
            return Ok(CodeOutcome::Locked);
        }
        // Guesses spread over many requests for one address count together.
        let since = tx.now - chrono::Duration::hours(24);
        if !limits::may_try_a_code(requests::wrong_codes_for_requester_of(tx.conn, &row.id, since)?) {
            return Ok(CodeOutcome::Locked);
        }
        let Some(stored) = verification::code_hash(tx.conn, &row.id)? else {
            return Ok(CodeOutcome::Locked);
        };
        if codes::matches(&desk.keys.codes, row.id.as_str(), &input.code, &stored) {
            let status_token = confirm_email(tx, &row)?;
            return Ok(CodeOutcome::Verified { status_token });
        }
        let used = verification::record_wrong_attempt(tx.conn, &row.id, codes::MAX_ATTEMPTS, tx.now)?;
        Ok(if used >= codes::MAX_ATTEMPTS {
            CodeOutcome::Locked
        } else {
            CodeOutcome::Wrong {
                tries_left: codes::MAX_ATTEMPTS - used,
            }
        })
    })
}
