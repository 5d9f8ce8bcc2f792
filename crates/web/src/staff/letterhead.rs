//! `/staff/admin/letterhead`: who the notices come from — the company's
//! name, its privacy office's contact, and the outside bodies a requester
//! may turn to. Admins only.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::csrf::Posted;
use crate::error::{AppError, UserMessage};
use crate::page::{Page, render, see_other};
use app::WorkflowError;
use app::letterhead::{self, Typed};
use domain::lang::Lang;

#[derive(Debug, Default, Deserialize)]
pub struct LetterheadForm {
    #[serde(default)]
    company: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    remedies: String,
}

#[derive(Template)]
#[template(path = "staff/admin_letterhead.html")]
pub struct LetterheadPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    /// What the form shows: as stored, or as typed when refused.
    pub typed: Typed,
    pub saved: bool,
    pub problem: Option<String>,
}

/// `GET /staff/admin/letterhead`
pub async fn view(
    page: Page,
    Staff(signed): Staff,
    query: actix_web::web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(&page, &signed)?;
    let stored = page
        .state
        .run(move |desk| letterhead::view(desk, &signed))
        .await?;
    render(
        StatusCode::OK,
        &LetterheadPage {
            lang: page.lang,
            chrome,
            typed: Typed {
                company: stored.company,
                contact: stored.contact,
                remedies: stored.remedies.join("\n"),
            },
            saved: query.saved.is_some(),
            problem: None,
        },
    )
}

/// Whether the page follows a save.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `POST /staff/admin/letterhead`
pub async fn change(
    page: Page,
    Staff(signed): Staff,
    Posted(form): Posted<LetterheadForm>,
) -> Result<HttpResponse, AppError> {
    let typed = Typed {
        company: form.company,
        contact: form.contact,
        remedies: form.remedies,
    };
    let (who, input) = (signed.clone(), typed.clone());
    match page
        .state
        .try_run(move |desk| letterhead::change(desk, &who, &input))
        .await?
    {
        Ok(()) => Ok(see_other("/staff/admin/letterhead?saved=1")),
        Err(WorkflowError::Refused(r)) => {
            let chrome = StaffChrome::new(&page, &signed)?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &LetterheadPage {
                    lang: page.lang,
                    chrome,
                    typed,
                    saved: false,
                    problem: Some(UserMessage::new(r.message_key()).render(page.lang)),
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}
