//! Holds: the freeze on a data subject's data while a request is pending.
//! Placed and lifted only through [`place_for_request`] and
//! [`lift_for_request`], which the lifecycle and the holds API share.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{holds, requests};
use super::{DbConnection, StoreError, new_id};
use crate::domain::identifier::IdentifierKey;

/// One identifier to freeze: its scheme and keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldTarget {
    pub scheme: &'static str,
    pub key: IdentifierKey,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = holds)]
pub struct HoldRow {
    pub id: String,
    pub request_id: String,
    pub identifier_scheme: String,
    pub scope: String,
    pub reason: String,
    pub placed_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    pub lift_reason: Option<String>,
}

/// Places one hold per target for a request; returns the new hold ids.
pub fn place_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    targets: &[HoldTarget],
    scope: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::with_capacity(targets.len());
    for target in targets {
        let id = new_id();
        diesel::insert_into(holds::table)
            .values((
                holds::id.eq(&id),
                holds::request_id.eq(request_id),
                holds::identifier_key.eq(target.key.as_str()),
                holds::identifier_scheme.eq(target.scheme),
                holds::scope.eq(scope),
                holds::reason.eq(reason),
                holds::placed_at.eq(now),
            ))
            .execute(conn)?;
        ids.push(id);
    }
    Ok(ids)
}

/// Lifts every active hold of a request; returns the ids lifted.
pub fn lift_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let active = holds::table
        .filter(holds::request_id.eq(request_id))
        .filter(holds::lifted_at.is_null());
    let ids: Vec<String> = active.select(holds::id).load(conn)?;
    if !ids.is_empty() {
        diesel::update(holds::table.filter(holds::id.eq_any(&ids)))
            .set((holds::lifted_at.eq(now), holds::lift_reason.eq(reason)))
            .execute(conn)?;
    }
    Ok(ids)
}

/// Places again, once each, the holds a request had before they were lifted
/// (an objection reopens the dispute). Returns the new hold ids.
pub fn restore_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let previous: Vec<(String, String, String, String, Option<NaiveDateTime>)> = holds::table
        .filter(holds::request_id.eq(request_id))
        .order(holds::placed_at.asc())
        .select((
            holds::identifier_key,
            holds::identifier_scheme,
            holds::scope,
            holds::reason,
            holds::lifted_at,
        ))
        .load(conn)?;
    let is_active = |l: &Option<NaiveDateTime>| l.is_none();
    let mut covered: std::collections::HashSet<(&String, &String)> = previous
        .iter()
        .filter(|(.., lifted_at)| is_active(lifted_at))
        .map(|(key, _, scope, ..)| (key, scope))
        .collect();
    let mut placed = Vec::new();
    for (key, scheme, scope, reason, _) in &previous {
        if !covered.insert((key, scope)) {
            continue;
        }
        let id = new_id();
        diesel::insert_into(holds::table)
            .values((
                holds::id.eq(&id),
                holds::request_id.eq(request_id),
                holds::identifier_key.eq(key),
                holds::identifier_scheme.eq(scheme),
                holds::scope.eq(scope),
                holds::reason.eq(reason),
                holds::placed_at.eq(now),
            ))
            .execute(conn)?;
        placed.push(id);
    }
    Ok(placed)
}

/// The active holds on an identifier, with their requests' references: the
/// question other systems ask before using a person's data.
pub fn active_for_identifier(
    conn: &mut DbConnection,
    key: &IdentifierKey,
) -> Result<Vec<(HoldRow, String)>, StoreError> {
    Ok(holds::table
        .inner_join(requests::table)
        .filter(holds::identifier_key.eq(key.as_str()))
        .filter(holds::lifted_at.is_null())
        .order(holds::placed_at.asc())
        .select((HoldRow::as_select(), requests::reference))
        .load(conn)?)
}

/// Every hold a request has placed, active or lifted.
pub fn for_request(conn: &mut DbConnection, request_id: &str) -> Result<Vec<HoldRow>, StoreError> {
    Ok(holds::table
        .filter(holds::request_id.eq(request_id))
        .order(holds::placed_at.asc())
        .select(HoldRow::as_select())
        .load(conn)?)
}
