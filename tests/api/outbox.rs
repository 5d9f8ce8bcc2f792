//! The outbox over real SMTP: each email arrives exactly once, survives an
//! SMTP outage, and two instances never send the same email.

use std::collections::HashSet;
use std::time::Duration;

use app::jobs::Mailer;
use app::jobs::delivery;
use domain::actor::Actor;
use domain::email::EmailStatus;
use domain::email::NewEmail;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use store::outbox;
use store::{Store, lifecycle};

use crate::util::{SpawnOptions, TestApp, TestSmtp, eventually, spawn_app, spawn_app_with};

fn email_for(request_id: &str, to: &str, subject: &str) -> NewEmail {
    NewEmail {
        request_id: Some(request_id.to_owned()),
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: format!("{subject}\n\nThis is a test notice."),
        html: Some(format!("<p>{subject}</p>")),
    }
}

/// Moves a fresh request to in_progress with one email; returns the email id.
fn transition_with_email(app: &TestApp, to: &str) -> String {
    let created = app.create_request(RequestKind::Access, to);
    let applied = app
        .store
        .write(|conn| {
            lifecycle::apply(
                conn,
                lifecycle::Transition {
                    request_id: &created.id,
                    to: RequestStatus::InProgress,
                    actor: &Actor::Requester,
                    reason: None,
                    expected_version: None,
                    payload: serde_json::json!({}),
                    emails: vec![email_for(
                        created.id.as_str(),
                        to,
                        &format!("Request {} verified", created.reference),
                    )],
                },
                crate::util::now(),
            )
        })
        .expect("transition");
    applied.emails[0].clone()
}

fn row(store: &Store, id: &str) -> outbox::OutboxRow {
    outbox::get(&mut store.conn().expect("conn"), id).expect("row")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_email_arrives_at_the_smtp_server_exactly_once() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let id = transition_with_email(&app, "once@example.com");

    let received = smtp.wait_for(1).await;
    let store = app.store.clone();
    let sent = eventually("the row to be marked sent", || {
        let r = row(&store, &id);
        (r.status == EmailStatus::Sent).then_some(r)
    })
    .await;
    assert_eq!(sent.attempts, 1);
    assert!(sent.last_error.is_none());
    assert_eq!(received[0].to, ["once@example.com"]);
    assert!(received[0].data.contains("verified"));
    assert_eq!(
        received[0].header("Message-ID").as_deref(),
        Some(format!("<{id}@rightsdesk>").as_str())
    );

    // Several more job passes send nothing again.
    app.settle(3).await;
    assert_eq!(smtp.received().len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_smtp_server_down_the_email_stays_queued_with_its_error_and_is_sent_when_it_returns() {
    let port = TestSmtp::reserve_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(url),
        extra: Vec::new(),
    })
    .await;
    let id = transition_with_email(&app, "outage@example.com");

    let store = app.store.clone();
    let failed = eventually("a failed attempt to be recorded", || {
        let r = row(&store, &id);
        (r.attempts >= 1).then_some(r)
    })
    .await;
    assert_eq!(failed.status, EmailStatus::Queued);
    assert!(
        failed.last_error.as_deref().is_some_and(|e| !e.is_empty()),
        "{failed:?}"
    );
    assert!(failed.sent_at.is_none());

    let smtp = TestSmtp::start_on(port);
    let received = smtp.wait_for(1).await;
    let sent = eventually("the row to be marked sent", || {
        let r = row(&store, &id);
        (r.status == EmailStatus::Sent).then_some(r)
    })
    .await;
    assert!(sent.attempts >= 2, "{sent:?}");
    assert!(sent.last_error.is_none());
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["outage@example.com"]);
    app.settle(3).await;
    assert_eq!(smtp.received().len(), 1);
    app.stop().await;
}

#[test]
fn two_instances_draining_the_same_outbox_send_each_email_once() {
    let smtp = TestSmtp::start();
    let db = crate::util::TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let created = crate::util::create_request(&store, &keys, RequestKind::Access, "many@example.com");
    let emails: Vec<NewEmail> = (0..40)
        .map(|i| {
            email_for(
                created.id.as_str(),
                &format!("r{i}@example.com"),
                &format!("notice {i}"),
            )
        })
        .collect();
    store
        .write(|conn| outbox::enqueue(conn, &emails, crate::util::now()))
        .expect("enqueue");

    let config = mail::MailTransportConfig::Smtp(smtp.url());
    let from: lettre::message::Mailbox = "Desk <desk@rightsdesk.test>".parse().expect("from");
    let instances: Vec<_> = (0..3)
        .map(|n| {
            let (store, config, from) = (store.clone(), config.clone(), from.clone());
            std::thread::spawn(move || {
                let mailer = Mailer::from_config(&config).expect("mailer");
                delivery::deliver_due(
                    &store,
                    &mailer,
                    &from,
                    &format!("instance-{n}"),
                    Duration::from_secs(30),
                    &app::clock::SystemClock,
                )
                .expect("deliver")
            })
        })
        .collect();
    let sent: usize = instances
        .into_iter()
        .map(|t| t.join().expect("thread").sent)
        .sum();
    assert_eq!(sent, 40);
    let received = smtp.received();
    assert_eq!(received.len(), 40);
    let ids: HashSet<String> = received.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), 40, "every message once");
    assert_eq!(
        outbox::queued_count(&mut store.conn().expect("conn")).expect("count"),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verification_email_leaves_at_once_even_with_a_minute_between_job_runs() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("job-interval", "60s")],
    })
    .await;
    crate::util::seed_catalog(&app.store);
    // The first delivery pass ran at start; the next periodic one is a
    // minute away.
    app.delivery_passes_reach(1).await;
    let fields = crate::util::self_request("access", "prompt@example.com");
    let response = app.submit_request(&fields, None).await;
    assert_eq!(response.status(), 303);
    let answered = std::time::Instant::now();
    let deadline = answered + Duration::from_secs(10);
    while smtp.to("prompt@example.com").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no verification email within 10 s of the 303"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = answered.elapsed();
    eprintln!("verification email reached SMTP {took:?} after the 303");
    assert!(smtp.to("prompt@example.com")[0].code().len() == 6);
    app.stop().await;
}

/// A notice as a mail client gets it: text and HTML alternatives saying the
/// same, a Date, `Auto-Submitted: auto-generated`, its Message-ID, and
/// absolute links to the desk's base URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_arrives_as_text_and_html_with_the_headers_of_good_mail() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let response = app
        .submit_request(
            &crate::util::self_request("access", "good.mail@example.com"),
            None,
        )
        .await;
    assert_eq!(response.status(), 303);
    let email = smtp.wait_for_to("good.mail@example.com", 1).await;
    assert!(
        email
            .header("Content-Type")
            .is_some_and(|t| t.starts_with("multipart/alternative")),
        "{:?}",
        email.header("Content-Type")
    );
    assert_eq!(email.header("Auto-Submitted").as_deref(), Some("auto-generated"));
    assert!(email.header("Date").is_some());
    assert!(
        email
            .header("Message-ID")
            .is_some_and(|id| id.ends_with("@rightsdesk>"))
    );
    let text = email.text();
    let html = email.html().expect("an HTML part");
    let code = email.code();
    let link = format!("{}{}", app.config.base_url, email.link("/v/"));
    for part in [code.as_str(), link.as_str()] {
        assert!(text.contains(part), "text: {part}");
        assert!(html.contains(part), "html: {part}");
    }
    assert!(!html.contains("src="), "nothing loaded from elsewhere");
    app.stop().await;
}
