//! The staff queue: what a staff member sees, filtered and paged.

use chrono::NaiveDate;

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, WorkflowError};
use domain::identifier::{Email, Identifier};
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use store::catalog::{self, Department};
use store::queue::{self, Search};

/// What the queue is asked and what it lists.
pub use store::queue::{DueWindow, QueueItem, QueueQuery, Sort, StatusFilter};

/// Rows per page.
pub const PER_PAGE: i64 = 50;

/// A view of the queue as asked for (every field from the URL).
#[derive(Debug, Clone, Default)]
pub struct QueueAsk {
    pub query: QueueQuery,
    /// Only the viewer's own tasks.
    pub mine: bool,
    /// The search box, as typed.
    pub search: String,
    /// A department's code: requests with a task for it.
    pub department: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QueueView {
    pub items: Vec<QueueItem>,
    pub total: i64,
    pub counts: Vec<(RequestStatus, i64)>,
    pub departments: Vec<Department>,
    pub today: NaiveDate,
}

/// What the search box means: a reference, an email address (matched by
/// its keyed hash, requester or subject), a word of a name or a whole name.
pub fn search_of(desk: &Desk, typed: &str) -> Option<Search> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if let Ok(reference) = typed.to_ascii_uppercase().parse::<Reference>() {
        return Some(Search::Reference(reference.to_string()));
    }
    if let Ok(email) = Email::parse(typed) {
        let key = Identifier::Email(email).key(&desk.keys.identifier_index);
        return Some(Search::EmailKey(key.into_string()));
    }
    domain::text::search_key(typed).map(Search::Term)
}

pub fn queue(desk: &Desk, signed: &SignedIn, ask: QueueAsk) -> Result<QueueView, WorkflowError> {
    require(signed.member.may_use_queue())?;
    let tz = desk.config.timezone;
    let scope = (!signed.member.sees_all_requests())
        .then(|| signed.member.department_id.clone())
        .flatten();
    if !signed.member.sees_all_requests() && scope.is_none() {
        return Err(WorkflowError::Forbidden);
    }
    desk.read(|conn, now| {
        let today = now.and_utc().with_timezone(&tz).date_naive();
        let departments = catalog::list_departments(conn)?;
        // An unknown code matches no request (never all of them).
        let department_id = ask.department.as_ref().map(|code| {
            departments
                .iter()
                .find(|d| d.code.eq_ignore_ascii_case(code))
                .map_or_else(|| "-".to_owned(), |d| d.id.clone().into())
        });
        let query = QueueQuery {
            department_id,
            scope_department_id: scope.clone(),
            assignee_id: ask.mine.then(|| signed.user.id.clone().into()),
            search: search_of(desk, &ask.search),
            today: Some(today),
            per_page: PER_PAGE,
            ..ask.query
        };
        let (items, total) = queue::page(conn, &query)?;
        Ok(QueueView {
            items,
            total,
            counts: queue::counts(conn, scope.as_deref())?,
            departments,
            today,
        })
    })
}
