//! The requester's proof of identity: the code sent by email, its tries,
//! and the verification state.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::RequestId;

use super::audit::NewEvent;
use super::prepared::prepared_returning;
use super::schema::requests;
use super::{DbConnection, StoreError, Tx};
use crate::types::Wire;
use diesel::sql_types::{Integer, Text, Timestamp};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::request::VerificationState;

fn record(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    action: AuditAction,
    payload: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    tx.append(NewEvent::about(request_id, &Actor::System, action, payload), now);
    Ok(())
}

/// Stores a new code (as its hash), with its audit event: tries start
/// again from zero. Call inside `Store::write`, with the email that
/// carries the code.
pub fn set_code(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    code_hash: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let sent: i32 = prepared_returning::<Integer, _>(
        "UPDATE requests SET verification_code_hash = ?, verification_attempts = 0, \
         verification_codes_sent = verification_codes_sent + 1, verification_sent_at = ?, \
         updated_at = ? WHERE id = ? RETURNING verification_codes_sent",
        (
            (Text, code_hash),
            (Timestamp, now),
            (Timestamp, now),
            (Text, request_id.as_str()),
        ),
    )
    .get_result(tx.connection())?;
    record(
        tx,
        request_id,
        AuditAction::CodeSent,
        serde_json::json!({"codes_sent": sent}),
        now,
    )
}

/// The audit event of a request's first code, stored with its row by
/// [`super::requests::create_with_code`]: the one [`set_code`] appends.
pub fn first_code_set(tx: &mut Tx<'_>, request_id: &RequestId, now: NaiveDateTime) -> Result<(), StoreError> {
    record(
        tx,
        request_id,
        AuditAction::CodeSent,
        serde_json::json!({"codes_sent": 1}),
        now,
    )
}

/// The stored hash of the current code, if one is outstanding.
pub fn code_hash(conn: &mut DbConnection, request_id: &RequestId) -> Result<Option<String>, StoreError> {
    Ok(requests::table
        .find(request_id.as_str())
        .select(requests::verification_code_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Counts a wrong code, with its audit event; returns the tries used so far.
pub fn record_wrong_attempt(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    max_attempts: i32,
    now: NaiveDateTime,
) -> Result<i32, StoreError> {
    let used: i32 = diesel::update(requests::table.find(request_id.as_str()))
        .set(requests::verification_attempts.eq(requests::verification_attempts + 1))
        .returning(requests::verification_attempts)
        .get_result(tx.connection())?;
    record(
        tx,
        request_id,
        AuditAction::CodeRejected,
        serde_json::json!({"attempts": used, "locked": used >= max_attempts}),
        now,
    )?;
    Ok(used)
}

/// Records how the requester was verified; the code can no longer be used.
pub fn mark_verified(
    conn: &mut DbConnection,
    request_id: &RequestId,
    state: VerificationState,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(requests::table.find(request_id.as_str()))
        .set((
            requests::verification_state.eq(Wire(state)),
            requests::verified_at.eq(now),
            requests::verification_code_hash.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}
