//! CSRF for every form: a middleware gives each browser a nonce cookie; the
//! [`Csrf`] extractor makes the token for a page and checks a submitted one.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::AppError;
use auth::csrf;

/// The nonce this request's pages are bound to.
#[derive(Clone)]
struct Nonce(String);

/// Middleware: a browser without a nonce cookie gets one with this response.
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Only pages have forms: the API, assets and probes get no cookie.
    let path = req.path();
    let has_forms = !(path.starts_with("/api/")
        || path.starts_with("/static/")
        || path == "/healthz"
        || path == "/readyz");
    if !has_forms {
        return next.call(req).await;
    }
    let existing = req
        .cookie(csrf::COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty());
    let secure = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.config().base_url.starts_with("https://"));
    let issued = match existing {
        Some(nonce) => {
            req.extensions_mut().insert(Nonce(nonce));
            None
        }
        None => {
            let nonce = csrf::new_nonce();
            req.extensions_mut().insert(Nonce(nonce.clone()));
            Some(nonce)
        }
    };
    let mut res = next.call(req).await?;
    if let Some(nonce) = issued {
        let cookie = Cookie::build(csrf::COOKIE, nonce)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

/// A URL-encoded form whose CSRF token was checked: a post without a good
/// token is refused (403) before the handler runs. The form's own type has
/// only its fields; the token every form carries is read beside them.
pub struct Posted<T>(pub T);

/// A form as posted: its fields, and the CSRF token.
#[derive(serde::Deserialize)]
struct WithToken<T> {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let csrf = Csrf::from_request(req, payload).into_inner();
        let form = web::Form::<WithToken<T>>::from_request(req, payload);
        Box::pin(async move {
            let csrf = csrf?;
            let posted = form.await?.into_inner();
            csrf.check(Some(&posted.csrf_token))?;
            Ok(Posted(posted.form))
        })
    }
}

/// A form whose only field is the CSRF token (buttons that act).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {}

/// The CSRF state of one request.
pub struct Csrf {
    nonce: Option<String>,
    key: [u8; 32],
    /// Whether the nonce came with the request (a post can only pass then).
    from_cookie: bool,
}

impl Csrf {
    /// The token to embed in this page's forms. Every page gets a nonce
    /// from [`ensure_cookie`]; a page without one is a wiring fault, never
    /// a form with an empty token.
    pub fn token(&self) -> Result<String, AppError> {
        self.nonce
            .as_deref()
            .map(|n| csrf::token(&self.key, n))
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no CSRF nonce on a page with forms")))
    }

    /// Accepts a submitted token or refuses the post with 403.
    pub fn check(&self, submitted: Option<&str>) -> Result<(), AppError> {
        let cookie = self.nonce.as_deref().filter(|_| self.from_cookie);
        if csrf::is_valid(&self.key, cookie, submitted) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for Csrf {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(actix_web::error::ErrorInternalServerError("no state")));
        };
        let from_cookie = req.cookie(csrf::COOKIE).is_some();
        let nonce = req.extensions().get::<Nonce>().map(|n| n.0.clone());
        ready(Ok(Csrf {
            nonce,
            key: state.desk.keys.csrf,
            from_cookie,
        }))
    }
}
