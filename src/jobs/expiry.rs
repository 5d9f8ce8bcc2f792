//! Requests never verified expire after the configured period: status
//! `expired`, holds lifted, the requester told.

use std::time::Duration;

use crate::domain::actor::Actor;
use crate::domain::lifecycle::RequestStatus;
use crate::mail::notices::{self, Recipient};
use crate::store::{self, Store, StoreError, lifecycle, requests};

const BATCH: i64 = 100;

/// Expires every request unverified for longer than `period`; returns how
/// many it expired. Safe to run on several instances at once.
pub fn expire_unverified(store: &Store, period: Duration) -> Result<usize, StoreError> {
    let period = chrono::Duration::from_std(period).unwrap_or(chrono::Duration::days(7));
    let cutoff = store::now() - period;
    let mut expired = 0;
    loop {
        let ids = store.read(|conn| requests::unverified_before(conn, cutoff, BATCH))?;
        let batch = ids.len();
        for id in ids {
            let done = store.write(|conn| {
                let row = requests::get(conn, &id)?;
                // Another instance, or the requester, may have got here first.
                if row.status()? != RequestStatus::Unverified {
                    return Ok(false);
                }
                let email = notices::expired(Recipient::requester_of(&row));
                lifecycle::apply(
                    conn,
                    lifecycle::Transition {
                        request_id: &row.id,
                        to: RequestStatus::Expired,
                        actor: &Actor::System,
                        reason: None,
                        expected_version: None,
                        payload: serde_json::json!({"unverified_for_seconds": period.num_seconds()}),
                        emails: vec![email],
                    },
                    store::now(),
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
