//! `/staff/second-factor`: a member sets up an authenticator app. Required
//! before anything else when an admin requires it of their role; a code
//! from the app confirms the secret before it is kept.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::{AnyStaff, CHANGE_PASSWORD};
use crate::csrf::Posted;
use crate::error::AppError;
use crate::page::{Page, render, see_other};
use app::signin::{self, SignedIn};
use domain::lang::Lang;

#[derive(Template)]
#[template(path = "staff/second_factor.html")]
pub struct SecondFactorPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub secret: String,
    pub url: String,
    pub offer: String,
    pub problem: Option<String>,
    pub done: bool,
}

async fn offer(
    page: &Page,
    signed: SignedIn,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(page, &signed)?;
    let offer = page
        .state
        .run(move |desk| signin::enrolment_offer(desk, &signed))
        .await?;
    render(
        status,
        &SecondFactorPage {
            lang: page.lang,
            chrome,
            secret: offer.secret,
            url: offer.url,
            offer: offer.token,
            problem,
            done: false,
        },
    )
}

/// `GET /staff/second-factor`
pub async fn form(page: Page, AnyStaff(signed): AnyStaff) -> Result<HttpResponse, AppError> {
    if signed.user.must_change_password {
        return Ok(see_other(CHANGE_PASSWORD));
    }
    offer(&page, signed, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    offer: String,
    #[serde(default)]
    code: String,
}

/// `POST /staff/second-factor`
pub async fn submit(
    page: Page,
    AnyStaff(signed): AnyStaff,
    Posted(form): Posted<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    if signed.user.must_change_password {
        return Ok(see_other(CHANGE_PASSWORD));
    }
    let who = signed.clone();
    let enrolled = page
        .state
        .run(move |desk| signin::enrol(desk, &who, &form.offer, &form.code))
        .await?;
    if !enrolled {
        let problem = page.lang.t("staff.second_factor.wrong_code").into_owned();
        return offer(&page, signed, Some(problem), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    render(
        StatusCode::OK,
        &SecondFactorPage {
            lang: page.lang,
            chrome: StaffChrome::new(&page, &signed)?,
            secret: String::new(),
            url: String::new(),
            offer: String::new(),
            problem: None,
            done: true,
        },
    )
}
