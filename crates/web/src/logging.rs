//! The span every request is logged in. Status links, verification links
//! and set-password links carry bearer tokens in their path, so the path
//! is logged with those tokens replaced: a log line never lets its reader
//! open somebody's request.

use std::borrow::Cow;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// Paths whose next segment is a bearer token.
const TOKEN_PREFIXES: &[&str] = &["/r/", "/v/", "/staff/set-password/"];

/// `path` with any bearer token replaced by `[token]`; nothing else changes.
pub fn redact(path: &str) -> Cow<'_, str> {
    for prefix in TOKEN_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return Cow::Owned(format!("{prefix}[token]{after}"));
        }
    }
    Cow::Borrowed(path)
}

/// The root span of a request: method, route pattern, the redacted path
/// (never the query string), the status and, on failure, the error.
pub struct RedactedRootSpan;

impl RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_default(),
            http.target = %redact(request.path()),
            http.status_code = Empty,
            otel.status_code = Empty,
            exception.message = Empty,
            exception.details = Empty,
            request_id = %request_id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        // A redirect (to the sign-in page, say) is an answer, not a failure.
        if let Ok(response) = outcome
            && response.status().is_redirection()
        {
            span.record("http.status_code", response.status().as_u16());
            span.record("otel.status_code", "OK");
            return;
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_never_reach_the_log() {
        let table = [
            ("/r/eyJhbGciOi.abc.def", "/r/[token]"),
            ("/r/eyJhbGciOi.abc.def/withdraw", "/r/[token]/withdraw"),
            ("/r/eyJ/documents/0192", "/r/[token]/documents/0192"),
            ("/v/eyJhbGciOi.abc.def", "/v/[token]"),
            ("/staff/set-password/eyJ.x.y", "/staff/set-password/[token]"),
            (
                "/requests/DSR-2026-000001/verify",
                "/requests/DSR-2026-000001/verify",
            ),
            ("/", "/"),
        ];
        for (path, logged) in table {
            assert_eq!(redact(path), logged, "{path}");
        }
    }
}
