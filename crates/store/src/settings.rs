//! Small key/value facts about the deployment (for example, when the demo
//! data was loaded).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::settings;
use super::{DbConnection, StoreError};

pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

pub fn set(conn: &mut DbConnection, key: &str, value: &str, now: NaiveDateTime) -> Result<(), StoreError> {
    let updated = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
