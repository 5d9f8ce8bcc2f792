//! `/track`: reference + email in, a status link out by email. The answer
//! is the same whether or not they match, so the page reveals nothing.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use crate::csrf::{Csrf, Posted};
use crate::error::AppError;
use crate::page::{Page, render};
use app::track::{self, Track};
use domain::identifier::Email;
use domain::lang::Lang;
use domain::reference::Reference;

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

impl TrackPage {
    fn new(lang: Lang, csrf: &Csrf, reference: &str, email: &str) -> Result<Self, AppError> {
        Ok(Self {
            lang,
            path: "/track".into(),
            csrf_token: csrf.token()?,
            reference: reference.trim().to_owned(),
            email: email.trim().to_owned(),
            reference_error: None,
            email_error: None,
            sent: false,
        })
    }
}

/// `GET /track`
pub async fn track_form(page: Page) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &TrackPage::new(page.lang, &page.csrf, "", "")?)
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    email: String,
}

/// `POST /track`
pub async fn request_link(
    Page { lang, csrf, state }: Page,
    Posted(form): Posted<TrackForm>,
) -> Result<HttpResponse, AppError> {
    let mut page = TrackPage::new(lang, &csrf, &form.reference, &form.email)?;
    // Only the shape of the input is judged here; whether it matches a
    // request is never shown.
    let reference = page.reference.parse::<Reference>().ok();
    if page.reference.is_empty() {
        page.reference_error = Some(lang.t("form.errors.required").into_owned());
    } else if reference.is_none() {
        page.reference_error = Some(lang.t("track.reference_format").into_owned());
    }
    let email = Email::parse(&page.email)
        .map_err(|e| page.email_error = Some(lang.t(e.message_key()).into_owned()))
        .ok();
    let (Some(email), Some(reference)) = (email, reference) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    // The answer does not wait for the lookup, so it takes as long whether
    // or not anything matched; the email, if any, follows.
    let input = Track { reference, email };
    actix_web::rt::spawn(async move {
        if let Err(error) = state.run(move |desk| track::track(desk, input)).await {
            tracing::error!(?error, "tracking failed");
        }
    });
    page.sent = true;
    render(StatusCode::OK, &page)
}
