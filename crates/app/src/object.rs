//! The requester objects to a decision: their reasons are kept as a
//! message, the request reopens (its holds placed again), and they are
//! told by email.

use super::{Desk, WorkflowError};
use auth::tokens::Purpose;
use domain::actor::Actor;
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use domain::submission::RequesterText;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::{messages, requests};

#[derive(Debug, Clone)]
pub struct Object {
    pub request_id: RequestId,
    pub reason: RequesterText,
    /// The version of the request the person saw, if the page said.
    pub expected_version: Option<i32>,
}

pub fn object(desk: &Desk, input: Object) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let row = requests::get(tx.conn, &input.request_id)?;
        messages::add(
            tx.conn,
            &row.id,
            messages::Author::Requester,
            input.reason.as_str(),
            None,
            tx.now,
        )?;
        let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
        let notice = notices::objection_received(crate::recipients::requester(&row), &link);
        let transition = Transition {
            expected_version: input.expected_version,
            ..Transition::new(&row.id, RequestStatus::Objection, &Actor::Requester)
        };
        tx.transition(transition, &[notice])?;
        Ok(())
    })
}
