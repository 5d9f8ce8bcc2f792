//! When a request logged from another channel was received: never in the
//! future, and never more than a year back (every profile's longest period
//! with its extension is three months, so an older time is a typing
//! mistake, not a late log). Refused by the API with a problem naming the
//! field, and by the staff form beside the field.

use app::clock::Clock;
use app::service_tokens::{self, Issuer, NewToken};
use serde_json::{Value, json};

use crate::util::{Browser, Who, seed_company};
use crate::util::{TestApp, TestSmtp, spawn_app};

fn writer(app: &TestApp) -> String {
    service_tokens::issue(
        &app.desk,
        Issuer::Operator,
        &NewToken {
            system: "Call centre".into(),
            scopes: "requests:write".into(),
            expires_days: None,
        },
    )
    .expect("token")
    .token
}

fn request_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use store::schema::requests;
    let conn = &mut app.store.conn().expect("conn");
    requests::table.count().get_result(conn).expect("count")
}

async fn log(app: &TestApp, token: &str, received_at: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/requests", app.address))
        .bearer_auth(token)
        .json(&json!({
            "kind": "access",
            "requester_name": "Han Seojin",
            "requester_email": "seojin@example.com",
            "channel": "letter",
            "received_at": received_at,
        }))
        .send()
        .await
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_time_more_than_a_year_back_is_refused_naming_the_field() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let token = writer(&app);
    let now = app.clock.now();

    for received_at in [
        "1899-12-31T09:00:00+09:00".to_owned(),
        "0999-01-01T00:00:00Z".to_owned(),
        (now - chrono::Duration::days(400)).and_utc().to_rfc3339(),
    ] {
        let refused = log(&app, &token, &received_at).await;
        assert_eq!(refused.status(), 422, "{received_at}");
        assert_eq!(
            refused
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let body: Value = refused.json().await.expect("json");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["received_at"], "{received_at}: {body}");
    }
    assert_eq!(request_count(&app), 0, "nothing stored");

    // Within the year it is logged, due counted from it.
    let recent = (now - chrono::Duration::days(300)).and_utc().to_rfc3339();
    assert_eq!(log(&app, &token, &recent).await.status(), 201);
    assert_eq!(request_count(&app), 1);

    // The staff form: the page again, the problem beside the field.
    let irm = Browser::signed_in(&app, Who::IrmHandler).await;
    let form = irm
        .post_multipart(
            "/staff/requests/new?lang=en",
            &[
                ("channel", "letter"),
                ("received_at", "1899-12-31T10:00"),
                ("kind", "access"),
                ("on_behalf", "self"),
                ("requester_name", "Han Seojin"),
                ("requester_email", "seojin@example.com"),
            ],
        )
        .await;
    assert_eq!(form.status(), 422);
    let page = form.text().await.expect("page");
    assert!(
        page.contains(r#"id="received_at-error""#),
        "the error is beside the field"
    );
    assert!(page.contains("1899-12-31T10:00"), "what was typed is kept");
    assert_eq!(request_count(&app), 1, "nothing more stored");
    app.stop().await;
}
