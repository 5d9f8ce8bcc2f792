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

/// Every route may answer 429 past the token's limit: added to each
/// operation here, so a new route cannot leave it out.
struct RateLimited;

impl Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let retry_after = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
            .description(Some("Seconds to wait before the next call with this token."))
            .build();
        let response = ResponseBuilder::new()
            .description("This token made more calls a second than RIGHTSDESK_API_RATE_LIMIT allows")
            .header("Retry-After", retry_after)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemDocument")))
                    .build(),
            )
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
                operation
                    .responses
                    .responses
                    .insert("429".to_owned(), RefOr::T(response.clone()));
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
    modifiers(&BearerScheme, &RateLimited),
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
