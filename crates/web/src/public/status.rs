//! The requester's status page, `/r/{token}`: timeline, due date, messages,
//! results, and the forms to add information, withdraw or object. Every
//! action needs the token, and a token reaches only its own request.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::ids::{DocumentId, RequestId};

use chrono_tz::Tz;
use serde::Deserialize;

use crate::AppState;
use crate::csrf::Posted;
use crate::error::AppError;
use crate::multipart;
use crate::page::{Page, human_size, local, render, see_other};
use app::add_information::{self, AddInformation};
use app::object::{self, Object};
use app::status::{self, Milestone, StatusView};
use app::withdraw::{self, Withdraw};
use domain::lang::Lang;
use domain::request::MessageAuthor;
use domain::submission::{RequesterText, optional_document};

/// One line of the timeline.
pub struct TimelineEntry {
    pub at: String,
    pub text: String,
    pub reason: Option<String>,
}

/// A message as shown.
pub struct MessageView {
    pub at: String,
    pub from_staff: bool,
    pub body: String,
}

/// A result the requester may download.
pub struct DownloadView {
    pub id: String,
    pub filename: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "public/status.html")]
pub struct StatusPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    pub token: String,
    pub reference: String,
    /// The version of the request shown; forms send it back, so an action
    /// on a request that changed meanwhile is refused, not misapplied.
    pub version: i32,
    pub kind_title: String,
    pub status: String,
    pub status_label: String,
    pub status_help: String,
    pub received: String,
    pub due: Option<String>,
    /// The due date counted at receipt, when the one in force differs.
    pub original_due: Option<String>,
    /// "3 days left", "due today" or "overdue by 2 days".
    pub due_note: Option<String>,
    pub frozen_since: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub messages: Vec<MessageView>,
    pub downloads: Vec<DownloadView>,
    /// The data returned as text.
    pub returned: Vec<String>,
    pub can_add_information: bool,
    pub can_withdraw: bool,
    pub can_object: bool,
    /// Errors of the add-information or objection forms.
    pub message_error: Option<String>,
    pub document_error: Option<String>,
    pub objection_error: Option<String>,
    pub message_value: String,
    pub objection_value: String,
}

impl StatusPage {
    fn build(view: StatusView, lang: Lang, tz: Tz, csrf_token: String, token: &str) -> Self {
        let row = view.request;
        let status = row.status;
        let timeline = view
            .timeline
            .into_iter()
            .map(|item| {
                let text = match item.what {
                    Milestone::Received => lang.t("timeline.received").into_owned(),
                    Milestone::StatusChanged(to) => lang.t(&format!("timeline.to.{to}")).into_owned(),
                    Milestone::InformationAdded => lang.t("timeline.information_added").into_owned(),
                    Milestone::DueDateChanged { from, to } => lang.tf(
                        "timeline.due_date_changed",
                        &[("from", from.as_deref().unwrap_or("—")), ("to", &to)],
                    ),
                };
                TimelineEntry {
                    at: local(item.at, tz),
                    text,
                    reason: item.staff_reason,
                }
            })
            .collect();
        let messages = view
            .messages
            .into_iter()
            .map(|m| MessageView {
                at: local(m.created_at, tz),
                from_staff: m.author == MessageAuthor::Staff,
                body: m.body,
            })
            .collect();
        let downloads = view
            .results
            .into_iter()
            .map(|d| DownloadView {
                id: d.id.into(),
                filename: d.filename,
                size: human_size(d.size_bytes),
            })
            .collect();
        Self {
            lang,
            path: format!("/r/{token}"),
            csrf_token,
            token: token.to_owned(),
            reference: row.reference.clone(),
            version: row.version,
            kind_title: lang.t(&format!("kind.{}.title", row.kind)).into_owned(),
            status: status.as_str().to_owned(),
            status_label: lang.t(&format!("status.{status}.label")).into_owned(),
            status_help: lang.t(&format!("status.{status}.help")).into_owned(),
            received: local(row.received_at, tz),
            due: row.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
            original_due: row
                .original_due_date
                .filter(|original| Some(*original) != row.due_date)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            due_note: view.days_left.map(|days| match days {
                0 => lang.t("status_page.due_today").into_owned(),
                d if d > 0 => lang.tf("status_page.days_left", &[("days", &d.to_string())]),
                d => lang.tf("status_page.overdue", &[("days", &(-d).to_string())]),
            }),
            frozen_since: view.frozen_since.map(|at| local(at, tz)),
            timeline,
            messages,
            downloads,
            returned: view.returned,
            can_add_information: view.options.add_information,
            can_withdraw: view.options.withdraw,
            can_object: view.options.object,
            message_error: None,
            document_error: None,
            objection_error: None,
            message_value: String::new(),
            objection_value: String::new(),
        }
    }
}

/// The request the token in the address names (404 for any bad token).
fn request_of(state: &AppState, token: &str) -> Result<RequestId, AppError> {
    Ok(status::request_of_token(&state.desk, token)?)
}

/// What a form of the status page got wrong (message keys), and what the
/// person had typed, to show again beside the fields.
#[derive(Default)]
struct Problems {
    message: Option<&'static str>,
    document: Option<&'static str>,
    objection: Option<&'static str>,
    message_value: String,
    objection_value: String,
}

/// Reads the request and renders its status page with `status`, showing
/// the problems of a form that was sent, if any.
async fn show(
    page: &Page,
    token: &str,
    problems: Problems,
    code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let request_id = request_of(&page.state, token)?;
    let view = page
        .state
        .run(move |desk| status::status_view(desk, &request_id))
        .await?;
    let lang = page.lang;
    let mut shown = StatusPage::build(
        view,
        lang,
        page.state.config().timezone,
        page.csrf.token()?,
        token,
    );
    let translated = |key: Option<&str>| key.map(|k| lang.t(k).into_owned());
    shown.message_error = translated(problems.message);
    shown.document_error = translated(problems.document);
    shown.objection_error = translated(problems.objection);
    shown.message_value = problems.message_value;
    shown.objection_value = problems.objection_value;
    render(code, &shown)
}

/// `GET /r/{token}`
pub async fn status_page(page: Page, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    show(&page, &path, Problems::default(), StatusCode::OK).await
}

/// The version a form says the person saw; a missing or garbled one
/// means "do not check" (the lifecycle still refuses any move it forbids).
fn seen_version(raw: Option<&str>) -> Option<i32> {
    raw.and_then(|v| v.trim().parse().ok())
}

/// `POST /r/{token}/information`: a message and, optionally, one document.
/// A request waiting for the requester goes back to work.
pub async fn add_information(
    page: Page,
    req: HttpRequest,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&page.state, &token)?;
    let data = multipart::read(&req, payload, "document", &page.csrf, &page.state.uploads).await?;
    let raw_message = data.text("message");
    let (message, document) = match (RequesterText::parse(&raw_message), optional_document(data.file)) {
        (Ok(message), Ok(document)) => (message, document),
        (message, document) => {
            let problems = Problems {
                message: message.err(),
                document: document.err(),
                message_value: raw_message,
                ..Problems::default()
            };
            return show(&page, &token, problems, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let input = AddInformation {
        request_id,
        message,
        document,
    };
    page.state
        .run(move |desk| add_information::add_information(desk, input))
        .await?;
    Ok(see_other(&format!("/r/{token}#timeline")))
}

#[derive(Template)]
#[template(path = "public/withdraw.html")]
pub struct WithdrawPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    pub token: String,
    pub reference: String,
    pub version: i32,
}

/// `GET /r/{token}/withdraw`: asks for confirmation.
pub async fn withdraw_confirm(
    Page { lang, csrf, state }: Page,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let view = state
        .run(move |desk| status::status_view(desk, &request_id))
        .await?;
    if !view.options.withdraw {
        return Ok(see_other(&format!("/r/{token}")));
    }
    render(
        StatusCode::OK,
        &WithdrawPage {
            lang,
            path: format!("/r/{token}/withdraw"),
            csrf_token: csrf.token()?,
            token,
            reference: view.request.reference,
            version: view.request.version,
        },
    )
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    version: Option<String>,
}

/// `POST /r/{token}/withdraw`: withdraws the request; its holds are lifted.
pub async fn withdraw(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Posted(form): Posted<WithdrawForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let input = Withdraw {
        request_id: request_of(&state, &token)?,
        expected_version: seen_version(form.version.as_deref()),
    };
    state.run(move |desk| withdraw::withdraw(desk, input)).await?;
    Ok(see_other(&format!("/r/{token}")))
}

#[derive(Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    reason: String,
    version: Option<String>,
}

/// `POST /r/{token}/objection`: objects to the decision; work reopens.
pub async fn object(
    page: Page,
    path: web::Path<String>,
    Posted(form): Posted<ObjectionForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&page.state, &token)?;
    let reason = match RequesterText::parse(&form.reason) {
        Ok(reason) => reason,
        Err(key) => {
            let problems = Problems {
                objection: Some(key),
                objection_value: form.reason,
                ..Problems::default()
            };
            return show(&page, &token, problems, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let input = Object {
        request_id,
        reason,
        expected_version: seen_version(form.version.as_deref()),
    };
    page.state.run(move |desk| object::object(desk, input)).await?;
    Ok(see_other(&format!("/r/{token}")))
}

/// `GET /r/{token}/documents/{id}`: a result, always as an attachment.
pub async fn download(
    state: web::Data<AppState>,
    path: web::Path<(String, DocumentId)>,
) -> Result<HttpResponse, AppError> {
    let (token, document_id) = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let (info, bytes) = state
        .run(move |desk| status::result_document(desk, &request_id, &document_id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header(crate::page::attachment(&info.filename))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(bytes))
}
