//! `/staff/requests/{reference}`: every detail of a request, and exactly the
//! actions the member's role and the request's state allow (the same rules
//! the workflows enforce). Each action posts to its own path and comes back
//! to the page; a refusal the member can fix shows the page again with the
//! message and what they typed.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use domain::ids::{DocumentId, HoldId, StaffId, TaskId};
use domain::reference::Reference;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::csrf::{CsrfForm, Posted};
use crate::error::{AppError, UserMessage};
use crate::multipart;
use crate::page::{Page, attachment, human_size, local, render, see_other};
use crate::staff::queue::DUE_SOON_DAYS;
use app::WorkflowError;
use app::case::{self, CaseView, Identifiers};
use app::case::{DocumentInfo, RequestRow};
use app::decide::{self, Approval, Decide};
use app::holds;
use app::prolong::{self, Prolong};
use app::review::{self, Review};
use app::signin::SignedIn;
use app::status::days_left;
use app::tasks::{self, Finish};
use domain::decision::{AuthorityCheck, DecisionOutcome, IdentityRejection, RefusalGround};
use domain::hold::HoldScope;
use domain::lang::Lang;
use domain::permission::RequestOptions;
use domain::profile::{Lengthening, Period, Prolongation, Unit};
use domain::request::RequestKind;
use domain::submission::{StaffText, optional_document};
use domain::task::TaskOutcome;

pub struct HoldLine {
    pub id: String,
    /// The officer may end it by hand here (a legal hold, or a granted
    /// suspension).
    pub liftable: bool,
    pub reason: domain::hold::HoldReason,
    pub scope: String,
    pub since: String,
    pub lifted: Option<String>,
}

pub struct DocumentLine {
    pub id: String,
    pub filename: String,
    pub purpose: domain::document::DocumentPurpose,
    pub size: String,
}

pub struct TaskLine {
    pub id: String,
    pub system: String,
    pub department: String,
    pub assignee: String,
    pub status: domain::task::TaskStatus,
    pub outcome: Option<TaskOutcome>,
    pub retained: Option<String>,
    pub note: Option<String>,
    pub data: Option<String>,
    pub files: Vec<DocumentLine>,
    pub may_assign: bool,
    pub may_complete: bool,
    pub assignable: Vec<(String, String)>,
}

pub struct DecisionLine {
    pub when: String,
    pub outcome: DecisionOutcome,
    pub ground: Option<String>,
    pub state: domain::decision::DecisionState,
    pub explanation: String,
    pub return_reason: Option<String>,
}

pub struct TextLine {
    pub author: String,
    pub when: String,
    pub body: String,
}

pub struct MessageLine {
    pub author: domain::request::MessageAuthor,
    pub when: String,
    pub body: String,
}

/// One time the answer was put off.
pub struct ProlongationLine {
    pub when: String,
    pub kind: Prolongation,
    pub from: String,
    pub to: String,
    pub reasons: String,
}

/// The postponement or extension form, when the member may use it now.
pub struct ProlongOffer {
    pub kind: Prolongation,
    pub law: &'static str,
    /// Staff give the date (a postponement); an extension's length is the law's.
    pub needs_date: bool,
    /// How much longer an extension gives, in words.
    pub length: Option<String>,
}

pub struct EventLine {
    pub when: String,
    pub what: String,
    pub reason: Option<String>,
}

/// A refusal shown on the page, with what the member typed.
#[derive(Default)]
pub struct Problem {
    pub message: String,
    pub values: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "staff/request.html")]
pub struct RequestPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub base: String,
    pub req: RequestRow,
    pub options: RequestOptions,
    pub received: String,
    pub due: String,
    /// The due date counted at receipt, when the one in force differs.
    pub original_due: Option<String>,
    pub prolongations: Vec<ProlongationLine>,
    pub prolong: Option<ProlongOffer>,
    pub due_label: Option<String>,
    pub urgency: &'static str,
    pub masked_subject_email: String,
    pub masked_requester_email: String,
    pub revealed: Option<Identifiers>,
    pub holds: Vec<HoldLine>,
    /// The viewer places and ends legal holds (the privacy officer).
    pub manage_holds: bool,
    pub documents: Vec<DocumentLine>,
    pub tasks: Vec<TaskLine>,
    pub decisions: Vec<DecisionLine>,
    pub messages: Vec<MessageLine>,
    pub notes: Vec<TextLine>,
    pub events: Vec<EventLine>,
    pub authority_checks: &'static [AuthorityCheck],
    pub rejections: &'static [IdentityRejection],
    pub outcomes: &'static [TaskOutcome],
    pub grounds: &'static [RefusalGround],
    pub returns_data: bool,
    pub problem: Option<Problem>,
    /// Who must approve the pending decision, in words (set after [`build`]).
    pub approver: Option<String>,
    /// The viewer may approve the pending decision (not only send it back).
    pub may_approve: bool,
}

impl RequestPage {
    /// A value the member typed into a form that was refused.
    pub fn kept(&self, field: &str) -> &str {
        self.problem
            .as_ref()
            .and_then(|p| p.values.iter().find(|(k, _)| *k == field))
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A period in words: "2 months", "45 days".
fn period_text(lang: Lang, period: Period) -> String {
    let key = match period.unit {
        Unit::CalendarDays => "staff.prolong.days",
        Unit::BusinessDays => "staff.prolong.business_days",
        Unit::Months => "staff.prolong.months",
    };
    lang.tf(key, &[("n", &period.amount.to_string())])
}

fn document_line(d: &DocumentInfo) -> DocumentLine {
    DocumentLine {
        id: d.id.clone().into(),
        filename: d.filename.clone(),
        purpose: d.purpose,
        size: human_size(d.size_bytes),
    }
}

fn scope_text(scope: &HoldScope) -> String {
    match scope {
        HoldScope::All => "*".to_owned(),
        HoldScope::Only { categories, systems } => categories
            .iter()
            .chain(systems.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn build(
    lang: Lang,
    tz: Tz,
    chrome: StaffChrome,
    view: CaseView,
    revealed: Option<Identifiers>,
    problem: Option<Problem>,
) -> RequestPage {
    let manage_holds = view.file.options.manage_holds;
    let r = view.file.row;
    let left = days_left(r.due_date, r.status, view.today);
    let (urgency, due_label) = match left {
        Some(d) if d < 0 => (
            "overdue",
            Some(lang.tf("staff.queue.days_overdue", &[("days", &(-d).to_string())])),
        ),
        Some(d) if d <= DUE_SOON_DAYS => (
            "soon",
            Some(lang.tf("staff.queue.days_left", &[("days", &d.to_string())])),
        ),
        Some(d) => (
            "",
            Some(lang.tf("staff.queue.days_left", &[("days", &d.to_string())])),
        ),
        None => ("", None),
    };
    let tasks = view
        .tasks
        .into_iter()
        .map(|line| {
            let t = line.view.task;
            TaskLine {
                system: line
                    .view
                    .system_name
                    .unwrap_or_else(|| lang.t("staff.tasks.whole_department").into_owned()),
                department: line.view.department_name,
                assignee: line
                    .view
                    .assignee_name
                    .unwrap_or_else(|| lang.t("staff.tasks.unassigned").into_owned()),
                status: t.status,
                outcome: t.outcome,
                retained: t.retained_until.zip(t.retention_law.clone()).map(|(until, law)| {
                    lang.tf(
                        "staff.tasks.separated_until",
                        &[("until", &until.to_string()), ("law", &law)],
                    )
                }),
                note: t.note.clone(),
                data: line.returned,
                files: line.files.iter().map(document_line).collect(),
                may_assign: line.may_assign,
                may_complete: line.may_complete,
                assignable: line
                    .assignable
                    .into_iter()
                    .map(|u| (u.id.into_string(), u.name))
                    .collect(),
                id: t.id.into(),
            }
        })
        .collect();
    let events = view
        .events
        .into_iter()
        .map(|e| {
            let what = match (e.from_status, e.to_status) {
                (Some(from), Some(to)) => lang.tf(
                    "staff.audit.transition",
                    &[
                        ("from", &lang.t(&format!("status.{from}.label"))),
                        ("to", &lang.t(&format!("status.{to}.label"))),
                    ],
                ),
                _ => lang
                    .t(&format!("staff.audit.{}", e.action.as_str().replace('.', "_")))
                    .into_owned(),
            };
            EventLine {
                when: local(e.at, tz),
                what,
                reason: e.reason,
            }
        })
        .collect();
    let prolong = view.prolongation.map(|rule| ProlongOffer {
        kind: rule.kind,
        law: lang.cite(rule.law),
        needs_date: rule.lengthening == Lengthening::ToChosenDate,
        length: match rule.lengthening {
            Lengthening::By(period) => Some(period_text(lang, period)),
            Lengthening::ToChosenDate => None,
        },
    });
    let prolongations = view
        .prolongations
        .iter()
        .map(|p| ProlongationLine {
            when: local(p.created_at, tz),
            kind: p.kind,
            from: p.from_date.to_string(),
            to: p.to_date.to_string(),
            reasons: p.reasons.clone(),
        })
        .collect();
    RequestPage {
        lang,
        chrome,
        original_due: r
            .original_due_date
            .filter(|original| Some(*original) != r.due_date)
            .map(|d| d.to_string()),
        prolongations,
        prolong,
        base: format!("/staff/requests/{}", r.reference),
        options: view.file.options,
        received: local(r.received_at, tz),
        due: r.due_date.map(|d| d.to_string()).unwrap_or_default(),
        due_label,
        urgency,
        masked_subject_email: view.masked_subject_email,
        masked_requester_email: view.masked_requester_email,
        revealed,
        manage_holds,
        holds: view
            .holds
            .iter()
            .map(|h| HoldLine {
                id: h.id.clone().into(),
                liftable: manage_holds && h.lifted_at.is_none() && h.reason.may_be_lifted_by_hand(r.status),
                reason: h.reason,
                scope: scope_text(&h.scope),
                since: local(h.placed_at, tz),
                lifted: h.lifted_at.map(|at| local(at, tz)),
            })
            .collect(),
        documents: view.documents.iter().map(document_line).collect(),
        tasks,
        decisions: view
            .decisions
            .into_iter()
            .map(|d| DecisionLine {
                when: local(d.decided_at, tz),
                outcome: d.outcome,
                ground: d.ground.map(|g| lang.cite(g.article()).to_owned()),
                state: d.state,
                explanation: d.explanation,
                return_reason: d.return_reason,
            })
            .collect(),
        messages: view
            .messages
            .into_iter()
            .map(|m| MessageLine {
                author: m.author,
                when: local(m.created_at, tz),
                body: m.body,
            })
            .collect(),
        notes: view
            .notes
            .into_iter()
            .map(|n| TextLine {
                author: n.author,
                when: local(n.created_at, tz),
                body: n.body,
            })
            .collect(),
        events,
        authority_checks: view.authority_checks,
        rejections: IdentityRejection::ALL,
        outcomes: TaskOutcome::CHOSEN,
        grounds: view.grounds,
        returns_data: r.kind == RequestKind::Access,
        problem,
        approver: None,
        may_approve: false,
        req: r,
    }
}

/// Renders the page for `signed`, with revealed identifiers or a problem.
async fn show(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    revealed: Option<Identifiers>,
    problem: Option<Problem>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(page, &signed)?;
    let (view, approval) = page
        .state
        .run(move |desk| {
            let view = case::view(desk, &signed, &reference)?;
            let approval = match &view.pending {
                Some(pending) => Some(decide::approval(desk, &signed, &view.file.options, pending)?),
                None => None,
            };
            Ok((view, approval))
        })
        .await?;
    let tz = page.state.config().timezone;
    let mut shown = build(page.lang, tz, chrome, view, revealed, problem);
    if let Some(approval) = approval {
        shown.approver = Some(page.lang.t(approval.approver.message_key()).into_owned());
        shown.may_approve = approval.may_approve;
    }
    render(status, &shown)
}

/// `GET /staff/requests/{reference}`
pub async fn view(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
) -> Result<HttpResponse, AppError> {
    show(&page, signed, path.into_inner(), None, None, StatusCode::OK).await
}

/// Runs an action; afterwards the page again (303), or the page with the
/// refusal and the typed values (422) when the member can fix it.
async fn act<F>(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    values: Vec<(&'static str, String)>,
    action: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&app::Desk, &SignedIn, &Reference) -> Result<(), WorkflowError> + Send + 'static,
{
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| action(desk, &who, &reference))
        .await?
    {
        Ok(()) => Ok(see_other(&format!("/staff/requests/{reference}"))),
        Err(WorkflowError::Refused(refusal)) => {
            refuse(page, signed, reference, refusal.message_key(), values).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The page again (422) with a problem the member can fix, said by key,
/// and everything they typed.
async fn refuse(
    page: &Page,
    signed: SignedIn,
    reference: Reference,
    key: &'static str,
    values: Vec<(&'static str, String)>,
) -> Result<HttpResponse, AppError> {
    let problem = Problem {
        message: UserMessage::new(key).render(page.lang),
        values,
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

/// Runs `$check` (a `Result<T, &'static str>`); on a problem, the page
/// again with it and what was typed.
macro_rules! checked {
    ($check:expr, $page:expr, $signed:expr, $reference:expr, $values:expr) => {
        match $check {
            Ok(value) => value,
            Err(key) => return refuse(&$page, $signed, $reference, key, $values).await,
        }
    };
}

fn seen_version(raw: &str) -> Option<i32> {
    raw.trim().parse().ok()
}

/// `POST …/reveal`: the full identifiers, once, recorded.
pub async fn reveal(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let who = signed.clone();
    let ids = page
        .state
        .run(move |desk| case::reveal(desk, &who, &reference))
        .await?;
    show(&page, signed, reference, Some(ids), None, StatusCode::OK).await
}

/// `GET …/documents/{id}`: a download, recorded.
pub async fn document(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<(Reference, DocumentId)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let (info, bytes) = page
        .state
        .run(move |desk| case::download(desk, &signed, &reference, &id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header(attachment(&info.filename))
        .body(bytes))
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
}

/// `POST …/notes`
pub async fn note(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("note", form.body.clone())];
    let body = checked!(StaffText::parse(&form.body), page, signed, reference, values);
    act(&page, signed, reference, vec![], move |desk, who, at| {
        case::add_note(desk, who, at, &body)
    })
    .await
}

/// `POST …/holds`: a legal hold on the subject's data, with the reason.
pub async fn place_hold(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("hold_note", form.body.clone())];
    let note = checked!(StaffText::parse(&form.body), page, signed, reference, values);
    act(&page, signed, reference, values, move |desk, who, at| {
        holds::place_legal_hold(desk, who, at, &note).map(|_| ())
    })
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
    let values = vec![("lift_note", form.body.clone())];
    let note = checked!(StaffText::parse(&form.body), page, signed, reference, values);
    act(&page, signed, reference, values, move |desk, who, at| {
        holds::lift_hold(desk, who, at, &hold, &note)
    })
    .await
}

/// `POST …/messages`
pub async fn message(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<Reference>,
    Posted(form): Posted<TextForm>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let values = vec![("message_body", form.body.clone())];
    let body = checked!(StaffText::parse(&form.body), page, signed, reference, values);
    act(&page, signed, reference, vec![], move |desk, who, at| {
        case::message_requester(desk, who, at, &body)
    })
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
            message: checked!(StaffText::parse(&get("message")), page, signed, reference, values),
        },
        _ => return Err(AppError::bad_request("error.form.malformed")),
    };
    act(&page, signed, reference, values, move |desk, who, at| {
        review::review(desk, who, at, review, version)
    })
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
    let message = checked!(StaffText::parse(&form.message), page, signed, reference, values);
    let version = seen_version(&form.version);
    act(&page, signed, reference, vec![], move |desk, who, at| {
        review::ask_requester(desk, who, at, &message, version)
    })
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
        page,
        signed,
        reference,
        vec![]
    );
    act(&page, signed, reference, vec![], move |desk, who, at| {
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
        .map_err(|_| AppError::bad_request("error.form.malformed"))?;
    let values = vec![
        ("task", task.to_string()),
        ("task_note", data.text("note")),
        ("data_text", data.text("data_text")),
    ];
    let note = checked!(
        StaffText::optional(&data.text("note")),
        page,
        signed,
        reference,
        values
    );
    let data_text = checked!(
        StaffText::optional(&data.text("data_text")),
        page,
        signed,
        reference,
        values
    );
    let file = checked!(optional_document(data.file), page, signed, reference, values);
    let finish = Finish {
        outcome,
        note,
        data_text,
        data_files: file.into_iter().collect(),
    };
    act(&page, signed, reference, values, move |desk, who, at| {
        tasks::complete(desk, who, at, &task, finish).map(|_| ())
    })
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
    let values = vec![("explanation", form.explanation.clone())];
    let explanation = checked!(
        StaffText::optional(&form.explanation),
        page,
        signed,
        reference,
        values
    );
    let version = seen_version(&form.version);
    act(&page, signed, reference, values, move |desk, who, at| {
        let input = Decide {
            outcome,
            ground,
            explanation,
        };
        decide::decide(desk, who, at, input, version).map(|_| ())
    })
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
    act(&page, signed, reference, values, move |desk, who, at| {
        prolong::prolong(desk, who, at, input).map(|_| ())
    })
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
            reason: checked!(StaffText::optional(&form.reason), page, signed, reference, values),
        },
        _ => return Err(AppError::bad_request("error.form.malformed")),
    };
    let version = seen_version(&form.version);
    act(&page, signed, reference, values, move |desk, who, at| {
        decide::settle(desk, who, at, approval, version).map(|_| ())
    })
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
    act(&page, signed, path.into_inner(), vec![], move |desk, who, at| {
        tasks::reopen(desk, who, at, version)
    })
    .await
}
