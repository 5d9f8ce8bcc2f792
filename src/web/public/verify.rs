//! Verification: the code entered at `/requests/{reference}/verify`, or the
//! link `/v/{token}` from the email (confirmed with a button, since mail
//! scanners open links). Either proves control of the address given.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{codes, tokens};
use crate::domain::actor::Actor;
use crate::domain::lifecycle::RequestStatus;
use crate::domain::reference::Reference;
use crate::domain::request::VerificationState;
use crate::i18n::Lang;
use crate::mail::notices::{self, Recipient};
use crate::store::requests::RequestRow;
use crate::store::{self, DbConnection, StoreError, lifecycle, outbox, requests, verification};
use crate::web::AppState;
use crate::web::csrf::{Csrf, CsrfForm};
use crate::web::error::AppError;
use crate::web::page::{render, see_other};

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

/// Marks the request verified and moves it on: agents' documents (and, if
/// configured, everyone's) go to staff review; others go straight to work.
/// Returns the status page token.
fn complete(state: &AppState, conn: &mut DbConnection, row: &RequestRow) -> Result<String, StoreError> {
    let now = store::now();
    let review = row.submitted_by()?.needs_authority_document() || state.config.self_requests_need_review;
    let to = if review {
        RequestStatus::Verifying
    } else {
        RequestStatus::InProgress
    };
    verification::mark_verified(conn, &row.id, VerificationState::EmailConfirmed, now)?;
    let token = tokens::issue(&state.keys, tokens::Purpose::Status, &row.id);
    let link = format!("{}/r/{token}", state.config.base_url);
    lifecycle::apply(
        conn,
        lifecycle::Transition {
            request_id: &row.id,
            to,
            actor: &Actor::Requester,
            reason: None,
            expected_version: None,
            payload: serde_json::json!({"verified_by": "email"}),
            emails: vec![notices::verified(Recipient::requester_of(row), &link, review)],
        },
        now,
    )?;
    Ok(token)
}

enum CodeOutcome {
    Verified(String),
    AlreadyVerified,
    Wrong { tries_left: i32 },
    Locked,
}

fn page(lang: Lang, csrf: &Csrf, reference: &Reference) -> VerifyPage {
    VerifyPage {
        lang,
        path: format!("/requests/{reference}/verify"),
        csrf_token: csrf.token(),
        reference: reference.to_string(),
        error: None,
        notice: None,
        can_enter_code: true,
    }
}

/// `GET /requests/{reference}/verify`
pub async fn code_form(lang: Lang, csrf: Csrf, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let reference: Reference = path.parse().map_err(|_| AppError::NotFound)?;
    render(StatusCode::OK, &page(lang, &csrf, &reference))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default, rename = "csrf_token")]
    csrf: String,
}

/// `POST /requests/{reference}/verify`: checks the code; five wrong codes
/// lock it until a new one is sent.
pub async fn enter_code(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf))?;
    let reference: Reference = path.parse().map_err(|_| AppError::NotFound)?;
    let code = form.code.clone();
    let st = state.clone();
    let outcome = web::block(move || {
        st.store.write(|conn| {
            let row = match requests::get_by_reference(conn, &reference) {
                Ok(row) => row,
                // An unknown reference looks exactly like a wrong code.
                Err(StoreError::NotFound) => {
                    return Ok(CodeOutcome::Wrong {
                        tries_left: codes::MAX_ATTEMPTS,
                    });
                }
                Err(e) => return Err(e),
            };
            if row.status()? != RequestStatus::Unverified {
                return Ok(CodeOutcome::AlreadyVerified);
            }
            if row.verification_attempts >= codes::MAX_ATTEMPTS {
                return Ok(CodeOutcome::Locked);
            }
            let Some(stored) = verification::code_hash(conn, &row.id)? else {
                return Ok(CodeOutcome::Locked);
            };
            if codes::matches(&st.keys.codes, &row.id, &code, &stored) {
                return Ok(CodeOutcome::Verified(complete(&st, conn, &row)?));
            }
            let used = verification::record_wrong_attempt(conn, &row.id, codes::MAX_ATTEMPTS, store::now())?;
            Ok(if used >= codes::MAX_ATTEMPTS {
                CodeOutcome::Locked
            } else {
                CodeOutcome::Wrong {
                    tries_left: codes::MAX_ATTEMPTS - used,
                }
            })
        })
    })
    .await??;
    let mut shown = page(lang, &csrf, &reference);
    let status = match outcome {
        CodeOutcome::Verified(token) => return Ok(see_other(&format!("/r/{token}"))),
        CodeOutcome::AlreadyVerified => {
            shown.notice = Some(lang.t("verify.already").into_owned());
            shown.can_enter_code = false;
            StatusCode::OK
        }
        CodeOutcome::Wrong { tries_left } => {
            shown.error = Some(lang.tf("verify.wrong_code", &[("left", &tries_left.to_string())]));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        CodeOutcome::Locked => {
            shown.notice = Some(lang.t("verify.locked").into_owned());
            shown.can_enter_code = false;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    render(status, &shown)
}

enum ResendOutcome {
    Sent,
    Wait(i64),
    NoMore,
    NotNeeded,
}

/// `POST /requests/{reference}/verify/new-code`: sends a new code to the
/// address on file (never to one typed here), rate limited per request.
pub async fn new_code(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf_token))?;
    let reference: Reference = path.parse().map_err(|_| AppError::NotFound)?;
    let st = state.clone();
    let outcome = web::block(move || {
        st.store.write(|conn| {
            let row = match requests::get_by_reference(conn, &reference) {
                Ok(row) => row,
                Err(StoreError::NotFound) => return Ok(ResendOutcome::Sent),
                Err(e) => return Err(e),
            };
            if row.status()? != RequestStatus::Unverified {
                return Ok(ResendOutcome::NotNeeded);
            }
            let now = store::now();
            let since = row.verification_sent_at.map(|t| (now - t).num_seconds());
            let locked = row.verification_attempts >= codes::MAX_ATTEMPTS;
            match codes::may_resend(row.verification_codes_sent, since, locked) {
                Err(Some(wait)) => return Ok(ResendOutcome::Wait(wait)),
                Err(None) => return Ok(ResendOutcome::NoMore),
                Ok(()) => {}
            }
            let code = codes::generate();
            verification::set_code(conn, &row.id, &codes::hash(&st.keys.codes, &row.id, &code), now)?;
            let link = format!(
                "{}/v/{}",
                st.config.base_url,
                tokens::issue(&st.keys, tokens::Purpose::Verify, &row.id)
            );
            let email = notices::new_code(Recipient::requester_of(&row), &link, &code);
            outbox::enqueue(conn, &[email], now)?;
            Ok(ResendOutcome::Sent)
        })
    })
    .await??;
    let mut shown = page(lang, &csrf, &reference);
    shown.notice = Some(match outcome {
        ResendOutcome::Sent => lang.t("verify.new_code_sent").into_owned(),
        ResendOutcome::Wait(seconds) => lang.tf("verify.new_code_wait", &[("seconds", &seconds.to_string())]),
        ResendOutcome::NoMore => lang.t("verify.new_code_no_more").into_owned(),
        ResendOutcome::NotNeeded => {
            shown.can_enter_code = false;
            lang.t("verify.already").into_owned()
        }
    });
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

/// `GET /v/{token}`: asks the person to confirm with a button.
pub async fn link_page(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (valid, message, status) = match tokens::verify(&state.keys, tokens::Purpose::Verify, &token) {
        Ok(_) => (
            true,
            lang.t("verify.link_confirm_body").into_owned(),
            StatusCode::OK,
        ),
        Err(tokens::TokenError::Expired) => (
            false,
            lang.t("verify.link_expired").into_owned(),
            StatusCode::GONE,
        ),
        Err(tokens::TokenError::Invalid) => (
            false,
            lang.t("verify.link_invalid").into_owned(),
            StatusCode::NOT_FOUND,
        ),
    };
    let page = LinkPage {
        lang,
        path: format!("/v/{token}"),
        csrf_token: csrf.token(),
        valid,
        message,
    };
    render(status, &page)
}

/// `POST /v/{token}`: verifies the request the link is bound to.
pub async fn confirm_link(
    lang: Lang,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    csrf.check(Some(&form.csrf_token))?;
    let token = path.into_inner();
    let request_id = match tokens::verify(&state.keys, tokens::Purpose::Verify, &token) {
        Ok(id) => id,
        Err(_) => return link_page(lang, csrf, state, web::Path::from(token)).await,
    };
    let st = state.clone();
    let status_token = web::block(move || {
        st.store.write(|conn| {
            let row = requests::get(conn, &request_id)?;
            if row.status()? != RequestStatus::Unverified {
                return Ok(None);
            }
            complete(&st, conn, &row).map(Some)
        })
    })
    .await??;
    match status_token {
        Some(token) => Ok(see_other(&format!("/r/{token}"))),
        None => {
            let page = LinkPage {
                lang,
                path: format!("/v/{token}"),
                csrf_token: csrf.token(),
                valid: false,
                message: lang.t("verify.already").into_owned(),
            };
            render(StatusCode::OK, &page)
        }
    }
}
