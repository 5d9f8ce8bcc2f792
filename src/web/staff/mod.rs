//! Staff pages. For now only the page a new staff member opens from the
//! link `rightsdesk staff add` prints, to set their password.

pub mod set_password;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/staff/set-password/{token}")
            .route(web::get().to(set_password::form))
            .route(web::post().to(set_password::submit)),
    );
}
