//! `/staff/password`: a signed-in member changes their password; a demo or
//! new account flagged to change it is sent here before anything else.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::AnyStaff;
use super::set_password::new_password;
use crate::csrf::Posted;
use crate::error::AppError;
use crate::page::{Page, render};
use app::signin::{self, PasswordChange, SignedIn};
use domain::lang::Lang;

#[derive(Template)]
#[template(path = "staff/password.html")]
pub struct PasswordPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub email: String,
    pub must_change: bool,
    pub current_error: Option<String>,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
    pub done: bool,
}

impl PasswordPage {
    fn new(page: &Page, signed: &SignedIn) -> Result<Self, AppError> {
        Ok(Self {
            lang: page.lang,
            chrome: StaffChrome::new(page, signed)?,
            email: signed.user.email.clone(),
            must_change: signed.user.must_change_password,
            current_error: None,
            password_error: None,
            confirm_error: None,
            done: false,
        })
    }
}

/// `GET /staff/password`
pub async fn form(page: Page, AnyStaff(signed): AnyStaff) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &PasswordPage::new(&page, &signed)?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /staff/password`
pub async fn submit(
    page: Page,
    AnyStaff(signed): AnyStaff,
    Posted(form): Posted<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let mut shown = PasswordPage::new(&page, &signed)?;
    if form.password == form.current && form.password == form.confirm {
        shown.password_error = Some(lang.t("staff.password.same").into_owned());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
    }
    let hash = match new_password(lang, &form.password, &form.confirm)? {
        Ok(hash) => hash,
        Err(problem) => {
            problem.show_on(&mut shown.password_error, &mut shown.confirm_error);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
    };
    let current = form.current;
    let changed = page
        .state
        .run(move |desk| signin::change_password(desk, &signed, &current, &hash))
        .await?;
    match changed {
        PasswordChange::Changed => {
            shown.done = true;
            shown.must_change = false;
            render(StatusCode::OK, &shown)
        }
        PasswordChange::WrongCurrentPassword => {
            shown.current_error = Some(lang.t("staff.password.wrong_current").into_owned());
            render(StatusCode::UNPROCESSABLE_ENTITY, &shown)
        }
    }
}
