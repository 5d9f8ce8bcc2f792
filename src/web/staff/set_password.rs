//! `/staff/set-password/{token}`: a new staff member chooses a password.
//! The link is bound to the account and to its current password, so it
//! works once; it lives 72 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::password;
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::csrf::Csrf;
use crate::web::error::AppError;
use crate::web::page::render;
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
    fn new(lang: Lang, token: &str, csrf: &Csrf, email: String) -> Result<Self, AppError> {
        Ok(Self {
            lang,
            path: format!("/staff/set-password/{token}"),
            csrf_token: csrf.token()?,
            email,
            password_error: None,
            confirm_error: None,
            done: false,
        })
    }
}

/// `GET /staff/set-password/{token}`
pub async fn form(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let link = token.clone();
    let user = state.run(move |desk| staff::account_for_link(desk, &link)).await?;
    render(StatusCode::OK, &SetPasswordPage::new(lang, &token, &csrf, user.email)?)
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

/// `POST /staff/set-password/{token}`
pub async fn submit(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf_token))?;
    let token = path.into_inner();
    let link = token.clone();
    let user = state.run(move |desk| staff::account_for_link(desk, &link)).await?;
    let mut shown = SetPasswordPage::new(lang, &token, &csrf, user.email)?;
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
    state
        .run(move |desk| staff::set_password(desk, &token, &hash))
        .await?;
    shown.done = true;
    render(StatusCode::OK, &shown)
}
