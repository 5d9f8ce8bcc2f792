//! Grants of a privileged role (privacy officer, admin) asked for on the
//! admin pages, waiting for a second admin. A grant is deleted when it is
//! confirmed or cancelled; the audit trail keeps both.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::StaffId;
use domain::staff::StaffRole;

use super::schema::staff_grants;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;

/// A grant waiting for a second admin.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = staff_grants)]
pub struct GrantRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub staff_id: StaffId,
    pub role: StaffRole,
    pub department_id: Option<String>,
    /// The account is active once the grant takes effect.
    pub active: bool,
    #[diesel(deserialize_as = String)]
    pub requested_by: StaffId,
    pub requested_at: NaiveDateTime,
}

/// A grant to record.
#[derive(Debug, Clone, Copy)]
pub struct NewGrant<'a> {
    pub staff_id: &'a StaffId,
    pub role: StaffRole,
    pub department_id: Option<&'a str>,
    pub active: bool,
    pub requested_by: &'a StaffId,
}

/// Records a grant for an account, in place of any that waited for it.
pub fn replace(
    conn: &mut DbConnection,
    new: &NewGrant<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    diesel::delete(staff_grants::table.filter(staff_grants::staff_id.eq(new.staff_id.as_str())))
        .execute(conn)?;
    let id = new_id();
    diesel::insert_into(staff_grants::table)
        .values((
            staff_grants::id.eq(&id),
            staff_grants::staff_id.eq(new.staff_id.as_str()),
            staff_grants::role.eq(Wire(new.role)),
            staff_grants::department_id.eq(new.department_id),
            staff_grants::active.eq(new.active),
            staff_grants::requested_by.eq(new.requested_by.as_str()),
            staff_grants::requested_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Every grant waiting, oldest first.
pub fn waiting(conn: &mut DbConnection) -> Result<Vec<GrantRow>, StoreError> {
    Ok(staff_grants::table
        .order((staff_grants::requested_at.asc(), staff_grants::id.asc()))
        .select(GrantRow::as_select())
        .load(conn)?)
}

/// The grant with this id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<GrantRow, StoreError> {
    staff_grants::table
        .find(id)
        .select(GrantRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Deletes a grant (confirmed or cancelled); a grant already gone is a
/// conflict (someone else settled it meanwhile).
pub fn remove(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    match diesel::delete(staff_grants::table.find(id)).execute(conn)? {
        1 => Ok(()),
        _ => Err(StoreError::Conflict),
    }
}
