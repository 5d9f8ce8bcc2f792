//! The bearer token of an API call: checked in memory (signature, purpose,
//! expiry, revocation) at the API's door ([`super::gate`]), then for the
//! scope the route needs.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpMessage, HttpRequest};

use super::problem::ApiError;
use crate::AppState;
use crate::error::AppError;
use app::service_tokens::{Rejected, authenticate as authenticate_bearer};
use auth::tokens::ServiceToken;
use domain::actor::Actor;
use domain::service::ServiceScope;

/// The calling system, authorised for one scope.
#[derive(Debug, Clone)]
pub struct Caller(pub ServiceToken);

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor::Service {
            token_id: self.0.id.clone(),
        }
    }
}

/// The token the API's door authenticated for this call.
#[derive(Debug, Clone)]
pub struct Authenticated(pub ServiceToken);

/// Authenticates the call's bearer token (signature, purpose, expiry,
/// revocation), in memory.
pub fn authenticate(req: &HttpRequest, state: &AppState) -> Result<ServiceToken, ApiError> {
    let header = req.headers().get(AUTHORIZATION).ok_or(ApiError::Unauthorized(
        "Send a service token: Authorization: Bearer TOKEN.",
    ))?;
    let bearer = header
        .to_str()
        .ok()
        .and_then(|h| {
            let (scheme, token) = h.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized(
            "The Authorization header must be: Bearer TOKEN.",
        ))?;
    authenticate_bearer(&state.desk, bearer).map_err(|rejected| match rejected {
        Rejected::Invalid => ApiError::Unauthorized("The token is not a valid service token."),
        Rejected::Expired => ApiError::Unauthorized("The token has expired."),
        Rejected::Revoked => ApiError::Unauthorized("The token has been revoked."),
        Rejected::Unavailable => ApiError::App(AppError::unavailable(anyhow::anyhow!(
            "the list of revoked service tokens is stale"
        ))),
    })
}

/// The call's token (as the door authenticated it), checked for `scope`.
pub fn caller(req: &HttpRequest, state: &AppState, scope: ServiceScope) -> Result<Caller, ApiError> {
    let known = req.extensions().get::<Authenticated>().map(|a| a.0.clone());
    let token = match known {
        Some(token) => token,
        None => authenticate(req, state)?,
    };
    if !token.allows(scope) {
        return Err(ApiError::Forbidden(format!(
            "The token does not have the scope {scope}."
        )));
    }
    Ok(Caller(token))
}
