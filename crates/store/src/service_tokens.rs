//! Service tokens as issued: their ids (which revocation names), systems,
//! scopes and dates. The token itself is never stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::service_tokens;
use super::{DbConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = service_tokens)]
pub struct TokenRow {
    pub id: String,
    pub system_name: String,
    /// Comma-separated scope names.
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &TokenRow) -> Result<(), StoreError> {
    diesel::insert_into(service_tokens::table)
        .values((
            service_tokens::id.eq(&row.id),
            service_tokens::system_name.eq(&row.system_name),
            service_tokens::scopes.eq(&row.scopes),
            service_tokens::created_at.eq(row.created_at),
            service_tokens::expires_at.eq(row.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every token ever issued, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<TokenRow>, StoreError> {
    Ok(service_tokens::table
        .order((service_tokens::created_at.desc(), service_tokens::id.desc()))
        .select(TokenRow::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<TokenRow, StoreError> {
    service_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Revokes a token; false when it already was.
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        service_tokens::table
            .filter(service_tokens::id.eq(id))
            .filter(service_tokens::revoked_at.is_null()),
    )
    .set((
        service_tokens::revoked_at.eq(now),
        service_tokens::revoked_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The ids of every revoked token that has not expired yet (an expired
/// token is refused by its own signed expiry).
pub fn revoked_ids(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
    Ok(service_tokens::table
        .filter(service_tokens::revoked_at.is_not_null())
        .filter(
            service_tokens::expires_at
                .is_null()
                .or(service_tokens::expires_at.gt(now)),
        )
        .select(service_tokens::id)
        .load(conn)?)
}
