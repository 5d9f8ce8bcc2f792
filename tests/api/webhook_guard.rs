//! Webhooks never reach inside the network the desk runs in: addresses
//! that are loopback, private, link-local (the cloud metadata service),
//! unspecified, multicast or IPv6 unique-local are refused unless the
//! operator allows them, and a name is checked as it resolves for the
//! connection itself. The admin page says a delivery failed without
//! saying how, so it cannot be used to scan ports.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use app::webhooks::{HookChange, change};
use domain::request::RequestKind;
use domain::webhook::DeliveryStatus;
use store::webhooks;

use crate::util::{Browser, Who, id_of, logged, seed_company, signed};
use crate::util::{SpawnOptions, TestApp, spawn_app_with};

/// A receiver on loopback that counts posts and answers `status`.
fn receiver(status: u16) -> (u16, Arc<Mutex<usize>>, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let posts = Arc::new(Mutex::new(0_usize));
    let counted = posts.clone();
    let server = HttpServer::new(move || {
        let counted = counted.clone();
        App::new().default_service(web::to(move || {
            let counted = counted.clone();
            async move {
                *counted.lock().expect("lock") += 1;
                HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
                    .insert_header(("location", "http://127.0.0.1:1/"))
                    .finish()
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (port, posts, handle)
}

async fn spawn(extra: Vec<(&'static str, &'static str)>) -> TestApp {
    let mut extra = extra;
    extra.push(("job-interval", "200ms"));
    let app = spawn_app_with(SpawnOptions {
        smtp_url: None,
        extra,
    })
    .await;
    seed_company(&app.store);
    app
}

fn deliveries(app: &TestApp, reference: &str) -> Vec<webhooks::DeliveryRow> {
    let id = id_of(app, reference);
    app.store
        .read(|conn| webhooks::for_request(conn, &id))
        .expect("deliveries")
}

async fn until_tried(app: &TestApp, reference: &str) -> webhooks::DeliveryRow {
    for _ in 0..300 {
        if let Some(row) = deliveries(app, reference).into_iter().find(|d| d.attempts >= 1) {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no delivery was tried");
}

fn set(app: &TestApp, system: &str, url: &str) -> Result<Option<String>, app::WorkflowError> {
    change(
        &app.desk,
        &signed(app, Who::Admin),
        system,
        HookChange::Set {
            url: url.into(),
            new_secret: false,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_to_an_inside_address_is_refused_when_set_and_when_a_name_resolves_inside() {
    let app = spawn(Vec::new()).await;
    let admin = Browser::signed_in(&app, Who::Admin).await;

    // Literal inside addresses are refused on the page, with the reason.
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
    ] {
        let refused = admin
            .post("/staff/admin/systems/MEMBERSHIP/webhook", &[("url", url)])
            .await;
        assert_eq!(refused.status(), 422, "{url}");
    }
    let systems = app.store.read(webhooks::systems).expect("systems");
    assert!(systems.iter().all(|s| s.url.is_none()), "no webhook was set");

    // A name is checked when it is resolved to connect: `localhost` is
    // loopback, so nothing is posted to the receiver listening there.
    let (port, posts, handle) = receiver(204);
    set(&app, "MEMBERSHIP", &format!("http://localhost:{port}/members")).expect("a name is accepted");
    let reference = logged(
        &app,
        RequestKind::Correction,
        "inside@example.com",
        &["member_email"],
    );
    let row = until_tried(&app, &reference).await;
    assert_eq!(row.status, DeliveryStatus::Queued);
    assert_eq!(
        *posts.lock().expect("lock"),
        0,
        "nothing reached the inside address"
    );
    let page = admin
        .get("/staff/admin/integrations?lang=en")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("not allowed"),
        "the page says the address is not allowed"
    );
    handle.stop(true).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_page_says_the_same_for_a_closed_port_and_an_answering_one() {
    // Loopback is allowed here, so the desk connects and each receiver
    // answers as it would on another host.
    let app = spawn(vec![("webhook-allow", "127.0.0.1")]).await;
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let (open, posts, handle) = receiver(302);

    let mut shown = Vec::new();
    for (n, port) in [closed, open].into_iter().enumerate() {
        set(&app, "MEMBERSHIP", &format!("http://127.0.0.1:{port}/members")).expect("set");
        let reference = logged(
            &app,
            RequestKind::Correction,
            &format!("scan{n}@example.com"),
            &["member_email"],
        );
        let row = until_tried(&app, &reference).await;
        let page = admin
            .get("/staff/admin/integrations?lang=en")
            .await
            .text()
            .await
            .expect("page");
        let error = page
            .split(r#"class="webhook-error">"#)
            .nth(1)
            .and_then(|rest| rest.split(" (").next())
            .expect("the last error is shown")
            .to_owned();
        for leak in ["refused", "connect", "302", "Found", "answered"] {
            assert!(!error.contains(leak), "{leak:?} in {error:?}");
            assert!(
                !row.last_error.clone().unwrap_or_default().contains(leak),
                "{leak:?} kept"
            );
        }
        shown.push(error);
        // Its queue is dropped before the next port is tried.
        change(
            &app.desk,
            &signed(&app, Who::Admin),
            "MEMBERSHIP",
            HookChange::Remove,
        )
        .expect("removed");
    }
    assert_eq!(shown[0], shown[1], "one answer for both");
    assert!(*posts.lock().expect("lock") >= 1, "the open port was reached");
    handle.stop(true).await;
    app.stop().await;
}
