//! The request form (`GET /requests/new`, `POST /requests`) and the receipt.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::lang::{Asked, Lang};
use crate::multipart;
use crate::page::{Page, render, see_other};
use app::catalog::{DataCategory, DataSystem};
use app::{Refusal, WorkflowError, catalog, submit};
use domain::reference::Reference;
use domain::request::{Channel, OnBehalf, RequestKind};
use domain::submission::{self, FieldError, RawSubmission, Upload};

/// A radio or checkbox choice.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

/// The data categories of one system, as checkboxes.
pub struct SystemChoices {
    pub name: String,
    pub categories: Vec<Choice>,
}

/// An error as shown: the field's id, its label (for the summary at the
/// top) and the translated message.
pub struct ShownError {
    pub field: &'static str,
    pub label: String,
    pub message: String,
}

/// The message key of a field's label.
pub fn label_key(field: &str) -> String {
    match field {
        "kind" => "form.kind_legend".to_owned(),
        "on_behalf" => "form.on_behalf_legend".to_owned(),
        "categories" => "form.categories_legend".to_owned(),
        "website" => "form.honeypot".to_owned(),
        "channel" => "staff.intake.channel".to_owned(),
        "received_at" => "staff.intake.received_at".to_owned(),
        other => format!("form.{other}"),
    }
}

/// The fields staff add when they log a request received elsewhere.
pub struct IntakeFields {
    pub channels: Vec<Choice>,
    /// `datetime-local` value, in the desk's time zone.
    pub received_at: String,
    pub identity_checked: bool,
    pub langs: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "public/request_form.html")]
pub struct RequestFormPage {
    pub lang: Lang,
    pub path: String,
    /// Where the form posts.
    pub action: String,
    /// Staff intake: the extra fields (none on the public form).
    pub intake: Option<IntakeFields>,
    pub csrf_token: String,
    pub form: RawSubmission,
    pub errors: Vec<ShownError>,
    pub kinds: Vec<Choice>,
    pub on_behalf: Vec<Choice>,
    pub systems: Vec<SystemChoices>,
    /// A file had been chosen before the errors: it must be chosen again.
    pub file_was_chosen: bool,
}

impl RequestFormPage {
    /// The message for `field`, if it has an error.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `aria-describedby` for a field: its hint and its error, if any.
    pub fn described_by(&self, field: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{field}-hint"));
        }
        if self.error(field).is_some() {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }

    pub fn build(
        lang: Lang,
        csrf_token: String,
        form: RawSubmission,
        errors: &[FieldError],
        systems: &[DataSystem],
        categories: &[DataCategory],
        file_was_chosen: bool,
    ) -> Self {
        let kinds = RequestKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: lang.t(&format!("kind.{k}.title")).into_owned(),
                hint: lang.t(&format!("kind.{k}.summary")).into_owned(),
                checked: form.kind == k.as_str(),
            })
            .collect();
        let chosen_on_behalf = if form.on_behalf.is_empty() {
            OnBehalf::SelfRequest.as_str()
        } else {
            form.on_behalf.as_str()
        };
        let on_behalf = OnBehalf::ALL
            .iter()
            .map(|o| Choice {
                value: o.as_str().to_owned(),
                label: lang.t(&format!("form.on_behalf.{o}")).into_owned(),
                hint: lang.t(&format!("form.on_behalf.{o}_hint")).into_owned(),
                checked: chosen_on_behalf == o.as_str(),
            })
            .collect();
        let systems = systems
            .iter()
            .map(|s| SystemChoices {
                name: s.name.clone(),
                categories: categories
                    .iter()
                    .filter(|c| c.system_id == s.id)
                    .map(|c| Choice {
                        value: c.code.clone(),
                        label: match lang {
                            Lang::Ko => c.name_ko.clone(),
                            Lang::En => c.name_en.clone(),
                        },
                        hint: String::new(),
                        checked: form.categories.contains(&c.code),
                    })
                    .collect(),
            })
            .filter(|s| !s.categories.is_empty())
            .collect();
        let errors = errors
            .iter()
            .map(|e| ShownError {
                field: e.field,
                label: lang.t(&label_key(e.field)).into_owned(),
                message: lang.t(e.message).into_owned(),
            })
            .collect();
        Self {
            lang,
            path: "/requests/new".to_owned(),
            action: "/requests".to_owned(),
            intake: None,
            csrf_token,
            form,
            errors,
            kinds,
            on_behalf,
            systems,
            file_was_chosen,
        }
    }
}

pub async fn load_catalog(state: &AppState) -> Result<(Vec<DataSystem>, Vec<DataCategory>), AppError> {
    state.run(catalog::public_catalog).await
}

#[cfg(test)]
mod tests {
    use super::label_key;
    use domain::lang::Lang;

    #[test]
    fn every_field_that_can_have_an_error_has_a_label() {
        let fields = [
            "kind",
            "on_behalf",
            "requester_name",
            "requester_email",
            "requester_phone",
            "subject_name",
            "subject_email",
            "authority_document",
            "correction",
            "categories",
            "details",
            "website",
        ];
        for field in fields {
            for lang in [Lang::Ko, Lang::En] {
                let key = label_key(field);
                assert_ne!(
                    lang.t(&key),
                    key.as_str(),
                    "{field} has no label in {}",
                    lang.code()
                );
            }
        }
    }
}

#[derive(Deserialize)]
pub struct NewRequestQuery {
    kind: Option<String>,
}

/// `GET /requests/new[?kind=K]`: the empty form.
pub async fn new_request(
    Page { lang, csrf, state }: Page,
    query: web::Query<NewRequestQuery>,
) -> Result<HttpResponse, AppError> {
    let (systems, categories) = load_catalog(&state).await?;
    let form = RawSubmission {
        kind: query
            .kind
            .as_deref()
            .filter(|k| k.parse::<RequestKind>().is_ok())
            .unwrap_or_default()
            .to_owned(),
        ..RawSubmission::default()
    };
    let page = RequestFormPage::build(lang, csrf.token()?, form, &[], &systems, &categories, false);
    render(StatusCode::OK, &page)
}

/// `POST /requests`: validates, then stores the request, its document, its
/// hold, its audit event and the verification email in one transaction.
pub async fn submit(
    Page { lang, csrf, state }: Page,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let data = multipart::read(&req, payload, "authority_document", &csrf, &state.uploads).await?;
    let raw = data.submission();
    // The catalogue is read only when it is needed: to check the categories
    // chosen, or to show the form again. Most submissions choose none, and
    // are stored without it.
    let catalog = if raw.categories.is_empty() {
        None
    } else {
        Some(load_catalog(&state).await?)
    };
    let known: Vec<String> = catalog
        .iter()
        .flat_map(|(_, categories)| categories.iter().map(|c| c.code.clone()))
        .collect();
    let file_was_chosen = !matches!(data.file, Upload::None);
    let region = state.config().jurisdiction.phone_region();
    let again = FormAgain {
        lang,
        csrf: &csrf,
        state: &state,
        catalog,
        file_was_chosen,
    };
    let submission = match submission::validate(&raw, data.file, &known, region) {
        Ok(submission) => submission,
        Err(errors) => return again.show(raw, &errors).await,
    };
    let input = submit::NewSubmission {
        submission,
        channel: Channel::Web,
        lang,
    };
    match state.try_run(move |desk| submit::submit(desk, input)).await? {
        Ok(submitted) => Ok(see_other(&format!("/requests/{}/submitted", submitted.reference))),
        // Refusals about what was entered are shown beside the field, with
        // every value kept.
        Err(WorkflowError::Refused(refusal)) if field_of(&refusal).is_some() => {
            let field = field_of(&refusal).unwrap_or("requester_email");
            let error = FieldError {
                field,
                message: refusal.message_key(),
            };
            again.show(raw, &[error]).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The form shown again (422) with what was typed and why it was refused.
struct FormAgain<'a> {
    lang: Lang,
    csrf: &'a crate::csrf::Csrf,
    state: &'a AppState,
    catalog: Option<(Vec<DataSystem>, Vec<DataCategory>)>,
    file_was_chosen: bool,
}

impl FormAgain<'_> {
    async fn show(self, raw: RawSubmission, errors: &[FieldError]) -> Result<HttpResponse, AppError> {
        let (systems, categories) = match self.catalog {
            Some(catalog) => catalog,
            None => load_catalog(self.state).await?,
        };
        let page = RequestFormPage::build(
            self.lang,
            self.csrf.token()?,
            raw,
            errors,
            &systems,
            &categories,
            self.file_was_chosen,
        );
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    }
}

/// The form field a refusal of the submit workflow is about, if any.
fn field_of(refusal: &Refusal) -> Option<&'static str> {
    match refusal {
        Refusal::UnknownCategory => Some("categories"),
        Refusal::TooManyUnconfirmed | Refusal::TooManyEmails => Some("requester_email"),
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/submitted.html")]
pub struct SubmittedPage {
    pub lang: Lang,
    pub path: String,
    pub reference: String,
}

/// `GET /requests/{reference}/submitted`: the receipt. It shows nothing
/// that is not in its address, so it is the same for anyone.
pub async fn submitted(Asked(lang): Asked, path: web::Path<String>) -> Result<SubmittedPage, AppError> {
    let reference: Reference = path.parse().map_err(|_| AppError::NotFound)?;
    Ok(SubmittedPage {
        lang,
        path: format!("/requests/{reference}/submitted"),
        reference: reference.to_string(),
    })
}
