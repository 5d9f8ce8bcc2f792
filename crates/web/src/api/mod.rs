//! The JSON API for other systems, under `/api`: bearer service tokens,
//! problem documents for every refusal, and an OpenAPI 3.1 description
//! generated from the handlers themselves.

pub mod auth;
pub mod batch;
pub mod gate;
pub mod holds;
pub mod problem;
pub mod requests;

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use gate::TokenLimit;
use problem::ApiError;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A service token from `rightsdesk token issue` or the admin pages; scopes: holds:read, requests:read, requests:write.",
                    ))
                    .build(),
            ),
        );
    }
}

/// What the door in front of every route may answer (see [`gate`]): 401
/// without a valid token, 403 when the token lacks the scope the route's
/// `security` names, 429 past the token's limit. Added to each operation
/// here, so a new route cannot leave one out.
struct TheDoor;

impl TheDoor {
    /// The scopes an operation's `security` asks for, as written there.
    fn scopes(operation: &utoipa::openapi::path::Operation) -> Vec<String> {
        let Some(requirements) = &operation.security else {
            return Vec::new();
        };
        requirements
            .iter()
            .filter_map(|r| serde_json::to_value(r).ok())
            .filter_map(|v| v.as_object().cloned())
            .flat_map(|schemes| schemes.into_values())
            .filter_map(|scopes| scopes.as_array().cloned())
            .flatten()
            .filter_map(|scope| scope.as_str().map(str::to_owned))
            .collect()
    }
}

impl Modify for TheDoor {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |description: String| {
            ResponseBuilder::new().description(description).content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemDocument")))
                    .build(),
            )
        };
        let retry_after = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
            .description(Some("Seconds to wait before the next call with this token."))
            .build();
        let unauthenticated = problem("No valid service token".to_owned()).build();
        let limited =
            problem("This token made more calls a second than RIGHTSDESK_API_RATE_LIMIT allows".to_owned())
                .header("Retry-After", retry_after)
                .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let scopes = Self::scopes(operation).join(", ");
                let responses = &mut operation.responses.responses;
                responses.insert("401".to_owned(), RefOr::T(unauthenticated.clone()));
                if !scopes.is_empty() {
                    let forbidden = problem(format!("The token lacks the scope {scopes}")).build();
                    responses.insert("403".to_owned(), RefOr::T(forbidden));
                }
                responses.insert("429".to_owned(), RefOr::T(limited.clone()));
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rightsdesk API",
        description = "Ask whether a person's data is frozen, and log and follow data subject rights requests."
    ),
    paths(holds::get_holds, holds::check, requests::list, requests::get_one, requests::create),
    components(schemas(problem::ProblemDocument, problem::FieldProblem)),
    modifiers(&BearerScheme, &TheDoor),
    tags(
        (name = "holds", description = "May this person's data be used right now?"),
        (name = "requests", description = "Requests, and requests received on other channels")
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// A JSON body that cannot be read: a 400 problem saying why.
fn json_error(error: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let detail = match &error {
        JsonPayloadError::ContentType => "Send the body as application/json.".to_owned(),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            "The body is too large.".to_owned()
        }
        JsonPayloadError::Deserialize(e) => format!("The body is not JSON of the expected shape: {e}."),
        other => format!("The body could not be read: {other}."),
    };
    let response = ApiError::bad_request(detail)
        .response()
        .unwrap_or_else(|_| HttpResponse::BadRequest().finish());
    actix_web::error::InternalError::from_response(error, response).into()
}

/// A query string that cannot be read: a 400 problem.
fn query_error(error: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let response = ApiError::bad_request(format!("The query string could not be read: {error}."))
        .response()
        .unwrap_or_else(|_| HttpResponse::BadRequest().finish());
    actix_web::error::InternalError::from_response(error, response).into()
}

/// The largest JSON body: a batch of 1,000 identifiers fits many times.
const JSON_LIMIT: usize = 512 * 1024;

/// The API's routes; every call to one passes the door first ([`gate`]:
/// authenticated, then counted against its token's limit). A path that is
/// no route is 404 for anyone.
pub fn routes(cfg: &mut web::ServiceConfig, limit: &TokenLimit) {
    let gated = |path: &str| web::resource(path).wrap(actix_governor::Governor::new(limit));
    cfg.route("/api/openapi.json", web::get().to(openapi)).service(
        web::scope("/api/v1")
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .service(gated("/holds").route(web::get().to(holds::get_holds)))
            .service(gated("/holds/check").route(web::post().to(holds::check)))
            .service(
                gated("/requests")
                    .route(web::get().to(requests::list))
                    .route(web::post().to(requests::create)),
            )
            .service(gated("/requests/{reference}").route(web::get().to(requests::get_one))),
    );
}
