//! The one application error. Browsers get an HTML error page in their
//! language; the JSON API gets an RFC 9457 problem document. What a person
//! can fix is said to them specifically, in their language; an internal
//! failure is said only as "something went wrong" with a reference that
//! the log line carries too.

use crate::api::problem::ProblemDocument;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::lang::Lang;
use app::{Refusal, WorkflowError};
use domain::lifecycle::TransitionError;

/// A value put into a message: text as is, or another message key (a
/// status or a kind), translated in the same language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageArg {
    Text(String),
    Key(String),
}

/// A message for the person, by key, rendered in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    pub key: &'static str,
    pub args: Vec<(&'static str, MessageArg)>,
}

impl UserMessage {
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    pub(crate) fn key_arg(mut self, name: &'static str, key: String) -> Self {
        self.args.push((name, MessageArg::Key(key)));
        self
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    MessageArg::Text(text) => text.clone(),
                    MessageArg::Key(key) => lang.t(key).into_owned(),
                };
                (*name, value)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        lang.tf(self.key, &borrowed)
    }

    /// Why a move of the lifecycle was refused, in words a person can use.
    pub fn of_transition(error: &TransitionError) -> Self {
        let status = |s: &domain::lifecycle::RequestStatus| format!("status.{s}.label");
        match error {
            TransitionError::NoSuchTransition { from, to } => Self::new("refusal.transition.no_such")
                .key_arg("from", status(from))
                .key_arg("to", status(to)),
            TransitionError::NotForKind { kind, from, to } => Self::new("refusal.transition.not_for_kind")
                .key_arg("kind", format!("kind.{kind}.title"))
                .key_arg("from", status(from))
                .key_arg("to", status(to)),
            TransitionError::ActorNotAllowed { from, to, .. } => Self::new("refusal.transition.not_allowed")
                .key_arg("from", status(from))
                .key_arg("to", status(to)),
        }
    }
}

/// A short reference that ties an error page to its log line.
fn new_reference() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..10].to_ascii_uppercase()
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Go elsewhere first (sign in, or change the password): 303.
    #[error("see {0}")]
    Redirect(&'static str),
    /// Something the person can fix or should know (a refused move, a
    /// malformed form), with the status it answers.
    #[error("refused: {}", message.key)]
    Refused {
        status: StatusCode,
        message: UserMessage,
    },
    #[error("the upload is too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    #[error("the database is unavailable (reference {reference})")]
    Unavailable {
        #[source]
        cause: anyhow::Error,
        reference: String,
    },
    #[error("internal error (reference {reference})")]
    Internal {
        #[source]
        cause: anyhow::Error,
        reference: String,
    },
}

impl AppError {
    /// An internal failure: logged with a reference, never shown.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        AppError::Internal {
            cause: cause.into(),
            reference: new_reference(),
        }
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        AppError::Unavailable {
            cause: cause.into(),
            reference: new_reference(),
        }
    }

    /// A request whose form could not be read (400), said by key.
    pub fn bad_request(key: &'static str) -> Self {
        AppError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: UserMessage::new(key),
        }
    }

    fn conflict(message: UserMessage) -> Self {
        AppError::Refused {
            status: StatusCode::CONFLICT,
            message,
        }
    }

    /// The message key of this error's title and explanation.
    fn key(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Refused { status, .. } => key_for_status(*status),
            AppError::Forbidden => "forbidden",
            AppError::Redirect(_) => "bad_request",
            AppError::PayloadTooLarge => "too_large",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Internal { .. } => "internal",
        }
    }

    /// Detail safe to show, in `lang`: never the internals of a failure.
    fn public_detail(&self, lang: Lang) -> Option<String> {
        match self {
            AppError::Refused { message, .. } => Some(message.render(lang)),
            AppError::PayloadTooLarge => Some(lang.t("error.form.upload_too_large").into_owned()),
            _ => None,
        }
    }

    /// The reference of an internal failure, shown so that a person can
    /// quote it.
    fn reference(&self) -> Option<&str> {
        match self {
            AppError::Internal { reference, .. } | AppError::Unavailable { reference, .. } => Some(reference),
            _ => None,
        }
    }

    fn log(&self) {
        match self {
            AppError::Internal { cause, reference } => {
                tracing::error!(error = ?cause, %reference, "request failed");
            }
            AppError::Unavailable { cause, reference } => {
                tracing::error!(error = ?cause, %reference, "database unavailable");
            }
            _ => {}
        }
    }
}

impl From<WorkflowError> for AppError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::NotFound => AppError::NotFound,
            WorkflowError::Forbidden => AppError::Forbidden,
            WorkflowError::Refused(refusal) => {
                // Every refusal named: a new one must be given its status.
                let status = match refusal {
                    // What was asked cannot be done as given: the person
                    // corrects the form.
                    Refusal::UnknownCategory
                    | Refusal::AuthorityChecksMissing
                    | Refusal::Decision(_)
                    | Refusal::TaskReasonMissing
                    | Refusal::AccessResultMissing
                    | Refusal::AccessPartlyGiven
                    | Refusal::ResultWithoutDone
                    | Refusal::NotAnAssignee
                    | Refusal::ReturnReasonMissing
                    | Refusal::DepartmentRequired
                    | Refusal::ReceiptTime(_)
                    | Refusal::UnknownSystem
                    | Refusal::UnknownDepartment(_)
                    | Refusal::RuleNeedsKindOrCategory
                    | Refusal::ServiceToken(_)
                    | Refusal::HoldNoteMissing
                    | Refusal::WebhookUrl(_)
                    | Refusal::CalendarDay(_)
                    | Refusal::Prolongation(_)
                    | Refusal::Letterhead(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    // The request or account is not in a state that
                    // allows it now.
                    Refusal::ClosedForChanges
                    | Refusal::StaffAccountExists(_)
                    | Refusal::LastAdmin
                    | Refusal::HoldNotLiftable
                    | Refusal::DayNotChanged
                    | Refusal::ProlongationNotAllowed => StatusCode::CONFLICT,
                    // The address has asked or been sent as much as it
                    // may for now.
                    Refusal::TooManyUnconfirmed | Refusal::TooManyEmails => StatusCode::TOO_MANY_REQUESTS,
                };
                AppError::Refused {
                    status,
                    message: UserMessage::new(refusal.message_key()),
                }
            }
            WorkflowError::Transition(t) => AppError::conflict(UserMessage::of_transition(&t)),
            WorkflowError::Stale => AppError::conflict(UserMessage::new("refusal.stale")),
            WorkflowError::Unavailable(e) => AppError::unavailable(e),
            other @ (WorkflowError::Store(_)
            | WorkflowError::Stopped(_)
            | WorkflowError::Notice(_)
            | WorkflowError::Token(_)) => AppError::internal(other),
        }
    }
}

/// What a URL-encoded form that could not be read answers: too long (the
/// forms without files are small), or not a form at all.
pub fn form_error(
    error: actix_web::error::UrlencodedError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::UrlencodedError;
    let app = match error {
        UrlencodedError::Overflow { .. } => AppError::Refused {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: UserMessage::new("error.form.too_large"),
        },
        UrlencodedError::Payload(ref payload) if super::body::is_timeout(payload) => AppError::Refused {
            status: StatusCode::REQUEST_TIMEOUT,
            message: UserMessage::new("error.form.too_slow"),
        },
        _ => AppError::bad_request("error.form.malformed"),
    };
    app.into()
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(anyhow::anyhow!("blocking task failed: {e}"))
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
    /// The reference of an internal failure, for the person to quote.
    pub reference: Option<String>,
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
            reference: None,
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
            AppError::Refused { status, .. } => *status,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Redirect(_) => StatusCode::SEE_OTHER,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A plain fallback; [`render_errors`] replaces it with the page in the
    /// request's language or, under /api, with a problem document.
    fn error_response(&self) -> HttpResponse {
        if let AppError::Redirect(location) = self {
            return super::page::see_other(location);
        }
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
        422 => "unprocessable",
        429 => "too_many_requests",
        503 => "unavailable",
        400..=499 => "bad_request",
        _ => "internal",
    }
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

impl AppError {
    /// The API's answer for this error, for a middleware that answers
    /// before [`render_errors`] can render it (the API's door): logged
    /// once, as a problem document.
    pub fn problem(&self) -> HttpResponse {
        self.log();
        problem_response(
            self.status_code(),
            self.key(),
            self.public_detail(Lang::En),
            self.reference(),
        )
    }
}

pub fn problem_response(
    status: StatusCode,
    key: &str,
    detail: Option<String>,
    reference: Option<&str>,
) -> HttpResponse {
    ProblemDocument::new(status, key, detail, Vec::new())
        .for_failure(reference)
        .response()
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
    if status.is_redirection() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let api = is_api(res.request().path());
    // The API's own problem documents (a body that is not JSON, say) are
    // already what the caller should get.
    let is_problem = res
        .response()
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    if api && is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let lang = if api {
        Lang::En
    } else {
        super::lang::of_request(res.request())
    };
    let (key, detail, reference) = match res.response().error() {
        Some(error) => match error.as_error::<AppError>() {
            Some(app) => (
                app.key(),
                app.public_detail(lang),
                app.reference().map(str::to_owned),
            ),
            // Extractor and framework refusals (a malformed form, an
            // unknown method) say only what the status says.
            None if status.is_client_error() => (key_for_status(status), None, None),
            None => {
                let reference = new_reference();
                tracing::error!(%error, %reference, "request failed");
                (key_for_status(status), None, Some(reference))
            }
        },
        // The rate limiter answers 429 itself, in plain text; it gets the
        // same page or problem document as every other refusal.
        None if status == StatusCode::TOO_MANY_REQUESTS => (key_for_status(status), None, None),
        None => return Ok(ErrorHandlerResponse::Response(res.map_into_left_body())),
    };
    let (req, _) = res.into_parts();
    let response = if api {
        problem_response(status, key, detail, reference.as_deref())
    } else {
        let mut page = ErrorPage::new(lang, status, key, detail);
        page.path = req.path().to_owned();
        page.reference = reference;
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
