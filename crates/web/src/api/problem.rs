//! The API's refusals as RFC 9457 problem documents, built by the handler
//! itself (the error middleware renders only what carries no document):
//! 400 for a malformed question, 401 for a token that is missing, expired,
//! revoked or not one, 403 for a token without the scope, 404, 422 with
//! one entry per field, 429 past a token's limit (with `Retry-After`).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use domain::lang::Lang;

/// A problem with one field of a request body or query.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field (for a batch, `identifiers[N]`).
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemDocument {
    /// `about:blank#KEY`, the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For an internal failure, the reference the server's log carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Each field's problem (422, and 400 for bad identifiers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

impl ProblemDocument {
    /// The document for `status`, its kind and title from the message key
    /// `error.KEY` (in English: the API's language).
    pub fn new(status: StatusCode, key: &str, detail: Option<String>, errors: Vec<FieldProblem>) -> Self {
        Self {
            kind: format!("about:blank#{key}"),
            title: Lang::En.t(&format!("error.{key}.title")).into_owned(),
            status: status.as_u16(),
            detail,
            instance: None,
            errors,
        }
    }

    /// Names the logged failure it reports (its reference).
    pub fn for_failure(mut self, reference: Option<&str>) -> Self {
        self.instance = reference.map(|r| format!("urn:rightsdesk:error:{r}"));
        self
    }

    /// The response that carries it.
    pub fn response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"rightsdesk\""));
        }
        response.content_type("application/problem+json").json(self)
    }
}

/// What an API handler answers instead of its result.
#[derive(Debug)]
pub enum ApiError {
    BadRequest {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    Unauthorized(&'static str),
    Forbidden(String),
    NotFound,
    Unprocessable(Vec<FieldProblem>),
    /// Past the token's limit: try again after this many seconds.
    TooManyRequests {
        retry_after: u64,
    },
    /// Anything else: rendered by the error middleware (a failure is
    /// logged there with a reference).
    App(AppError),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn response(self) -> Result<HttpResponse, AppError> {
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        };
        let (status, key, detail, errors) = match self {
            ApiError::BadRequest { detail, errors } => {
                (StatusCode::BAD_REQUEST, "bad_request", Some(detail), errors)
            }
            ApiError::Unauthorized(detail) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                Some(detail.to_owned()),
                Vec::new(),
            ),
            ApiError::Forbidden(detail) => (StatusCode::FORBIDDEN, "forbidden", Some(detail), Vec::new()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", None, Vec::new()),
            ApiError::Unprocessable(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
                Some("The request has invalid fields; each is listed in errors.".to_owned()),
                errors,
            ),
            ApiError::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                Some(format!(
                    "This token made more calls than RIGHTSDESK_API_RATE_LIMIT allows; try again in {retry_after} s."
                )),
                Vec::new(),
            ),
            ApiError::App(app) => return Err(app),
        };
        let mut response = ProblemDocument::new(status, key, detail, errors).response();
        if let Some(seconds) = retry_after
            && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, value);
        }
        Ok(response)
    }
}

impl ApiError {
    /// The refusal as an extractor's error: its response is the problem
    /// document (or, for a failure, the error middleware's rendering).
    pub fn into_error(self) -> actix_web::Error {
        match self.response() {
            Ok(response) => actix_web::error::InternalError::from_response("refused", response).into(),
            Err(app) => app.into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl From<app::WorkflowError> for ApiError {
    fn from(e: app::WorkflowError) -> Self {
        match e {
            app::WorkflowError::NotFound => ApiError::NotFound,
            other => ApiError::App(other.into()),
        }
    }
}

/// The answer of a handler: its JSON, or a problem document.
pub fn answer(result: Result<HttpResponse, ApiError>) -> Result<HttpResponse, AppError> {
    result.or_else(ApiError::response)
}
