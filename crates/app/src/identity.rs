//! The two steps of proving an email address that several workflows share:
//! sending a code (with its link), and accepting the proof.

use super::{Tx, WorkflowError};
use auth::codes;
use auth::tokens::Purpose;
use domain::actor::Actor;
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use domain::request::VerificationState;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::requests::RequestRow;
use store::verification;

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
pub(super) fn send_code(
    tx: &mut Tx<'_, '_>,
    row: &RequestRow,
    email: CodeEmail,
) -> Result<(), WorkflowError> {
    let code = codes::generate();
    let hash = codes::hash(&tx.desk.keys.codes, row.id.as_str(), &code);
    verification::set_code(tx.conn, &row.id, &hash, tx.now)?;
    email_code(tx, row, &code, email)
}

/// A new request's first code: made before the request is stored, so that
/// its hash is stored with the row (`requests::create_with_code`).
pub(super) struct FirstCode {
    code: String,
}

impl FirstCode {
    pub(super) fn new() -> Self {
        Self {
            code: codes::generate(),
        }
    }

    /// The code's stored form for a request id, with the desk's key.
    pub(super) fn hash_for(&self, key: &[u8], request_id: &RequestId) -> String {
        codes::hash(key, request_id.as_str(), &self.code)
    }

    /// Once the request is stored with the code: the code's audit event,
    /// and the verification email that carries it.
    pub(super) fn send(self, tx: &mut Tx<'_, '_>, row: &RequestRow) -> Result<(), WorkflowError> {
        verification::first_code_set(tx.conn, &row.id, tx.now)?;
        email_code(tx, row, &self.code, CodeEmail::Verification)
    }
}

/// Queues the email that carries `code`, with a fresh verification link.
fn email_code(
    tx: &mut Tx<'_, '_>,
    row: &RequestRow,
    code: &str,
    email: CodeEmail,
) -> Result<(), WorkflowError> {
    let (link, _) = tx.link("/v/", Purpose::Verify, row.id.as_str())?;
    let to = crate::recipients::requester(row);
    let notice = match email {
        CodeEmail::Verification => {
            let code_page = tx.desk.url(&format!("/requests/{}/verify", row.reference));
            notices::verification(to, &link, code, &code_page, crate::recipients::answer_by(row))
        }
        CodeEmail::NewCode => notices::new_code(to, &link, code),
        CodeEmail::Reminder => notices::verify_reminder(to, &link, code),
    };
    tx.send(&[notice])
}

/// The requester controls the address: records it and moves the request to
/// work or to staff review (the identity policy decides). Returns the
/// token of the status page, which the email confirming it carries too.
pub(super) fn confirm_email(tx: &mut Tx<'_, '_>, row: &RequestRow) -> Result<String, WorkflowError> {
    let proven = VerificationState::EmailConfirmed;
    verification::mark_verified(tx.conn, &row.id, proven, tx.now)?;
    let to = tx
        .desk
        .identity_policy()
        .status_after_requester(row.on_behalf, proven);
    let (link, token) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
    let notice = notices::verified(
        crate::recipients::requester(row),
        &link,
        to == RequestStatus::Verifying,
        crate::recipients::answer_by(row),
    );
    let transition = Transition {
        payload: serde_json::json!({"verified_by": "email"}),
        ..Transition::new(&row.id, to, &Actor::Requester)
    };
    tx.transition(transition, &[notice])?;
    Ok(token)
}
