//! What a person outside the company sees: the request form, verification,
//! tracking, and the status page.

pub mod form;
pub mod status;
pub mod track;
pub mod verify;

use std::net::IpAddr;

use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    Governor, GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::web;

/// Who a post counts against: the client's IP address — the peer's, or,
/// behind a trusted reverse proxy, the one it reports in `Forwarded` /
/// `X-Forwarded-For`. IPv6 addresses count per /56, as one household.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp {
    pub trust_forwarded: bool,
}

impl ClientIp {
    fn address(&self, req: &ServiceRequest) -> Option<IpAddr> {
        let forwarded = if self.trust_forwarded {
            let info = req.connection_info();
            info.realip_remote_addr().and_then(|a| {
                a.parse::<IpAddr>()
                    .ok()
                    .or_else(|| a.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
            })
        } else {
            None
        };
        forwarded.or_else(|| req.peer_addr().map(|s| s.ip()))
    }
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        match self.address(req) {
            Some(IpAddr::V6(v6)) => {
                let mut octets = v6.octets();
                octets[7..].fill(0);
                Ok(IpAddr::V6(octets.into()))
            }
            Some(v4) => Ok(v4),
            None => Err(SimpleKeyExtractionError::new("the client address is unknown")),
        }
    }
}

/// The per-client limit on posts to the public endpoints (the form,
/// tracking, code entry). Built once so every worker shares it.
pub type PostLimit = GovernorConfig<ClientIp, NoOpMiddleware>;

/// `per_minute` posts per minute per client, with a burst of the same size.
pub fn post_limit(per_minute: u32, trust_forwarded: bool) -> PostLimit {
    let per_minute = per_minute.max(1);
    GovernorConfigBuilder::default()
        .key_extractor(ClientIp { trust_forwarded })
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
                .route(web::get().to(verify::link_form))
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
