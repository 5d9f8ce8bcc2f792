//! The staff queue: requests filtered, searched, sorted and paged in the
//! database, on indexes both backends have.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::ids::RequestId;

use super::connection::MultiBackend;
use super::schema::{departments, request_search_terms, request_tasks, requests};
use super::{DbConnection, StoreError};
use crate::types::Wire;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, RequestKind};

/// Which statuses a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Every request not yet closed.
    #[default]
    Open,
    All,
    Only(RequestStatus),
}

/// Due-date windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueWindow {
    /// Open and past its due date.
    Overdue,
    /// Open and due today or within the next days (not overdue).
    DueWithin(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Soonest due first (the default).
    #[default]
    Due,
    /// Most recently received first.
    Received,
    Status,
}

/// What the search box matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    Reference(String),
    /// Keyed hash of an email address (requester or subject).
    EmailKey(String),
    /// A word of a requester's or subject's name, or the whole name.
    Term(String),
}

/// A queue view: every filter optional.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    pub status: StatusFilter,
    pub kind: Option<RequestKind>,
    pub channel: Option<Channel>,
    /// Requests with a task for this department.
    pub department_id: Option<String>,
    /// Requests with a task assigned to this staff member.
    pub assignee_id: Option<String>,
    pub due: Option<DueWindow>,
    pub search: Option<Search>,
    pub sort: Sort,
    /// Only requests with a task for this department (the viewer's scope),
    /// for staff who do not see every request.
    pub scope_department_id: Option<String>,
    pub today: Option<NaiveDate>,
    pub page: i64,
    pub per_page: i64,
}

/// One row of the queue.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = requests)]
pub struct QueueRow {
    #[diesel(deserialize_as = String)]
    pub id: RequestId,
    pub reference: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub channel: Channel,
    pub subject_email: String,
    pub received_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
}

/// A queue row with its departments and assignees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub row: QueueRow,
    pub departments: Vec<String>,
    pub assignees: Vec<String>,
}

type Boxed<'a> = requests::BoxedQuery<'a, MultiBackend>;

/// On PostgreSQL, a name search matching at most this many requests is run
/// on their ids (an index lookup per id; with a subquery the planner would
/// often scan the whole table instead); a broader one as a subquery. On
/// SQLite the subquery, with the statistics the desk keeps, is faster than
/// a long list of ids.
const MAX_LISTED_MATCHES: i64 = 5000;

/// A search, made ready to filter with.
enum Resolved {
    None,
    Reference(String),
    EmailKey(String),
    /// The requests a name term matches, listed.
    Ids(Vec<String>),
    /// A name term matching too many requests to list.
    Term(String),
}

fn resolve(
    conn: &mut DbConnection,
    search: &Option<Search>,
    max_listed: i64,
) -> Result<Resolved, StoreError> {
    Ok(match search {
        None => Resolved::None,
        Some(Search::Reference(r)) => Resolved::Reference(r.clone()),
        Some(Search::EmailKey(k)) => Resolved::EmailKey(k.clone()),
        Some(Search::Term(term)) if matches!(conn, DbConnection::Sqlite(_)) => Resolved::Term(term.clone()),
        Some(Search::Term(term)) => {
            let ids: Vec<String> = request_search_terms::table
                .filter(request_search_terms::term.eq(term))
                .select(request_search_terms::request_id)
                .limit(max_listed + 1)
                .load(conn)?;
            if ids.len() as i64 > max_listed {
                Resolved::Term(term.clone())
            } else {
                Resolved::Ids(ids)
            }
        }
    })
}

fn filtered<'a>(q: &'a QueueQuery, search: &'a Resolved) -> Boxed<'a> {
    let mut query = requests::table.into_boxed::<MultiBackend>();
    query = match q.status {
        StatusFilter::Open => query.filter(requests::closed_at.is_null()),
        StatusFilter::All => query,
        StatusFilter::Only(status) => query.filter(requests::status.eq(Wire(status))),
    };
    if let Some(kind) = q.kind {
        query = query.filter(requests::kind.eq(Wire(kind)));
    }
    if let Some(channel) = q.channel {
        query = query.filter(requests::channel.eq(Wire(channel)));
    }
    for department in [&q.department_id, &q.scope_department_id].into_iter().flatten() {
        query = query.filter(
            requests::id.eq_any(
                request_tasks::table
                    .filter(request_tasks::department_id.eq(department.clone()))
                    .select(request_tasks::request_id),
            ),
        );
    }
    if let Some(assignee) = &q.assignee_id {
        query = query.filter(
            requests::id.eq_any(
                request_tasks::table
                    .filter(request_tasks::assignee_id.eq(assignee.clone()))
                    .select(request_tasks::request_id),
            ),
        );
    }
    if let (Some(window), Some(today)) = (q.due, q.today) {
        query = query.filter(requests::closed_at.is_null());
        query = match window {
            DueWindow::Overdue => query.filter(requests::due_date.lt(today)),
            DueWindow::DueWithin(days) => query
                .filter(requests::due_date.ge(today))
                .filter(requests::due_date.le(today + chrono::Duration::days(days))),
        };
    }
    match search {
        Resolved::Reference(reference) => query = query.filter(requests::reference.eq(reference)),
        Resolved::EmailKey(key) => {
            query = query.filter(
                requests::subject_email_key
                    .eq(key)
                    .or(requests::requester_email_key.eq(key)),
            );
        }
        Resolved::Ids(ids) => query = query.filter(requests::id.eq_any(ids)),
        Resolved::Term(term) => {
            query = query.filter(
                requests::id.eq_any(
                    request_search_terms::table
                        .filter(request_search_terms::term.eq(term))
                        .select(request_search_terms::request_id),
                ),
            );
        }
        Resolved::None => {}
    }
    query
}

/// One page of the queue, and how many rows the view has in all.
pub fn page(conn: &mut DbConnection, q: &QueueQuery) -> Result<(Vec<QueueItem>, i64), StoreError> {
    page_listing(conn, q, MAX_LISTED_MATCHES)
}

/// [`page`], listing a name search's matches only up to `max_listed` (the
/// broader form is then used; tests prove both forms agree).
pub fn page_listing(
    conn: &mut DbConnection,
    q: &QueueQuery,
    max_listed: i64,
) -> Result<(Vec<QueueItem>, i64), StoreError> {
    let search = resolve(conn, &q.search, max_listed)?;
    let total: i64 = filtered(q, &search).count().get_result(conn)?;
    let query = filtered(q, &search);
    let query = match q.sort {
        Sort::Due => query.order((requests::due_date.asc(), requests::reference.asc())),
        Sort::Received => query.order((requests::received_at.desc(), requests::reference.desc())),
        Sort::Status => query.order((
            requests::status.asc(),
            requests::due_date.asc(),
            requests::reference.asc(),
        )),
    };
    let per_page = q.per_page.clamp(1, 200);
    let rows: Vec<QueueRow> = query
        .limit(per_page)
        .offset(q.page.max(0) * per_page)
        .select(QueueRow::as_select())
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let tasks: Vec<(String, String, Option<String>)> = request_tasks::table
        .inner_join(departments::table)
        .left_join(super::schema::staff_users::table)
        .filter(request_tasks::request_id.eq_any(&ids))
        .select((
            request_tasks::request_id,
            departments::code,
            super::schema::staff_users::name.nullable(),
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut departments: Vec<String> = Vec::new();
            let mut assignees: Vec<String> = Vec::new();
            for (_, code, assignee) in tasks.iter().filter(|(id, _, _)| row.id == *id.as_str()) {
                if !departments.contains(code) {
                    departments.push(code.clone());
                }
                if let Some(name) = assignee
                    && !assignees.contains(name)
                {
                    assignees.push(name.clone());
                }
            }
            departments.sort();
            QueueItem {
                row,
                departments,
                assignees,
            }
        })
        .collect();
    Ok((items, total))
}

/// How many open requests are in each status, within the viewer's scope
/// (closed requests are counted by the status filter's total).
pub fn counts(
    conn: &mut DbConnection,
    scope_department_id: Option<&str>,
) -> Result<Vec<(RequestStatus, i64)>, StoreError> {
    let mut query = requests::table
        .filter(requests::closed_at.is_null())
        .group_by(requests::status)
        .select((requests::status, diesel::dsl::count_star()))
        .into_boxed::<MultiBackend>();
    if let Some(department) = scope_department_id {
        query = query.filter(
            requests::id.eq_any(
                request_tasks::table
                    .filter(request_tasks::department_id.eq(department.to_owned()))
                    .select(request_tasks::request_id),
            ),
        );
    }
    Ok(query.load(conn)?)
}
