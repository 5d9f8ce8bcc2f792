//! Verification: the code entered at `/requests/{reference}/verify`, or the
//! link `/v/{token}` from the email (confirmed with a button, since mail
//! scanners open links). Either proves control of the address given.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::csrf::{Csrf, CsrfForm, Posted};
use crate::error::AppError;
use crate::lang::{Asked, Lang};
use crate::page::{Page, render, see_other};
use app::new_code;
use app::verify_code::{self, CodeOutcome, VerifyByCode};
use app::verify_link::{self, LinkOutcome, LinkState};
use auth::codes::EnteredCode;
use domain::reference::Reference;

#[derive(Template)]
#[template(path = "public/verify.html")]
pub struct VerifyPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    pub reference: String,
    /// A problem with the code entered, shown beside the field.
    pub error: Option<String>,
    /// A message about the state of verification.
    pub notice: Option<String>,
    /// Whether the code field is offered (not when locked or done).
    pub can_enter_code: bool,
}

impl VerifyPage {
    fn new(lang: Lang, csrf: &Csrf, reference: &Reference) -> Result<Self, AppError> {
        Ok(Self {
            lang,
            path: format!("/requests/{reference}/verify"),
            csrf_token: csrf.token()?,
            reference: reference.to_string(),
            error: None,
            notice: None,
            can_enter_code: true,
        })
    }
}

/// The reference in the address; anything else is not a page.
fn reference_in(path: &str) -> Result<Reference, AppError> {
    path.parse().map_err(|_| AppError::NotFound)
}

/// `GET /requests/{reference}/verify`
pub async fn code_form(
    Asked(lang): Asked,
    csrf: Csrf,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = reference_in(&path)?;
    render(StatusCode::OK, &VerifyPage::new(lang, &csrf, &reference)?)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /requests/{reference}/verify`: checks the code; five wrong codes
/// lock it until a new one is sent.
pub async fn enter_code(
    Page { lang, csrf, state }: Page,
    path: web::Path<String>,
    Posted(form): Posted<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let reference = reference_in(&path)?;
    let input = VerifyByCode {
        reference,
        code: EnteredCode::parse(&form.code),
    };
    let outcome = state
        .run(move |desk| verify_code::verify_by_code(desk, input))
        .await?;
    if let CodeOutcome::Verified { status_token } = outcome {
        return Ok(see_other(&format!("/r/{status_token}")));
    }
    // Wrong, locked, already confirmed or no such request: the same answer,
    // so that the page tells a stranger nothing (the owner has the link).
    let mut shown = VerifyPage::new(lang, &csrf, &reference)?;
    shown.error = Some(lang.t("verify.code_not_accepted").into_owned());
    render(StatusCode::UNPROCESSABLE_ENTITY, &shown)
}

/// `POST /requests/{reference}/verify/new-code`: sends a new code to the
/// address on file (never to one typed here), rate limited per request.
pub async fn new_code(
    Page { lang, csrf, state }: Page,
    path: web::Path<String>,
    _: Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let reference = reference_in(&path)?;
    let outcome = state
        .run(move |desk| new_code::send_new_code(desk, &reference))
        .await?;
    // Sent, too soon, no more, not needed, withheld or no such request:
    // the same answer (see `ResendOutcome`).
    tracing::debug!(?outcome, "new code asked for");
    let mut shown = VerifyPage::new(lang, &csrf, &reference)?;
    shown.notice = Some(lang.t("verify.new_code_generic").into_owned());
    render(StatusCode::OK, &shown)
}

#[derive(Template)]
#[template(path = "public/verify_link.html")]
pub struct LinkPage {
    pub lang: Lang,
    pub path: String,
    pub csrf_token: String,
    /// Whether the link can still be confirmed.
    pub valid: bool,
    pub message: String,
}

/// The confirmation page of a link in `state`, with its status code.
fn link_page(lang: Lang, csrf: &Csrf, token: &str, state: LinkState) -> Result<HttpResponse, AppError> {
    let (key, status) = match state {
        LinkState::Valid => ("verify.link_confirm_body", StatusCode::OK),
        LinkState::Expired => ("verify.link_expired", StatusCode::GONE),
        LinkState::Invalid => ("verify.link_invalid", StatusCode::NOT_FOUND),
    };
    let page = LinkPage {
        lang,
        path: format!("/v/{token}"),
        csrf_token: csrf.token()?,
        valid: state == LinkState::Valid,
        message: lang.t(key).into_owned(),
    };
    render(status, &page)
}

/// `GET /v/{token}`: asks the person to confirm with a button.
pub async fn link_form(page: Page, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let link = verify_link::check_link(&page.state.desk, &path);
    link_page(page.lang, &page.csrf, &path, link)
}

/// `POST /v/{token}`: verifies the request the link is bound to.
pub async fn confirm_link(
    Page { lang, csrf, state }: Page,
    path: web::Path<String>,
    _: Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let used = token.clone();
    let outcome = state
        .run(move |desk| verify_link::verify_by_link(desk, &used))
        .await?;
    match outcome {
        LinkOutcome::Verified { status_token } => Ok(see_other(&format!("/r/{status_token}"))),
        LinkOutcome::Unusable(link) => link_page(lang, &csrf, &token, link),
        LinkOutcome::AlreadyVerified => {
            let page = LinkPage {
                lang,
                path: format!("/v/{token}"),
                csrf_token: csrf.token()?,
                valid: false,
                message: lang.t("verify.already").into_owned(),
            };
            render(StatusCode::OK, &page)
        }
    }
}
