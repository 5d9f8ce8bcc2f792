//! The staff session on the web: a middleware that reads the session cookie
//! once per request (checking it against the database), renews it while
//! the person is active, and the [`Staff`] extractor every staff page
//! takes — no session, and the page redirects to the sign-in page; a
//! password that must change, and it redirects there first.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::AppState;
use crate::error::AppError;
use app::signin::{self, SignedIn};

/// The session cookie.
pub const COOKIE: &str = "rightsdesk_staff";

/// The page that signs in.
pub const LOGIN: &str = "/staff/login";
/// The page that changes a password that must change.
pub const CHANGE_PASSWORD: &str = "/staff/password";
/// The page that sets up a second factor the member's role requires.
pub const SECOND_FACTOR: &str = "/staff/second-factor";

/// The session cookie holding `token` (empty and expired to remove it).
pub fn cookie(token: &str, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(COOKIE, token.to_owned())
        .path("/staff")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .finish();
    if token.is_empty() {
        cookie.make_removal();
    }
    cookie
}

/// Middleware: under /staff, a session cookie is checked once and the
/// signed-in member put in the request's extensions; a renewed token is
/// set on the response.
pub async fn load(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path();
    let token = (path == "/staff" || path.starts_with("/staff/"))
        .then(|| req.cookie(COOKIE).map(|c| c.value().to_owned()))
        .flatten()
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return next.call(req).await;
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await;
    };
    let secure = state.config().base_url.starts_with("https://");
    let signed = state
        .try_run(move |desk| signin::session(desk, &token))
        .await
        .map_err(actix_web::Error::from)?
        .map_err(|e| actix_web::Error::from(AppError::from(e)))?;
    let renewed = signed.as_ref().and_then(|s| s.renewed_token.clone());
    let ended = signed.is_none();
    if let Some(signed) = signed {
        req.extensions_mut().insert(signed);
    }
    let mut res = next.call(req).await?;
    if let Some(token) = renewed {
        res.response_mut().add_cookie(&cookie(&token, secure))?;
    } else if ended {
        // A cookie that no longer names a good session is removed.
        res.response_mut().add_cookie(&cookie("", secure))?;
    }
    Ok(res)
}

/// A signed-in staff member whose password needs no change and who has the
/// second factor their role requires.
pub struct Staff(pub SignedIn);

/// A signed-in staff member, even one who must change their password or
/// set up a second factor (those pages and sign-out take this).
pub struct AnyStaff(pub SignedIn);

fn signed_in(req: &HttpRequest) -> Result<SignedIn, AppError> {
    req.extensions()
        .get::<SignedIn>()
        .cloned()
        .ok_or(AppError::Redirect(LOGIN))
}

impl FromRequest for Staff {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            signed_in(req)
                .and_then(|s| {
                    if s.user.must_change_password {
                        Err(AppError::Redirect(CHANGE_PASSWORD))
                    } else if s.needs_second_factor {
                        Err(AppError::Redirect(SECOND_FACTOR))
                    } else {
                        Ok(Staff(s))
                    }
                })
                .map_err(Into::into),
        )
    }
}

impl FromRequest for AnyStaff {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).map(AnyStaff).map_err(Into::into))
    }
}
