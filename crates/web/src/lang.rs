//! The language of a page: `?lang=`, then the `lang` cookie, then
//! Accept-Language, else Korean. A `?lang=` choice is kept in the cookie.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, http::header};

pub use domain::lang::Lang;

/// The cookie that keeps the choice made with `?lang=`.
pub const COOKIE: &str = "lang";

/// The `lang` parameter of a query string, if it names a supported language.
pub fn query_lang(query: &str) -> Option<Lang> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(&v))
}

/// The language a request asks for.
pub fn of_request(req: &HttpRequest) -> Lang {
    query_lang(req.query_string())
        .or_else(|| req.cookie(COOKIE).and_then(|c| Lang::from_code(c.value())))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The language a request asks for, as a handler's argument
/// (`Asked(lang): Asked`).
#[derive(Debug, Clone, Copy)]
pub struct Asked(pub Lang);

impl FromRequest for Asked {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Asked(of_request(req))))
    }
}

/// Middleware: remembers a `?lang=` choice in a cookie for a year.
pub async fn remember_choice(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = query_lang(req.query_string());
    let already = req.cookie(COOKIE).map(|c| c.value().to_owned());
    let mut res = next.call(req).await?;
    if let Some(lang) = chosen.filter(|l| already.as_deref() != Some(l.code())) {
        let cookie = Cookie::build(COOKIE, lang.code())
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameter() {
        assert_eq!(query_lang("lang=en"), Some(Lang::En));
        assert_eq!(query_lang("kind=access&lang=ko"), Some(Lang::Ko));
        assert_eq!(query_lang("lang=fr"), None);
        assert_eq!(query_lang(""), None);
    }
}
