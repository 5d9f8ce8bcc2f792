//! The requester withdraws their request: work stops, holds are lifted,
//! and they are told by email.

use super::{Desk, WorkflowError};
use domain::actor::Actor;
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::requests;

#[derive(Debug, Clone)]
pub struct Withdraw {
    pub request_id: RequestId,
    /// The version of the request the person saw, if the page said; a
    /// request changed since is refused as stale.
    pub expected_version: Option<i32>,
}

pub fn withdraw(desk: &Desk, input: Withdraw) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let row = requests::get(tx.conn, &input.request_id)?;
        let notice = notices::withdrawn(crate::recipients::requester(&row));
        let transition = Transition {
            expected_version: input.expected_version,
            ..Transition::new(&row.id, RequestStatus::Withdrawn, &Actor::Requester)
        };
        tx.transition(transition, &[notice])?;
        Ok(())
    })
}
