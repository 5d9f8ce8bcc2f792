//! `/staff/second-factor`: a member sets up an authenticator app. Required
//! before anything else when an admin requires it of their role; a code
//! from the app confirms the secret before it is kept. Replacing one that
//! is set up also asks for the password and a code from the current app.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::login::client_of;
use super::session::{AnyStaff, CHANGE_PASSWORD};
use crate::csrf::Posted;
use crate::error::AppError;
use crate::page::{Page, render, see_other};
use app::second_factor::{self, SetUp, SetUpOutcome};
use app::signin::SignedIn;
use domain::lang::Lang;

#[derive(Template)]
#[template(path = "staff/second_factor.html")]
pub struct SecondFactorPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub secret: String,
    pub url: String,
    pub offer: String,
    /// The member has a second factor: the new one replaces it, with the
    /// password and a current code.
    pub replaces: bool,
    pub problem: Option<String>,
    /// What was done, as a message key (the page then shows only that).
    pub done: Option<&'static str>,
}

async fn offer(
    page: &Page,
    signed: SignedIn,
    previous: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(page, &signed)?;
    let offered = page
        .state
        .run(move |desk| second_factor::offer(desk, &signed, previous.as_deref()))
        .await?;
    render(
        status,
        &SecondFactorPage {
            lang: page.lang,
            chrome,
            secret: offered.offer.secret,
            url: offered.offer.url,
            offer: offered.offer.token,
            replaces: offered.replaces,
            problem,
            done: None,
        },
    )
}

/// `GET /staff/second-factor`
pub async fn form(page: Page, AnyStaff(signed): AnyStaff) -> Result<HttpResponse, AppError> {
    if signed.user.must_change_password {
        return Ok(see_other(CHANGE_PASSWORD));
    }
    offer(&page, signed, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    offer: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    current_code: String,
}

/// `POST /staff/second-factor`
pub async fn submit(
    page: Page,
    req: HttpRequest,
    AnyStaff(signed): AnyStaff,
    Posted(form): Posted<EnrolForm>,
) -> Result<HttpResponse, AppError> {
    if signed.user.must_change_password {
        return Ok(see_other(CHANGE_PASSWORD));
    }
    let previous = form.offer.clone();
    let input = SetUp {
        offer: form.offer,
        code: form.code,
        password: form.password,
        current_code: form.current_code,
        client: client_of(&page, &req),
    };
    let who = signed.clone();
    let outcome = page
        .state
        .run(move |desk| second_factor::set_up(desk, &who, input))
        .await?;
    let lang = page.lang;
    let problem = match outcome {
        SetUpOutcome::Enrolled | SetUpOutcome::Replaced => {
            let done = if outcome == SetUpOutcome::Replaced {
                "staff.second_factor.replaced"
            } else {
                "staff.second_factor.done"
            };
            return render(
                StatusCode::OK,
                &SecondFactorPage {
                    lang,
                    chrome: StaffChrome::new(&page, &signed)?,
                    secret: String::new(),
                    url: String::new(),
                    offer: String::new(),
                    replaces: false,
                    problem: None,
                    done: Some(done),
                },
            );
        }
        SetUpOutcome::WrongCode => lang.t("staff.second_factor.wrong_code").into_owned(),
        SetUpOutcome::WrongProof => lang.t("staff.second_factor.wrong_proof").into_owned(),
        SetUpOutcome::Locked { until } => {
            let local = until.and_utc().with_timezone(&page.state.config().timezone);
            lang.tf(
                "staff.login.locked",
                &[("until", &local.format("%Y-%m-%d %H:%M").to_string())],
            )
        }
    };
    // The same key again: the member may have added it to their app.
    offer(
        &page,
        signed,
        Some(previous),
        Some(problem),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
