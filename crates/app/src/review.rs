//! The privacy officer's review of identity and authority for a request in
//! `verifying`: accept (work starts), reject with a reason (the request is
//! refused, its holds lifted, the requester told why and how to ask
//! again), or ask for more (the requester is asked; the request waits).

use super::case::{self, MessageKind};
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use auth::tokens::Purpose;
use domain::decision::{AuthorityCheck, IdentityRejection};
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use domain::request::VerificationState;
use domain::submission::StaffText;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::verification;

#[derive(Debug, Clone)]
pub enum Review {
    /// Accept, having confirmed these checks.
    Accept {
        confirmed: Vec<AuthorityCheck>,
    },
    Reject {
        reason: IdentityRejection,
    },
    /// Ask the requester for more; the message says what.
    AskMore {
        message: StaffText,
    },
}

pub fn review(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    review: Review,
    expected_version: Option<i32>,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        case::require(file.options.review_identity)?;
        let row = &file.row;
        let actor = signed.actor();
        let to = crate::recipients::requester(row);
        match review {
            Review::Accept { confirmed } => {
                let missing = AuthorityCheck::missing(row.on_behalf, &confirmed);
                if !missing.is_empty() {
                    return Err(Refusal::AuthorityChecksMissing.into());
                }
                verification::mark_verified(tx.conn, &row.id, VerificationState::DocumentAccepted, tx.now)?;
                let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
                let transition = Transition {
                    expected_version,
                    payload: serde_json::json!({"review": "accepted", "confirmed": confirmed}),
                    ..Transition::new(&row.id, RequestStatus::InProgress, &actor)
                };
                tx.transition(transition, &[notices::identity_accepted(to, &link)])?;
            }
            Review::Reject { reason } => {
                let again = tx.desk.url("/requests/new");
                let transition = Transition {
                    expected_version,
                    reason: Some(reason.as_str()),
                    payload: serde_json::json!({"review": "rejected", "reason": reason}),
                    ..Transition::new(&row.id, RequestStatus::Refused, &actor)
                };
                tx.transition(transition, &[notices::identity_rejected(to, reason, &again)])?;
            }
            Review::AskMore { message } => {
                case::post_message(tx, signed, row, message.as_str(), MessageKind::InformationRequest)?;
                let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
                let transition = Transition {
                    expected_version,
                    payload: serde_json::json!({"review": "more_information"}),
                    ..Transition::new(&row.id, RequestStatus::AwaitingRequester, &actor)
                };
                tx.transition(
                    transition,
                    &[notices::information_requested(to, message.as_str(), &link)],
                )?;
            }
        }
        Ok(())
    })
}

/// Asks the requester for more information while the request is worked.
pub fn ask_requester(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    message: &StaffText,
    expected_version: Option<i32>,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        case::require(file.options.ask_requester)?;
        let row = &file.row;
        case::post_message(tx, signed, row, message.as_str(), MessageKind::InformationRequest)?;
        let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
        let actor = signed.actor();
        let transition = Transition {
            expected_version,
            ..Transition::new(&row.id, RequestStatus::AwaitingRequester, &actor)
        };
        let notice =
            notices::information_requested(crate::recipients::requester(row), message.as_str(), &link);
        tx.transition(transition, &[notice])?;
        Ok(())
    })
}
