//! The API's door, before any handler reads a byte of the body: the
//! bearer token is authenticated (an anonymous or false caller gets 401,
//! never a parser's message), and each token may make only so many calls
//! a second (`RIGHTSDESK_API_RATE_LIMIT`, with a burst of one second's
//! worth); past that, 429 with `Retry-After`, as a problem document. Only
//! authenticated tokens are counted, so the limiter's memory is bounded by
//! the tokens issued. Each instance counts its own calls.

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{GovernorConfig, GovernorConfigBuilder, KeyExtractor};
use actix_web::dev::ServiceRequest;
use actix_web::error::InternalError;
use actix_web::{HttpMessage, HttpResponse, HttpResponseBuilder, web};

use super::auth::{Authenticated, authenticate};
use super::problem::ApiError;
use crate::AppState;

/// The per-token limit on API calls. Built once so every worker shares it.
pub type TokenLimit = GovernorConfig<ServiceTokenKey, NoOpMiddleware>;

/// `per_second` calls a second per token, with a burst of the same size.
pub fn token_limit(per_second: u32) -> TokenLimit {
    let per_second = per_second.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(ServiceTokenKey)
        .period(
            std::time::Duration::from_nanos(1_000_000_000 / u64::from(per_second))
                .max(std::time::Duration::from_nanos(1)),
        )
        .burst_size(per_second)
        .finish()
        .unwrap_or_else(|| unreachable!("period and burst are positive"))
}

/// Counts calls by the id of the service token that authenticated them;
/// a call that does not authenticate is answered 401 here.
#[derive(Debug, Clone, Copy)]
pub struct ServiceTokenKey;

/// A problem document answered by the door itself.
fn refusal(error: ApiError) -> InternalError<&'static str> {
    let response = error.response().unwrap_or_else(|app| app.problem());
    InternalError::from_response("refused at the API's door", response)
}

impl KeyExtractor for ServiceTokenKey {
    type Key = String;
    type KeyExtractionError = InternalError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<String, Self::KeyExtractionError> {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return Err(refusal(ApiError::App(crate::error::AppError::internal(
                anyhow::anyhow!("the API has no application state"),
            ))));
        };
        let token = authenticate(req.request(), state).map_err(refusal)?;
        let id = token.id.clone();
        req.extensions_mut().insert(Authenticated(token));
        Ok(id)
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        _response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative.wait_time_from(DefaultClock::default().now());
        // Whole seconds, rounded up: "0" would invite an immediate retry.
        let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiError::TooManyRequests {
            retry_after: retry_after.max(1),
        }
        .response()
        .unwrap_or_else(|app| app.problem())
    }
}
