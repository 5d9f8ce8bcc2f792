//! The API's door: a call is authenticated before its body is read (an
//! anonymous caller learns nothing from the parser), and each token may
//! make only so many calls a second; past that, 429 with `Retry-After`, as
//! a problem document the OpenAPI description lists.

use app::service_tokens::{self, Issuer, NewToken};
use serde_json::Value;

use crate::util::{SpawnOptions, TestApp, TestSmtp, spawn_app, spawn_app_with};

fn token(app: &TestApp, system: &str) -> String {
    service_tokens::issue(
        &app.desk,
        Issuer::Operator,
        &NewToken {
            system: system.into(),
            scopes: "holds:read,requests:write".into(),
            expires_days: None,
        },
    )
    .expect("token")
    .token
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_anonymous_malformed_post_is_refused_as_unauthenticated_before_it_is_parsed() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    for (path, bearer) in [
        ("/api/v1/requests", None),
        ("/api/v1/holds/check", None),
        ("/api/v1/requests", Some("not-a-token")),
    ] {
        let mut request = app
            .client
            .post(format!("{}{path}", app.address))
            .header("content-type", "application/json")
            .body("{\"kind\": ");
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 401, "{path} {bearer:?}");
        assert_eq!(content_type(&response), "application/problem+json");
        assert!(response.headers().contains_key("www-authenticate"));
        let body: Value = response.json().await.expect("json");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(!detail.contains("EOF") && !detail.contains("line"), "{detail}");
    }
    // With a token, the same body gets the parser's answer.
    let token = token(&app, "CRM");
    let parsed = app
        .client
        .post(format!("{}/api/v1/requests", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(parsed.status(), 400);
    app.stop().await;
}

#[tokio::test]
async fn calls_past_a_tokens_limit_get_429_with_retry_after_and_other_tokens_go_on() {
    let app = spawn_app_with(SpawnOptions {
        smtp_url: None,
        extra: vec![("api-rate-limit", "3")],
    })
    .await;
    let busy = token(&app, "CRM");
    let calm = token(&app, "Billing");
    let ask = |bearer: String| {
        let app = &app;
        async move {
            app.client
                .get(format!(
                    "{}/api/v1/holds?identifier=email:a@example.com",
                    app.address
                ))
                .bearer_auth(bearer)
                .send()
                .await
                .expect("request")
        }
    };
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(ask(busy.clone()).await);
    }
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let limited = answers.into_iter().find(|r| r.status() == 429).expect("a 429");
    assert_eq!(content_type(&limited), "application/problem+json");
    let retry: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!(retry >= 1, "{retry}");
    let body: Value = limited.json().await.expect("json");
    assert_eq!(body["status"], 429);
    assert!(body["title"].is_string());

    // Another token is counted on its own.
    assert_eq!(ask(calm).await.status(), 200);

    // The description lists the 429 on every route.
    let doc: Value = app.get("/api/openapi.json").await.json().await.expect("json");
    for (path, method) in [
        ("/api/v1/holds", "get"),
        ("/api/v1/holds/check", "post"),
        ("/api/v1/requests", "get"),
        ("/api/v1/requests", "post"),
        ("/api/v1/requests/{reference}", "get"),
    ] {
        let answer = &doc["paths"][path][method]["responses"]["429"];
        assert!(answer.is_object(), "{method} {path}");
        assert!(answer["headers"]["Retry-After"].is_object(), "{method} {path}");
    }
    app.stop().await;
}
