//! Staff sessions and failed sign-ins.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::StaffId;

use super::schema::{login_failures, staff_sessions, staff_users};
use super::staff::StaffUser;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::lang::Lang;
use domain::login::{FAILURE_WINDOW, RecentFailures};
use domain::staff::StaffRole;

/// A session as stored.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = staff_sessions)]
pub struct SessionRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub staff_id: StaffId,
    pub role: StaffRole,
    pub created_at: NaiveDateTime,
    pub renewed_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// Starts a session; the member's emails will be in `lang`, the language
/// they signed in with.
pub fn start(
    conn: &mut DbConnection,
    staff: &StaffUser,
    lang: Lang,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(staff_sessions::table)
        .values((
            staff_sessions::id.eq(&id),
            staff_sessions::staff_id.eq(staff.id.as_str()),
            staff_sessions::role.eq(Wire(staff.role)),
            staff_sessions::created_at.eq(now),
            staff_sessions::renewed_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(staff_users::table.find(staff.id.as_str()))
        .set((
            staff_users::last_login_at.eq(now),
            staff_users::lang.eq(Wire(lang)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A session still open, with its staff member as they are now.
pub fn open_with_staff(
    conn: &mut DbConnection,
    session_id: &str,
) -> Result<Option<(SessionRow, StaffUser)>, StoreError> {
    Ok(staff_sessions::table
        .inner_join(staff_users::table)
        .filter(staff_sessions::id.eq(session_id))
        .filter(staff_sessions::ended_at.is_null())
        .select((SessionRow::as_select(), StaffUser::as_select()))
        .first(conn)
        .optional()?)
}

pub fn renew(conn: &mut DbConnection, session_id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
    diesel::update(staff_sessions::table.find(session_id))
        .set(staff_sessions::renewed_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends one session.
pub fn end(
    conn: &mut DbConnection,
    session_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        staff_sessions::table
            .filter(staff_sessions::id.eq(session_id))
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set((
        staff_sessions::ended_at.eq(now),
        staff_sessions::end_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(())
}

/// Ends every open session of a staff member; returns how many.
pub fn end_all(
    conn: &mut DbConnection,
    staff_id: &StaffId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        staff_sessions::table
            .filter(staff_sessions::staff_id.eq(staff_id.as_str()))
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set((
        staff_sessions::ended_at.eq(now),
        staff_sessions::end_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Ends every open session of a staff member but one; returns how many.
pub fn end_all_except(
    conn: &mut DbConnection,
    staff_id: &StaffId,
    keep: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        staff_sessions::table
            .filter(staff_sessions::staff_id.eq(staff_id.as_str()))
            .filter(staff_sessions::id.ne(keep))
            .filter(staff_sessions::ended_at.is_null()),
    )
    .set((
        staff_sessions::ended_at.eq(now),
        staff_sessions::end_reason.eq(reason),
    ))
    .execute(conn)?)
}

/// Records a failed sign-in (keyed hashes of the address typed and of the
/// client address).
pub fn record_failure(
    conn: &mut DbConnection,
    account_key: &str,
    client_key: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(new_id()),
            login_failures::account_key.eq(account_key),
            login_failures::client_key.eq(client_key),
            login_failures::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The failures within the window, oldest first, for the account and the client.
pub fn recent_failures(
    conn: &mut DbConnection,
    account_key: &str,
    client_key: &str,
    now: NaiveDateTime,
) -> Result<RecentFailures, StoreError> {
    let since = now - FAILURE_WINDOW;
    let account = login_failures::table
        .filter(login_failures::account_key.eq(account_key))
        .filter(login_failures::at.gt(since))
        .order(login_failures::at.asc())
        .select(login_failures::at)
        .load(conn)?;
    let client = login_failures::table
        .filter(login_failures::client_key.eq(client_key))
        .filter(login_failures::at.gt(since))
        .order(login_failures::at.asc())
        .select(login_failures::at)
        .load(conn)?;
    Ok(RecentFailures { account, client })
}

/// Forgets an account's failures after it signs in.
pub fn clear_failures(conn: &mut DbConnection, account_key: &str) -> Result<(), StoreError> {
    diesel::delete(login_failures::table.filter(login_failures::account_key.eq(account_key)))
        .execute(conn)?;
    Ok(())
}
