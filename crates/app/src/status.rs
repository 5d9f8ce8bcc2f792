//! What the requester's status page shows, read in one snapshot, and the
//! results they may download. Every read is bound to the one request the
//! status token names.

use chrono::{NaiveDate, NaiveDateTime};
use domain::ids::{DocumentId, RequestId};

use super::{Desk, WorkflowError};
use auth::tokens::Purpose;
use domain::actor::ActorKind;
use domain::audit::AuditAction;
use domain::document::DocumentPurpose;
use domain::hold::HoldReason;
use domain::lifecycle::{RequestStatus, RequesterOptions};
use store::documents::{self, DocumentInfo};
use store::messages::{self, Message};
use store::requests::{self, RequestRow};
use store::{audit, holds, tasks};

/// The request a status token is bound to; any bad or expired token is
/// simply not found.
pub fn request_of_token(desk: &Desk, token: &str) -> Result<RequestId, WorkflowError> {
    desk.token_subject(Purpose::Status, token, desk.clock.now())
        .map(RequestId::from)
        .map_err(|_| WorkflowError::NotFound)
}

/// One line of the requester's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    pub at: NaiveDateTime,
    pub what: Milestone,
    /// A reason staff gave (the requester's own words are not echoed).
    pub staff_reason: Option<String>,
}

/// What the requester is told happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Milestone {
    Received,
    StatusChanged(RequestStatus),
    InformationAdded,
    /// The due date moved (a postponement, an extension, a calendar
    /// change): from and to, as recorded.
    DueDateChanged {
        from: Option<String>,
        to: String,
    },
}

/// Everything the status page shows.
#[derive(Debug, Clone)]
pub struct StatusView {
    pub request: RequestRow,
    pub timeline: Vec<TimelineItem>,
    pub messages: Vec<Message>,
    /// Results the requester may download.
    pub results: Vec<DocumentInfo>,
    /// The data the departments returned as text (access requests), once
    /// released.
    pub returned: Vec<String>,
    /// Since when the data concerned has been frozen, if it is.
    pub frozen_since: Option<NaiveDateTime>,
    pub options: RequesterOptions,
    /// Days left until the due date (negative when overdue), counted in
    /// the profile's time zone; none once the request is closed, when the
    /// due date is history rather than a countdown.
    pub days_left: Option<i64>,
}

pub fn status_view(desk: &Desk, request_id: &RequestId) -> Result<StatusView, WorkflowError> {
    let tz = desk.config.timezone;
    desk.read(|conn, now| {
        let request = requests::get(conn, request_id)?;
        let timeline = audit::for_request(conn, request_id)?
            .into_iter()
            .filter_map(|e| {
                let what = match (e.action, e.to_status) {
                    (AuditAction::RequestReceived, _) => Milestone::Received,
                    (AuditAction::RequestTransition, Some(to)) => Milestone::StatusChanged(to),
                    (AuditAction::InformationAdded, _) => Milestone::InformationAdded,
                    (AuditAction::DueDateChanged, _) => {
                        let payload: serde_json::Value = serde_json::from_str(&e.payload).ok()?;
                        Milestone::DueDateChanged {
                            from: payload["from"].as_str().map(str::to_owned),
                            to: payload["to"].as_str()?.to_owned(),
                        }
                    }
                    _ => return None,
                };
                Some(TimelineItem {
                    at: e.at,
                    what,
                    staff_reason: e.reason.filter(|_| e.actor_kind == ActorKind::Staff),
                })
            })
            .collect();
        let results = documents::list_for_request(conn, request_id)?
            .into_iter()
            .filter(|d| d.purpose == DocumentPurpose::Result && results_released(request.status))
            .collect();
        let mut returned = Vec::new();
        if results_released(request.status) {
            for task in tasks::for_request(conn, request_id)? {
                returned.extend(tasks::returned_text(conn, &desk.keys.documents, &task.id)?);
            }
        }
        // A legal hold is never shown to the requester (it would reveal a
        // claim they may not know of); data kept by law was told of in the
        // notice, with its law and its end.
        let frozen_since = holds::for_request(conn, request_id)?
            .iter()
            .filter(|h| {
                h.lifted_at.is_none()
                    && !matches!(h.reason, HoldReason::LegalHold | HoldReason::RetainedByLaw)
            })
            .map(|h| h.placed_at)
            .min();
        Ok(StatusView {
            options: RequesterOptions::of(request.kind, request.status),
            timeline,
            messages: messages::list_for_request(conn, request_id)?,
            results,
            returned,
            frozen_since,
            days_left: days_left(
                request.due_date,
                request.status,
                now.and_utc().with_timezone(&tz).date_naive(),
            ),
            request,
        })
    })
}

/// Days until the due date (negative when overdue); none once closed.
pub fn days_left(due: Option<NaiveDate>, status: RequestStatus, today: NaiveDate) -> Option<i64> {
    due.filter(|_| !status.is_closed())
        .map(|due| (due - today).num_days())
}

/// Data returned by the departments reaches the requester once the
/// request is decided in their favour (wholly or in part), not before.
fn results_released(status: RequestStatus) -> bool {
    matches!(
        status,
        RequestStatus::Completed | RequestStatus::PartiallyCompleted
    )
}

/// A result document of the request, decrypted; anything else is not
/// found. Whether it is a result and released is decided first: nothing
/// else is ever decrypted here.
pub fn result_document(
    desk: &Desk,
    request_id: &RequestId,
    document_id: &DocumentId,
) -> Result<(DocumentInfo, Vec<u8>), WorkflowError> {
    let (info, sealed) = desk.read(|conn, _| {
        let status = requests::get(conn, request_id)?.status;
        let (info, sealed) = documents::sealed(conn, request_id, document_id)?;
        if info.purpose != DocumentPurpose::Result || !results_released(status) {
            return Err(WorkflowError::NotFound);
        }
        Ok((info, sealed))
    })?;
    let bytes = sealed.open(&desk.keys.documents)?;
    Ok((info, bytes))
}
