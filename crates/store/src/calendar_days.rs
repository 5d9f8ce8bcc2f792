//! An admin's changes to the shipped holiday calendars: days added (a
//! one-off holiday) or taken off (a listed day that is a working day after
//! all). Deadlines are counted with the shipped calendar and these.
//!
//! A change and the due dates it moves commit together; a deadline being
//! counted meanwhile waits for that commit (on PostgreSQL, readers take a
//! shared advisory lock on the calendar and a change takes it exclusively;
//! SQLite writes one transaction at a time), so no request is counted with
//! a calendar its recount did not see.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::prepared::prepared;
use super::schema::calendar_days;
use super::{DbConnection, StoreError};
use crate::types::Wire;
use domain::calendar::{DayChange, HolidayCalendar};

/// One changed day.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days)]
pub struct DayRow {
    pub calendar: String,
    pub day: NaiveDate,
    #[diesel(serialize_as = Wire<DayChange>)]
    pub change: DayChange,
    pub name: String,
    pub changed_by: Option<String>,
    pub changed_at: NaiveDateTime,
}

fn lock_key(calendar: &str) -> String {
    format!("calendar:{calendar}")
}

/// The changes to `calendar`, by day, as a transaction about to count a
/// deadline with them must read them: after any change being made commits.
pub fn changes(conn: &mut DbConnection, calendar: &str) -> Result<Vec<DayRow>, StoreError> {
    if let DbConnection::Pg(pg) = conn {
        // The shared lock and the read in one round trip: the one-row
        // derived table makes sure the lock is taken even when no day has
        // changed.
        #[derive(QueryableByName)]
        struct Changed {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
            day: Option<NaiveDate>,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            change: Option<String>,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            name: Option<String>,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            changed_by: Option<String>,
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
            changed_at: Option<NaiveDateTime>,
        }
        // Prepared prepared: every deadline counted runs it.
        let rows: Vec<Changed> = prepared(
            "SELECT d.day, d.change, d.name, d.changed_by, d.changed_at \
             FROM (SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))) AS turn \
             LEFT JOIN calendar_days d ON d.calendar = ? \
             ORDER BY d.day",
            (
                (diesel::sql_types::Text, lock_key(calendar)),
                (diesel::sql_types::Text, calendar),
            ),
        )
        .load(pg)?;
        return rows
            .into_iter()
            .filter_map(|r| Some((r.day?, r.change?, r.name?, r.changed_by, r.changed_at?)))
            .map(|(day, change, name, changed_by, changed_at)| {
                Ok(DayRow {
                    calendar: calendar.to_owned(),
                    day,
                    change: change
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("calendar change {change:?}: {e}")))?,
                    name,
                    changed_by,
                    changed_at,
                })
            })
            .collect();
    }
    Ok(calendar_days::table
        .filter(calendar_days::calendar.eq(calendar))
        .order(calendar_days::day.asc())
        .select(DayRow::as_select())
        .load(conn)?)
}

/// `shipped` with the changes to `calendar` (see [`changes`]).
pub fn effective(
    conn: &mut DbConnection,
    calendar: &str,
    shipped: &HolidayCalendar,
) -> Result<HolidayCalendar, StoreError> {
    let changes = changes(conn, calendar)?;
    Ok(shipped.with_changes(changes.iter().map(|c| (c.day, c.change, c.name.as_str()))))
}

/// Takes `calendar` for a change: waits for the deadlines being counted
/// with it to commit, and holds them off until this transaction does.
pub fn lock_for_change(conn: &mut DbConnection, calendar: &str) -> Result<(), StoreError> {
    super::serialise(conn, &lock_key(calendar))
}

/// Records a changed day (replacing an earlier change of the same day).
pub fn set(conn: &mut DbConnection, row: &DayRow) -> Result<(), StoreError> {
    remove(conn, &row.calendar, row.day)?;
    diesel::insert_into(calendar_days::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Undoes the change of `day`; returns it, if there was one.
pub fn remove(conn: &mut DbConnection, calendar: &str, day: NaiveDate) -> Result<Option<DayRow>, StoreError> {
    let existing = calendar_days::table
        .filter(calendar_days::calendar.eq(calendar))
        .filter(calendar_days::day.eq(day))
        .select(DayRow::as_select())
        .first(conn)
        .optional()?;
    if existing.is_some() {
        diesel::delete(
            calendar_days::table
                .filter(calendar_days::calendar.eq(calendar))
                .filter(calendar_days::day.eq(day)),
        )
        .execute(conn)?;
    }
    Ok(existing)
}
