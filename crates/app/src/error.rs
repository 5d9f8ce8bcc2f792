//! What a workflow can refuse, and what can fail inside one. Refusals and
//! refused transitions are the person's to fix and are shown to them in
//! their language; everything else is an internal failure, shown only as
//! "something went wrong" with a reference for the logs.

use auth::tokens::SignError;
use domain::lifecycle::TransitionError;
use mail::notices::NoticeError;
use store::StoreError;

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
    /// Accepting an agent needs every check their kind must show.
    #[error("confirm every check before accepting")]
    AuthorityChecksMissing,
    /// The decision's outcome, ground and explanation do not fit.
    #[error("{0}")]
    Decision(#[from] domain::decision::DecisionError),
    /// A task outcome that needs a reason was given none.
    #[error("say why the task cannot be done")]
    TaskReasonMissing,
    /// Data was returned for an access task that ends otherwise.
    #[error("data is returned only by a task that is done")]
    ResultWithoutDone,
    /// An access request one system could not answer was to be completed.
    #[error("a system could not give its data: partly complete it, with the ground")]
    AccessPartlyGiven,
    /// An access task was marked done with no data returned.
    #[error("return the data held, or choose nothing held")]
    AccessResultMissing,
    /// A task may only be assigned to an active member of its department.
    #[error("that person cannot take this task")]
    NotAnAssignee,
    /// A request cannot have been received in the future, nor more than a
    /// year ago.
    #[error("{0}")]
    ReceiptTime(#[from] domain::intake::ReceiptTimeError),
    /// Handlers and department leads belong to a department.
    #[error("this role needs a department")]
    DepartmentRequired,
    /// The last active admin may not be switched off or given another role.
    #[error("the last active admin cannot be switched off or given another role")]
    LastAdmin,
    #[error("no data system has that code")]
    UnknownSystem,
    /// A routing rule names a kind or a category (and `instead` a category).
    #[error("a routing rule needs a kind or a category; replacing the owner needs a category")]
    RuleNeedsKindOrCategory,
    /// Sending a decision back needs a reason.
    #[error("say why the decision is sent back")]
    ReturnReasonMissing,
    /// A service token's system, scopes or expiry are not valid.
    #[error("{0}")]
    ServiceToken(#[from] domain::service::ServiceTokenError),
    /// Placing or ending a hold by hand needs a reason.
    #[error("say why (1 to 1000 characters)")]
    HoldNoteMissing,
    /// This hold ends with its request, not by hand.
    #[error("this hold ends with its request")]
    HoldNotLiftable,
    /// A webhook URL that cannot be posted to.
    #[error("the webhook URL {0}")]
    WebhookUrl(#[from] domain::webhook::WebhookUrlError),
    /// A change to a calendar day that cannot be made.
    #[error("{0}")]
    CalendarDay(#[from] domain::calendar::DayEditError),
    /// Undoing a change of a day that was not changed.
    #[error("that day was not changed")]
    DayNotChanged,
    /// A postponement or extension that cannot be made as asked.
    #[error("{0}")]
    Prolongation(#[from] domain::prolongation::ProlongationError),
    /// The request may not be postponed or extended now.
    #[error("this request cannot be postponed or extended now")]
    ProlongationNotAllowed,
    /// A letterhead that cannot be used.
    #[error("{0}")]
    Letterhead(#[from] domain::letterhead::LetterheadError),
}

impl Refusal {
    pub fn message_key(&self) -> &'static str {
        match self {
            Refusal::ClosedForChanges => "status.closed_for_changes",
            Refusal::UnknownCategory => "form.errors.category_unknown",
            Refusal::TooManyUnconfirmed => "form.errors.too_many_unconfirmed",
            Refusal::TooManyEmails => "form.errors.too_many_emails",
            Refusal::UnknownDepartment(_) => "error.unknown_department",
            Refusal::StaffAccountExists(_) => "error.staff_account_exists",
            Refusal::AuthorityChecksMissing => "refusal.authority_checks_missing",
            Refusal::Decision(e) => match e {
                domain::decision::DecisionError::GroundMissing => "refusal.decision.ground_missing",
                domain::decision::DecisionError::GroundNotForKind => "refusal.decision.ground_not_for_kind",
                domain::decision::DecisionError::GroundNotExpected => "refusal.decision.ground_not_expected",
                domain::decision::DecisionError::ExplanationMissing => "refusal.decision.explanation_missing",
            },
            Refusal::TaskReasonMissing => "refusal.task_reason_missing",
            Refusal::AccessResultMissing => "refusal.access_result_missing",
            Refusal::AccessPartlyGiven => "refusal.access_partly_given",
            Refusal::ResultWithoutDone => "refusal.result_without_done",
            Refusal::NotAnAssignee => "refusal.not_an_assignee",
            Refusal::ReturnReasonMissing => "refusal.return_reason_missing",
            Refusal::DepartmentRequired => "refusal.department_required",
            Refusal::LastAdmin => "refusal.last_admin",
            Refusal::ReceiptTime(e) => e.message_key(),
            Refusal::UnknownSystem => "refusal.unknown_system",
            Refusal::RuleNeedsKindOrCategory => "refusal.rule_needs_kind_or_category",
            Refusal::ServiceToken(e) => match e {
                domain::service::ServiceTokenError::SystemName => "refusal.token.system_name",
                domain::service::ServiceTokenError::UnknownScope(_)
                | domain::service::ServiceTokenError::NoScope => "refusal.token.scope",
                domain::service::ServiceTokenError::Expiry => "refusal.token.expiry",
            },
            Refusal::HoldNoteMissing => "refusal.hold_note_missing",
            Refusal::HoldNotLiftable => "refusal.hold_not_liftable",
            Refusal::WebhookUrl(e) => e.message_key(),
            Refusal::CalendarDay(e) => e.message_key(),
            Refusal::DayNotChanged => "refusal.calendar.not_changed",
            Refusal::Prolongation(e) => e.message_key(),
            Refusal::ProlongationNotAllowed => "refusal.prolongation.not_allowed",
            Refusal::Letterhead(e) => e.message_key(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The request (or account) does not exist, or the token naming it is
    /// not valid: the same answer for both.
    #[error("not found")]
    NotFound,
    /// The staff member's role may not do this (nothing was written).
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The lifecycle does not allow this move now.
    #[error(transparent)]
    Transition(TransitionError),
    /// Someone else changed the request since the person read it.
    #[error("the request changed since it was read")]
    Stale,
    /// The database cannot be reached now (its pool is exhausted or a
    /// connection fails): worth trying again later.
    #[error("database unavailable: {0}")]
    Unavailable(StoreError),
    #[error(transparent)]
    Store(StoreError),
    /// A part of this instance that a workflow needs has stopped.
    #[error("{0}")]
    Stopped(&'static str),
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
            e if e.is_unavailable() => WorkflowError::Unavailable(e),
            other => WorkflowError::Store(other),
        }
    }
}
