//! What a person outside the company sees: the request form, verification,
//! tracking, and the status page.

pub mod form;
pub mod status;
pub mod track;
pub mod verify;

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{Governor, GovernorConfig, GovernorConfigBuilder};
use actix_web::http::Method;
use actix_web::web;

use crate::client::ClientIp;

/// The per-client limit on posts to the public endpoints (the form,
/// tracking, code entry). Built once so every worker shares it.
pub type PostLimit = GovernorConfig<ClientIp, NoOpMiddleware>;

/// `per_minute` posts per minute per client, with a burst of the same size.
pub fn post_limit(per_minute: u32, trusted_proxies: u8) -> PostLimit {
    let per_minute = per_minute.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(ClientIp { trusted_proxies })
        .period(
            std::time::Duration::from_millis(60_000 / u64::from(per_minute))
                .max(std::time::Duration::from_millis(1)),
        )
        .burst_size(per_minute)
        .methods(vec![Method::POST])
        .finish()
        .unwrap_or_else(|| unreachable!("period and burst are positive"))
}

/// Every public page; every post to one counts against the client's limit.
pub fn routes(cfg: &mut web::ServiceConfig, limit: &PostLimit) {
    let limited = |path: &str| web::resource(path).wrap(Governor::new(limit));
    cfg.service(limited("/requests/new").route(web::get().to(form::new_request)))
        .service(limited("/requests").route(web::post().to(form::submit)))
        .service(limited("/requests/{reference}/submitted").route(web::get().to(form::submitted)))
        .service(
            limited("/requests/{reference}/verify")
                .route(web::get().to(verify::code_form))
                .route(web::post().to(verify::enter_code)),
        )
        .service(limited("/requests/{reference}/verify/new-code").route(web::post().to(verify::new_code)))
        .service(
            limited("/v/{token}")
                .route(web::get().to(verify::link_form))
                .route(web::post().to(verify::confirm_link)),
        )
        .service(
            limited("/track")
                .route(web::get().to(track::track_form))
                .route(web::post().to(track::request_link)),
        )
        .service(limited("/r/{token}").route(web::get().to(status::status_page)))
        .service(limited("/r/{token}/information").route(web::post().to(status::add_information)))
        .service(
            limited("/r/{token}/withdraw")
                .route(web::get().to(status::withdraw_confirm))
                .route(web::post().to(status::withdraw)),
        )
        .service(limited("/r/{token}/objection").route(web::post().to(status::object)))
        .service(limited("/r/{token}/documents/{document}").route(web::get().to(status::download)));
}
