//! The request page's actions: each posts its form, runs one workflow and
//! comes back to the page, or shows it again with the refusal and what was
//! typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::ids::{HoldId, StaffId, TaskId};
use domain::reference::Reference;
use serde::Deserialize;

use super::view::{Problem, show};
use crate::csrf::Posted;
use crate::error::{AppError, UserMessage};
use crate::multipart;
use crate::page::{Page, see_other};
use crate::staff::session::Staff;
use app::WorkflowError;
use app::case;
use app::decide::{self, Approval, Decide};
use app::holds;
use app::prolong::{self, Prolong};
use app::review::{self, Review};
use app::signin::SignedIn;
use app::tasks::{self, Finish};
use domain::decision::{DecisionOutcome, RefusalGround};
use domain::submission::{StaffText, optional_document};
use domain::task::TaskOutcome;

/// Runs an action; afterwards the page again (303), or the page with what
/// stopped it and the typed values: a refusal the member can fix (422), or
/// a request that changed meanwhile (409, the page as it is now).
async fn act<F>(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    (field, values): Typed,
    action: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&app::Desk, &SignedIn, &Reference) -> Result<(), WorkflowError> + Send + 'static,
{
    let who = signed.clone();
    let (message, status) = match page
        .state
        .try_run(move |desk| action(desk, &who, &reference))
        .await?
    {
        Ok(()) => return Ok(see_other(&format!("/staff/requests/{reference}"))),
        Err(WorkflowError::Refused(refusal)) => (
            UserMessage::new(refusal.message_key()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(WorkflowError::Stale) => (UserMessage::new("refusal.page.stale"), StatusCode::CONFLICT),
        Err(WorkflowError::Transition(t)) => (
            UserMessage::new("refusal.page.moved_on").key_arg("from", format!("status.{}.label", t.from())),
            StatusCode::CONFLICT,
        ),
        // Not allowed: the request moved on since the page was opened, or
        // the role never allowed it. The page shows where it stands (if
        // the member may see it at all), with what they typed.
        Err(WorkflowError::Forbidden) => (UserMessage::new("refusal.page.not_now"), StatusCode::FORBIDDEN),
        Err(other) => return Err(other.into()),
    };
    let problem = Problem {
        message: message.render(page.lang),
        values,
        field,
    };
    show(page, signed, reference, None, Some(problem), status).await
}

/// What a member typed into a refused form, to show again: the key of the
/// field at fault (if one is), and every value by key.
type Typed = (Option<&'static str>, Vec<(&'static str, String)>);

/// The page again (422) with a problem the member can fix, said by key,
/// and everything they typed.
async fn refuse(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    key: &'static str,
    (field, values): Typed,
) -> Result<HttpResponse, AppError> {
    let problem = Problem {
        message: UserMessage::new(key).render(page.lang),
        values,
        field,
    };
    show(
        page,
        signed,
        reference,
        None,
        Some(problem),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Runs `$check` (a `Result<T, &'static str>`) of the field `$field`; on
/// a problem, the page again with it, pointing at that field, and what was
/// typed.
macro_rules! checked {
    ($check:expr, $field:expr, $page:expr, $signed:expr, $reference:expr, $values:expr) => {
        match $check {
            Ok(value) => value,
            Err(key) => return refuse(&$page, $signed, $reference, key, (Some($field), $values)).await,
        }
    };
}

fn seen_version(raw: &str) -> Option<i32> {
    raw.trim().parse().ok()
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
}

/// Runs an action that takes one text a member typed (kept on the page as
/// `field` if it is refused): the text is checked as staff text first.
async fn act_on_text<F>(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    (field, typed): (&'static str, String),
    mut values: Vec<(&'static str, String)>,
    action: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&app::Desk, &SignedIn, &Reference, &StaffText) -> Result<(), WorkflowError> + Send + 'static,
{
    values.push((field, typed.clone()));
    let text = checked!(StaffText::parse(&typed), field, page, signed, reference, values);
    act(
        page,
        signed,
        reference,
        (Some(field), values),
        move |desk, who, at| action(desk, who, at, &text),
    )
    .await
}

/// `POST …/notes`
pub async fn note(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let typed = ("note", form.body);
    act_on_text(&page, signed, path.into_inner(), typed, vec![], case::add_note).await
}

/// `POST …/holds`: a legal hold on the subject's data, with the reason.
pub async fn place_hold(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let typed = ("hold_note", form.body);
    act_on_text(
        &page,
        signed,
        path.into_inner(),
        typed,
        vec![],
        |desk, who, at, note| holds::place_legal_hold(desk, who, at, note).map(|_| ()),
    )
    .await
}

/// `POST …/holds/{hold}/lift`: ends a legal hold or a granted suspension,
/// with the reason.
pub async fn lift_hold(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<(Reference, HoldId)>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let (reference, hold) = path.into_inner();
    let typed = ("lift_note", form.body);
    let hold_id = vec![("hold", hold.to_string())];
    act_on_text(
        &page,
        signed,
        reference,
        typed,
        hold_id,
        move |desk, who, at, note| holds::lift_hold(desk, who, at, &hold, note),
    )
    .await
}

/// `POST …/messages`
pub async fn message(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let typed = ("message_body", form.body);
    act_on_text(
        &page,
        signed,
        path.into_inner(),
        typed,
        vec![],
        case::message_requester,
    )
    .await
}

/// `POST …/review`: accept (with the checks), reject (with a reason) or ask
/// for more. The form repeats `checks`, so it is read from the raw body.
pub async fn review(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    page.csrf.check(Some(&get("csrf_token")))?;
    let version = seen_version(&get("version"));
    let reference = path.into_inner();
    let values = vec![("message", get("message"))];
    let review = match get("decision").as_str() {
        "accept" => Review::Accept {
            confirmed: fields
                .iter()
                .filter(|(k, _)| k == "checks")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
        },
        "reject" => Review::Reject {
            reason: get("reason")
                .parse()
                .map_err(|_| AppError::bad_request("error.form.malformed"))?,
        },
        "more" => Review::AskMore {
            message: checked!(
                StaffText::parse(&get("message")),
                "message",
                page,
                signed,
                reference,
                values
            ),
        },
        _ => return Err(AppError::bad_request("error.form.malformed")),
    };
    act(
        &page,
        signed,
        reference,
        (Some("message"), values),
        move |desk, who, at| review::review(desk, who, at, review, version),
    )
    .await
}

#[derive(Deserialize)]
pub struct VersionedText {
    #[serde(default)]
    message: String,
    #[serde(default)]
    version: String,
}

/// `POST …/ask`: ask the requester for more while working.
pub async fn ask(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<VersionedText>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("ask", form.message.clone())];
    let message = checked!(
        StaffText::parse(&form.message),
        "ask",
        page,
        signed,
        reference,
        values
    );
    let version = seen_version(&form.version);
    act(
        &page,
        signed,
        reference,
        (Some("ask"), values),
        move |desk, who, at| review::ask_requester(desk, who, at, &message, version),
    )
    .await
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    assignee: String,
}

/// `POST …/tasks/{task}/assign`
pub async fn assign(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<(Reference, TaskId)>,
    Posted(form): Posted<AssignForm>,
) -> Result<HttpResponse, AppError> {
    let (reference, task) = path.into_inner();
    let assignee = checked!(
        StaffId::parse(form.assignee.trim()).map_err(|_| app::Refusal::NotAnAssignee.message_key()),
        "assignee",
        page,
        signed,
        reference,
        vec![("task", task.to_string())]
    );
    let typed = (Some("assignee"), vec![("task", task.to_string())]);
    act(&page, signed, reference, typed, move |desk, who, at| {
        tasks::assign(desk, who, at, &task, &assignee)
    })
    .await
}

/// `POST …/tasks/{task}/complete` (multipart: the data returned may be a file).
pub async fn complete(
    page: Page,
    Staff(signed): Staff,
    req: HttpRequest,
    path: web::Path<(Reference, TaskId)>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (reference, task) = path.into_inner();
    let data = multipart::read(&req, payload, "data_file", &page.csrf, &page.state.uploads).await?;
    let outcome: TaskOutcome = data
        .text("outcome")
        .parse()
        .ok()
        .filter(|o| TaskOutcome::CHOSEN.contains(o))
        .ok_or_else(|| AppError::bad_request("error.form.malformed"))?;
    let values = vec![
        ("task", task.to_string()),
        ("task_outcome", outcome.as_str().to_owned()),
        ("task_note", data.text("note")),
        ("data_text", data.text("data_text")),
    ];
    let note = checked!(
        StaffText::optional(&data.text("note")),
        "task_note",
        page,
        signed,
        reference,
        values
    );
    let data_text = checked!(
        StaffText::optional(&data.text("data_text")),
        "data_text",
        page,
        signed,
        reference,
        values
    );
    let file = checked!(
        optional_document(data.file),
        "data_file",
        page,
        signed,
        reference,
        values
    );
    // A workflow's refusal of a task is about its note (a reason missing)
    // or, for an access task, the data returned.
    let field = if outcome.needs_reason() && note.is_none() {
        "task_note"
    } else {
        "data_text"
    };
    let finish = Finish {
        outcome,
        note,
        data_text,
        data_files: file.into_iter().collect(),
    };
    act(
        &page,
        signed,
        reference,
        (Some(field), values),
        move |desk, who, at| tasks::complete(desk, who, at, &task, finish).map(|_| ()),
    )
    .await
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    version: String,
}

/// `POST …/decide`
pub async fn decide(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<DecideForm>,
) -> Result<HttpResponse, AppError> {
    let outcome: DecisionOutcome = form
        .outcome
        .parse()
        .map_err(|_| AppError::bad_request("error.form.malformed"))?;
    let ground = match form.ground.trim() {
        "" => None,
        other => Some(
            other
                .parse::<RefusalGround>()
                .map_err(|_| AppError::bad_request("error.form.malformed"))?,
        ),
    };
    let reference = path.into_inner();
    let values = vec![
        ("outcome", form.outcome.clone()),
        ("ground", form.ground.clone()),
        ("explanation", form.explanation.clone()),
    ];
    let explanation = checked!(
        StaffText::optional(&form.explanation),
        "explanation",
        page,
        signed,
        reference,
        values
    );
    let version = seen_version(&form.version);
    // A decision's refusal is about its ground (missing, or not for the
    // kind) or its explanation.
    let field = if ground.is_none() && outcome != DecisionOutcome::Completed {
        "ground"
    } else {
        "explanation"
    };
    act(
        &page,
        signed,
        reference,
        (Some(field), values),
        move |desk, who, at| {
            let input = Decide {
                outcome,
                ground,
                explanation,
            };
            decide::decide(desk, who, at, input, version).map(|_| ())
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct ProlongForm {
    #[serde(default)]
    reasons: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    version: String,
}

/// `POST …/prolong`: postpone access or extend the period.
pub async fn prolong(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<ProlongForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("reasons", form.reasons.clone()), ("date", form.date.clone())];
    let reasons = checked!(
        StaffText::optional(&form.reasons),
        "reasons",
        page,
        signed,
        reference,
        values
    );
    let input = Prolong {
        reasons,
        date: form.date,
        expected_version: seen_version(&form.version),
    };
    act(
        &page,
        signed,
        reference,
        (Some("reasons"), values),
        move |desk, who, at| prolong::prolong(desk, who, at, input).map(|_| ()),
    )
    .await
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    version: String,
}

/// `POST …/approve`: approve a pending decision or send it back.
pub async fn approve(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<ApproveForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("reason", form.reason.clone())];
    let approval = match form.answer.as_str() {
        "approve" => Approval::Approve,
        "send_back" => Approval::SendBack {
            reason: checked!(
                StaffText::optional(&form.reason),
                "reason",
                page,
                signed,
                reference,
                values
            ),
        },
        _ => return Err(AppError::bad_request("error.form.malformed")),
    };
    let version = seen_version(&form.version);
    act(
        &page,
        signed,
        reference,
        (Some("reason"), values),
        move |desk, who, at| decide::settle(desk, who, at, approval, version).map(|_| ()),
    )
    .await
}

#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

/// `POST …/reopen`: the tasks start again after an objection.
pub async fn reopen(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<VersionForm>,
) -> Result<HttpResponse, AppError> {
    let version = seen_version(&form.version);
    act(
        &page,
        signed,
        path.into_inner(),
        (None, vec![]),
        move |desk, who, at| tasks::reopen(desk, who, at, version),
    )
    .await
}
