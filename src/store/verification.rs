//! The requester's proof of identity: the code sent by email, its tries,
//! and the verification state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::requests;
use super::{DbConnection, StoreError};
use crate::domain::request::VerificationState;

/// Stores a new code (as its hash): tries start again from zero.
pub fn set_code(
    conn: &mut DbConnection,
    request_id: &str,
    code_hash: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(requests::table.find(request_id))
        .set((
            requests::verification_code_hash.eq(code_hash),
            requests::verification_attempts.eq(0),
            requests::verification_codes_sent.eq(requests::verification_codes_sent + 1),
            requests::verification_sent_at.eq(now),
            requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The stored hash of the current code, if one is outstanding.
pub fn code_hash(conn: &mut DbConnection, request_id: &str) -> Result<Option<String>, StoreError> {
    Ok(requests::table
        .find(request_id)
        .select(requests::verification_code_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Counts a wrong code; returns the tries used so far.
pub fn record_wrong_attempt(conn: &mut DbConnection, request_id: &str) -> Result<i32, StoreError> {
    Ok(diesel::update(requests::table.find(request_id))
        .set(requests::verification_attempts.eq(requests::verification_attempts + 1))
        .returning(requests::verification_attempts)
        .get_result(conn)?)
}

/// Records how the requester was verified; the code can no longer be used.
pub fn mark_verified(
    conn: &mut DbConnection,
    request_id: &str,
    state: VerificationState,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(requests::table.find(request_id))
        .set((
            requests::verification_state.eq(state.as_str()),
            requests::verified_at.eq(now),
            requests::verification_code_hash.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}
