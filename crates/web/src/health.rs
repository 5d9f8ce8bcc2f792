//! Liveness and readiness.

use actix_web::{HttpResponse, web};

use super::AppState;

/// Alive: answers without touching the database.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// Ready: the database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.desk.store.clone();
    match web::block(move || store.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable")
        }
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
