//! The requester's status page, `/r/{token}`: timeline, due date, messages,
//! results, and the forms to add information, withdraw or object. Every
//! action needs the token, and a token reaches only its own request.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    CacheControl, CacheDirective, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::auth::tokens;
use crate::domain::actor::Actor;
use crate::domain::document::{self, DocumentPurpose};
use crate::domain::lifecycle::RequestStatus;
use crate::domain::request::VerificationState;
use crate::domain::submission::{MAX_TEXT_CHARS, Upload, contains_resident_registration_number};
use crate::i18n::Lang;
use crate::mail::notices::{self, Recipient};
use crate::store::{self, DbConnection, StoreError, audit, documents, holds, lifecycle, messages, requests};
use crate::web::AppState;
use crate::web::csrf::{Csrf, CsrfForm};
use crate::web::error::AppError;
use crate::web::multipart;
use crate::web::page::{render, see_other};

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
    pub kind_title: String,
    pub status: String,
    pub status_label: String,
    pub status_help: String,
    pub received: String,
    pub due: Option<String>,
    /// "3 days left", "due today" or "overdue by 2 days".
    pub due_note: Option<String>,
    pub frozen_since: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub messages: Vec<MessageView>,
    pub downloads: Vec<DownloadView>,
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

fn local(at: NaiveDateTime, tz: Tz) -> String {
    at.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The request a status token is bound to (404 for any bad token).
fn request_of(state: &AppState, token: &str) -> Result<String, AppError> {
    tokens::verify(&state.keys, tokens::Purpose::Status, token).map_err(|_| AppError::NotFound)
}

fn build_page(
    state: &AppState,
    conn: &mut DbConnection,
    lang: Lang,
    csrf_token: String,
    token: &str,
    request_id: &str,
) -> Result<StatusPage, StoreError> {
    let tz = state.config.timezone;
    let row = requests::get(conn, request_id)?;
    let status = row.status()?;
    let kind = row.kind()?;
    let timeline = audit::for_request(conn, request_id)?
        .into_iter()
        .filter_map(|e| {
            let key = match (e.action.as_str(), e.to_status.as_deref()) {
                ("request.received", _) => "timeline.received".to_owned(),
                ("request.transition", Some(to)) => format!("timeline.to.{to}"),
                ("requester.information_added", _) => "timeline.information_added".to_owned(),
                _ => return None,
            };
            Some(TimelineEntry {
                at: local(e.at, tz),
                text: lang.t(&key).into_owned(),
                // Staff's stated reasons are shown; the requester's own are not echoed.
                reason: e.reason.filter(|_| e.actor_kind == "staff"),
            })
        })
        .collect();
    let messages = messages::list_for_request(conn, request_id)?
        .into_iter()
        .map(|m| MessageView {
            at: local(m.created_at, tz),
            from_staff: m.author == "staff",
            body: m.body,
        })
        .collect();
    let downloads = documents::list_for_request(conn, request_id)?
        .into_iter()
        .filter(|d| d.purpose == DocumentPurpose::Result.as_str())
        .map(|d| DownloadView {
            id: d.id,
            filename: d.filename,
            size: human_size(d.size_bytes),
        })
        .collect();
    let frozen_since = holds::for_request(conn, request_id)?
        .iter()
        .filter(|h| h.lifted_at.is_none())
        .map(|h| h.placed_at)
        .min()
        .map(|at| local(at, tz));
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    Ok(StatusPage {
        lang,
        path: format!("/r/{token}"),
        csrf_token,
        token: token.to_owned(),
        reference: row.reference.clone(),
        kind_title: lang.t(&format!("kind.{kind}.title")).into_owned(),
        status: status.as_str().to_owned(),
        status_label: lang.t(&format!("status.{status}.label")).into_owned(),
        status_help: lang.t(&format!("status.{status}.help")).into_owned(),
        received: local(row.received_at, tz),
        due: row.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
        // A closed request's due date is history, not a countdown.
        due_note: row.due_date.filter(|_| !status.is_closed()).map(|d| {
            let days = (d - today).num_days();
            match days {
                0 => lang.t("status_page.due_today").into_owned(),
                d if d > 0 => lang.tf("status_page.days_left", &[("days", &d.to_string())]),
                d => lang.tf("status_page.overdue", &[("days", &(-d).to_string())]),
            }
        }),
        frozen_since,
        timeline,
        messages,
        downloads,
        can_add_information: !status.is_closed() && status != RequestStatus::Unverified,
        can_withdraw: !status.is_closed(),
        can_object: matches!(
            status,
            RequestStatus::Completed | RequestStatus::PartiallyCompleted | RequestStatus::Refused
        ),
        message_error: None,
        document_error: None,
        objection_error: None,
        message_value: String::new(),
        objection_value: String::new(),
    })
}

async fn show(
    state: web::Data<AppState>,
    lang: Lang,
    csrf_token: String,
    token: String,
    request_id: String,
    adjust: impl FnOnce(&mut StatusPage) + Send + 'static,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let page = web::block(move || {
        st.store.read(|conn| {
            let mut page = build_page(&st, conn, lang, csrf_token, &token, &request_id)?;
            adjust(&mut page);
            Ok(page)
        })
    })
    .await??;
    render(status, &page)
}

/// `GET /r/{token}`
pub async fn status_page(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    show(
        state,
        lang,
        csrf.token(),
        token,
        request_id,
        |_| {},
        StatusCode::OK,
    )
    .await
}

/// Checks a requester's free text: required, not too long, no resident
/// registration number. Returns the message key of the problem.
fn check_text(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        Err("form.errors.required")
    } else if text.chars().count() > MAX_TEXT_CHARS {
        Err("form.errors.too_long")
    } else if contains_resident_registration_number(text) {
        Err("form.errors.rrn")
    } else {
        Ok(text.to_owned())
    }
}

/// `POST /r/{token}/information`: a message and, optionally, one document.
/// A request waiting for the requester goes back to work.
pub async fn add_information(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let data = multipart::read(payload, "document").await?;
    csrf.check(data.get(crate::auth::csrf::FIELD))?;
    let raw_message = data.text("message");
    let message = check_text(&raw_message);
    let document = match data.file {
        Upload::None => Ok(None),
        Upload::TooLarge => Err("form.errors.document_too_large"),
        Upload::File { filename, bytes } => match document::detect(&bytes) {
            Ok(kind) => Ok(Some((kind, document::safe_filename(&filename, kind), bytes))),
            Err(document::DocumentError::Empty) => Err("form.errors.document_empty"),
            Err(document::DocumentError::TooLarge) => Err("form.errors.document_too_large"),
            Err(document::DocumentError::WrongType) => Err("form.errors.document_type"),
        },
    };
    let (message, document) = match (message, document) {
        (Ok(m), Ok(d)) => (m, d),
        (m, d) => {
            let (message_error, document_error) = (m.err(), d.err());
            let csrf_token = csrf.token();
            return show(
                state,
                lang,
                csrf_token,
                token,
                request_id,
                move |page| {
                    page.message_error = message_error.map(|k| lang.t(k).into_owned());
                    page.document_error = document_error.map(|k| lang.t(k).into_owned());
                    page.message_value = raw_message;
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let st = state.clone();
    let id = request_id.clone();
    web::block(move || {
        st.store.write(|conn| {
            let row = requests::get(conn, &id)?;
            let status = row.status()?;
            if status.is_closed() || status == RequestStatus::Unverified {
                return Err(StoreError::Invalid(
                    lang.t("status.closed_for_changes").into_owned(),
                ));
            }
            let now = store::now();
            let document_id = match &document {
                Some((kind, filename, bytes)) => Some(documents::save(
                    conn,
                    &st.keys.documents,
                    &id,
                    DocumentPurpose::RequesterInformation,
                    document::AcceptedDocumentRef {
                        kind: *kind,
                        filename,
                        bytes,
                    },
                    now,
                )?),
                None => None,
            };
            let message_id = messages::add(
                conn,
                &id,
                messages::Author::Requester,
                &message,
                document_id.as_deref(),
                now,
            )?;
            audit::append(
                conn,
                audit::NewEvent {
                    request_id: Some(&id),
                    actor: &Actor::Requester,
                    action: "requester.information_added",
                    from_status: None,
                    to_status: None,
                    reason: None,
                    payload: serde_json::json!({"message": message_id, "document": document_id}),
                },
                now,
            )?;
            if status == RequestStatus::AwaitingRequester {
                let accepted = matches!(
                    row.verification_state.parse::<VerificationState>(),
                    Ok(VerificationState::DocumentAccepted | VerificationState::StaffConfirmed)
                );
                let review =
                    row.submitted_by()?.needs_authority_document() || st.config.self_requests_need_review;
                let to = if review && !accepted {
                    RequestStatus::Verifying
                } else {
                    RequestStatus::InProgress
                };
                lifecycle::apply(
                    conn,
                    lifecycle::Transition {
                        request_id: &id,
                        to,
                        actor: &Actor::Requester,
                        reason: None,
                        expected_version: None,
                        payload: serde_json::json!({"after": "requester.information_added"}),
                        emails: Vec::new(),
                    },
                    now,
                )?;
            }
            Ok(())
        })
    })
    .await??;
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
}

/// `GET /r/{token}/withdraw`: asks for confirmation.
pub async fn withdraw_confirm(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let st = state.clone();
    let row = web::block(move || st.store.read(|conn| requests::get(conn, &request_id))).await??;
    if row.status()?.is_closed() {
        return Ok(see_other(&format!("/r/{token}")));
    }
    render(
        StatusCode::OK,
        &WithdrawPage {
            lang,
            path: format!("/r/{token}/withdraw"),
            csrf_token: csrf.token(),
            token,
            reference: row.reference,
        },
    )
}

/// `POST /r/{token}/withdraw`: withdraws the request; its holds are lifted.
pub async fn withdraw(
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf_token))?;
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let st = state.clone();
    web::block(move || {
        st.store.write(|conn| {
            let row = requests::get(conn, &request_id)?;
            lifecycle::apply(
                conn,
                lifecycle::Transition {
                    request_id: &row.id,
                    to: RequestStatus::Withdrawn,
                    actor: &Actor::Requester,
                    reason: None,
                    expected_version: None,
                    payload: serde_json::json!({}),
                    emails: vec![notices::withdrawn(Recipient::requester_of(&row))],
                },
                store::now(),
            )
        })
    })
    .await??;
    Ok(see_other(&format!("/r/{token}")))
}

#[derive(Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "csrf_token")]
    csrf: String,
}

/// `POST /r/{token}/objection`: objects to the decision; work reopens.
pub async fn object(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ObjectionForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf))?;
    let token = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let reason = match check_text(&form.reason) {
        Ok(reason) => reason,
        Err(key) => {
            let raw = form.reason.clone();
            let csrf_token = csrf.token();
            return show(
                state,
                lang,
                csrf_token,
                token,
                request_id,
                move |page| {
                    page.objection_error = Some(lang.t(key).into_owned());
                    page.objection_value = raw;
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let st = state.clone();
    let link_token = token.clone();
    web::block(move || {
        st.store.write(|conn| {
            let row = requests::get(conn, &request_id)?;
            let now = store::now();
            messages::add(conn, &row.id, messages::Author::Requester, &reason, None, now)?;
            let link = format!("{}/r/{link_token}", st.config.base_url);
            lifecycle::apply(
                conn,
                lifecycle::Transition {
                    request_id: &row.id,
                    to: RequestStatus::Objection,
                    actor: &Actor::Requester,
                    reason: None,
                    expected_version: None,
                    payload: serde_json::json!({}),
                    emails: vec![notices::objection_received(Recipient::requester_of(&row), &link)],
                },
                now,
            )
        })
    })
    .await??;
    Ok(see_other(&format!("/r/{token}")))
}

/// `GET /r/{token}/documents/{id}`: a result, always as an attachment.
pub async fn download(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, document_id) = path.into_inner();
    let request_id = request_of(&state, &token)?;
    let st = state.clone();
    let (info, bytes) = web::block(move || {
        st.store
            .read(|conn| documents::read(conn, &st.keys.documents, &request_id, &document_id))
    })
    .await??;
    if info.purpose != DocumentPurpose::Result.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(info.filename)],
        })
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(bytes))
}
