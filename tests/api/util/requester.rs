//! The requester's side through the public pages: a desk with a catalogue
//! to ask about, the form's fields, and a request confirmed by its code.

use domain::reference::Reference;
use store::requests;

use super::{SpawnOptions, TestApp, TestSmtp, location, reference_from, seed_catalog, spawn_app_with};

/// A desk on a fresh database with the small catalogue of [`seed_catalog`],
/// sending mail to `smtp`, with the settings in `extra`.
pub async fn spawn_app_with_catalog(smtp: &TestSmtp, extra: Vec<(&'static str, &'static str)>) -> TestApp {
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra,
    })
    .await;
    seed_catalog(&app.store);
    app
}

/// The public form's fields for a self-request of `kind` (its wire name)
/// from `email`.
pub fn self_request(kind: &'static str, email: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("kind", kind),
        ("on_behalf", "self"),
        ("requester_name", "Kim Minji"),
        ("requester_email", email),
        ("details", "Please act on this."),
    ];
    if kind == "correction" {
        fields.push(("correction", "Name: Kim Minj → Kim Minji"));
    }
    fields
}

/// Submits a self-request and confirms it by code; returns its reference,
/// id and status page path.
pub async fn verified_request(
    app: &TestApp,
    smtp: &TestSmtp,
    kind: &'static str,
    email: &'static str,
) -> (Reference, String, String) {
    let response = app.submit_request(&self_request(kind, email), None).await;
    let reference = reference_from(&location(&response));
    let code = smtp.wait_for_to(email, 1).await.code();
    let path = format!("/requests/{reference}/verify");
    let (_, token) = app.page_with_csrf(&path).await;
    let status_path = location(
        &app.post_form(&path, &[("code", &code), ("csrf_token", &token)])
            .await,
    );
    let conn = &mut app.store.conn().expect("conn");
    let id = requests::get_by_reference(conn, &reference).expect("row").id;
    (reference, id.into(), status_path)
}

/// Posts the tracking form with an `X-Forwarded-For` header; the status.
pub async fn track_forwarded(app: &TestApp, token: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(format!("{}/track", app.address))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[
            ("reference", "DSR-2026-000001"),
            ("email", "x@example.com"),
            ("csrf_token", token),
        ])
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}
