//! The machine side: the holds API, the requests API and service tokens,
//! over HTTP against a running desk.

use app::service_tokens::{self, Issuer, NewToken};
use domain::decision::{DecisionOutcome, RefusalGround};
use domain::ids::HoldId;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use domain::submission::StaffText;
use serde_json::{Value, json};

use crate::util::{
    SpawnOptions, TestApp, TestSmtp, Who, decide_as_officer, desk_on, finish_tasks, id_of, logged, now,
    seed_company, signed, spawn_app, spawn_app_with, staff_text, status_of,
};

fn token(app: &TestApp, scopes: &str, days: Option<i64>) -> (String, String) {
    let issued = service_tokens::issue(
        &app.desk,
        Issuer::Operator,
        &NewToken {
            system: "CRM".into(),
            scopes: scopes.into(),
            expires_days: days,
        },
    )
    .expect("token");
    (issued.id, issued.token)
}

async fn api_get(app: &TestApp, path: &str, bearer: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn api_post(app: &TestApp, path: &str, bearer: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .bearer_auth(bearer)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

/// Whether the identifier is frozen (for the category, when given).
async fn frozen(app: &TestApp, bearer: &str, identifier: &str, narrow: &str) -> bool {
    let path = format!(
        "/api/v1/holds?identifier={}{narrow}",
        url::form_urlencoded::byte_serialize(identifier.as_bytes()).collect::<String>()
    );
    let response = api_get(app, &path, Some(bearer)).await;
    assert_eq!(response.status(), 200, "{path}");
    let body = json_of(response).await;
    let frozen = body["frozen"].as_bool().expect("frozen");
    assert_eq!(frozen, !body["holds"].as_array().expect("holds").is_empty());
    frozen
}

/// Asserts a problem document of `status`, and returns it.
async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body = json_of(response).await;
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string());
    body
}

#[tokio::test]
async fn a_correction_is_frozen_from_receipt_found_by_any_identifier_and_lifted_when_completed() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, writer) = token(&app, "requests:write,requests:read", None);
    let (_, reader) = token(&app, "holds:read", None);

    // Logged by another channel, unverified: frozen at once.
    let created = api_post(
        &app,
        "/api/v1/requests",
        &writer,
        &json!({
            "kind": "correction",
            "requester_name": "Lee Jiwoo",
            "requester_email": "Jiwoo.Lee@Example.com",
            "requester_phone": "010-2345-6789",
            "correction": "My name is Lee Jiwoo, not Lee Jiwu.",
            "channel": "phone",
        }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let body = json_of(created).await;
    assert_eq!(body["status"], "unverified");
    let reference = body["reference"].as_str().expect("reference").to_owned();
    for identifier in [
        "email:jiwoo.lee@example.com",
        "email:  JIWOO.LEE@EXAMPLE.COM  ",
        " email:Jiwoo.Lee@example.com",
        "phone:010-2345-6789",
        "phone:01023456789",
        "phone:+821023456789",
        "phone:+82 10 2345 6789",
    ] {
        assert!(
            frozen(&app, &reader, identifier, "").await,
            "{identifier} is frozen"
        );
    }
    assert!(!frozen(&app, &reader, "email:someone.else@example.com", "").await);
    assert!(!frozen(&app, &reader, "phone:010-9999-0000", "").await);
    let answer = json_of(
        api_get(
            &app,
            "/api/v1/holds?identifier=email:jiwoo.lee@example.com",
            Some(&reader),
        )
        .await,
    )
    .await;
    assert_eq!(answer["holds"][0]["reason"], "correction_pending");
    assert_eq!(answer["holds"][0]["request"], reference.as_str());
    assert_eq!(answer["holds"][0]["scope"]["all"], true);

    // Verified by the channel, worked, and completed: the hold is lifted.
    let verified = json_of(
        api_post(
            &app,
            "/api/v1/requests",
            &writer,
            &json!({
                "kind": "correction",
                "requester_name": "Choi Yuna",
                "requester_email": "yuna@example.com",
                "correction": "My address changed.",
                "categories": ["member_name"],
                "channel": "email",
                "verified": true,
                "subject_id": "CUST-0042",
            }),
        )
        .await,
    )
    .await;
    assert_eq!(verified["status"], "in_progress");
    let reference = verified["reference"].as_str().expect("reference").to_owned();
    assert!(frozen(&app, &reader, "subject:CUST-0042", "").await);
    assert!(frozen(&app, &reader, "email:yuna@example.com", "").await);
    finish_tasks(&app, &reference);
    decide_as_officer(&app, &reference, DecisionOutcome::Completed, None);
    assert_eq!(status_of(&app, &reference), RequestStatus::Completed);
    assert!(!frozen(&app, &reader, "email:yuna@example.com", "").await);
    assert!(!frozen(&app, &reader, "subject:CUST-0042", "").await);
    let read = json_of(api_get(&app, &format!("/api/v1/requests/{reference}"), Some(&writer)).await).await;
    assert_eq!(read["status"], "completed");
    assert!(read["holds"][0]["lifted_at"].is_string());
    assert!(
        read["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["to"] == "completed")
    );
    assert!(read.get("requester_email").is_none(), "no personal data");
    app.stop().await;
}

#[tokio::test]
async fn refusal_and_withdrawal_lift_holds_and_a_granted_suspension_stays_until_ended() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, reader) = token(&app, "holds:read", None);

    // A deletion refused: lifted.
    let refused = logged(&app, RequestKind::Deletion, "refused@example.com", &[]);
    assert!(frozen(&app, &reader, "email:refused@example.com", "").await);
    decide_as_officer(
        &app,
        &refused,
        DecisionOutcome::Refused,
        Some(RefusalGround::DeletionRequiredByLaw),
    );
    assert_eq!(status_of(&app, &refused), RequestStatus::Refused);
    assert!(!frozen(&app, &reader, "email:refused@example.com", "").await);

    // A correction withdrawn: lifted.
    let withdrawn = logged(&app, RequestKind::Correction, "withdrawn@example.com", &[]);
    assert!(frozen(&app, &reader, "email:withdrawn@example.com", "").await);
    app::withdraw::withdraw(
        &app.desk,
        app::withdraw::Withdraw {
            request_id: id_of(&app, &withdrawn),
            expected_version: None,
        },
    )
    .expect("withdraw");
    assert!(!frozen(&app, &reader, "email:withdrawn@example.com", "").await);

    // A suspension granted: the data stays frozen after the request ends…
    let suspension = logged(&app, RequestKind::Suspension, "suspended@example.com", &[]);
    finish_tasks(&app, &suspension);
    decide_as_officer(&app, &suspension, DecisionOutcome::Completed, None);
    assert_eq!(status_of(&app, &suspension), RequestStatus::Completed);
    assert!(frozen(&app, &reader, "email:suspended@example.com", "").await);
    let answer = json_of(
        api_get(
            &app,
            "/api/v1/holds?identifier=email:suspended@example.com",
            Some(&reader),
        )
        .await,
    )
    .await;
    assert_eq!(answer["holds"][0]["reason"], "processing_suspended");
    // …until the privacy officer ends it with a reason (no one else may,
    // and never without a reason).
    let hold_id = answer["holds"][0]["id"].as_str().expect("id").to_owned();
    let officer = signed(&app, Who::Officer);
    let handler = signed(&app, Who::IrmHandler);
    use app::holds::lift_hold;
    assert!(matches!(
        lift_hold(
            &app.desk,
            &handler,
            &crate::util::parsed(&suspension),
            &HoldId::from(hold_id.to_owned()),
            &staff_text("asked")
        ),
        Err(app::WorkflowError::Forbidden)
    ));
    // A blank reason never reaches the workflow: it is refused where it
    // is typed.
    assert!(StaffText::parse("  ").is_err());
    assert!(frozen(&app, &reader, "email:suspended@example.com", "").await);
    lift_hold(
        &app.desk,
        &officer,
        &crate::util::parsed(&suspension),
        &HoldId::from(hold_id.to_owned()),
        &staff_text("The subject asked by phone to resume processing."),
    )
    .expect("lift");
    assert!(!frozen(&app, &reader, "email:suspended@example.com", "").await);

    // A pending correction's hold cannot be ended by hand.
    let pending = logged(&app, RequestKind::Correction, "pending@example.com", &[]);
    let answer = json_of(
        api_get(
            &app,
            "/api/v1/holds?identifier=email:pending@example.com",
            Some(&reader),
        )
        .await,
    )
    .await;
    let pending_hold = answer["holds"][0]["id"].as_str().expect("id").to_owned();
    assert!(
        lift_hold(
            &app.desk,
            &officer,
            &crate::util::parsed(&pending),
            &HoldId::from(pending_hold.to_owned()),
            &staff_text("no")
        )
        .is_err()
    );

    // A legal hold outlives its request.
    let legal = app::holds::place_legal_hold(
        &app.desk,
        &officer,
        &crate::util::parsed(&pending),
        &staff_text("Litigation 2026-Gahap-1234: preserve everything."),
    )
    .expect("legal hold");
    assert_eq!(legal.len(), 1);
    app::withdraw::withdraw(
        &app.desk,
        app::withdraw::Withdraw {
            request_id: id_of(&app, &pending),
            expected_version: None,
        },
    )
    .expect("withdraw");
    let answer = json_of(
        api_get(
            &app,
            "/api/v1/holds?identifier=email:pending@example.com",
            Some(&reader),
        )
        .await,
    )
    .await;
    assert_eq!(answer["frozen"], true);
    assert_eq!(answer["holds"][0]["reason"], "legal_hold");
    app.stop().await;
}

#[tokio::test]
async fn a_category_scoped_hold_freezes_that_category_and_its_system_only() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, reader) = token(&app, "holds:read", None);
    logged(
        &app,
        RequestKind::Deletion,
        "scoped@example.com",
        &["member_name"],
    );
    let who = "email:scoped@example.com";
    assert!(frozen(&app, &reader, who, "").await);
    assert!(frozen(&app, &reader, who, "&category=member_name").await);
    assert!(!frozen(&app, &reader, who, "&category=member_email").await);
    assert!(!frozen(&app, &reader, who, "&category=order_history").await);
    assert!(frozen(&app, &reader, who, "&system=MEMBERSHIP").await);
    assert!(!frozen(&app, &reader, who, "&system=ORDERS").await);
    let unknown = api_get(
        &app,
        "/api/v1/holds?identifier=email:scoped@example.com&category=no_such",
        Some(&reader),
    )
    .await;
    let body = problem(unknown, 400).await;
    assert!(body["detail"].as_str().expect("detail").contains("no_such"));
    app.stop().await;
}

/// Concurrent calls are answered together (one lookup for all of them):
/// each still gets the answer to its own question, and one call's unknown
/// category refuses that call only.
#[tokio::test]
async fn concurrent_questions_answered_together_each_get_their_own_answer() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, reader) = token(&app, "holds:read", None);
    logged(
        &app,
        RequestKind::Deletion,
        "held.one@example.com",
        &["member_name"],
    );
    logged(&app, RequestKind::Correction, "held.two@example.com", &[]);
    let cases: Vec<(String, u16, Option<bool>)> = (0..60)
        .map(|i| match i % 6 {
            0 => ("email:held.one@example.com".to_owned(), 200, Some(true)),
            1 => (
                "email:held.one@example.com&category=member_email".to_owned(),
                200,
                Some(false),
            ),
            2 => (
                "email:held.two@example.com&system=ORDERS".to_owned(),
                200,
                Some(true),
            ),
            3 => (format!("email:free{i}@example.com"), 200, Some(false)),
            4 => (
                "email:held.two@example.com&category=no_such".to_owned(),
                400,
                None,
            ),
            _ => (
                "email:held.one@example.com&system=MEMBERSHIP".to_owned(),
                200,
                Some(true),
            ),
        })
        .collect();
    let calls = cases.iter().map(|(query, _, _)| {
        let (app, reader) = (&app, &reader);
        async move { api_get(app, &format!("/api/v1/holds?identifier={query}"), Some(reader)).await }
    });
    let answers = futures_util::future::join_all(calls).await;
    for ((query, status, frozen), answer) in cases.iter().zip(answers) {
        assert_eq!(answer.status(), *status, "{query}");
        if let Some(frozen) = frozen {
            assert_eq!(json_of(answer).await["frozen"], *frozen, "{query}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn bad_identifiers_and_bad_tokens_get_problem_documents() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let (_, reader) = token(&app, "holds:read", None);
    let (_, writer) = token(&app, "requests:write", None);
    let path = "/api/v1/holds?identifier=email:a@example.com";

    // 400: missing or malformed identifiers, named.
    problem(api_get(&app, "/api/v1/holds", Some(&reader)).await, 400).await;
    for bad in [
        "nobody",
        "fax:123",
        "email:not-an-address",
        "phone:12",
        "subject:",
    ] {
        let body = problem(
            api_get(&app, &format!("/api/v1/holds?identifier={bad}"), Some(&reader)).await,
            400,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "identifier", "{bad}");
    }

    // 401: no token, not a token, tampered, signed with another key.
    let none = problem(api_get(&app, path, None).await, 401).await;
    assert!(none["detail"].is_string());
    problem(api_get(&app, path, Some("garbage")).await, 401).await;
    let mut tampered = reader.clone();
    tampered.pop();
    problem(api_get(&app, path, Some(&tampered)).await, 401).await;
    let other_key = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let forged = auth::tokens::issue_service(
        &other_key,
        &auth::tokens::ServiceToken {
            id: "forged".into(),
            system: "CRM".into(),
            scopes: vec![domain::service::ServiceScope::HoldsRead],
            expires_at: None,
        },
        crate::util::now(),
    )
    .expect("forged");
    problem(api_get(&app, path, Some(&forged)).await, 401).await;
    // A status link's token is no service token.
    let status = auth::tokens::issue(&app.keys, auth::tokens::Purpose::Status, "r", crate::util::now())
        .expect("status token");
    problem(api_get(&app, path, Some(&status)).await, 401).await;

    // 401: expired.
    let (_, short) = token(&app, "holds:read", Some(1));
    assert_eq!(api_get(&app, path, Some(&short)).await.status(), 200);
    app.clock.advance(chrono::Duration::days(1));
    let expired = problem(api_get(&app, path, Some(&short)).await, 401).await;
    assert!(expired["detail"].as_str().expect("detail").contains("expired"));

    // 403: the wrong scope.
    let body = problem(api_get(&app, path, Some(&writer)).await, 403).await;
    assert!(body["detail"].as_str().expect("detail").contains("holds:read"));
    problem(api_get(&app, "/api/v1/requests", Some(&reader)).await, 403).await;
    problem(api_post(&app, "/api/v1/requests", &reader, &json!({})).await, 403).await;
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_here_and_within_the_interval_elsewhere() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("job-interval", "1s")],
    })
    .await;
    let path = "/api/v1/holds?identifier=email:a@example.com";

    // Revoked through this instance's desk: refused at once.
    let (id, here) = token(&app, "holds:read", None);
    assert_eq!(api_get(&app, path, Some(&here)).await.status(), 200);
    service_tokens::revoke(&app.desk, Issuer::Operator, &id).expect("revoke");
    let body = problem(api_get(&app, path, Some(&here)).await, 401).await;
    assert!(body["detail"].as_str().expect("detail").contains("revoked"));

    // Revoked by another process (the command line): refused within the
    // job interval (1 s here; 5 s by default).
    let (id, elsewhere) = token(&app, "holds:read", None);
    assert_eq!(api_get(&app, path, Some(&elsewhere)).await.status(), 200);
    let (cli, _) = desk_on(&app.db, &[]);
    service_tokens::revoke(&cli, Issuer::Operator, &id).expect("revoke");
    let revoked_at = std::time::Instant::now();
    loop {
        let status = api_get(&app, path, Some(&elsewhere)).await.status();
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            revoked_at.elapsed() < std::time::Duration::from_secs(3),
            "still accepted after twice the interval and more"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let listed = service_tokens::list(&app.desk, Issuer::Operator).expect("list");
    assert_eq!(listed.iter().filter(|t| t.revoked_at.is_some()).count(), 2);
    app.stop().await;
}

#[tokio::test]
async fn the_batch_check_answers_a_thousand_identifiers_in_order() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, reader) = token(&app, "holds:read", None);
    for n in [7, 500, 999] {
        app.create_request(RequestKind::Deletion, &format!("batch{n}@example.com"));
    }
    let identifiers: Vec<String> = (0..1000)
        .map(|n| {
            if n % 2 == 0 {
                format!("email:batch{n}@example.com")
            } else {
                format!("email:BATCH{n}@Example.com")
            }
        })
        .collect();
    let answer = api_post(
        &app,
        "/api/v1/holds/check",
        &reader,
        &json!({"identifiers": identifiers}),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let body = json_of(answer).await;
    let results = body["results"].as_array().expect("results");
    assert_eq!(results.len(), 1000);
    for (n, result) in results.iter().enumerate() {
        assert_eq!(result["identifier"], identifiers[n].as_str());
        assert_eq!(result["frozen"], [7, 500, 999].contains(&n), "identifier {n}");
    }

    // More than a thousand, none, or malformed ones (each named): 400.
    let too_many: Vec<String> = (0..1001).map(|n| format!("email:x{n}@example.com")).collect();
    problem(
        api_post(
            &app,
            "/api/v1/holds/check",
            &reader,
            &json!({"identifiers": too_many}),
        )
        .await,
        400,
    )
    .await;
    problem(
        api_post(&app, "/api/v1/holds/check", &reader, &json!({"identifiers": []})).await,
        400,
    )
    .await;
    let body = problem(
        api_post(
            &app,
            "/api/v1/holds/check",
            &reader,
            &json!({"identifiers": ["email:ok@example.com", "bogus", "phone:1"]}),
        )
        .await,
        400,
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["identifiers[1]", "identifiers[2]"]);
    problem(
        api_post(&app, "/api/v1/holds/check", &reader, &json!({"identifiers": "x"})).await,
        400,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_request_logged_with_a_past_receipt_is_due_counted_from_it() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, writer) = token(&app, "requests:write,requests:read", None);
    let now = app::clock::Clock::now(&*app.clock);
    let received = now - chrono::Duration::days(6);
    let expected_due = app.config.due_date(
        domain::request::RequestKind::Access,
        false,
        received,
        app.config.calendar.calendar(),
    );
    let created = api_post(
        &app,
        "/api/v1/requests",
        &writer,
        &json!({
            "kind": "access",
            "requester_name": "Han Seojin",
            "requester_email": "seojin@example.com",
            "channel": "letter",
            "received_at": received.and_utc().to_rfc3339(),
            "verified": true,
        }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let location = created
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let body = json_of(created).await;
    assert_eq!(body["due_date"], expected_due.format("%Y-%m-%d").to_string());
    assert_eq!(body["calendar"], app.config.calendar.label());
    assert_eq!(body["channel"], "letter");
    assert_eq!(
        body["received_at"],
        received
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(
        location,
        format!(
            "/api/v1/requests/{}",
            body["reference"].as_str().expect("reference")
        )
    );
    let listed = json_of(
        api_get(
            &app,
            "/api/v1/requests?kind=access&status=in_progress",
            Some(&writer),
        )
        .await,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["requests"][0]["reference"], body["reference"]);
    problem(
        api_get(&app, "/api/v1/requests?status=nonsense", Some(&writer)).await,
        400,
    )
    .await;
    problem(
        api_get(&app, "/api/v1/requests/2026-999999", Some(&writer)).await,
        404,
    )
    .await;

    // The form's rules, every problem named; a future receipt refused.
    let invalid = api_post(
        &app,
        "/api/v1/requests",
        &writer,
        &json!({
            "kind": "correction",
            "requester_name": "",
            "requester_email": "not-an-address",
            "channel": "pigeon",
            "received_at": (now + chrono::Duration::days(1)).and_utc().to_rfc3339(),
        }),
    )
    .await;
    let body = problem(invalid, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "channel",
            "correction",
            "received_at",
            "requester_email",
            "requester_name"
        ]
    );
    // Nothing was stored by the refused call.
    let listed = json_of(api_get(&app, "/api/v1/requests", Some(&writer)).await).await;
    assert_eq!(listed["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_the_bearer_scheme() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc = json_of(response).await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"));
    for (path, method) in [
        ("/api/v1/holds", "get"),
        ("/api/v1/holds/check", "post"),
        ("/api/v1/requests", "get"),
        ("/api/v1/requests", "post"),
        ("/api/v1/requests/{reference}", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    app.stop().await;
}

/// The key the holds index keeps `raw` by.
fn key_of(app: &TestApp, raw: &str) -> String {
    let identifier = domain::identifier::Identifier::parse(raw, Some("KR")).expect("identifier");
    app::api_queries::identifier_keys(&app.desk, &[identifier])
        .pop()
        .expect("key")
}

/// Whether the instance's set of held keys has `key` (`None`: not ready).
fn known_here(app: &TestApp, key: &str) -> Option<bool> {
    app.store
        .held
        .sift(&[key])
        .map(|s| s[0] != store::held_keys::Sifted::Clear)
}

/// Whether the instance answers about `key` from the holds it keeps.
fn holds_kept_here(app: &TestApp, key: &str) -> bool {
    matches!(
        app.store.held.sift(&[key]).and_then(|mut s| s.pop()),
        Some(store::held_keys::Sifted::Known(_))
    )
}

/// Asks until the answer about `identifier` is `frozen`, for at most a
/// second (another instance's change reaches this one within moments).
async fn until_frozen_is(app: &TestApp, token: &str, identifier: &str, frozen_now: bool) {
    let asked_at = std::time::Instant::now();
    while frozen(app, token, identifier, "").await != frozen_now {
        assert!(
            asked_at.elapsed() < std::time::Duration::from_secs(1),
            "{identifier} still not frozen == {frozen_now} after 200 times the follow interval"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn holds_placed_by_another_instance_are_known_here_and_lifted_ones_leave_the_set() {
    use store::holds;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, writer) = token(&app, "requests:write", None);
    let (_, reader) = token(&app, "holds:read", None);
    assert!(app.store.held.ready(), "following the database");

    // An access request places no hold: nobody frozen, nothing known.
    let created = json_of(
        api_post(
            &app,
            "/api/v1/requests",
            &writer,
            &json!({
                "kind": "access",
                "requester_name": "Han Seojun",
                "requester_email": "seojun@example.com",
                "channel": "phone",
            }),
        )
        .await,
    )
    .await;
    let reference = created["reference"].as_str().expect("reference").to_owned();
    let request_id = id_of(&app, &reference);
    let key = key_of(&app, "email:seojun@example.com");
    assert!(!frozen(&app, &reader, "email:seojun@example.com", "").await);
    assert_eq!(known_here(&app, &key), Some(false));

    // Another instance on the same database (its own store and set, no
    // follower) places a legal hold: its own set has the key the moment
    // its write returns, and this instance learns of it within moments.
    let (other, _) = desk_on(&app.db, &[]);
    let officer = signed(&app, Who::Officer).user.id;
    let placed = other
        .store
        .write(|conn| {
            let targets = holds::subject_targets(conn, &request_id)?;
            holds::place_by_hand(conn, &request_id, &targets, "Litigation", officer.as_str(), now())
        })
        .expect("place");
    assert_eq!(
        other.store.held.len(),
        1,
        "the placing store knows before it commits"
    );
    let placed_at = std::time::Instant::now();
    while known_here(&app, &key) != Some(true) {
        assert!(
            placed_at.elapsed() < std::time::Duration::from_secs(1),
            "not learned after 200 times the follow interval"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    // The database answered that (the set had the key, not its holds); the
    // holds read are kept and the next answer comes from memory, the same
    // to the byte.
    let path = "/api/v1/holds?identifier=email%3Aseojun%40example.com";
    let from_database = api_get(&app, path, Some(&reader))
        .await
        .text()
        .await
        .expect("body");
    assert!(holds_kept_here(&app, &key));
    let again = api_get(&app, path, Some(&reader))
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(again, from_database);
    assert!(from_database.contains("\"frozen\":true"), "{from_database}");

    // Lifted there: within moments (once the lift is announced, or its row
    // read) a question here asks the database, answers not frozen, and the
    // key leaves the set.
    other
        .store
        .write(|conn| holds::lift_by_hand(conn, &HoldId::from(placed[0].to_owned()), "Settled", now()))
        .expect("lift");
    until_frozen_is(&app, &reader, "email:seojun@example.com", false).await;
    assert_eq!(known_here(&app, &key), Some(false));

    // With the set stopped, the database answers every question.
    app.store.held.stop();
    assert_eq!(known_here(&app, &key), None);
    other
        .store
        .write(|conn| {
            let targets = holds::subject_targets(conn, &request_id)?;
            holds::place_by_hand(
                conn,
                &request_id,
                &targets,
                "Litigation again",
                officer.as_str(),
                now(),
            )
        })
        .expect("place again");
    assert!(frozen(&app, &reader, "email:seojun@example.com", "").await);
    app.stop().await;
}

/// What a transaction changes about holds travels with the transaction,
/// not with the thread that began it: a hold written on another thread
/// still reaches the instance's set before the write returns (a set that
/// missed it would answer "not frozen" from memory).
#[tokio::test]
async fn a_hold_written_from_another_thread_still_reaches_the_set() {
    use store::holds;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, writer) = token(&app, "requests:write", None);
    let created = json_of(
        api_post(
            &app,
            "/api/v1/requests",
            &writer,
            &json!({
                "kind": "access",
                "requester_name": "Yoon Jiho",
                "requester_email": "jiho@example.com",
                "channel": "phone",
            }),
        )
        .await,
    )
    .await;
    let reference = created["reference"].as_str().expect("reference").to_owned();
    let request_id = id_of(&app, &reference);
    let officer = signed(&app, Who::Officer).user.id;

    // A store without a follower knows only what its own writes tell it.
    let (other, _) = desk_on(&app.db, &[]);
    assert_eq!(other.store.held.len(), 0);
    other
        .store
        .write(|conn| {
            let targets = holds::subject_targets(conn, &request_id)?;
            std::thread::scope(|scope| {
                scope
                    .spawn(|| {
                        holds::place_by_hand(
                            conn,
                            &request_id,
                            &targets,
                            "Litigation",
                            officer.as_str(),
                            now(),
                        )
                    })
                    .join()
                    .expect("the writing thread")
            })
        })
        .expect("place");
    assert_eq!(
        other.store.held.len(),
        1,
        "the hold written on another thread reached the set"
    );
    app.stop().await;
}

#[tokio::test]
async fn data_a_deletion_kept_by_law_stays_frozen_for_that_purpose_after_the_request_ends() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let (_, reader) = token(&app, "holds:read", None);
    let who = "email:kept.by.law@example.com";
    let reference = logged(&app, RequestKind::Deletion, "kept.by.law@example.com", &[]);
    finish_tasks(&app, &reference);
    decide_as_officer(&app, &reference, DecisionOutcome::Completed, None);
    assert_eq!(status_of(&app, &reference), RequestStatus::Completed);

    // The membership data was destroyed; the orders, kept five years by
    // law, are frozen for that purpose only — and say until when.
    let body = json_of(
        api_get(
            &app,
            "/api/v1/holds?identifier=email:kept.by.law@example.com",
            Some(&reader),
        )
        .await,
    )
    .await;
    assert_eq!(body["frozen"], true, "{body}");
    let holds = body["holds"].as_array().expect("holds");
    assert_eq!(holds.len(), 1, "{body}");
    assert_eq!(holds[0]["reason"], "retained_by_law");
    // Only the categories the law keeps: the order history.
    assert_eq!(holds[0]["scope"]["categories"], json!(["order_history"]));
    assert_eq!(holds[0]["scope"]["systems"], json!([]));
    let today = now().date();
    let until = today
        .checked_add_months(chrono::Months::new(60))
        .expect("date")
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(holds[0]["until"], until.as_str());
    assert!(frozen(&app, &reader, who, "&category=order_history").await);
    assert!(frozen(&app, &reader, who, "&system=ORDERS").await);
    assert!(!frozen(&app, &reader, who, "&system=MEMBERSHIP").await);
    assert!(!frozen(&app, &reader, who, "&category=member_email").await);

    // The request's own record shows it too.
    let (_, requests_reader) = token(&app, "requests:read", None);
    let record = json_of(
        api_get(
            &app,
            &format!("/api/v1/requests/{reference}"),
            Some(&requests_reader),
        )
        .await,
    )
    .await;
    let kept: Vec<&Value> = record["holds"]
        .as_array()
        .expect("holds")
        .iter()
        .filter(|h| h["reason"] == "retained_by_law")
        .collect();
    assert_eq!(kept.len(), 1, "{record}");
    assert!(kept[0]["lifted_at"].is_null());
    assert_eq!(kept[0]["until"], until.as_str());
    app.stop().await;
}
