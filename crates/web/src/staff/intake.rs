//! `/staff/requests/new`: staff log a request received by phone, email, fax
//! or letter — the public form's fields and checks, plus the channel, when
//! it was received, the language of its notices, and whether staff checked
//! identity on that channel.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono_tz::Tz;

use super::session::Staff;
use crate::error::AppError;
use crate::multipart;
use crate::page::{Page, render, see_other};
use crate::public::form::{Choice, IntakeFields, RequestFormPage, load_catalog};
use app::case::require;
use app::intake::{self, Intake};
use app::{Refusal, WorkflowError};
use domain::intake::parse_local;
use domain::lang::Lang;
use domain::request::Channel;
use domain::submission::{self, FieldError, RawSubmission, Upload};

/// What staff entered besides the public form's fields.
struct Typed {
    channel: String,
    received_at: String,
    identity_checked: bool,
    notice_lang: String,
}

fn fields(lang: Lang, typed: &Typed) -> IntakeFields {
    IntakeFields {
        channels: Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Web)
            .map(|c| Choice {
                value: c.to_string(),
                label: lang.t(&format!("channel.{c}")).into_owned(),
                hint: String::new(),
                checked: typed.channel == c.as_str(),
            })
            .collect(),
        received_at: typed.received_at.clone(),
        identity_checked: typed.identity_checked,
        langs: Lang::ALL
            .iter()
            .map(|l| Choice {
                value: l.code().to_owned(),
                label: l.t("nav.this_language").into_owned(),
                hint: String::new(),
                checked: typed.notice_lang == l.code(),
            })
            .collect(),
    }
}

async fn show(
    page: &Page,
    raw: RawSubmission,
    typed: &Typed,
    errors: &[FieldError],
    file_was_chosen: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (systems, categories) = load_catalog(&page.state).await?;
    let mut form = RequestFormPage::build(
        page.lang,
        page.csrf.token()?,
        raw,
        errors,
        &systems,
        &categories,
        file_was_chosen,
    );
    form.path = "/staff/requests/new".to_owned();
    form.action = "/staff/requests/new".to_owned();
    form.intake = Some(fields(page.lang, typed));
    render(status, &form)
}

fn now_local(tz: Tz, page: &Page) -> String {
    page.state
        .desk
        .clock
        .now()
        .and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// `GET /staff/requests/new`
pub async fn form(page: Page, Staff(signed): Staff) -> Result<HttpResponse, AppError> {
    require(signed.member.may_log_offline())?;
    let typed = Typed {
        channel: Channel::Phone.to_string(),
        received_at: now_local(page.state.config().timezone, &page),
        identity_checked: false,
        notice_lang: page.lang.code().to_owned(),
    };
    show(
        &page,
        RawSubmission::default(),
        &typed,
        &[],
        false,
        StatusCode::OK,
    )
    .await
}

/// `POST /staff/requests/new`
pub async fn submit(
    page: Page,
    Staff(signed): Staff,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    require(signed.member.may_log_offline())?;
    let data = multipart::read(
        &req,
        payload,
        "authority_document",
        &page.csrf,
        &page.state.uploads,
    )
    .await?;
    let raw = data.submission();
    let typed = Typed {
        channel: data.text("channel"),
        received_at: data.text("received_at"),
        identity_checked: !data.text("identity_checked").is_empty(),
        notice_lang: data.text("notice_lang"),
    };
    let config = page.state.config();
    let (_, categories) = load_catalog(&page.state).await?;
    let known: Vec<String> = categories.iter().map(|c| c.code.clone()).collect();
    let file_was_chosen = !matches!(data.file, Upload::None);
    let mut errors = Vec::new();
    let channel = match typed.channel.parse::<Channel>() {
        Ok(channel) if channel != Channel::Web => Some(channel),
        _ => {
            errors.push(FieldError {
                field: "channel",
                message: "form.errors.choose_channel",
            });
            None
        }
    };
    let now = page.state.desk.clock.now();
    let received_at = parse_local(&typed.received_at, config.timezone, now)
        .map_err(|message| {
            errors.push(FieldError {
                field: "received_at",
                message,
            })
        })
        .ok();
    let submission = submission::validate(&raw, data.file, &known, config.jurisdiction.phone_region());
    let submission = match (submission, channel, received_at) {
        (Ok(s), Some(channel), Some(received_at)) if errors.is_empty() => (s, channel, received_at),
        (result, _, _) => {
            errors.extend(result.err().unwrap_or_default());
            return show(
                &page,
                raw,
                &typed,
                &errors,
                file_was_chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (submission, channel, received_at) = submission;
    let input = Intake {
        submission,
        channel,
        received_at,
        identity_checked: typed.identity_checked,
        subject_id: None,
        lang: Lang::from_code(&typed.notice_lang).unwrap_or(page.lang),
    };
    let actor = signed.actor();
    match page
        .state
        .try_run(move |desk| intake::log_request(desk, &actor, input))
        .await?
    {
        Ok(done) => Ok(see_other(&format!("/staff/requests/{}", done.reference))),
        Err(WorkflowError::Refused(refusal @ (Refusal::UnknownCategory | Refusal::ReceiptTime(_)))) => {
            let field = if refusal == Refusal::UnknownCategory {
                "categories"
            } else {
                "received_at"
            };
            let error = FieldError {
                field,
                message: refusal.message_key(),
            };
            show(
                &page,
                raw,
                &typed,
                &[error],
                file_was_chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
