//! Webhooks: a receiver on loopback gets every hold placed or lifted within
//! its system's scope, signed (Standard Webhooks), once per success, in
//! order, with the same event id on every attempt; while it is down the
//! deliveries wait, and they arrive after it returns. And the admin page
//! that sets webhooks and issues and revokes service tokens.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use app::webhooks::{HookChange, change};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::decision::DecisionOutcome;
use domain::request::RequestKind;
use domain::webhook::DeliveryStatus;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use store::webhooks;

use crate::util::{
    Browser, Job, SpawnOptions, TestApp, Who, decide_as_officer, finish_tasks, id_of, logged, seed_company,
    signed, spawn_app_with,
};

/// One post as the receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

#[derive(Default)]
struct Inbox {
    posts: Mutex<Vec<Received>>,
    /// Answer 500 to this many posts first.
    fail_first: Mutex<usize>,
}

async fn receive(request: HttpRequest, body: web::Bytes, inbox: web::Data<Inbox>) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    inbox.posts.lock().expect("lock").push(Received {
        path: request.path().to_owned(),
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8(body.to_vec()).expect("utf-8"),
    });
    let mut fail = inbox.fail_first.lock().expect("lock");
    if *fail > 0 {
        *fail -= 1;
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::NoContent().finish()
}

/// A receiver listening on `port` (which nothing else listens on).
fn start_receiver(port: u16, inbox: Arc<Inbox>) -> actix_web::dev::ServerHandle {
    let data = web::Data::from(inbox);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::post().to(receive))
    })
    .workers(1)
    .bind(("127.0.0.1", port))
    .expect("bind the receiver")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    handle
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Checks a post as a Standard Webhooks receiver does.
fn signature_is_valid(secret: &str, post: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("prefix"))
        .expect("base64");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.{}", post.id, post.timestamp, post.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    post.signature.split(' ').any(|s| s == expected)
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting: {what}");
}

fn set_hook(app: &TestApp, system: &str, url: &str) -> Option<String> {
    change(
        &app.desk,
        &signed(app, Who::Admin),
        system,
        HookChange::Set {
            url: url.into(),
            new_secret: false,
        },
    )
    .expect("webhook set")
}

fn deliveries(app: &TestApp, reference: &str) -> Vec<webhooks::DeliveryRow> {
    let id = id_of(app, reference);
    app.store
        .read(|conn| webhooks::for_request(conn, &id))
        .expect("deliveries")
}

async fn spawn() -> TestApp {
    // The receivers listen on loopback: an inside address, allowed here.
    let app = spawn_app_with(SpawnOptions {
        smtp_url: None,
        extra: vec![("job-interval", "1s"), ("webhook-allow", "127.0.0.1")],
    })
    .await;
    seed_company(&app.store);
    app
}

#[tokio::test]
async fn a_receiver_gets_each_event_once_signed_in_order_and_after_it_comes_back() {
    let app = spawn().await;
    let port = free_port();
    let secret =
        set_hook(&app, "MEMBERSHIP", &format!("http://127.0.0.1:{port}/members")).expect("a new secret");
    let orders_secret =
        set_hook(&app, "ORDERS", &format!("http://127.0.0.1:{port}/orders")).expect("a new secret");
    assert_ne!(secret, orders_secret);
    // Changing only the URL keeps the secret.
    assert_eq!(
        set_hook(&app, "MEMBERSHIP", &format!("http://127.0.0.1:{port}/members")),
        None
    );

    // A correction of the member's email only: the membership system is
    // told, the orders system is not. Nobody listens yet.
    let reference = logged(
        &app,
        RequestKind::Correction,
        "kim.minji@example.com",
        &["member_email"],
    );
    let queued = deliveries(&app, &reference);
    assert_eq!(queued.len(), 1, "one event, for the one system in scope");
    let event_id = queued[0].id.clone();
    eventually("a failed attempt is recorded", || {
        deliveries(&app, &reference)[0].attempts >= 1
    })
    .await;
    let row = &deliveries(&app, &reference)[0];
    assert_eq!(row.status, DeliveryStatus::Queued);
    let error = row.last_error.clone().expect("the failure is kept");
    assert_eq!(error, "not_delivered", "how it failed goes to the log only");

    // The admin page says so.
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let page = admin.get("/staff/admin/integrations?lang=en").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(html.contains("Not delivered"), "the last failure is on the page");
    assert!(!html.contains(&secret), "the secret is never shown again");

    // The receiver comes back, and answers 500 once: the event is tried
    // again (the clock moved past the backoff) with the same id.
    let inbox = Arc::new(Inbox::default());
    *inbox.fail_first.lock().expect("lock") = 1;
    let receiver = start_receiver(port, inbox.clone());
    app.clock.advance(chrono::Duration::minutes(1));
    eventually("the receiver saw the first attempt", || {
        inbox.posts.lock().expect("lock").len() == 1
    })
    .await;
    // The job records the 500 (and when to try again, from its clock)
    // after the receiver answered: wait for that record before moving the
    // clock, or the retry is scheduled from the moved clock.
    eventually("the 500 is recorded", || {
        deliveries(&app, &reference)[0].attempts >= 2
    })
    .await;
    app.clock.advance(chrono::Duration::minutes(5));
    eventually("the event is delivered", || {
        deliveries(&app, &reference)[0].status == DeliveryStatus::Delivered
    })
    .await;

    // Completed: the hold is lifted, and the receiver told at once.
    finish_tasks(&app, &reference);
    decide_as_officer(&app, &reference, DecisionOutcome::Completed, None);
    eventually("the lift is delivered", || {
        deliveries(&app, &reference)
            .iter()
            .all(|d| d.status == DeliveryStatus::Delivered)
            && deliveries(&app, &reference).len() == 2
    })
    .await;
    // Nothing more arrives over a further pass: one begun after the lift
    // was delivered has claimed whatever was due and posted it before it
    // ended.
    app.pass_begun_after_now(Job::Webhooks).await;
    let posts = inbox.posts.lock().expect("lock").clone();
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert!(posts.iter().all(|p| p.path == "/members"), "nothing for orders");
    assert_eq!(posts[0].id, event_id);
    assert_eq!(posts[1].id, event_id, "a redelivery carries the same id");
    assert_eq!(posts[0].body, posts[1].body);
    assert_ne!(posts[2].id, event_id);
    for post in &posts {
        assert!(signature_is_valid(&secret, post), "signed: {post:?}");
        assert!(!signature_is_valid(&orders_secret, post));
        assert!(post.timestamp.parse::<i64>().is_ok());
    }
    let placed: Value = serde_json::from_str(&posts[1].body).expect("json");
    let lifted: Value = serde_json::from_str(&posts[2].body).expect("json");
    assert_eq!(placed["type"], "hold.placed");
    assert_eq!(placed["id"], event_id.as_str());
    assert_eq!(placed["data"]["system"], "MEMBERSHIP");
    let hold = &placed["data"]["holds"][0];
    assert_eq!(hold["identifier"], "email:kim.minji@example.com");
    assert_eq!(hold["reason"], "correction_pending");
    assert_eq!(hold["request"], reference.as_str());
    assert_eq!(hold["scope"]["categories"], serde_json::json!(["member_email"]));
    assert_eq!(lifted["type"], "hold.lifted");
    assert_eq!(lifted["data"]["holds"][0]["id"], hold["id"]);
    assert!(lifted["data"]["holds"][0]["lifted_at"].is_string());
    let rows = deliveries(&app, &reference);
    assert_eq!(rows[0].attempts, 3, "refused connection, 500, then 2xx");
    assert_eq!(rows[1].attempts, 1);
    assert!(rows.iter().all(|d| d.last_error.is_none()));
    receiver.stop(true).await;
    app.stop().await;
}

#[tokio::test]
async fn a_hold_on_all_data_goes_to_every_system_and_a_removed_webhook_drops_its_queue() {
    let app = spawn().await;
    let port = free_port();
    set_hook(&app, "MEMBERSHIP", &format!("http://127.0.0.1:{port}/members"));
    set_hook(&app, "ORDERS", &format!("http://127.0.0.1:{port}/orders"));
    let reference = logged(&app, RequestKind::Deletion, "park.jisu@example.com", &[]);
    let rows = deliveries(&app, &reference);
    assert_eq!(rows.len(), 2, "one event per system");
    assert!(rows.iter().all(|d| d.body.contains("deletion_pending")));

    // Removing the orders webhook drops its queued event (and only it).
    change(&app.desk, &signed(&app, Who::Admin), "ORDERS", HookChange::Remove).expect("removed");
    let rows = deliveries(&app, &reference);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].body.contains("\"system\":\"MEMBERSHIP\""));

    // Bad URLs and unknown systems are refused and change nothing.
    for (system, url) in [
        ("MEMBERSHIP", "ftp://example.com/h"),
        ("MEMBERSHIP", "https://user:pw@example.com/h"),
        ("NOPE", "https://example.com/h"),
    ] {
        let refused = change(
            &app.desk,
            &signed(&app, Who::Admin),
            system,
            HookChange::Set {
                url: url.into(),
                new_secret: true,
            },
        );
        assert!(refused.is_err(), "{system} {url}");
    }
    // Only admins.
    assert!(
        change(
            &app.desk,
            &signed(&app, Who::Officer),
            "MEMBERSHIP",
            HookChange::Remove
        )
        .is_err()
    );
    let id = app.store.read(webhooks::systems).expect("systems");
    let members = id.iter().find(|s| s.code == "MEMBERSHIP").expect("system");
    assert_eq!(
        members.url.as_deref(),
        Some(format!("http://127.0.0.1:{port}/members").as_str())
    );
    app.stop().await;
}

#[tokio::test]
async fn the_admin_page_sets_webhooks_and_issues_and_revokes_tokens() {
    let app = spawn().await;
    let admin = Browser::signed_in(&app, Who::Admin).await;

    // A webhook: the secret is on the answer once.
    let set = admin
        .post(
            "/staff/admin/systems/MEMBERSHIP/webhook",
            &[("url", "https://crm.example.com/hooks")],
        )
        .await;
    assert_eq!(set.status(), 200);
    let html = set.text().await.expect("page");
    let secret = html
        .split("whsec_")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .map(|s| format!("whsec_{s}"))
        .expect("the secret is shown");
    let page = admin
        .get("/staff/admin/integrations")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("https://crm.example.com/hooks"));
    assert!(!page.contains(&secret));

    // A bad URL: 422 with the reason, and the URL stays as it was.
    let bad = admin
        .post(
            "/staff/admin/systems/MEMBERSHIP/webhook",
            &[("url", "crm.example.com")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("page").contains("http://"));
    assert!(
        admin
            .get("/staff/admin/integrations")
            .await
            .text()
            .await
            .expect("page")
            .contains("https://crm.example.com/hooks")
    );

    // A token: shown once, works, then revoked from the page.
    let issued = admin
        .post(
            "/staff/admin/tokens",
            &[
                ("system", "Call centre"),
                ("scope", "holds:read"),
                ("expires_days", "30"),
            ],
        )
        .await;
    assert_eq!(issued.status(), 200);
    let html = issued.text().await.expect("page");
    let token = html
        .split("<code class=\"one-time-link\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the token is shown")
        .to_owned();
    let ask = |token: String| {
        let app = &app;
        async move {
            app.client
                .get(format!(
                    "{}/api/v1/holds?identifier=email:a@example.com",
                    app.address
                ))
                .bearer_auth(token)
                .send()
                .await
                .expect("call")
                .status()
        }
    };
    assert_eq!(ask(token.clone()).await, 200);
    let page = admin
        .get("/staff/admin/integrations")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Call centre"));
    assert!(!page.contains(&token), "the token is never shown again");
    let id = page
        .split("/staff/admin/tokens/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a revoke button")
        .to_owned();
    let revoked = admin.post(&format!("/staff/admin/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(ask(token).await, 401);

    // Bad token input: 422 with the reason, what was typed kept.
    let bad = admin
        .post(
            "/staff/admin/tokens",
            &[("system", "Call centre 2"), ("expires_days", "30")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.expect("page");
    assert!(
        html.contains("권한 범위를 하나 이상"),
        "the reason, in the page's language: {html}"
    );
    assert!(html.contains("value=\"Call centre 2\""));
    app.stop().await;
}
