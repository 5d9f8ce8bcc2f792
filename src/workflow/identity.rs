//! The two steps of proving an email address that several workflows share:
//! sending a code (with its link), and accepting the proof.

use super::{Tx, WorkflowError};
use crate::auth::codes;
use crate::auth::tokens::Purpose;
use crate::domain::actor::Actor;
use crate::domain::lifecycle::RequestStatus;
use crate::domain::request::VerificationState;
use crate::mail::notices::{self, AnswerBy, Recipient};
use crate::store::lifecycle::Transition;
use crate::store::requests::RequestRow;
use crate::store::verification;

/// Which email carries a code.
pub(super) enum CodeEmail {
    /// The first, sent on receipt.
    Verification,
    /// One the requester asked for.
    NewCode,
    /// The one reminder of a requester who has not confirmed in a day.
    Reminder,
}

/// Makes a code for the request, stores its hash (tries start again), and
/// queues the email that carries it with a fresh verification link.
pub(super) fn send_code(tx: &mut Tx<'_>, row: &RequestRow, email: CodeEmail) -> Result<(), WorkflowError> {
    let code = codes::generate();
    let hash = codes::hash(&tx.desk.keys.codes, &row.id, &code);
    verification::set_code(tx.conn, &row.id, &hash, tx.now)?;
    let (link, _) = tx.link("/v/", Purpose::Verify, &row.id)?;
    let to = Recipient::requester_of(row);
    let notice = match email {
        CodeEmail::Verification => {
            let code_page = tx.desk.url(&format!("/requests/{}/verify", row.reference));
            notices::verification(to, &link, &code, &code_page, AnswerBy::of(row))
        }
        CodeEmail::NewCode => notices::new_code(to, &link, &code),
        CodeEmail::Reminder => notices::verify_reminder(to, &link, &code),
    };
    tx.send(&[notice])
}

/// The requester controls the address: records it and moves the request to
/// work or to staff review (the identity policy decides). Returns the
/// token of the status page, which the email confirming it carries too.
pub(super) fn confirm_email(tx: &mut Tx<'_>, row: &RequestRow) -> Result<String, WorkflowError> {
    let proven = VerificationState::EmailConfirmed;
    verification::mark_verified(tx.conn, &row.id, proven, tx.now)?;
    let to = tx
        .desk
        .identity_policy()
        .status_after_requester(row.on_behalf, proven);
    let (link, token) = tx.link("/r/", Purpose::Status, &row.id)?;
    let notice = notices::verified(
        Recipient::requester_of(row),
        &link,
        to == RequestStatus::Verifying,
        AnswerBy::of(row),
    );
    let transition = Transition {
        payload: serde_json::json!({"verified_by": "email"}),
        ..Transition::new(&row.id, to, &Actor::Requester)
    };
    tx.transition(transition, &[notice])?;
    Ok(token)
}
