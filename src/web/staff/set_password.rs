//! `/staff/set-password/{token}`: a new staff member chooses a password.
//! The link is bound to the account and to its current password, so it
//! works once; it lives 72 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::password;
use crate::i18n::Lang;
use crate::web::csrf::{CsrfField, Posted};
use crate::web::error::AppError;
use crate::web::page::{Page, render};
use crate::workflow::staff;

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
    #[serde(default)]
    csrf_token: String,
}

impl CsrfField for PasswordForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
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
    if form.password != form.confirm {
        shown.confirm_error = Some(lang.t("staff.set_password.mismatch").into_owned());
        return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
    }
    let hash = match password::hash(&form.password) {
        Ok(hash) => hash,
        Err(password::PasswordError::TooShort) => {
            shown.password_error = Some(lang.t("staff.set_password.too_short").into_owned());
            return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
        Err(password::PasswordError::TooLong) => {
            shown.password_error = Some(lang.t("form.errors.too_long").into_owned());
            return render(StatusCode::UNPROCESSABLE_ENTITY, &shown);
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    page.state
        .run(move |desk| staff::set_password(desk, &token, &hash))
        .await?;
    shown.done = true;
    render(StatusCode::OK, &shown)
}
