//! What page handlers share: the extractor of what every page needs, and
//! rendering with a status of the handler's choosing.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    Charset, ContentDisposition, ContentType, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;

use super::AppState;
use super::csrf::Csrf;
use super::error::AppError;
use super::lang::Lang;

/// What every page handler needs, extracted once: the reader's language,
/// the CSRF state of their browser, and the desk's state.
pub struct Page {
    pub lang: Lang,
    pub csrf: Csrf,
    pub state: web::Data<AppState>,
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let page = (|| {
            Ok(Page {
                lang: super::lang::of_request(req),
                csrf: Csrf::from_request(req, payload).into_inner()?,
                state: web::Data::<AppState>::from_request(req, payload).into_inner()?,
            })
        })();
        ready(page)
    }
}

/// Renders `page` with `status` (a form shown again with 422, say).
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body))
}

/// `Content-Disposition: attachment` for a file named `filename`: an ASCII
/// name for every client, and the exact name as `filename*` (RFC 6266,
/// RFC 5987) when it is not plain ASCII.
pub fn attachment(filename: &str) -> ContentDisposition {
    let ascii: String = filename
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .collect();
    let mut parameters = vec![DispositionParam::Filename(ascii)];
    if !filename.is_ascii() {
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: filename.as_bytes().to_vec(),
        }));
    }
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters,
    }
}

/// A 303 See Other to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// A UTC instant as local date and time in `tz` (`2026-11-26 09:30`).
pub fn local(at: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> String {
    at.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A file size for people (`12 KB`, `3.4 MB`).
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}
