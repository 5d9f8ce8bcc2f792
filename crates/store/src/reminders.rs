//! Reminders sent, one row per request and step, and who they go to.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::ids::RequestId;

use super::schema::{departments, reminders, request_tasks, requests, staff_users};
use super::{DbConnection, StoreError};
use crate::types::Wire;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::reminder::{Step, VERIFY_STEP, is_reminded};
use domain::staff::StaffRole;
use domain::task::TaskStatus;

/// Claims `step` of `request_id` for this transaction: true when no one
/// sent it before (the row then commits with the emails, or not at all).
pub fn claim(
    conn: &mut DbConnection,
    request_id: &RequestId,
    step: &str,
    recipients: usize,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let inserted = diesel::sql_query(
        "INSERT INTO reminders (request_id, step, recipients, sent_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id, step) DO NOTHING",
    )
    .bind::<diesel::sql_types::Text, _>(request_id.as_str())
    .bind::<diesel::sql_types::Text, _>(step)
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(recipients).unwrap_or(i32::MAX))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .execute(conn)?;
    Ok(inserted == 1)
}

/// The requests whose staff are due a reminder `today` that no one sent:
/// confirmed and undecided, due within three days or overdue, whose
/// current step (see [`Step::at`]) has no row yet. One query, so a pass
/// with nothing to send costs one index scan, however many requests are
/// overdue.
pub fn unsent(conn: &mut DbConnection, today: NaiveDate) -> Result<Vec<RequestId>, StoreError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    // Wire names of a closed set: safe to write into the statement.
    let reminded = RequestStatus::ALL
        .iter()
        .filter(|s| is_reminded(**s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let step = |days: i64| Step::at(days, today).map(Step::key).unwrap_or_default();
    let query = format!(
        "SELECT r.id FROM requests r \
         WHERE r.status IN ({reminded}) AND r.due_date <= $1 \
         AND NOT EXISTS (SELECT 1 FROM reminders m WHERE m.request_id = r.id AND m.step = \
           CASE WHEN r.due_date < $2 THEN $3 WHEN r.due_date = $2 THEN $4 \
                WHEN r.due_date = $5 THEN $6 ELSE $7 END) \
         ORDER BY r.due_date"
    );
    let ids: Vec<Id> = diesel::sql_query(query)
        .bind::<diesel::sql_types::Date, _>(today + chrono::Days::new(3))
        .bind::<diesel::sql_types::Date, _>(today)
        .bind::<diesel::sql_types::Text, _>(step(-1))
        .bind::<diesel::sql_types::Text, _>(step(0))
        .bind::<diesel::sql_types::Date, _>(today + chrono::Days::new(1))
        .bind::<diesel::sql_types::Text, _>(step(1))
        .bind::<diesel::sql_types::Text, _>(step(3))
        .load(conn)?;
    Ok(ids.into_iter().map(|i| RequestId::from(i.id)).collect())
}

/// Forgets reminders sent before `before`: only the current steps matter
/// for sending each once (the audit trail keeps every one sent).
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::delete(reminders::table.filter(reminders::sent_at.lt(before))).execute(conn)?)
}

/// The requests unconfirmed since before `before` whose requester was not
/// reminded yet.
pub fn unconfirmed_since(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<Vec<RequestId>, StoreError> {
    let ids: Vec<String> = requests::table
        .filter(requests::status.eq(Wire(RequestStatus::Unverified)))
        .filter(requests::received_at.le(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            reminders::table
                .filter(reminders::request_id.eq(requests::id))
                .filter(reminders::step.eq(VERIFY_STEP)),
        )))
        .order(requests::received_at.asc())
        .select(requests::id)
        .load(conn)?;
    Ok(ids.into_iter().map(RequestId::from).collect())
}

/// Someone a reminder goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub name: String,
    pub email: String,
    /// A member's own language; a department's mailbox gets the desk's
    /// default.
    pub lang: Lang,
}

/// The name, address and language of staff members, as selected.
type Member = (String, String, Lang);

impl From<Member> for Addressee {
    fn from((name, email, lang): Member) -> Self {
        Addressee { name, email, lang }
    }
}

/// The departments with an open task on the request.
fn open_departments(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<String>, StoreError> {
    Ok(request_tasks::table
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .filter(request_tasks::status.eq(Wire(TaskStatus::Open)))
        .select(request_tasks::department_id)
        .distinct()
        .load(conn)?)
}

fn officers(conn: &mut DbConnection) -> Result<Vec<Addressee>, StoreError> {
    Ok(staff_users::table
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq(Wire(StaffRole::PrivacyOfficer)))
        .select((staff_users::name, staff_users::email, staff_users::lang))
        .load::<Member>(conn)?
        .into_iter()
        .map(Addressee::from)
        .collect())
}

/// Those who work the request: the assignees of its open tasks and the
/// mailboxes of their departments; the privacy officers when no task is
/// open (identity review, a decision to take).
pub fn workers(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Addressee>, StoreError> {
    let assignees: Vec<Member> = request_tasks::table
        .inner_join(staff_users::table.on(staff_users::id.nullable().eq(request_tasks::assignee_id)))
        .filter(request_tasks::request_id.eq(request_id.as_str()))
        .filter(request_tasks::status.eq(Wire(TaskStatus::Open)))
        .filter(staff_users::active.eq(true))
        .select((staff_users::name, staff_users::email, staff_users::lang))
        .load(conn)?;
    let departments = open_departments(conn, request_id)?;
    let mailboxes: Vec<(String, Option<String>)> = departments::table
        .filter(departments::id.eq_any(&departments))
        .select((departments::name, departments::email))
        .load(conn)?;
    let mut all: Vec<Addressee> = assignees
        .into_iter()
        .map(Addressee::from)
        .chain(mailboxes.into_iter().filter_map(|(name, email)| {
            Some(Addressee {
                name,
                email: email?,
                lang: Lang::default(),
            })
        }))
        .collect();
    if departments.is_empty() {
        all = officers(conn)?;
    }
    Ok(distinct(all))
}

/// Those a late request is escalated to: the leads of the departments with
/// an open task, and the privacy officers.
pub fn escalation(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Addressee>, StoreError> {
    let departments = open_departments(conn, request_id)?;
    let leads: Vec<Member> = staff_users::table
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq(Wire(StaffRole::DepartmentLead)))
        .filter(staff_users::department_id.eq_any(departments.into_iter().map(Some).collect::<Vec<_>>()))
        .select((staff_users::name, staff_users::email, staff_users::lang))
        .load(conn)?;
    let all = leads
        .into_iter()
        .map(Addressee::from)
        .chain(officers(conn)?)
        .collect();
    Ok(distinct(all))
}

/// Each address once (the first name it came with).
fn distinct(mut all: Vec<Addressee>) -> Vec<Addressee> {
    let mut seen = std::collections::BTreeSet::new();
    all.retain(|a| seen.insert(a.email.to_lowercase()));
    all
}
