//! `/staff/admin/integrations`: how other systems reach the desk and are
//! reached by it — service tokens (issued, shown once, revoked) and each
//! data system's webhook (URL, signing secret shown once, how its
//! deliveries stand). Admins only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::csrf::{CsrfForm, Posted};
use crate::error::{AppError, UserMessage};
use crate::page::{Page, render, see_other};
use app::WorkflowError;
use app::service_tokens::TokenRow;
use app::service_tokens::{self, Issuer, NewToken};
use app::signin::SignedIn;
use app::webhooks::{self, HookChange, HookLine};
use domain::lang::Lang;
use domain::service::ServiceScope;
use domain::webhook::DeliveryFailure;

/// Something made just now and shown only this once.
pub struct ShownOnce {
    /// What it is (a message key).
    pub what: &'static str,
    pub text: String,
}

/// What the admin typed into the token form, kept on a refusal.
#[derive(Default)]
pub struct TokenTyped {
    pub system: String,
    pub scopes: Vec<String>,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "staff/admin_integrations.html")]
pub struct IntegrationsPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub tokens: Vec<TokenRow>,
    pub hooks: Vec<HookLine>,
    pub scopes: &'static [ServiceScope],
    pub now: chrono::NaiveDateTime,
    pub shown: Option<ShownOnce>,
    pub problem: Option<String>,
    pub typed: TokenTyped,
}

impl IntegrationsPage {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    fn typed_scope(&self, scope: &ServiceScope) -> bool {
        self.typed.scopes.iter().any(|s| s == scope.as_str())
    }

    /// Why a delivery failed, as the page may say it (never how: see
    /// [`DeliveryFailure`]).
    fn failure(&self, stored: &str) -> String {
        let failure = DeliveryFailure::of_stored(stored);
        self.lang
            .t(&format!("staff.integrations.failure.{failure}"))
            .into_owned()
    }

    fn token_state(&self, t: &TokenRow) -> &'static str {
        if t.revoked_at.is_some() {
            "staff.integrations.revoked"
        } else if t.expires_at.is_some_and(|at| at <= self.now) {
            "staff.integrations.expired"
        } else {
            "staff.integrations.active"
        }
    }
}

async fn page_with(
    page: &Page,
    signed: SignedIn,
    shown: Option<ShownOnce>,
    problem: Option<String>,
    typed: TokenTyped,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(page, &signed)?;
    let (tokens, hooks, now) = page
        .state
        .run(move |desk| {
            let tokens = service_tokens::list(desk, Issuer::Staff(&signed))?;
            let hooks = webhooks::list(desk, &signed)?;
            Ok((tokens, hooks, desk.clock.now()))
        })
        .await?;
    render(
        status,
        &IntegrationsPage {
            lang: page.lang,
            chrome,
            tokens,
            hooks,
            scopes: ServiceScope::ALL,
            now,
            shown,
            problem,
            typed,
        },
    )
}

/// A refusal shown on the page again (422) with what was typed, or the error.
async fn refused(
    page: &Page,
    signed: SignedIn,
    error: WorkflowError,
    typed: TokenTyped,
) -> Result<HttpResponse, AppError> {
    match error {
        WorkflowError::Refused(r) => {
            let problem = UserMessage::new(r.message_key()).render(page.lang);
            page_with(
                page,
                signed,
                None,
                Some(problem),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        other => Err(other.into()),
    }
}

/// `GET /staff/admin/integrations`
pub async fn view(page: Page, Staff(signed): Staff) -> Result<HttpResponse, AppError> {
    page_with(&page, signed, None, None, TokenTyped::default(), StatusCode::OK).await
}

/// `POST /staff/admin/tokens`: the token is shown once, on the answer.
/// The form repeats `scope`, so it is read from the raw body.
pub async fn issue(page: Page, Staff(signed): Staff, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let token = field("csrf_token");
    page.csrf.check(Some(token.as_str()))?;
    let typed = TokenTyped {
        system: field("system"),
        scopes: fields
            .iter()
            .filter(|(k, _)| k == "scope")
            .map(|(_, v)| v.clone())
            .collect(),
        expires: field("expires_days"),
    };
    let expires_days = match typed.expires.trim() {
        "" => None,
        // Out of range is refused by the workflow, with its message.
        raw => Some(raw.parse::<i64>().unwrap_or(-1)),
    };
    let new = NewToken {
        system: typed.system.clone(),
        scopes: typed.scopes.join(","),
        expires_days,
    };
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| service_tokens::issue(desk, Issuer::Staff(&who), &new))
        .await?
    {
        Ok(issued) => {
            let shown = ShownOnce {
                what: "staff.integrations.token_once",
                text: issued.token,
            };
            page_with(
                &page,
                signed,
                Some(shown),
                None,
                TokenTyped::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => refused(&page, signed, e, typed).await,
    }
}

/// `POST /staff/admin/tokens/{id}/revoke`
pub async fn revoke(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    page.state
        .run(move |desk| service_tokens::revoke(desk, Issuer::Staff(&signed), &id))
        .await?;
    Ok(see_other("/staff/admin/integrations"))
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    new_secret: Option<String>,
}

async fn change_hook(
    page: Page,
    signed: SignedIn,
    code: String,
    change: HookChange,
) -> Result<HttpResponse, AppError> {
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| webhooks::change(desk, &who, &code, change))
        .await?
    {
        Ok(Some(secret)) => {
            let shown = ShownOnce {
                what: "staff.integrations.secret_once",
                text: secret,
            };
            page_with(
                &page,
                signed,
                Some(shown),
                None,
                TokenTyped::default(),
                StatusCode::OK,
            )
            .await
        }
        Ok(None) => Ok(see_other("/staff/admin/integrations")),
        Err(e) => refused(&page, signed, e, TokenTyped::default()).await,
    }
}

/// `POST /staff/admin/systems/{code}/webhook`: a new secret is shown once.
pub async fn set_webhook(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(form): Posted<WebhookForm>,
) -> Result<HttpResponse, AppError> {
    let change = HookChange::Set {
        url: form.url,
        new_secret: form.new_secret.is_some(),
    };
    change_hook(page, signed, path.into_inner(), change).await
}

/// `POST /staff/admin/systems/{code}/webhook/delete`
pub async fn remove_webhook(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    change_hook(page, signed, path.into_inner(), HookChange::Remove).await
}
