//! The bearer token of an API call: checked in memory (signature, purpose,
//! expiry, revocation) at the API's door ([`super::gate`]), then for the
//! scope the route needs — as the first argument of a handler, [`Scoped`].

use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

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

/// A scope a route needs, as a type (see [`Scoped`]).
pub trait RouteScope {
    const SCOPE: ServiceScope;
}

/// Routes that ask about holds.
pub struct HoldsRead;
/// Routes that read requests.
pub struct RequestsRead;
/// Routes that log requests.
pub struct RequestsWrite;

impl RouteScope for HoldsRead {
    const SCOPE: ServiceScope = ServiceScope::HoldsRead;
}
impl RouteScope for RequestsRead {
    const SCOPE: ServiceScope = ServiceScope::RequestsRead;
}
impl RouteScope for RequestsWrite {
    const SCOPE: ServiceScope = ServiceScope::RequestsWrite;
}

/// The calling system, authorised for the scope `S`: a handler's first
/// argument. A call without it is answered with the problem document (401
/// or 403) before any other argument — the body among them — is read.
pub struct Scoped<S: RouteScope>(pub Caller, pub PhantomData<S>);

impl<S: RouteScope> FromRequest for Scoped<S> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(actix_web::error::ErrorInternalServerError("no state")));
        };
        ready(match caller(req, state, S::SCOPE) {
            Ok(caller) => Ok(Scoped(caller, PhantomData)),
            Err(refusal) => Err(refusal.into_error()),
        })
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
fn caller(req: &HttpRequest, state: &AppState, scope: ServiceScope) -> Result<Caller, ApiError> {
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
