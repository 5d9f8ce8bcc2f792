//! What a workflow can refuse, and what can fail inside one. Refusals and
//! refused transitions are the person's to fix and are shown to them in
//! their language; everything else is an internal failure, shown only as
//! "something went wrong" with a reference for the logs.

use crate::auth::tokens::SignError;
use crate::domain::lifecycle::TransitionError;
use crate::mail::notices::NoticeError;
use crate::store::StoreError;

/// A refusal the person can understand and act on. Each has a message key
/// for the pages; the English text is what the command line prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request is closed (or not yet confirmed): nothing more can be sent.
    #[error("the request does not take more information now")]
    ClosedForChanges,
    /// A data category chosen on the form no longer exists.
    #[error("an unknown data category was chosen")]
    UnknownCategory,
    /// The requester's address has as many requests waiting for
    /// confirmation as it may.
    #[error("too many unconfirmed requests from this address")]
    TooManyUnconfirmed,
    /// The requester's address has been sent as many emails as it may for now.
    #[error("too many emails to this address")]
    TooManyEmails,
    #[error("--department: no department has the code {0}")]
    UnknownDepartment(String),
    #[error("a staff account for {0} already exists")]
    StaffAccountExists(String),
}

impl Refusal {
    pub const fn message_key(&self) -> &'static str {
        match self {
            Refusal::ClosedForChanges => "status.closed_for_changes",
            Refusal::UnknownCategory => "form.errors.category_unknown",
            Refusal::TooManyUnconfirmed => "form.errors.too_many_unconfirmed",
            Refusal::TooManyEmails => "form.errors.too_many_emails",
            Refusal::UnknownDepartment(_) => "error.unknown_department",
            Refusal::StaffAccountExists(_) => "error.staff_account_exists",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The request (or account) does not exist, or the token naming it is
    /// not valid: the same answer for both.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The lifecycle does not allow this move now.
    #[error(transparent)]
    Transition(TransitionError),
    /// Someone else changed the request since the person read it.
    #[error("the request changed since it was read")]
    Stale,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Notice(#[from] NoticeError),
    #[error(transparent)]
    Token(#[from] SignError),
}

impl From<StoreError> for WorkflowError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WorkflowError::NotFound,
            StoreError::Transition(t) => WorkflowError::Transition(t),
            StoreError::Conflict => WorkflowError::Stale,
            other => WorkflowError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for WorkflowError {
    fn from(e: diesel::result::Error) -> Self {
        WorkflowError::Store(StoreError::Database(e))
    }
}
