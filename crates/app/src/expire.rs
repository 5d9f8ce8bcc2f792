//! Requests never verified expire after the configured period: status
//! `expired`, holds lifted, the requester told. Run by the background job;
//! safe on several instances at once.

use super::{Desk, WorkflowError};
use domain::actor::Actor;
use domain::lifecycle::RequestStatus;
use mail::notices::{self};
use store::lifecycle::Transition;
use store::requests;

const BATCH: i64 = 100;

/// Expires every request unverified for longer than the configured period
/// (by the desk's clock); returns how many it expired.
pub fn expire_unverified(desk: &Desk) -> Result<usize, WorkflowError> {
    let period =
        chrono::Duration::from_std(desk.config.unverified_expiry).unwrap_or(chrono::Duration::days(7));
    let mut expired = 0;
    loop {
        let ids = desk.read(|conn, now| Ok(requests::unverified_before(conn, now - period, BATCH)?))?;
        let batch = ids.len();
        for id in ids {
            let done = desk.write(|tx| {
                let row = requests::get(tx.conn, &id)?;
                // Another instance, or the requester, may have got here first.
                if row.status != RequestStatus::Unverified || row.received_at >= tx.now - period {
                    return Ok(false);
                }
                let transition = Transition {
                    payload: serde_json::json!({"unverified_for_seconds": period.num_seconds()}),
                    ..Transition::new(&row.id, RequestStatus::Expired, &Actor::System)
                };
                tx.transition(
                    transition,
                    &[notices::expired(crate::recipients::requester(&row))],
                )?;
                Ok(true)
            })?;
            expired += usize::from(done);
        }
        if batch < BATCH as usize {
            return Ok(expired);
        }
    }
}
