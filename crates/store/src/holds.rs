//! Holds: the freeze on a data subject's data while a request is pending.
//! Placed and lifted only through [`place_for_request`],
//! [`end_with_request`], [`restore_for_request`] (which the lifecycle uses),
//! [`place_by_hand`] and [`lift_by_hand`]; each queues the webhook events
//! of its change in the same transaction. A hold covers all of the subject's data (`scope_all`) or the data
//! categories and systems listed beside it, one row each.

use domain::ids::{CategoryId, HoldId, RequestId, TaskId};
use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::json_list::InJsonList;
use super::schema::{data_categories, data_systems, hold_categories, hold_systems, holds, requests};
use super::{DbConnection, StoreError, Tx, new_id, webhooks};
use crate::types::Wire;
use domain::hold::{HoldReason, HoldScope, Question};
use domain::identifier::{IdentifierKey, IdentifierScheme};
use domain::lifecycle::RequestStatus;
use domain::webhook::WebhookEvent;

/// One identifier to freeze: its scheme and keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldTarget {
    pub scheme: IdentifierScheme,
    pub key: IdentifierKey,
}

/// What a hold covers, by stored ids: all, or these categories and systems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeIds {
    pub category_ids: Vec<String>,
    pub system_ids: Vec<String>,
}

impl ScopeIds {
    pub fn is_all(&self) -> bool {
        self.category_ids.is_empty() && self.system_ids.is_empty()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = holds)]
pub struct HoldRow {
    #[diesel(deserialize_as = String)]
    pub id: HoldId,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub identifier_scheme: IdentifierScheme,
    pub scope_all: bool,
    pub reason: HoldReason,
    pub placed_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    pub lift_reason: Option<String>,
    /// For data retained by law: the last day it is kept.
    #[diesel(column_name = retained_until)]
    pub until: Option<NaiveDate>,
}

/// A hold with its scope, by codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub id: HoldId,
    pub request_id: RequestId,
    pub identifier_scheme: IdentifierScheme,
    pub scope: HoldScope,
    pub reason: HoldReason,
    pub placed_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    pub lift_reason: Option<String>,
    /// For data retained by law: the last day it is kept.
    pub until: Option<NaiveDate>,
}

/// Data a deletion's task separated because a law requires keeping it:
/// the law, the last day it is kept, and the task.
#[derive(Debug, Clone, Copy)]
pub struct Retained<'a> {
    pub until: NaiveDate,
    pub law: &'a str,
    pub task_id: &'a TaskId,
}

fn insert(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    target: (&IdentifierScheme, &str),
    scope: &ScopeIds,
    reason: HoldReason,
    retained: Option<Retained<'_>>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    tx.note_hold_key(target.1);
    diesel::insert_into(holds::table)
        .values((
            holds::id.eq(&id),
            holds::request_id.eq(request_id.as_str()),
            holds::identifier_key.eq(target.1),
            holds::identifier_scheme.eq(Wire(*target.0)),
            holds::scope_all.eq(scope.is_all()),
            holds::reason.eq(Wire(reason)),
            holds::placed_at.eq(now),
            holds::retained_until.eq(retained.map(|r| r.until)),
            holds::retention_law.eq(retained.map(|r| r.law)),
            holds::task_id.eq(retained.map(|r| r.task_id.as_str())),
        ))
        .execute(tx.connection())?;
    for category_id in &scope.category_ids {
        diesel::insert_into(hold_categories::table)
            .values((
                hold_categories::hold_id.eq(&id),
                hold_categories::category_id.eq(category_id),
            ))
            .execute(tx.connection())?;
    }
    for system_id in &scope.system_ids {
        diesel::insert_into(hold_systems::table)
            .values((
                hold_systems::hold_id.eq(&id),
                hold_systems::system_id.eq(system_id),
            ))
            .execute(tx.connection())?;
    }
    Ok(id)
}

/// Places one hold per target for a request; returns the new hold ids.
pub fn place_for_request(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    targets: &[HoldTarget],
    scope: &ScopeIds,
    reason: HoldReason,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    place(tx, request_id, targets, scope, (reason, None), now)
}

/// Keeps frozen the data categories (by id) that a deletion's task
/// separated because a law requires keeping them: one hold per target, for
/// the reason `retained_by_law`, naming the law and the last day, bound to
/// the task. It outlives the request (it ends when the data is destroyed).
/// Returns the new hold ids.
pub fn place_retained(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    targets: &[HoldTarget],
    category_ids: &[String],
    retained: Retained<'_>,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let scope = ScopeIds {
        category_ids: category_ids.to_vec(),
        system_ids: Vec::new(),
    };
    let why = (HoldReason::RetainedByLaw, Some(retained));
    place(tx, request_id, targets, &scope, why, now)
}

/// One hold per target, and the webhook events that announce them.
fn place(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    targets: &[HoldTarget],
    scope: &ScopeIds,
    (reason, retained): (HoldReason, Option<Retained<'_>>),
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let ids = targets
        .iter()
        .map(|t| {
            insert(
                tx,
                request_id,
                (&t.scheme, t.key.as_str()),
                scope,
                reason,
                retained,
                now,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    webhooks::enqueue(tx, request_id, WebhookEvent::HoldPlaced, &ids, now)?;
    Ok(ids)
}

/// Ends the holds on data retained by law that these tasks separated (the
/// tasks start again, so the data is no longer set apart by them), with
/// the reason; returns the ids lifted.
pub fn end_retained_by_tasks(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    task_ids: &[TaskId],
    note: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let tasks: Vec<&str> = task_ids.iter().map(TaskId::as_str).collect();
    let active: Vec<(String, String)> = holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .filter(holds::task_id.eq_any(&tasks))
        .filter(holds::lifted_at.is_null())
        .select((holds::id, holds::identifier_key))
        .load(tx.connection())?;
    let ids: Vec<String> = active.iter().map(|(id, _)| id.clone()).collect();
    if ids.is_empty() {
        return Ok(ids);
    }
    diesel::update(holds::table.filter(holds::id.eq_any(&ids)))
        .set((holds::lifted_at.eq(now), holds::lift_reason.eq(note)))
        .execute(tx.connection())?;
    for (_, key) in &active {
        tx.note_hold_key(key);
    }
    webhooks::enqueue(tx, request_id, WebhookEvent::HoldLifted, &ids, now)?;
    Ok(ids)
}

/// Lifts the active holds of a request that its move into `to` ends (by
/// their reasons: see [`HoldReason::lifted_when_request_enters`]); returns
/// the ids lifted.
pub fn end_with_request(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    to: RequestStatus,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let active: Vec<(String, HoldReason, String)> = holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .filter(holds::lifted_at.is_null())
        .select((holds::id, holds::reason, holds::identifier_key))
        .load(tx.connection())?;
    let ids: Vec<String> = active
        .into_iter()
        .filter(|(_, reason, _)| reason.lifted_when_request_enters(to))
        .map(|(id, _, key)| {
            tx.note_hold_key(&key);
            id
        })
        .collect();
    if !ids.is_empty() {
        diesel::update(holds::table.filter(holds::id.eq_any(&ids)))
            .set((
                holds::lifted_at.eq(now),
                holds::lift_reason.eq(format!("request {to}")),
            ))
            .execute(tx.connection())?;
        webhooks::enqueue(tx, request_id, WebhookEvent::HoldLifted, &ids, now)?;
    }
    Ok(ids)
}

/// Places a hold by hand (a legal hold) on each target, for the request
/// whose subject it concerns; returns the new hold ids.
pub fn place_by_hand(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    targets: &[HoldTarget],
    note: &str,
    placed_by: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let ids = place_for_request(
        tx,
        request_id,
        targets,
        &ScopeIds::default(),
        HoldReason::LegalHold,
        now,
    )?;
    diesel::update(holds::table.filter(holds::id.eq_any(&ids)))
        .set((holds::note.eq(note), holds::placed_by.eq(placed_by)))
        .execute(tx.connection())?;
    Ok(ids)
}

/// Ends one active hold by hand with a reason; false when it was not
/// active.
pub fn lift_by_hand(
    tx: &mut Tx<'_>,
    hold_id: &HoldId,
    note: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        holds::table
            .filter(holds::id.eq(hold_id.as_str()))
            .filter(holds::lifted_at.is_null()),
    )
    .set((holds::lifted_at.eq(now), holds::lift_reason.eq(note)))
    .execute(tx.connection())?;
    if changed != 1 {
        return Ok(false);
    }
    let (request_id, key): (String, String) = holds::table
        .find(hold_id.as_str())
        .select((holds::request_id, holds::identifier_key))
        .first(tx.connection())?;
    tx.note_hold_key(&key);
    webhooks::enqueue(
        tx,
        &RequestId::from(request_id),
        WebhookEvent::HoldLifted,
        &[hold_id.as_str().to_owned()],
        now,
    )?;
    Ok(true)
}

fn scope_ids(conn: &mut DbConnection, hold_id: &HoldId) -> Result<ScopeIds, StoreError> {
    Ok(ScopeIds {
        category_ids: hold_categories::table
            .filter(hold_categories::hold_id.eq(hold_id.as_str()))
            .select(hold_categories::category_id)
            .load(conn)?,
        system_ids: hold_systems::table
            .filter(hold_systems::hold_id.eq(hold_id.as_str()))
            .select(hold_systems::system_id)
            .load(conn)?,
    })
}

/// Places again, once per identifier, the holds a request had before they
/// were lifted (an objection reopens the dispute), with the same scope,
/// for the reason `objection`. Holds placed by hand are not restored: an
/// officer ended them. Returns the new hold ids.
pub fn restore_for_request(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let previous: Vec<(
        String,
        String,
        IdentifierScheme,
        HoldReason,
        Option<NaiveDateTime>,
    )> = holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .order(holds::placed_at.asc())
        .select((
            holds::id,
            holds::identifier_key,
            holds::identifier_scheme,
            holds::reason,
            holds::lifted_at,
        ))
        .load(tx.connection())?;
    let mut covered: HashSet<&String> = previous
        .iter()
        .filter(|(.., lifted_at)| lifted_at.is_none())
        .map(|(_, key, ..)| key)
        .collect();
    let mut placed = Vec::new();
    for (id, key, scheme, reason, _) in &previous {
        // Holds placed by hand, and data kept by law (still frozen), are
        // not restored.
        if matches!(reason, HoldReason::LegalHold | HoldReason::RetainedByLaw) || !covered.insert(key) {
            continue;
        }
        let scope = scope_ids(tx, &HoldId::from(id.clone()))?;
        placed.push(insert(
            tx,
            request_id,
            (scheme, key),
            &scope,
            HoldReason::Objection,
            None,
            now,
        )?);
    }
    webhooks::enqueue(tx, request_id, WebhookEvent::HoldPlaced, &placed, now)?;
    Ok(placed)
}

/// The scope of one hold, by codes.
fn scope_of(conn: &mut DbConnection, row: &HoldRow) -> Result<HoldScope, StoreError> {
    if row.scope_all {
        return Ok(HoldScope::All);
    }
    let categories = hold_categories::table
        .inner_join(data_categories::table)
        .filter(hold_categories::hold_id.eq(row.id.as_str()))
        .select(data_categories::code)
        .load(conn)?;
    let systems = hold_systems::table
        .inner_join(data_systems::table)
        .filter(hold_systems::hold_id.eq(row.id.as_str()))
        .select(data_systems::code)
        .load(conn)?;
    Ok(HoldScope::of(categories, systems))
}

fn with_scopes(conn: &mut DbConnection, rows: Vec<HoldRow>) -> Result<Vec<Hold>, StoreError> {
    rows.into_iter()
        .map(|row| {
            let scope = scope_of(conn, &row)?;
            Ok(Hold {
                id: row.id,
                request_id: row.request_id,
                identifier_scheme: row.identifier_scheme,
                scope,
                reason: row.reason,
                placed_at: row.placed_at,
                lifted_at: row.lifted_at,
                lift_reason: row.lift_reason,
                until: row.until,
            })
        })
        .collect()
}

/// Whether an active hold on an identifier covers a data category (a hold
/// on all data, on the category, or on the system that holds it): one
/// indexed query.
pub fn category_is_frozen(
    conn: &mut DbConnection,
    key: &IdentifierKey,
    category_id: &CategoryId,
) -> Result<bool, StoreError> {
    let system_of_category = data_categories::table
        .filter(data_categories::id.eq(category_id.as_str()))
        .select(data_categories::system_id);
    let covers_category = hold_categories::table
        .filter(hold_categories::hold_id.eq(holds::id))
        .filter(hold_categories::category_id.eq(category_id.as_str()));
    let covers_system = hold_systems::table
        .filter(hold_systems::hold_id.eq(holds::id))
        .filter(hold_systems::system_id.eq_any(system_of_category));
    let found: Option<String> = holds::table
        .filter(holds::identifier_key.eq(key.as_str()))
        .filter(holds::lifted_at.is_null())
        .filter(
            holds::scope_all
                .eq(true)
                .or(diesel::dsl::exists(covers_category))
                .or(diesel::dsl::exists(covers_system)),
        )
        .select(holds::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Every hold a request has placed, active or lifted, with its scope.
pub fn for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Hold>, StoreError> {
    let rows = holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .order(holds::placed_at.asc())
        .select(HoldRow::as_select())
        .load(conn)?;
    with_scopes(conn, rows)
}

/// An active hold as the holds API answers it, with the scope's codes and
/// the system each scoped category belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveHold {
    pub identifier_key: String,
    pub id: String,
    pub reason: HoldReason,
    pub placed_at: NaiveDateTime,
    pub reference: String,
    pub scope: HoldScope,
    /// (category code, its system's code) for each category in the scope.
    pub category_systems: Vec<(String, String)>,
    /// For data retained by law: the last day it is kept.
    pub until: Option<NaiveDate>,
}

/// What [`lookup`] found, by key.
pub fn by_key(found: &[ActiveHold]) -> HashMap<&str, Vec<&ActiveHold>> {
    let mut by_key: HashMap<&str, Vec<&ActiveHold>> = HashMap::new();
    for hold in found {
        by_key.entry(hold.identifier_key.as_str()).or_default().push(hold);
    }
    by_key
}

/// One row of [`lookup`]: a hold, its request's reference and one of its
/// scope's categories (with that category's system) and systems.
type LookupRow = (
    String,
    String,
    bool,
    HoldReason,
    NaiveDateTime,
    Option<NaiveDate>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The active holds on each of `keys` (at most a thousand), oldest first:
/// the one statement the holds API runs, through the partial index on
/// active holds' identifier keys, with each hold's request reference and
/// its scope's codes (a hold scoped to several categories comes back as
/// several rows, folded here). Written with the query builder so that it
/// is prepared once per connection and reused — for several keys on SQLite
/// with the keys bound as one JSON list ([`InJsonList`]), since a list of
/// placeholders would be parsed and planned anew on every call.
pub fn lookup(conn: &mut DbConnection, keys: &[&str]) -> Result<Vec<ActiveHold>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let category_system = diesel::alias!(data_systems as category_system);
    let query = holds::table
        .inner_join(requests::table)
        .left_join(hold_categories::table.on(hold_categories::hold_id.eq(holds::id)))
        .left_join(data_categories::table.on(data_categories::id.eq(hold_categories::category_id)))
        .left_join(
            category_system.on(category_system
                .field(data_systems::id)
                .eq(data_categories::system_id)),
        )
        .left_join(hold_systems::table.on(hold_systems::hold_id.eq(holds::id)))
        .left_join(data_systems::table.on(data_systems::id.eq(hold_systems::system_id)))
        .filter(holds::lifted_at.is_null())
        .order((holds::placed_at.asc(), holds::id.asc()))
        .select((
            holds::identifier_key,
            holds::id,
            holds::scope_all,
            holds::reason,
            holds::placed_at,
            holds::retained_until,
            requests::reference,
            data_categories::code.nullable(),
            category_system.field(data_systems::code).nullable(),
            data_systems::code.nullable(),
        ));
    let rows: Vec<LookupRow> = match (conn, keys) {
        (conn, [one]) => query.filter(holds::identifier_key.eq(*one)).load(conn)?,
        (DbConnection::Sqlite(sqlite), many) => query
            .filter(InJsonList::new(holds::identifier_key, many))
            .load(sqlite)?,
        (conn, many) => query.filter(holds::identifier_key.eq_any(many)).load(conn)?,
    };
    let mut found: Vec<ActiveHold> = Vec::new();
    // Per hold: whether it covers all, and its categories and systems.
    let mut parts: Vec<(bool, Vec<String>, Vec<String>)> = Vec::new();
    for (
        identifier_key,
        id,
        scope_all,
        reason,
        placed_at,
        until,
        reference,
        category,
        category_system,
        system,
    ) in rows
    {
        if found.last().is_none_or(|h| h.id != id) {
            found.push(ActiveHold {
                identifier_key,
                id,
                reason,
                placed_at,
                reference,
                scope: if scope_all {
                    HoldScope::All
                } else {
                    HoldScope::of(Vec::new(), Vec::new())
                },
                category_systems: Vec::new(),
                until,
            });
            parts.push((scope_all, Vec::new(), Vec::new()));
        }
        let (Some(hold), Some((_, categories, systems))) = (found.last_mut(), parts.last_mut()) else {
            continue;
        };
        if let (Some(category), Some(system)) = (category, category_system)
            && !hold.category_systems.iter().any(|(c, _)| *c == category)
        {
            categories.push(category.clone());
            hold.category_systems.push((category, system));
        }
        if let Some(system) = system {
            systems.push(system);
        }
    }
    for (hold, (all, categories, systems)) in found.iter_mut().zip(parts) {
        if !all {
            hold.scope = HoldScope::of(categories, systems);
        }
    }
    Ok(found)
}

/// The identifiers a request's subject is known by, as hold targets: the
/// email and phone the request gives, and every other identifier its holds
/// were ever bound to (a subject id a channel gave).
pub fn subject_targets(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Vec<HoldTarget>, StoreError> {
    let (email_key, phone_key): (String, Option<String>) = requests::table
        .find(request_id.as_str())
        .select((requests::subject_email_key, requests::subject_phone_key))
        .first(conn)?;
    let mut targets: Vec<(IdentifierScheme, String)> = vec![(IdentifierScheme::Email, email_key)];
    if let Some(key) = phone_key {
        targets.push((IdentifierScheme::Phone, key));
    }
    let bound: Vec<(IdentifierScheme, String)> = holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .select((holds::identifier_scheme, holds::identifier_key))
        .load(conn)?;
    for target in bound {
        if !targets.iter().any(|(_, key)| *key == target.1) {
            targets.push(target);
        }
    }
    Ok(targets
        .into_iter()
        .map(|(scheme, key)| HoldTarget {
            scheme,
            key: IdentifierKey::from_stored(key),
        })
        .collect())
}

/// The active legal holds on any identifier of a request's subject: one an
/// officer placed on this request or on another of the same subject's.
pub fn legal_holds_on_subject(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Vec<ActiveHold>, StoreError> {
    let targets = subject_targets(conn, request_id)?;
    let keys: Vec<&str> = targets.iter().map(|t| t.key.as_str()).collect();
    Ok(lookup(conn, &keys)?
        .into_iter()
        .filter(|h| h.reason == HoldReason::LegalHold)
        .collect())
}

/// Whether any of `holds` covers a data system's data (by its code; all of
/// the subject's data for a department-wide task, `None`).
pub fn any_covers_system(holds: &[ActiveHold], system_code: Option<&str>) -> bool {
    let question = match system_code {
        Some(code) => Question::System(code.to_owned()),
        None => Question::Everything,
    };
    holds
        .iter()
        .any(|h| h.scope.covers(&h.category_systems, &question))
}

/// One hold of a request, active or not.
pub fn get(conn: &mut DbConnection, request_id: &RequestId, hold_id: &HoldId) -> Result<HoldRow, StoreError> {
    holds::table
        .filter(holds::request_id.eq(request_id.as_str()))
        .filter(holds::id.eq(hold_id.as_str()))
        .select(HoldRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}
