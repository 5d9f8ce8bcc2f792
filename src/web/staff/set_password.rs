//! `/staff/set-password/{token}`: a new staff member chooses a password.
//! The link is bound to the account and to its current password, so it
//! works once; it lives 72 hours.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{password, tokens};
use crate::domain::actor::Actor;
use crate::domain::staff::StaffRole;
use crate::i18n::Lang;
use crate::store::{StoreError, audit, staff};
use crate::web::AppState;
use crate::web::csrf::Csrf;
use crate::web::error::AppError;
use crate::web::page::render;

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

/// The account a link is for, if the link is still good.
fn account_of(state: &AppState, token: &str) -> Result<staff::StaffUser, AppError> {
    let (id, version) = tokens::verify_bound(&state.keys, tokens::Purpose::SetPassword, token)
        .map_err(|_| AppError::NotFound)?;
    let mut conn = state.store.conn()?;
    let current = staff::password_version(&mut conn, &id)?;
    if version.as_deref() != Some(current.as_str()) {
        return Err(AppError::NotFound);
    }
    let user = staff::get(&mut conn, &id)?;
    if !user.active {
        return Err(AppError::NotFound);
    }
    Ok(user)
}

fn page(lang: Lang, token: &str, csrf: &Csrf, email: String) -> SetPasswordPage {
    SetPasswordPage {
        lang,
        path: format!("/staff/set-password/{token}"),
        csrf_token: csrf.token(),
        email,
        password_error: None,
        confirm_error: None,
        done: false,
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
    let st = state.clone();
    let t = token.clone();
    let user = web::block(move || account_of(&st, &t)).await??;
    render(StatusCode::OK, &page(lang, &token, &csrf, user.email))
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
    let st = state.clone();
    let t = token.clone();
    let user = web::block(move || account_of(&st, &t)).await??;
    let mut shown = page(lang, &token, &csrf, user.email.clone());
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
        Err(e) => return Err(AppError::Internal(anyhow::anyhow!(e))),
    };
    let st = state.clone();
    let role: StaffRole = user
        .role
        .parse()
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored role {:?}", user.role)))?;
    let id = user.id.clone();
    web::block(move || {
        st.store.write(|conn| {
            staff::set_password(conn, &id, &hash)?;
            audit::append(
                conn,
                audit::NewEvent {
                    request_id: None,
                    actor: &Actor::Staff { id: id.clone(), role },
                    action: "staff.password_set",
                    from_status: None,
                    to_status: None,
                    reason: None,
                    payload: serde_json::json!({"staff_id": id}),
                },
                crate::store::now(),
            )?;
            Ok::<(), StoreError>(())
        })
    })
    .await??;
    shown.done = true;
    render(StatusCode::OK, &shown)
}
