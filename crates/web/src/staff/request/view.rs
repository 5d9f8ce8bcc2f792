//! The request page: what it shows and how it is built from the case.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use domain::ids::DocumentId;
use domain::reference::Reference;

use crate::csrf::{CsrfForm, Posted};
use crate::error::AppError;
use crate::page::{Page, attachment, human_size, local, render};
use crate::staff::chrome::StaffChrome;
use crate::staff::queue::DUE_SOON_DAYS;
use crate::staff::session::Staff;
use app::case::{self, CaseView, Identifiers};
use app::case::{DocumentInfo, RequestRow};
use app::decide::{self};
use app::signin::SignedIn;
use app::status::days_left;
use domain::decision::{AuthorityCheck, DecisionOutcome, IdentityRejection, RefusalGround};
use domain::hold::HoldScope;
use domain::lang::Lang;
use domain::permission::RequestOptions;
use domain::profile::{Lengthening, Period, Prolongation, Unit};
use domain::request::RequestKind;
use domain::task::{Answer, Released, TaskOutcome};

pub struct HoldLine {
    pub id: String,
    /// The officer may end it by hand here (a legal hold, or a granted
    /// suspension).
    pub liftable: bool,
    pub reason: domain::hold::HoldReason,
    pub scope: String,
    pub since: String,
    pub lifted: Option<String>,
    /// Data retained by law: kept until this day, under this law.
    pub until: Option<String>,
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
    pub under_legal_hold: bool,
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
pub(super) struct Problem {
    pub message: String,
    pub values: Vec<(&'static str, String)>,
    /// The key of the field at fault, if one is.
    pub field: Option<&'static str>,
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
    /// An access request: what completing it gives the requester, a line
    /// per task, and whether any of them gives data.
    pub release: Vec<String>,
    pub releases_data: bool,
    /// What the officer should know of the release, if anything.
    pub release_note: Option<String>,
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

    /// Whether the field typed as `field` (of the task or hold `of`, when
    /// it belongs to one; `""` otherwise) is the one at fault.
    pub fn invalid(&self, field: &str, of: &str) -> bool {
        let Some(at_fault) = self.problem.as_ref().and_then(|p| p.field) else {
            return false;
        };
        at_fault == field && (of.is_empty() || self.kept("task") == of || self.kept("hold") == of)
    }

    /// Texts the member typed into a form the page no longer offers (the
    /// request moved on): shown in the summary so that nothing is lost.
    pub fn orphaned(&self) -> Vec<&str> {
        let Some(problem) = self.problem.as_ref() else {
            return Vec::new();
        };
        let o = &self.options;
        let task_open = || {
            self.tasks
                .iter()
                .any(|t| t.id == self.kept("task") && t.may_complete)
        };
        let hold_open = || self.holds.iter().any(|h| h.id == self.kept("hold") && h.liftable);
        problem
            .values
            .iter()
            .filter(|(key, text)| {
                let offered = match *key {
                    "explanation" => o.complete || o.refuse,
                    "reason" => o.approve,
                    "ask" => o.ask_requester,
                    "message" => o.review_identity,
                    "message_body" => o.message_requester,
                    "note" => o.add_note,
                    "reasons" => self.prolong.is_some(),
                    "hold_note" => self.manage_holds,
                    "lift_note" => hold_open(),
                    "task_note" | "data_text" => task_open(),
                    // Choices and ids, not texts.
                    _ => true,
                };
                !offered && !text.trim().is_empty()
            })
            .map(|(_, text)| text.as_str())
            .collect()
    }

    /// The page's id of the field at fault, for the summary's link to it.
    pub fn invalid_field_id(&self) -> Option<String> {
        let field = self.problem.as_ref()?.field?;
        let (task, hold) = (self.kept("task"), self.kept("hold"));
        Some(match field {
            "note" => "note".to_owned(),
            "hold_note" => "hold-note".to_owned(),
            "lift_note" => format!("lift-{hold}"),
            "message_body" => "message".to_owned(),
            "message" => "more-message".to_owned(),
            "ask" => "ask-message".to_owned(),
            "assignee" => format!("assignee-{task}"),
            "task_note" => format!("note-{task}"),
            "data_text" => format!("data-{task}"),
            "data_file" => format!("file-{task}"),
            "reason" => "return-reason".to_owned(),
            "ground" => "decide-ground".to_owned(),
            "explanation" => "decide-explanation".to_owned(),
            "reasons" => "prolong-reasons".to_owned(),
            _ => return None,
        })
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
                under_legal_hold: line.under_legal_hold,
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
                until: h.until.map(|d| d.to_string()),
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
        releases_data: view.release.iter().any(|l| l.answer.gives_data()),
        release_note: if view.release.iter().any(|l| l.answer == Answer::CannotDo) {
            Some(lang.t("staff.release.partly").into_owned())
        } else if !view.release.is_empty() && view.release.iter().all(|l| l.answer == Answer::NothingHeld) {
            Some(lang.t("staff.release.none").into_owned())
        } else {
            None
        },
        release: view.release.iter().map(|l| release_line(lang, l)).collect(),
        problem,
        approver: None,
        may_approve: false,
        req: r,
    }
}

/// One line of what an access request releases: the system and what it
/// gave.
fn release_line(lang: Lang, line: &Released) -> String {
    let system = ("system", line.system.as_str());
    match line.answer {
        Answer::Data { text, files } => {
            let mut parts = Vec::new();
            if text {
                parts.push(lang.t("staff.release.text").into_owned());
            }
            if files > 0 {
                parts.push(lang.tf("staff.release.files", &[("files", &files.to_string())]));
            }
            lang.tf("staff.release.data", &[system, ("what", &parts.join(", "))])
        }
        Answer::NothingHeld => lang.tf("staff.release.nothing_held", &[system]),
        Answer::CannotDo => lang.tf("staff.release.cannot_do", &[system]),
        Answer::Open => lang.tf("staff.release.open", &[system]),
    }
}

/// Renders the page for `signed`, with revealed identifiers or a problem.
pub(super) async fn show(
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
        let lang = page.lang;
        let mut said = lang.tf("staff.decision.decided_by", &[("name", &approval.decided_by)]);
        said.push(' ');
        said.push_str(&lang.t(approval.approver.message_key()));
        if !approval.approvers.is_empty() {
            said.push(' ');
            said.push_str(&lang.tf(
                "staff.decision.who_may_approve",
                &[("names", &approval.approvers.join(", "))],
            ));
        }
        shown.approver = Some(said);
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
