//! Each time a request's answer was put off: the kind, the reasons the
//! requester was told, and the due dates before and after.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::ids::{RequestId, StaffId};

use super::schema::prolongations;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::profile::Prolongation;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = prolongations)]
pub struct ProlongationRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub kind: Prolongation,
    pub reasons: String,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub staff_id: StaffId,
    pub created_at: NaiveDateTime,
}

/// A prolongation to record.
#[derive(Debug, Clone)]
pub struct NewProlongation<'a> {
    pub request_id: &'a str,
    pub kind: Prolongation,
    pub reasons: &'a str,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub staff_id: &'a str,
}

/// Records a prolongation; returns its id.
pub fn add(
    conn: &mut DbConnection,
    new: &NewProlongation<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(prolongations::table)
        .values((
            prolongations::id.eq(&id),
            prolongations::request_id.eq(new.request_id),
            prolongations::kind.eq(Wire(new.kind)),
            prolongations::reasons.eq(new.reasons),
            prolongations::from_date.eq(new.from_date),
            prolongations::to_date.eq(new.to_date),
            prolongations::staff_id.eq(new.staff_id),
            prolongations::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A request's prolongations, oldest first.
pub fn for_request(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Vec<ProlongationRow>, StoreError> {
    Ok(prolongations::table
        .filter(prolongations::request_id.eq(request_id.as_str()))
        .order(prolongations::created_at.asc())
        .select(ProlongationRow::as_select())
        .load(conn)?)
}
