//! `/staff/login` and `/staff/logout`.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::session::{self, AnyStaff};
use crate::client::ClientIp;
use crate::csrf::{CsrfForm, Posted};
use crate::error::AppError;
use crate::page::{Page, render, see_other};
use app::signin::{self, SignIn, SignInOutcome};
use domain::lang::Lang;

#[derive(Template)]
#[template(path = "staff/login.html")]
pub struct LoginPage {
    pub lang: Lang,
    pub csrf_token: String,
    pub email: String,
    pub problem: Option<String>,
    /// After a right password: the ticket the code form carries.
    pub ticket: Option<String>,
}

/// `GET /staff/login` (a signed-in member goes to their start page).
pub async fn form(page: Page, req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.extensions().get::<signin::SignedIn>().is_some() {
        return Ok(see_other("/staff"));
    }
    render(
        StatusCode::OK,
        &LoginPage {
            lang: page.lang,
            csrf_token: page.csrf.token()?,
            email: String::new(),
            problem: None,
            ticket: None,
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /staff/login`
pub async fn submit(
    page: Page,
    req: HttpRequest,
    Posted(form): Posted<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let client = client_of(&page, &req);
    let input = SignIn {
        email: form.email.clone(),
        password: form.password,
        client,
        lang: page.lang,
    };
    let outcome = page.state.run(move |desk| signin::sign_in(desk, input)).await?;
    answer(&page, outcome, form.email).await
}

/// What a sign-in step answers: the session cookie, the code form, or the
/// page again with the problem.
async fn answer(page: &Page, outcome: SignInOutcome, email: String) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let mut ticket = None;
    let problem = match outcome {
        SignInOutcome::SignedIn { token } => {
            let secure = page.state.config().base_url.starts_with("https://");
            return Ok(HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, "/staff"))
                .cookie(session::cookie(&token, secure))
                .finish());
        }
        SignInOutcome::CodeNeeded { ticket: issued } => {
            ticket = Some(issued);
            lang.t("staff.login.code_needed").into_owned()
        }
        SignInOutcome::Rejected => lang.t("staff.login.rejected").into_owned(),
        SignInOutcome::Locked { until } => {
            let local = until.and_utc().with_timezone(&page.state.config().timezone);
            lang.tf(
                "staff.login.locked",
                &[("until", &local.format("%Y-%m-%d %H:%M").to_string())],
            )
        }
    };
    let status = if ticket.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &LoginPage {
            lang,
            csrf_token: page.csrf.token()?,
            email: email.chars().take(254).collect(),
            problem: Some(problem),
            ticket,
        },
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
}

/// `POST /staff/login/code`: the second factor's code.
pub async fn code(
    page: Page,
    req: HttpRequest,
    Posted(form): Posted<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let client = client_of(&page, &req);
    let lang = page.lang;
    let outcome = page
        .state
        .run(move |desk| signin::second_factor(desk, &form.ticket, &form.code, &client, lang))
        .await?;
    answer(&page, outcome, String::new()).await
}

pub(super) fn client_of(page: &Page, req: &HttpRequest) -> String {
    ClientIp {
        trusted_proxies: page.state.config().trusted_proxies,
    }
    .address_of(req)
    .map(|ip| ip.to_string())
    .unwrap_or_default()
}

/// `POST /staff/logout`: the session ends for good; the cookie is removed.
pub async fn logout(
    page: Page,
    AnyStaff(signed): AnyStaff,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    page.state
        .run(move |desk| signin::sign_out(desk, &signed))
        .await?;
    let secure = page.state.config().base_url.starts_with("https://");
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, session::LOGIN))
        .cookie(session::cookie("", secure))
        .finish())
}

/// `GET /staff`: each role's start page.
pub async fn start(super::session::Staff(signed): super::session::Staff) -> HttpResponse {
    if signed.member.may_use_queue() {
        see_other("/staff/queue")
    } else {
        see_other("/staff/admin/staff")
    }
}
