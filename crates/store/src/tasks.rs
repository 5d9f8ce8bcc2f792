//! Department tasks of a request, and the routing rules that place them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::ids::{DepartmentId, RequestId, StaffId, TaskId};

use super::schema::{data_systems, departments, request_tasks, routing_rules, staff_users};
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::request::RequestKind;
use domain::task::{RoutingMode, Separation, TaskOutcome, TaskStatus};

/// A task as stored.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = request_tasks)]
pub struct TaskRow {
    #[diesel(deserialize_as = String)]
    pub id: TaskId,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub system_id: Option<String>,
    #[diesel(deserialize_as = String)]
    pub department_id: DepartmentId,
    pub status: TaskStatus,
    pub assignee_id: Option<String>,
    pub outcome: Option<TaskOutcome>,
    pub note: Option<String>,
    pub retained_until: Option<NaiveDate>,
    pub retention_law: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
}

/// A task with the names staff read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub task: TaskRow,
    /// Whether it returned data as text (sealed; not read here).
    pub returned_text: bool,
    pub system_code: Option<String>,
    pub system_name: Option<String>,
    pub department_code: String,
    pub department_name: String,
    pub assignee_name: Option<String>,
}

/// A task to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub system_id: Option<String>,
    pub department_id: String,
    pub routing_rule_id: Option<String>,
}

pub fn create(
    conn: &mut DbConnection,
    request_id: &RequestId,
    new: &NewTask,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(request_tasks::table)
        .values((
            request_tasks::id.eq(&id),
            request_tasks::request_id.eq(request_id.as_str()),
            request_tasks::system_id.eq(&new.system_id),
            request_tasks::department_id.eq(&new.department_id),
            request_tasks::status.eq(Wire(TaskStatus::Open)),
            request_tasks::routing_rule_id.eq(&new.routing_rule_id),
            request_tasks::created_at.eq(now),
            request_tasks::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<TaskRow>, StoreError> {
    Ok(request_tasks::table
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .order((request_tasks::created_at.asc(), request_tasks::id.asc()))
        .select(TaskRow::as_select())
        .load(conn)?)
}

/// The tasks of a request with system, department and assignee names.
pub fn views_for_request(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Vec<TaskView>, StoreError> {
    type Joined = (
        TaskRow,
        bool,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Joined> = request_tasks::table
        .inner_join(departments::table)
        .left_join(data_systems::table)
        .left_join(staff_users::table)
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .order((departments::code.asc(), request_tasks::created_at.asc()))
        .select((
            TaskRow::as_select(),
            request_tasks::result_ciphertext.is_not_null(),
            data_systems::code.nullable(),
            data_systems::name.nullable(),
            departments::code,
            departments::name,
            staff_users::name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                task,
                returned_text,
                system_code,
                system_name,
                department_code,
                department_name,
                assignee_name,
            )| TaskView {
                task,
                returned_text,
                system_code,
                system_name,
                department_code,
                department_name,
                assignee_name,
            },
        )
        .collect())
}

/// A task of `request_id` (another request's task is not found).
pub fn get(conn: &mut DbConnection, request_id: &RequestId, task_id: &TaskId) -> Result<TaskRow, StoreError> {
    request_tasks::table
        .filter(request_tasks::id.eq(task_id.as_str()))
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

pub fn assign(
    conn: &mut DbConnection,
    task_id: &TaskId,
    staff_id: &StaffId,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(request_tasks::table.find(task_id.as_str()))
        .set((
            request_tasks::assignee_id.eq(staff_id.as_str()),
            request_tasks::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// How a task was completed.
#[derive(Debug, Clone)]
pub struct Completion<'a> {
    pub outcome: TaskOutcome,
    pub note: Option<&'a str>,
    pub separation: Option<&'a Separation>,
    /// The data returned to an access requester, encrypted.
    pub result: Option<([u8; 12], Vec<u8>)>,
}

pub fn complete(
    conn: &mut DbConnection,
    task_id: &TaskId,
    completion: Completion<'_>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let (nonce, ciphertext) = match completion.result {
        Some((nonce, ciphertext)) => (Some(nonce.to_vec()), Some(ciphertext)),
        None => (None, None),
    };
    diesel::update(
        request_tasks::table
            .filter(request_tasks::id.eq(task_id.as_str()))
            .filter(request_tasks::status.eq(Wire(TaskStatus::Open))),
    )
    .set((
        request_tasks::status.eq(Wire(TaskStatus::Done)),
        request_tasks::outcome.eq(Wire(completion.outcome)),
        request_tasks::note.eq(completion.note),
        request_tasks::retained_until.eq(completion.separation.map(|s| s.until)),
        request_tasks::retention_law.eq(completion.separation.map(|s| s.law.as_str())),
        request_tasks::result_nonce.eq(nonce),
        request_tasks::result_ciphertext.eq(ciphertext),
        request_tasks::completed_at.eq(now),
        request_tasks::updated_at.eq(now),
    ))
    .execute(conn)
    .map_err(StoreError::from)
    .and_then(|n| if n == 1 { Ok(()) } else { Err(StoreError::Conflict) })
}

/// A nonce and the ciphertext it sealed.
pub type Sealed = (Vec<u8>, Vec<u8>);

/// The encrypted data a task returned, if any.
pub fn result(conn: &mut DbConnection, task_id: &TaskId) -> Result<Option<Sealed>, StoreError> {
    let (nonce, ciphertext): (Option<Vec<u8>>, Option<Vec<u8>>) = request_tasks::table
        .find(task_id.as_str())
        .select((request_tasks::result_nonce, request_tasks::result_ciphertext))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(nonce.zip(ciphertext))
}

/// The data a task returned as text, decrypted.
pub fn returned_text(
    conn: &mut DbConnection,
    key: &[u8; 32],
    task_id: &TaskId,
) -> Result<Option<String>, StoreError> {
    let Some((nonce, ciphertext)) = result(conn, task_id)? else {
        return Ok(None);
    };
    let plain = super::documents::open(key, task_id.as_str(), &nonce, &ciphertext)?;
    Ok(Some(String::from_utf8_lossy(&plain).into_owned()))
}

/// Opens every task of a request again (after an objection); returns their ids.
pub fn reopen_all(
    conn: &mut DbConnection,
    request_id: &RequestId,
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = request_tasks::table
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .filter(request_tasks::status.eq(Wire(TaskStatus::Done)))
        .select(request_tasks::id)
        .load(conn)?;
    diesel::update(request_tasks::table.filter(request_tasks::id.eq_any(&ids)))
        .set((
            request_tasks::status.eq(Wire(TaskStatus::Open)),
            request_tasks::outcome.eq(None::<TaskOutcome>),
            request_tasks::retained_until.eq(None::<NaiveDate>),
            request_tasks::retention_law.eq(None::<String>),
            request_tasks::completed_at.eq(None::<NaiveDateTime>),
            request_tasks::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(ids)
}

/// A routing rule as stored.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = routing_rules)]
pub struct RoutingRule {
    pub id: String,
    pub kind: Option<RequestKind>,
    pub category_id: Option<String>,
    #[diesel(deserialize_as = String)]
    pub department_id: DepartmentId,
    pub mode: RoutingMode,
}

pub fn routing_rules(conn: &mut DbConnection) -> Result<Vec<RoutingRule>, StoreError> {
    Ok(routing_rules::table
        .order(routing_rules::created_at.asc())
        .select(RoutingRule::as_select())
        .load(conn)?)
}

pub fn add_routing_rule(
    conn: &mut DbConnection,
    kind: Option<RequestKind>,
    category_id: Option<&str>,
    department_id: &DepartmentId,
    mode: RoutingMode,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    diesel::insert_into(routing_rules::table)
        .values((
            routing_rules::id.eq(&id),
            routing_rules::kind.eq(kind),
            routing_rules::category_id.eq(category_id),
            routing_rules::department_id.eq(department_id.as_str()),
            routing_rules::mode.eq(Wire(mode)),
            routing_rules::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn remove_routing_rule(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let n = diesel::delete(routing_rules::table.find(id)).execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Data a deletion's task kept apart instead of destroying it — because a
/// law requires keeping it, or under a legal hold — as the register of
/// separated data lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptApart {
    pub task_id: TaskId,
    pub request_id: RequestId,
    pub reference: String,
    pub system_id: Option<String>,
    pub system_name: Option<String>,
    pub department_name: String,
    pub outcome: TaskOutcome,
    /// The retention's last day (none under a legal hold: until it ends).
    pub until: Option<NaiveDate>,
    pub law: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
}

/// Everything deletions kept apart, the soonest end first (data under a
/// legal hold, which has no end yet, last).
pub fn kept_apart(conn: &mut DbConnection) -> Result<Vec<KeptApart>, StoreError> {
    use super::schema::requests;
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        TaskOutcome,
        Option<NaiveDate>,
        Option<String>,
        Option<NaiveDateTime>,
    );
    let kept = [Wire(TaskOutcome::Separated), Wire(TaskOutcome::LegalHold)];
    let rows: Vec<Row> = request_tasks::table
        .inner_join(requests::table)
        .inner_join(departments::table)
        .left_join(data_systems::table)
        .filter(request_tasks::outcome.eq_any(kept))
        .order((
            request_tasks::retained_until.is_null(),
            request_tasks::retained_until.asc(),
            request_tasks::completed_at.asc(),
        ))
        .select((
            request_tasks::id,
            request_tasks::request_id,
            requests::reference,
            request_tasks::system_id,
            data_systems::name.nullable(),
            departments::name,
            request_tasks::outcome.assume_not_null(),
            request_tasks::retained_until,
            request_tasks::retention_law,
            request_tasks::completed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                task_id,
                request_id,
                reference,
                system_id,
                system_name,
                department_name,
                outcome,
                until,
                law,
                completed_at,
            )| {
                KeptApart {
                    task_id: task_id.into(),
                    request_id: request_id.into(),
                    reference,
                    system_id,
                    system_name,
                    department_name,
                    outcome,
                    until,
                    law,
                    completed_at,
                }
            },
        )
        .collect())
}
