//! A request as staff work it: loading it for a staff member (refused when
//! their role may not see it), the request page's read model, and the
//! small actions that change no status — revealing identifiers,
//! downloading a document, internal notes and messages to the requester.

use chrono::NaiveDate;
use domain::ids::{DocumentId, TaskId};
use domain::submission::StaffText;

use super::signin::SignedIn;
use super::{Desk, Tx, WorkflowError};
use auth::tokens::Purpose;
use domain::audit::AuditAction;
use domain::decision::{AuthorityCheck, RefusalGround};
use domain::identifier::mask_email;
use domain::permission::{RequestFacts, RequestOptions, StaffMember, TaskFacts};
use domain::profile::ProlongationRule;
use domain::reference::Reference;
use domain::request::RequestKind;
use domain::task::{Released, TaskStatus};
use mail::notices::{self};
use store::audit::{self, EventRow};
use store::decisions::{self, DecisionRow};
use store::documents;
use store::holds::{self, Hold};
use store::messages::{self, Message};
use store::notes::{self, Note};
use store::prolongations::{self, ProlongationRow};
use store::requests;
use store::staff::{self, StaffUser};
use store::tasks::{self, TaskView};
use store::{DbConnection, StoreError};

/// The request and its documents as the case page shows them.
pub use store::documents::DocumentInfo;
pub use store::requests::RequestRow;

/// A request loaded for one staff member, with what they may do.
#[derive(Debug, Clone)]
pub struct Casefile {
    pub row: RequestRow,
    pub facts: RequestFacts,
    pub options: RequestOptions,
}

/// The facts the permission rules need about a stored request.
pub fn facts_of(conn: &mut DbConnection, row: &RequestRow) -> Result<RequestFacts, StoreError> {
    let tasks = tasks::for_request(conn, &row.id)?
        .into_iter()
        .map(|t| TaskFacts {
            department_id: t.department_id.into(),
            assignee_id: t.assignee_id,
            status: t.status,
        })
        .collect();
    Ok(RequestFacts {
        kind: row.kind,
        status: row.status,
        tasks,
        decision_pending: decisions::pending_decision(conn, &row.id)?.is_some(),
    })
}

/// Loads a request by reference for `member`: not found if there is no
/// such request, forbidden if their role may not see it.
pub fn load(
    conn: &mut DbConnection,
    member: &StaffMember,
    reference: &Reference,
) -> Result<Casefile, WorkflowError> {
    let row = requests::get_by_reference(conn, reference)?;
    let facts = facts_of(conn, &row)?;
    let options = member.options(&facts);
    if !options.view {
        return Err(WorkflowError::Forbidden);
    }
    Ok(Casefile { row, facts, options })
}

/// Refuses with 403 unless `allowed`.
pub fn require(allowed: bool) -> Result<(), WorkflowError> {
    if allowed {
        Ok(())
    } else {
        Err(WorkflowError::Forbidden)
    }
}

/// A task on the request page, with what the viewer may do with it.
#[derive(Debug, Clone)]
pub struct TaskLine {
    pub view: TaskView,
    pub may_assign: bool,
    pub may_complete: bool,
    /// Whom it may be assigned to (when the viewer may assign it).
    pub assignable: Vec<StaffUser>,
    /// The data the task returned as text, decrypted (when the viewer may
    /// see it).
    pub returned: Option<String>,
    /// The viewer may see what the task returned (its text and files).
    pub may_see_result: bool,
    /// Files the task returned (when the viewer may see them).
    pub files: Vec<DocumentInfo>,
    /// An open deletion task whose data a legal hold covers: carrying it
    /// out keeps the data for the claim instead of destroying it.
    pub under_legal_hold: bool,
}

/// Everything the staff request page shows.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub file: Casefile,
    pub masked_subject_email: String,
    pub masked_requester_email: String,
    pub tasks: Vec<TaskLine>,
    pub documents: Vec<DocumentInfo>,
    pub messages: Vec<Message>,
    pub notes: Vec<Note>,
    pub events: Vec<EventRow>,
    pub holds: Vec<Hold>,
    pub decisions: Vec<DecisionRow>,
    pub pending: Option<DecisionRow>,
    /// What the reviewer must confirm for this kind of requester.
    pub authority_checks: &'static [AuthorityCheck],
    pub grounds: &'static [RefusalGround],
    pub today: NaiveDate,
    /// Every time the answer was put off, oldest first.
    pub prolongations: Vec<ProlongationRow>,
    /// What completing an access request gives the requester, task by
    /// task (empty for other kinds).
    pub release: Vec<Released>,
    /// The postponement or extension the viewer may make now.
    pub prolongation: Option<&'static ProlongationRule>,
}

pub fn view(desk: &Desk, signed: &SignedIn, reference: &Reference) -> Result<CaseView, WorkflowError> {
    let tz = desk.config.timezone;
    desk.read(|conn, now| {
        let file = load(conn, &signed.member, reference)?;
        let id = file.row.id.clone();
        let mut lines = Vec::new();
        let all_documents = documents::list_for_request(conn, &id)?;
        let legal_holds = if file.row.kind == RequestKind::Deletion {
            holds::legal_holds_on_subject(conn, &id)?
        } else {
            Vec::new()
        };
        for view in tasks::views_for_request(conn, &id)? {
            let facts = TaskFacts {
                department_id: view.task.department_id.clone().into(),
                assignee_id: view.task.assignee_id.clone(),
                status: view.task.status,
            };
            let may_assign = signed.member.may_assign(file.row.status, &facts);
            let assignable = if may_assign {
                staff::active_in_department(conn, &view.task.department_id)?
            } else {
                Vec::new()
            };
            let may_see_result = signed.member.may_see_result(&file.facts, &facts);
            let (returned, files) = if may_see_result {
                (
                    tasks::returned_text(conn, &desk.keys.documents, &view.task.id)?,
                    all_documents
                        .iter()
                        .filter(|d| d.task_id.as_deref() == Some(view.task.id.as_str()))
                        .cloned()
                        .collect(),
                )
            } else {
                (None, Vec::new())
            };
            let under_legal_hold = view.task.status == TaskStatus::Open
                && holds::any_covers_system(&legal_holds, view.system_code.as_deref());
            lines.push(TaskLine {
                under_legal_hold,
                may_complete: signed.member.may_complete(file.row.status, &facts),
                may_assign,
                assignable,
                returned,
                may_see_result,
                files,
                view,
            });
        }
        let documents = all_documents
            .into_iter()
            .filter(|d| d.task_id.is_none())
            .filter(|d| file.options.identity_documents || !d.purpose.is_identity_evidence())
            .collect();
        let today = now.and_utc().with_timezone(&tz).date_naive();
        let prolongations = prolongations::for_request(conn, &id)?;
        let prolongation = if file.options.prolong {
            super::prolong::open_for(today, &file.row, prolongations.len())
        } else {
            None
        };
        let release = if file.row.kind == RequestKind::Access {
            super::tasks::released(conn, &id)?
        } else {
            Vec::new()
        };
        Ok(CaseView {
            release,
            prolongations,
            prolongation,
            masked_subject_email: mask_email(&file.row.subject_email),
            masked_requester_email: mask_email(&file.row.requester_email),
            tasks: lines,
            documents,
            messages: messages::list_for_request(conn, &id)?,
            notes: notes::notes(conn, &id)?,
            events: audit::for_request(conn, &id)?,
            holds: holds::for_request(conn, &id)?,
            decisions: decisions::decisions(conn, &id)?,
            pending: decisions::pending_decision(conn, &id)?,
            authority_checks: AuthorityCheck::required(file.row.on_behalf),
            grounds: RefusalGround::for_kind(file.row.kind),
            today,
            file,
        })
    })
}

/// The subject's and requester's full identifiers, shown after a
/// deliberate click that is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifiers {
    pub subject_email: String,
    pub subject_phone: Option<String>,
    pub requester_email: String,
    pub requester_phone: Option<String>,
}

pub fn reveal(desk: &Desk, signed: &SignedIn, reference: &Reference) -> Result<Identifiers, WorkflowError> {
    desk.write(|tx| {
        let file = load(tx.conn, &signed.member, reference)?;
        require(file.options.reveal)?;
        tx.record(
            &file.row.id,
            &signed.actor(),
            AuditAction::IdentifiersRevealed,
            serde_json::json!({}),
        )?;
        Ok(Identifiers {
            subject_email: file.row.subject_email,
            subject_phone: file.row.subject_phone,
            requester_email: file.row.requester_email,
            requester_phone: file.row.requester_phone,
        })
    })
}

/// A document of the request, decrypted for download; the download is
/// recorded. Identity and authority documents only for the privacy
/// officer, a task's files only for those who may see its result; that is
/// decided before anything is decrypted.
pub fn download(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    document_id: &DocumentId,
) -> Result<(DocumentInfo, Vec<u8>), WorkflowError> {
    desk.write(|tx| {
        let file = load(tx.conn, &signed.member, reference)?;
        let (info, sealed) = documents::sealed(tx.conn, &file.row.id, document_id)?;
        require(file.options.identity_documents || !info.purpose.is_identity_evidence())?;
        if let Some(task_id) = &info.task_id {
            let task = tasks::get(tx.conn, &file.row.id, &TaskId::from(task_id.clone()))?;
            let facts = TaskFacts {
                department_id: task.department_id.into(),
                assignee_id: task.assignee_id,
                status: task.status,
            };
            require(signed.member.may_see_result(&file.facts, &facts))?;
        }
        let bytes = sealed.open(&desk.keys.documents)?;
        tx.record(
            &file.row.id,
            &signed.actor(),
            AuditAction::DocumentDownloaded,
            serde_json::json!({"document": info.id, "purpose": info.purpose}),
        )?;
        Ok((info, bytes))
    })
}

/// Adds an internal note (never shown to the requester).
pub fn add_note(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    body: &StaffText,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = load(tx.conn, &signed.member, reference)?;
        require(file.options.add_note)?;
        let id = notes::add_note(tx.conn, &file.row.id, &signed.user.id, body.as_str(), tx.now)?;
        tx.record(
            &file.row.id,
            &signed.actor(),
            AuditAction::NoteAdded,
            serde_json::json!({"note": id}),
        )
    })
}

/// Sends the requester a message: shown on their status page and emailed.
pub fn message_requester(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    body: &StaffText,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = load(tx.conn, &signed.member, reference)?;
        require(file.options.message_requester)?;
        post_message(tx, signed, &file.row, body.as_str(), MessageKind::Plain)
    })
}

/// What a staff message is for: its email says so.
pub(super) enum MessageKind {
    Plain,
    /// A request for more information.
    InformationRequest,
}

/// Stores a staff message, records it and emails it with a status link.
pub(super) fn post_message(
    tx: &mut Tx<'_, '_>,
    signed: &SignedIn,
    row: &RequestRow,
    body: &str,
    kind: MessageKind,
) -> Result<(), WorkflowError> {
    let id = messages::add(
        tx.conn,
        &row.id,
        messages::Author::Staff {
            id: signed.user.id.as_str(),
        },
        body,
        None,
        tx.now,
    )?;
    tx.record(
        &row.id,
        &signed.actor(),
        AuditAction::MessageSent,
        serde_json::json!({"message": id}),
    )?;
    if let MessageKind::Plain = kind {
        let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
        tx.send(&[notices::staff_message(
            crate::recipients::requester(row),
            body,
            &link,
        )])?;
    }
    Ok(())
}
