//! Internal notes: what staff write about a request for each other.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::{RequestId, StaffId};

use super::schema::{request_notes, staff_users};
use super::{DbConnection, StoreError, new_id};

/// An internal note with its author's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub author: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn add_note(
    conn: &mut DbConnection,
    request_id: &RequestId,
    staff_id: &StaffId,
    body: &str,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(request_notes::table)
        .values((
            request_notes::id.eq(&id),
            request_notes::request_id.eq(request_id.as_str()),
            request_notes::staff_id.eq(staff_id.as_str()),
            request_notes::body.eq(body),
            request_notes::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn notes(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Note>, StoreError> {
    let rows: Vec<(String, String, NaiveDateTime)> = request_notes::table
        .inner_join(staff_users::table)
        .filter(request_notes::request_id.eq(request_id.as_str()))
        .order(request_notes::created_at.asc())
        .select((staff_users::name, request_notes::body, request_notes::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(author, body, created_at)| Note {
            author,
            body,
            created_at,
        })
        .collect())
}
