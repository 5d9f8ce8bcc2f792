//! `/track`: reference + email in, a status link out by email. The answer
//! is the same whether or not they match, so the page reveals nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::tokens;
use crate::domain::actor::Actor;
use crate::domain::identifier::{Email, EmailError};
use crate::domain::reference::Reference;
use crate::i18n::Lang;
use crate::mail::notices::{self, Recipient};
use crate::store::{self, StoreError, audit, outbox, requests};
use crate::web::AppState;
use crate::web::csrf::Csrf;
use crate::web::error::AppError;
use crate::web::page::render;

#[derive(Template)]
#[template(path = "public/track.html")]
pub struct TrackPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    pub reference: String,
    pub email: String,
    pub reference_error: Option<String>,
    pub email_error: Option<String>,
    /// The answer after a post: the same for any reference and email.
    pub sent: bool,
}

/// `GET /track`
pub async fn track_form(lang: Lang, csrf: Csrf) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &TrackPage {
            lang,
            path: "/track".into(),
            csrf_token: csrf.token(),
            reference: String::new(),
            email: String::new(),
            reference_error: None,
            email_error: None,
            sent: false,
        },
    )
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    email: String,
    #[serde(default, rename = "csrf_token")]
    csrf: String,
}

/// `POST /track`
pub async fn request_link(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    form: web::Form<TrackForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf))?;
    let mut page = TrackPage {
        lang,
        path: "/track".into(),
        csrf_token: csrf.token(),
        reference: form.reference.trim().to_owned(),
        email: form.email.trim().to_owned(),
        reference_error: None,
        email_error: None,
        sent: false,
    };
    // Only the shape of the input is judged here; whether it matches a
    // request is never shown.
    let reference = page.reference.parse::<Reference>().ok();
    if page.reference.is_empty() {
        page.reference_error = Some(lang.t("form.errors.required").into_owned());
    } else if reference.is_none() {
        page.reference_error = Some(lang.t("track.reference_format").into_owned());
    }
    let email = match Email::parse(&page.email) {
        Ok(email) => Some(email),
        Err(EmailError::Empty) => {
            page.email_error = Some(lang.t("form.errors.required").into_owned());
            None
        }
        Err(_) => {
            page.email_error = Some(lang.t("form.errors.email_invalid").into_owned());
            None
        }
    };
    let (Some(email), Some(reference)) = (email, reference) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let st = state.clone();
    web::block(move || {
        st.store.write(|conn| {
            let row = match requests::get_by_reference(conn, &reference) {
                Ok(row) => row,
                Err(StoreError::NotFound) => return Ok(()),
                Err(e) => return Err(e),
            };
            if row.requester_email != email.as_str() {
                return Ok(());
            }
            let link = format!(
                "{}/r/{}",
                st.config.base_url,
                tokens::issue(&st.keys, tokens::Purpose::Status, &row.id)
            );
            let email = notices::status_link(Recipient::requester_of(&row), &link);
            let now = store::now();
            outbox::enqueue(conn, &[email], now)?;
            audit::append(
                conn,
                audit::NewEvent {
                    request_id: Some(&row.id),
                    actor: &Actor::Requester,
                    action: "requester.status_link_sent",
                    from_status: None,
                    to_status: None,
                    reason: None,
                    payload: serde_json::json!({}),
                },
                now,
            )?;
            Ok(())
        })
    })
    .await??;
    page.sent = true;
    render(StatusCode::OK, &page)
}
