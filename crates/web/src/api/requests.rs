//! The requests API: list and read requests (`requests:read`), and log a
//! request received on another channel (`requests:write`) with the same
//! validation as the web form.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{RequestsRead, RequestsWrite, Scoped};
use super::holds::ScopeJson;
use super::problem::{ApiError, FieldProblem, ProblemDocument, answer};
use crate::AppState;
use crate::error::AppError;
use app::api_queries::{self, RequestView};
use app::intake::{self, Intake};
use app::{Refusal, WorkflowError};
use domain::intake::check_received_at;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use domain::request::{Channel, RequestKind};
use domain::submission::{self, FieldError, RawSubmission, Upload};
use domain::timestamp::rfc3339;

/// A hold of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestHoldJson {
    pub id: String,
    pub scope: ScopeJson,
    #[schema(example = "deletion_pending")]
    pub reason: String,
    /// When it was placed (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub since: String,
    /// The request's reference.
    pub request: String,
    /// When it was lifted, if it was (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub lifted_at: Option<String>,
    /// For data retained by law: the last day it is kept (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub until: Option<String>,
}

/// One event of a request's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventJson {
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(example = "request.transition")]
    pub action: String,
    /// The status before, for a status change.
    pub from: Option<String>,
    /// The status after, for a status change.
    pub to: Option<String>,
}

/// A request, without personal data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestJson {
    #[schema(example = "2026-000123")]
    pub reference: String,
    pub id: String,
    /// access, correction, deletion or suspension.
    pub kind: String,
    pub status: String,
    /// web, phone, email, fax or letter.
    pub channel: String,
    /// kr-pipa, gdpr or ccpa.
    pub jurisdiction: String,
    /// When it was received (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub received_at: String,
    /// The last day on which an answer is on time (YYYY-MM-DD in the profile's time zone).
    #[schema(format = Date)]
    pub due_date: Option<String>,
    /// The due date counted at receipt: differs from `due_date` once the
    /// answer was postponed or the period extended (or the calendar
    /// changed). YYYY-MM-DD.
    #[schema(format = Date)]
    pub original_due_date: Option<String>,
    /// The holiday calendar the due date was counted with and where its
    /// days came from, e.g. `kr (holidays 0.108)`.
    #[schema(example = "kr (holidays 0.108)")]
    pub calendar: Option<String>,
    pub holds: Vec<RequestHoldJson>,
    pub events: Vec<EventJson>,
}

impl From<&RequestView> for RequestJson {
    fn from(view: &RequestView) -> Self {
        let row = &view.row;
        RequestJson {
            reference: row.reference.clone(),
            id: row.id.clone().into(),
            kind: row.kind.to_string(),
            status: row.status.to_string(),
            channel: row.channel.to_string(),
            jurisdiction: row.jurisdiction.to_string(),
            received_at: rfc3339(row.received_at),
            due_date: row.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
            original_due_date: row.original_due_date.map(|d| d.format("%Y-%m-%d").to_string()),
            calendar: row.calendar.clone(),
            holds: view
                .holds
                .iter()
                .map(|h| RequestHoldJson {
                    id: h.id.clone().into(),
                    scope: (&h.scope).into(),
                    reason: h.reason.to_string(),
                    since: rfc3339(h.placed_at),
                    request: row.reference.clone(),
                    lifted_at: h.lifted_at.map(rfc3339),
                    until: h.until.map(|d| d.format("%Y-%m-%d").to_string()),
                })
                .collect(),
            events: view
                .events
                .iter()
                .map(|e| EventJson {
                    at: rfc3339(e.at),
                    action: e.action.to_string(),
                    from: e.from_status.map(|s| s.to_string()),
                    to: e.to_status.map(|s| s.to_string()),
                })
                .collect(),
        }
    }
}

/// A page of requests.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestsPageJson {
    pub requests: Vec<RequestJson>,
    /// The page shown (1-based).
    pub page: u32,
    pub per_page: u32,
    /// How many requests match the filters.
    pub total: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// Only requests in this status.
    pub status: Option<String>,
    /// Only requests of this kind.
    pub kind: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
    /// Requests per page, 1 to 100 (50 by default).
    pub per_page: Option<String>,
}

const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 100;
/// Pages beyond this are refused (the offset stays bounded).
const MAX_PAGE: u32 = 100_000;

fn filter<T: std::str::FromStr>(raw: Option<String>, field: &str) -> Result<Option<T>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("{field}={v:?} is not a known {field}."))),
    }
}

fn number(raw: Option<String>, field: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match raw.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("{field} must be a whole number from 1 to {max}."))),
    }
}

/// List requests, newest received first.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    tag = "requests",
    params(RequestsQuery),
    responses(
        (status = 200, description = "A page of requests", body = RequestsPageJson),
        (status = 400, description = "An unknown status or kind, or a page out of range", body = ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["requests:read"]))
)]
pub async fn list(
    _: Scoped<RequestsRead>,
    state: web::Data<AppState>,
    query: web::Query<RequestsQuery>,
) -> Result<HttpResponse, AppError> {
    answer(
        async {
            let q = query.into_inner();
            let status: Option<RequestStatus> = filter(q.status, "status")?;
            let kind: Option<RequestKind> = filter(q.kind, "kind")?;
            let page = number(q.page, "page", 1, MAX_PAGE)?;
            let per_page = number(q.per_page, "per_page", PER_PAGE, MAX_PER_PAGE)?;
            let found = state
                .run(move |desk| api_queries::requests_page(desk, status, kind, page, per_page))
                .await?;
            Ok(HttpResponse::Ok().json(RequestsPageJson {
                requests: found.requests.iter().map(RequestJson::from).collect(),
                page,
                per_page,
                total: found.total,
            }))
        }
        .await,
    )
}

/// Read one request.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{reference}",
    tag = "requests",
    params(("reference" = String, Path, description = "The request's reference", example = "2026-000123")),
    responses(
        (status = 200, description = "The request", body = RequestJson),
        (status = 404, description = "No request has this reference", body = ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["requests:read"]))
)]
pub async fn get_one(
    _: Scoped<RequestsRead>,
    state: web::Data<AppState>,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    answer(
        async {
            let reference: Reference = reference.trim().parse().map_err(|_| ApiError::NotFound)?;
            let view = state
                .try_run(move |desk| api_queries::request(desk, &reference))
                .await??;
            Ok(HttpResponse::Ok().json(RequestJson::from(&view)))
        }
        .await,
    )
}

/// A request received on another channel: the web form's fields (without
/// the file and the csrf token), the channel, when it was received, and
/// whether the channel verified the requester.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewRequestBody {
    /// access, correction, deletion or suspension.
    pub kind: String,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: String,
    /// self (default), legal_representative or delegate.
    pub on_behalf: String,
    /// Required unless on_behalf is self.
    pub subject_name: String,
    /// Required unless on_behalf is self.
    pub subject_email: String,
    pub details: String,
    /// Required for a correction.
    pub correction: String,
    /// Data category codes concerned; none means all.
    pub categories: Vec<String>,
    /// phone, email, fax, letter or web.
    pub channel: String,
    /// When it was received (RFC 3339): within the last year, not in the future; now when absent.
    #[schema(format = DateTime)]
    pub received_at: Option<String>,
    /// The channel checked the requester's identity (and an agent's authority): the request starts verified.
    pub verified: bool,
    /// The subject's id in the company's systems; holds bind to it too.
    pub subject_id: Option<String>,
    /// The language of the requester's notices: ko (default) or en.
    pub lang: Option<String>,
}

fn field(field: &str, key: &str) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        message: Lang::En.t(key).into_owned(),
    }
}

/// Log a request received on another channel.
#[utoipa::path(
    post,
    path = "/api/v1/requests",
    tag = "requests",
    request_body = NewRequestBody,
    responses(
        (status = 201, description = "The request, as stored", body = RequestJson,
         headers(("Location" = String, description = "The request's address in this API"))),
        (status = 400, description = "The body is not JSON of this shape", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed in errors", body = ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["requests:write"]))
)]
pub async fn create(
    Scoped(caller, _): Scoped<RequestsWrite>,
    state: web::Data<AppState>,
    body: web::Json<NewRequestBody>,
) -> Result<HttpResponse, AppError> {
    answer(
        async {
            let body = body.into_inner();
            let mut errors: Vec<FieldProblem> = Vec::new();
            let channel = body.channel.trim().parse::<Channel>().ok();
            if channel.is_none() {
                errors.push(field("channel", "form.errors.choose_channel"));
            }
            let now = state.desk.clock.now();
            let received_at = match body
                .received_at
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => Some(now),
                Some(raw) => match chrono::DateTime::parse_from_rfc3339(raw) {
                    Ok(at) => match check_received_at(at.naive_utc(), now) {
                        Ok(at) => Some(at),
                        Err(e) => {
                            errors.push(field("received_at", e.message_key()));
                            None
                        }
                    },
                    Err(_) => {
                        errors.push(FieldProblem {
                            field: "received_at".into(),
                            message: "Give the time of receipt in RFC 3339, e.g. 2026-11-20T14:30:00+09:00."
                                .into(),
                        });
                        None
                    }
                },
            };
            let lang = match body.lang.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Some(Lang::Ko),
                Some(code) => Lang::from_code(code).or_else(|| {
                    errors.push(FieldProblem {
                        field: "lang".into(),
                        message: "The language of notices is ko or en.".into(),
                    });
                    None
                }),
            };
            let subject_id = match body
                .subject_id
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => None,
                Some(id) => match domain::identifier::Identifier::parse(&format!("subject:{id}"), None) {
                    Ok(_) => Some(id.to_owned()),
                    Err(e) => {
                        errors.push(FieldProblem {
                            field: "subject_id".into(),
                            message: e.to_string(),
                        });
                        None
                    }
                },
            };
            let raw = RawSubmission {
                kind: body.kind,
                requester_name: body.requester_name,
                requester_email: body.requester_email,
                requester_phone: body.requester_phone,
                on_behalf: body.on_behalf,
                subject_name: body.subject_name,
                subject_email: body.subject_email,
                details: body.details,
                correction: body.correction,
                categories: body.categories,
                website: String::new(),
            };
            // The file cannot come through here: an agent's authority is
            // checked on the channel, which says so with "verified".
            let upload = if body.verified {
                Upload::CheckedOnChannel
            } else {
                Upload::None
            };
            let (_, categories) = crate::public::form::load_catalog(&state).await?;
            let known: Vec<String> = categories.iter().map(|c| c.code.clone()).collect();
            let config = state.config();
            let validated = submission::validate(&raw, upload, &known, config.jurisdiction.phone_region());
            let submission = match validated {
                Ok(submission) => submission,
                Err(field_errors) => {
                    errors.extend(
                        field_errors
                            .iter()
                            .map(|e: &FieldError| field(e.field, e.message)),
                    );
                    return Err(ApiError::Unprocessable(errors));
                }
            };
            let (Some(channel), Some(received_at), Some(lang), true) =
                (channel, received_at, lang, errors.is_empty())
            else {
                return Err(ApiError::Unprocessable(errors));
            };
            let input = Intake {
                submission,
                channel,
                received_at,
                identity_checked: body.verified,
                subject_id,
                lang,
            };
            let actor = caller.actor();
            let created = match state
                .try_run(move |desk| {
                    let done = intake::log_request(desk, &actor, input)?;
                    api_queries::request(desk, &done.reference)
                })
                .await?
            {
                Ok(view) => view,
                Err(WorkflowError::Refused(
                    refusal @ (Refusal::UnknownCategory | Refusal::ReceiptTime(_)),
                )) => {
                    let name = if refusal == Refusal::UnknownCategory {
                        "categories"
                    } else {
                        "received_at"
                    };
                    return Err(ApiError::Unprocessable(vec![field(name, refusal.message_key())]));
                }
                Err(other) => return Err(other.into()),
            };
            Ok(HttpResponse::Created()
                .insert_header(("Location", format!("/api/v1/requests/{}", created.row.reference)))
                .json(RequestJson::from(&created)))
        }
        .await,
    )
}
