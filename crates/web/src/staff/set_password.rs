//! `/staff/set-password/{token}`: a new staff member chooses a password.
//! The link is bound to the account and to its current password, so it
//! works once; it lives 72 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::csrf::Posted;
use crate::error::AppError;
use crate::page::{Page, render};
use app::staff;
use auth::password;
use domain::lang::Lang;

#[derive(Template)]
#[template(path = "staff/set_password.html")]
pub struct SetPasswordPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    pub email: String,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
    pub done: bool,
}

impl SetPasswordPage {
    /// The page of a link that is still good (404 once spent or expired).
    async fn for_link(page: &Page, token: &str) -> Result<Self, AppError> {
        let link = token.to_owned();
        let user = page
            .state
            .run(move |desk| staff::account_for_link(desk, &link))
            .await?;
        Ok(Self {
            lang: page.lang,
            path: format!("/staff/set-password/{token}"),
            csrf_token: page.csrf.token()?,
            email: user.email,
            password_error: None,
            confirm_error: None,
            done: false,
        })
    }
}

/// `GET /staff/set-password/{token}`
pub async fn form(page: Page, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &SetPasswordPage::for_link(&page, &path).await?)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Why a new password was not accepted, said in the reader's language.
pub enum PasswordProblem {
    /// The two entries differ.
    Mismatch(String),
    /// The password breaks the policy.
    Policy(String),
}

impl PasswordProblem {
    /// Puts the message beside the field it is about.
    pub fn show_on(self, password_error: &mut Option<String>, confirm_error: &mut Option<String>) {
        match self {
            PasswordProblem::Mismatch(message) => *confirm_error = Some(message),
            PasswordProblem::Policy(message) => *password_error = Some(message),
        }
    }
}

/// Checks a new password typed twice and hashes it (argon2id).
pub fn new_password(
    lang: Lang,
    password: &str,
    confirm: &str,
) -> Result<Result<String, PasswordProblem>, AppError> {
    if password != confirm {
        return Ok(Err(PasswordProblem::Mismatch(
            lang.t("staff.set_password.mismatch").into_owned(),
        )));
    }
    match password::hash(password) {
        Ok(hash) => Ok(Ok(hash)),
        Err(password::PasswordError::TooShort) => Ok(Err(PasswordProblem::Policy(
            lang.t("staff.set_password.too_short").into_owned(),
        ))),
        Err(password::PasswordError::TooLong) => Ok(Err(PasswordProblem::Policy(
            lang.t("form.errors.too_long").into_owned(),
        ))),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// `POST /staff/set-password/{token}`
pub async fn submit(
    page: Page,
    path: web::Path<String>,
    Posted(form): Posted<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let lang = page.lang;
    let mut shown = SetPasswordPage::for_link(&page, &token).await?;
    let hash = match new_password(lang, &form.password, &form.confirm)? {
        Ok(hash) => hash,
        Err(problem) => {
            problem.show_on(&mut shown.password_error, &mut shown.confirm_error);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
    };
    page.state
        .run(move |desk| staff::set_password(desk, &token, &hash))
        .await?;
    shown.done = true;
    render(StatusCode::OK, &shown)
}
