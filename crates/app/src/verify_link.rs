//! Confirming an email address with the link it was sent. Opening the link
//! changes nothing (mail scanners open links); the person confirms with a
//! button, which posts here.

use super::identity::confirm_email;
use super::{Desk, WorkflowError};
use auth::tokens::{Purpose, TokenError};
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use store::requests;

/// What a verification link is worth now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Valid,
    Expired,
    Invalid,
}

/// Judges a verification link by the desk's clock, without using it.
pub fn check_link(desk: &Desk, token: &str) -> LinkState {
    match desk.token_subject(Purpose::Verify, token, desk.clock.now()) {
        Ok(_) => LinkState::Valid,
        Err(TokenError::Expired) => LinkState::Expired,
        Err(TokenError::Invalid) => LinkState::Invalid,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Confirmed; the token of the request's status page.
    Verified {
        status_token: String,
    },
    AlreadyVerified,
    /// The link cannot be used (expired or not valid).
    Unusable(LinkState),
}

pub fn verify_by_link(desk: &Desk, token: &str) -> Result<LinkOutcome, WorkflowError> {
    desk.write(|tx| {
        let request_id = match desk.token_subject(Purpose::Verify, token, tx.now) {
            Ok(id) => RequestId::from(id),
            Err(TokenError::Expired) => return Ok(LinkOutcome::Unusable(LinkState::Expired)),
            Err(TokenError::Invalid) => return Ok(LinkOutcome::Unusable(LinkState::Invalid)),
        };
        let row = requests::get(tx.conn, &request_id)?;
        if row.status != RequestStatus::Unverified {
            return Ok(LinkOutcome::AlreadyVerified);
        }
        let status_token = confirm_email(tx, &row)?;
        Ok(LinkOutcome::Verified { status_token })
    })
}
