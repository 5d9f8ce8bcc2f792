//! The one application error. Browsers get an HTML error page in their
//! language; the JSON API gets an RFC 9457 problem document.

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::lang::Lang;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("forbidden")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("the upload is too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict(e.to_string()),
            StoreError::Transition(t) => AppError::Conflict(t.to_string()),
            StoreError::Invalid(m) => AppError::BadRequest(m),
            StoreError::Pool(_) | StoreError::Connection(_) => AppError::Unavailable(e.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl AppError {
    /// The message key of this error's title and explanation.
    fn key(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Forbidden => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "too_large",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// Detail safe to show: never the internals of a server error.
    fn public_detail(&self) -> Option<String> {
        match self {
            AppError::BadRequest(m) | AppError::Conflict(m) => Some(m.clone()),
            _ => None,
        }
    }

    fn log(&self) {
        match self {
            AppError::Internal(cause) | AppError::Unavailable(cause) => {
                tracing::error!(error = ?cause, "request failed");
            }
            _ => {}
        }
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub path: String,
    pub status: u16,
    pub title: String,
    pub message: String,
    pub detail: Option<String>,
}

impl ErrorPage {
    pub fn new(lang: Lang, status: StatusCode, key: &str, detail: Option<String>) -> Self {
        Self {
            lang,
            path: String::new(),
            status: status.as_u16(),
            title: lang.t(&format!("error.{key}.title")).into_owned(),
            message: lang.t(&format!("error.{key}.message")).into_owned(),
            detail,
        }
    }

    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self.render() {
            Ok(body) => HttpResponse::build(status)
                .content_type(ContentType::html())
                .body(body),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                HttpResponse::build(status)
                    .content_type(ContentType::plaintext())
                    .body(self.title)
            }
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A plain fallback; [`render_errors`] replaces it with the page in the
    /// request's language or, under /api, with a problem document.
    fn error_response(&self) -> HttpResponse {
        self.log();
        HttpResponse::build(self.status_code())
            .content_type(ContentType::plaintext())
            .body(self.to_string())
    }
}

/// The message key for an error status that did not come from [`AppError`]
/// (extractor failures, oversized bodies, unknown methods).
fn key_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "not_found",
        403 => "forbidden",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        429 => "too_many_requests",
        503 => "unavailable",
        400..=499 => "bad_request",
        _ => "internal",
    }
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// An RFC 9457 problem document.
#[derive(Debug, serde::Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

pub fn problem_response(status: StatusCode, key: &str, detail: Option<String>) -> HttpResponse {
    let problem = Problem {
        kind: format!("about:blank#{key}"),
        title: Lang::En.t(&format!("error.{key}.title")).into_owned(),
        status: status.as_u16(),
        detail,
    };
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(problem)
}

/// Middleware: every response that carries an error is rendered once, here,
/// by path: an RFC 9457 problem under /api, else the error page in the
/// request's language. Responses a handler built itself (a form shown again
/// with 422, say) carry no error and pass through untouched.
pub fn render_errors<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(render_error)
}

fn render_error<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let (key, detail) = match res.response().error() {
        Some(error) => match error.as_error::<AppError>() {
            Some(app) => (app.key(), app.public_detail()),
            None if status.is_client_error() => (key_for_status(status), Some(error.to_string())),
            None => {
                tracing::error!(%error, "request failed");
                (key_for_status(status), None)
            }
        },
        // The rate limiter answers 429 itself, in plain text; it gets the
        // same page or problem document as every other refusal.
        None if status == StatusCode::TOO_MANY_REQUESTS => (key_for_status(status), None),
        None => return Ok(ErrorHandlerResponse::Response(res.map_into_left_body())),
    };
    let (req, _) = res.into_parts();
    let response = if is_api(req.path()) {
        problem_response(status, key, detail)
    } else {
        let mut page = ErrorPage::new(super::lang::of_request(&req), status, key, detail);
        page.path = req.path().to_owned();
        page.into_response()
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// The fallback for any path no route matches.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
