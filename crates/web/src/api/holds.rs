//! `GET /api/v1/holds` and `POST /api/v1/holds/check`: may this person's
//! data be used right now?

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{HoldsRead, Scoped};
use super::problem::{ApiError, FieldProblem, ProblemDocument, answer};
use crate::AppState;
use crate::error::AppError;
use app::api_queries::ActiveHold;
use app::api_queries::{self, HoldQuestion, MAX_BATCH};
use app::{Refusal, WorkflowError};
use domain::hold::HoldScope;
use domain::identifier::Identifier;
use domain::timestamp::rfc3339;

/// What a hold covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScopeJson {
    /// Every kind of the subject's data.
    pub all: bool,
    /// Data category codes (when not all).
    pub categories: Vec<String>,
    /// Data system codes (when not all).
    pub systems: Vec<String>,
}

impl From<&HoldScope> for ScopeJson {
    fn from(scope: &HoldScope) -> Self {
        match scope {
            HoldScope::All => ScopeJson {
                all: true,
                categories: Vec::new(),
                systems: Vec::new(),
            },
            HoldScope::Only { categories, systems } => ScopeJson {
                all: false,
                categories: categories.clone(),
                systems: systems.clone(),
            },
        }
    }
}

/// One active hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldJson {
    pub id: String,
    pub scope: ScopeJson,
    /// correction_pending, deletion_pending, processing_suspended, objection, legal_hold or retained_by_law (a deletion kept the data apart because a law requires keeping it: use it for that purpose only, until `until`).
    #[schema(example = "correction_pending")]
    pub reason: String,
    /// When the hold was placed (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub since: String,
    /// The reference of the request behind it.
    #[schema(example = "2026-000123")]
    pub request: String,
    /// For data retained by law: the last day it is kept (YYYY-MM-DD); then it is destroyed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub until: Option<String>,
}

impl From<&ActiveHold> for HoldJson {
    fn from(hold: &ActiveHold) -> Self {
        HoldJson {
            id: hold.id.clone(),
            scope: (&hold.scope).into(),
            reason: hold.reason.to_string(),
            since: rfc3339(hold.placed_at),
            request: hold.reference.clone(),
            until: hold.until.map(|d| d.format("%Y-%m-%d").to_string()),
        }
    }
}

/// Whether the data asked about is frozen, and by which holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldsAnswer {
    /// True when an active hold covers what was asked: do not use or provide the data.
    pub frozen: bool,
    pub holds: Vec<HoldJson>,
}

impl HoldsAnswer {
    fn of(holds: &[ActiveHold]) -> Self {
        HoldsAnswer {
            frozen: !holds.is_empty(),
            holds: holds.iter().map(HoldJson::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoldsQuery {
    /// `email:ADDRESS`, `phone:NUMBER` (national or E.164) or `subject:ID`.
    #[param(example = "email:alice@example.com")]
    pub identifier: Option<String>,
    /// Ask about one data category (by code) only.
    pub category: Option<String>,
    /// Ask about one data system (by code) only.
    pub system: Option<String>,
}

fn parse_identifier(state: &AppState, raw: &str) -> Result<Identifier, String> {
    Identifier::parse(raw, state.config().jurisdiction.phone_region()).map_err(|e| e.to_string())
}

fn question(category: Option<String>, system: Option<String>) -> HoldQuestion {
    let code = |v: Option<String>| v.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    HoldQuestion {
        category: code(category),
        system: code(system),
    }
}

async fn ask(
    state: &AppState,
    identifiers: Vec<Identifier>,
    asked: HoldQuestion,
) -> Result<Vec<Vec<ActiveHold>>, ApiError> {
    let keys = api_queries::identifier_keys(&state.desk, &identifiers);
    if let Some(known) = api_queries::answer_from_memory(&state.desk, &keys, &asked) {
        return Ok(known);
    }
    let category = asked.category.clone();
    let system = asked.system.clone();
    let answer = match api_queries::holds_in_place(&state.desk, &keys, &asked) {
        Some(answer) => answer,
        None => state.holds.ask(keys, asked).await,
    };
    match answer {
        Ok(found) => Ok(found),
        Err(WorkflowError::Refused(Refusal::UnknownCategory)) => Err(ApiError::bad_request(format!(
            "No data category has the code {:?}{}.",
            category.unwrap_or_default(),
            system
                .map(|s| format!(" in the system {s:?}"))
                .unwrap_or_default()
        ))),
        Err(WorkflowError::Refused(Refusal::UnknownSystem)) => Err(ApiError::bad_request(format!(
            "No data system has the code {:?}.",
            system.unwrap_or_default()
        ))),
        Err(other) => Err(other.into()),
    }
}

/// Is this person's data frozen?
#[utoipa::path(
    get,
    path = "/api/v1/holds",
    tag = "holds",
    params(HoldsQuery),
    responses(
        (status = 200, description = "The active holds covering what was asked", body = HoldsAnswer),
        (status = 400, description = "No identifier, a malformed one, or an unknown category or system", body = ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["holds:read"]))
)]
pub async fn get_holds(
    _: Scoped<HoldsRead>,
    state: web::Data<AppState>,
    query: web::Query<HoldsQuery>,
) -> Result<HttpResponse, AppError> {
    answer(
        async {
            let HoldsQuery {
                identifier,
                category,
                system,
            } = query.into_inner();
            let raw = identifier.filter(|i| !i.trim().is_empty()).ok_or_else(|| {
                ApiError::bad_request(
                    "Give an identifier: ?identifier=email:ADDRESS, phone:NUMBER or subject:ID.",
                )
            })?;
            let identifier = parse_identifier(&state, &raw).map_err(|problem| ApiError::BadRequest {
                detail: format!("The identifier is not valid: {problem}."),
                errors: vec![FieldProblem {
                    field: "identifier".into(),
                    message: problem,
                }],
            })?;
            let found = ask(&state, vec![identifier], question(category, system)).await?;
            let holds = found.into_iter().next().unwrap_or_default();
            Ok(HttpResponse::Ok().json(HoldsAnswer::of(&holds)))
        }
        .await,
    )
}

/// Many identifiers at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckBody {
    /// 1 to 1000 identifiers, each `email:…`, `phone:…` or `subject:…`.
    #[schema(min_items = 1, max_items = 1000)]
    pub identifiers: Vec<String>,
    /// Ask about one data category (by code) only.
    #[serde(default)]
    pub category: Option<String>,
    /// Ask about one data system (by code) only.
    #[serde(default)]
    pub system: Option<String>,
}

/// The answer for one identifier of a batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckResult {
    /// The identifier as sent.
    pub identifier: String,
    pub frozen: bool,
    pub holds: Vec<HoldJson>,
}

/// One answer per identifier, in the order sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckAnswer {
    pub results: Vec<CheckResult>,
}

/// Is the data of each of these people frozen?
#[utoipa::path(
    post,
    path = "/api/v1/holds/check",
    tag = "holds",
    request_body = CheckBody,
    responses(
        (status = 200, description = "One answer per identifier, in the order sent", body = CheckAnswer),
        (status = 400, description = "Malformed body, no identifiers or more than 1000, malformed identifiers (each listed in errors), or an unknown category or system", body = ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["holds:read"]))
)]
pub async fn check(
    _: Scoped<HoldsRead>,
    state: web::Data<AppState>,
    body: web::Json<CheckBody>,
) -> Result<HttpResponse, AppError> {
    answer(
        async {
            let CheckBody {
                identifiers: raw,
                category,
                system,
            } = body.into_inner();
            if raw.is_empty() || raw.len() > MAX_BATCH {
                return Err(ApiError::bad_request(format!(
                    "Send 1 to {MAX_BATCH} identifiers; {} were sent.",
                    raw.len()
                )));
            }
            let mut identifiers = Vec::with_capacity(raw.len());
            let mut errors = Vec::new();
            for (i, text) in raw.iter().enumerate() {
                match parse_identifier(&state, text) {
                    Ok(identifier) => identifiers.push(identifier),
                    Err(message) => errors.push(FieldProblem {
                        field: format!("identifiers[{i}]"),
                        message,
                    }),
                }
            }
            if !errors.is_empty() {
                return Err(ApiError::BadRequest {
                    detail: format!(
                        "{} identifiers are not valid; each is listed in errors.",
                        errors.len()
                    ),
                    errors,
                });
            }
            let found = ask(&state, identifiers, question(category, system)).await?;
            let results = raw
                .into_iter()
                .zip(found)
                .map(|(identifier, holds)| {
                    let HoldsAnswer { frozen, holds } = HoldsAnswer::of(&holds);
                    CheckResult {
                        identifier,
                        frozen,
                        holds,
                    }
                })
                .collect();
            Ok(HttpResponse::Ok().json(CheckAnswer { results }))
        }
        .await,
    )
}
