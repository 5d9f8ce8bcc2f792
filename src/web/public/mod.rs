//! What a person outside the company sees: the request form, verification,
//! tracking, and the status page.

pub mod form;
pub mod status;
pub mod track;
pub mod verify;

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{Governor, GovernorConfig, GovernorConfigBuilder, PeerIpKeyExtractor};
use actix_web::http::Method;
use actix_web::web;

/// The per-IP limit on posts to the public endpoints (the form, tracking,
/// code entry). Built once so every worker shares it.
pub type PostLimit = GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>;

/// `per_minute` posts per minute per IP, with a burst of the same size.
pub fn post_limit(per_minute: u32) -> PostLimit {
    let per_minute = per_minute.max(1);
    GovernorConfigBuilder::default()
        .period(
            std::time::Duration::from_millis(60_000 / u64::from(per_minute))
                .max(std::time::Duration::from_millis(1)),
        )
        .burst_size(per_minute)
        .methods(vec![Method::POST])
        .finish()
        .unwrap_or_else(|| unreachable!("period and burst are positive"))
}

pub fn routes(cfg: &mut web::ServiceConfig, limit: &PostLimit) {
    cfg.service(web::resource("/requests/new").route(web::get().to(form::new_request)))
        .service(
            web::resource("/requests")
                .wrap(Governor::new(limit))
                .route(web::post().to(form::submit)),
        )
        .route("/requests/{reference}/submitted", web::get().to(form::submitted))
        .service(
            web::resource("/requests/{reference}/verify")
                .wrap(Governor::new(limit))
                .route(web::get().to(verify::code_form))
                .route(web::post().to(verify::enter_code)),
        )
        .service(
            web::resource("/requests/{reference}/verify/new-code")
                .wrap(Governor::new(limit))
                .route(web::post().to(verify::new_code)),
        )
        .service(
            web::resource("/v/{token}")
                .wrap(Governor::new(limit))
                .route(web::get().to(verify::link_page))
                .route(web::post().to(verify::confirm_link)),
        )
        .service(
            web::resource("/track")
                .wrap(Governor::new(limit))
                .route(web::get().to(track::track_form))
                .route(web::post().to(track::request_link)),
        )
        .route("/r/{token}", web::get().to(status::status_page))
        .route("/r/{token}/information", web::post().to(status::add_information))
        .route("/r/{token}/withdraw", web::get().to(status::withdraw_confirm))
        .route("/r/{token}/withdraw", web::post().to(status::withdraw))
        .route("/r/{token}/objection", web::post().to(status::object))
        .route("/r/{token}/documents/{document}", web::get().to(status::download));
}
