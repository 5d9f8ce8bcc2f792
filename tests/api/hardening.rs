//! The public side under attack: each test is named for an attack a probe
//! of the public pages found, and shows it no longer works.

use crate::util::{PDF, TestSmtp, location, reference_from, self_request, spawn_app_with_catalog};
use domain::ids::RequestId;

/// Submits a self-request from `email`; its reference.
async fn submitted(
    app: &crate::util::TestApp,
    kind: &'static str,
    email: &'static str,
) -> domain::reference::Reference {
    reference_from(&location(
        &app.submit_request(&self_request(kind, email), None).await,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_notice_reveals_nothing_about_other_requests() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    // The victim asks for deletion of their data.
    let victims = submitted(&app, "deletion", "victim@example.com").await;
    // A stranger, posing as the victim's delegate, asks the same.
    let fields = [
        ("kind", "deletion"),
        ("on_behalf", "delegate"),
        ("requester_name", "Stranger"),
        ("requester_email", "stranger@example.com"),
        ("subject_name", "Victim"),
        ("subject_email", "victim@example.com"),
    ];
    let response = app.submit_request(&fields, Some(("poa.pdf", PDF.to_vec()))).await;
    assert_eq!(response.status(), 303);
    let strangers = reference_from(&location(&response));
    let email = smtp.wait_for_to("stranger@example.com", 1).await;
    let text = email.text();
    assert!(text.contains(&strangers.to_string()));
    assert!(!text.contains(&victims.to_string()), "{text}");
    for hint in [
        "24 hours",
        "24시간",
        "same person",
        "handled together",
        "같은 분",
        "함께 처리",
    ] {
        assert!(
            !text.contains(hint),
            "the email hints at another request ({hint}): {text}"
        );
    }
    // Staff still see the two linked.
    let linked = app
        .store
        .read(|conn| store::requests::get_by_reference(conn, &strangers))
        .expect("row")
        .duplicate_of;
    assert!(linked.is_some());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_on_an_error_page_cannot_point_to_another_site() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    for path in ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("evil.example"), "{path}: {body}");
        assert!(body.contains(r#"href="?lang=en""#), "{path}");
    }
    app.stop().await;
}

/// Opens a plain TCP connection to the desk, sends `head` and `body_start`
/// and then nothing more; returns what the desk answers within `wait`.
fn send_and_stall(port: u16, head: &str, body_start: &[u8], wait: std::time::Duration) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(wait)).expect("timeout");
    stream.write_all(head.as_bytes()).expect("head");
    stream.write_all(body_start).expect("body");
    let mut answer = Vec::new();
    let mut buf = [0_u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// The CSRF cookie and token of a fresh page, for hand-made posts.
async fn cookie_and_token(app: &crate::util::TestApp, path: &str) -> (String, String) {
    let page = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("page");
    let _ = page.text().await;
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("page");
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("rd_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    let body = page.text().await.expect("body");
    let token = crate::util::csrf_token_in(&body).expect("token");
    (cookie, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_flood_an_address_or_forge_its_first_line() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    // A forged first line: a name that carries a "security notice".
    let mut forged = self_request("access", "victim@example.com");
    forged.retain(|(k, _)| *k != "requester_name");
    forged.push((
        "requester_name",
        "Kim\nSecurity notice: log in at https://evil.example",
    ));
    let response = app.submit_request(&forged, None).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(r#"id="requester_name-error""#)
    );

    // Requests naming the victim as requester: three may wait for
    // confirmation; the fourth is refused beside the address, values kept.
    for n in 0..3 {
        let response = app
            .submit_request(&self_request("access", "victim@example.com"), None)
            .await;
        assert_eq!(response.status(), 303, "request {n}");
    }
    let response = app
        .submit_request(&self_request("access", "victim@example.com"), None)
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains(r#"id="requester_email-error""#), "{body}");
    assert!(body.contains("victim@example.com"));
    app.settle(1).await;
    assert_eq!(smtp.to("victim@example.com").len(), 3);

    // Tracking one of them: three status links a day, then nothing.
    let (reference, address) = {
        let conn = &mut app.store.conn().expect("conn");
        let counts = store::requests::count_by_status(conn).expect("count");
        assert_eq!(counts.iter().map(|(_, n)| n).sum::<i64>(), 3);
        ("DSR-2026-000001".to_owned(), "victim@example.com")
    };
    let year = chrono::Utc::now().format("%Y").to_string();
    let reference = reference.replace("2026", &year);
    let (_, token) = app.page_with_csrf("/track").await;
    for _ in 0..5 {
        let response = app
            .post_form(
                "/track",
                &[
                    ("reference", &reference),
                    ("email", address),
                    ("csrf_token", &token),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    // 3 codes + 2 links: the address's hourly cap of 5 binds first.
    smtp.wait_for_to("victim@example.com", 5).await;
    app.settle(3).await;
    let received = smtp.to("victim@example.com").len();
    assert_eq!(received, 5, "the address was sent {received} emails");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_without_a_token_is_refused_before_its_body_is_read() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![("rate-limit", "1000")]).await;
    let (cookie, token) = cookie_and_token(&app, "/requests/new").await;
    let boundary = "XyZ";
    // 9 MB declared, only the first part sent: no token, so 403 at once.
    let first_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"website\"\r\n\r\nx\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"authority_document\"; filename=\"a.pdf\"\r\n\r\n%PDF-"
    );
    let head = format!(
        "POST /requests HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 9000000\r\n\r\n"
    );
    let answer = send_and_stall(
        app.port,
        &head,
        first_part.as_bytes(),
        std::time::Duration::from_secs(5),
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");

    // A body declared larger than any honest upload: 413 at once.
    let head = format!(
        "POST /requests HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 100000000\r\n\r\n"
    );
    let answer = send_and_stall(app.port, &head, b"", std::time::Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // With a good token, a body past the cap is refused once it passes it.
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token.clone());
    for (name, value) in self_request("access", "big@example.com") {
        form = form.text(name, value);
    }
    let mut big = b"%PDF-".to_vec();
    big.resize(12 * 1024 * 1024, b'x');
    form = form.part(
        "authority_document",
        reqwest::multipart::Part::bytes(big).file_name("big.pdf"),
    );
    let response = reqwest::Client::new()
        .post(format!("{}/requests", app.address))
        .header("Cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 413);
    app.stop().await;

    // The status page's posts are rate limited like every public post.
    let app = crate::util::spawn_app_with_catalog(&smtp, vec![("rate-limit", "2")]).await;
    let (_, token) = app.page_with_csrf("/requests/new").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = app
            .post_form("/r/not-a-token/withdraw", &[("csrf_token", &token)])
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [404, 404, 429]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_escape_its_limit_by_writing_its_own_forwarded_for() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![("rate-limit", "2"), ("trust-forwarded", "true")]).await;
    let (_, token) = app.page_with_csrf("/track").await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        // The client rotates the left entry; the proxy appends the address
        // it really saw.
        let forwarded = format!("198.51.100.{n}, 203.0.113.9");
        statuses.push(crate::util::track_forwarded(&app, &token, &forwarded).await);
    }
    assert_eq!(statuses, [200, 200, 429, 429]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_spread_over_many_requests_for_one_address_are_capped() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let address = "guessed@example.com";
    let mut references = Vec::new();
    for _ in 0..3 {
        references.push(submitted(&app, "access", address).await);
    }
    smtp.wait_for_to(address, 3).await;
    let email_of = |reference: &domain::reference::Reference| {
        smtp.to(address)
            .into_iter()
            .find(|m| m.subject().contains(&reference.to_string()))
            .expect("the request's email")
    };
    let codes: Vec<String> = references.iter().map(|r| email_of(r).code()).collect();
    let (_, token) = app.page_with_csrf("/track").await;
    let wrong = |right: &str| {
        if right == "000000" {
            "111111".to_owned()
        } else {
            "000000".to_owned()
        }
    };
    // Five wrong codes on each of the first two requests: ten for the address.
    for (reference, right) in references.iter().zip(&codes).take(2) {
        for _ in 0..5 {
            let response = app
                .post_form(
                    &format!("/requests/{reference}/verify"),
                    &[("code", &wrong(right)), ("csrf_token", &token)],
                )
                .await;
            assert_eq!(response.status(), 422);
        }
    }
    // The third request's right code is no longer checked...
    let response = app
        .post_form(
            &format!("/requests/{}/verify", references[2]),
            &[("code", &codes[2]), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 422);
    // ...and no fourth request can be opened for the address meanwhile.
    let response = app.submit_request(&self_request("access", address), None).await;
    assert_eq!(response.status(), 422);
    // The emailed link still confirms it: a stranger cannot stop the owner.
    let link = email_of(&references[2]).link("/v/");
    let (_, token) = app.page_with_csrf(&link).await;
    let response = app.post_form(&link, &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        crate::util::status_of(&app, &references[2]),
        domain::lifecycle::RequestStatus::InProgress
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_pages_answer_alike_whatever_the_reference() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let waiting = submitted(&app, "access", "waiting@example.com").await;
    let (confirmed, _, _) = crate::util::verified_request(&app, &smtp, "access", "done@example.com").await;
    let unknown: domain::reference::Reference = "DSR-2026-999999".parse().expect("reference");
    let (_, token) = app.page_with_csrf("/track").await;
    let answer =
        |reference: domain::reference::Reference, path: &'static str, fields: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let response = app
                    .post_form(
                        &format!("/requests/{reference}/verify{path}"),
                        &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
                    )
                    .await;
                let status = response.status();
                (
                    status,
                    response
                        .text()
                        .await
                        .expect("body")
                        .replace(&reference.to_string(), "REF"),
                )
            }
        };
    let code = |token: &str| vec![("code", "123456".to_owned()), ("csrf_token", token.to_owned())];
    let for_waiting = answer(waiting, "", code(&token)).await;
    let for_confirmed = answer(confirmed, "", code(&token)).await;
    let for_unknown = answer(unknown, "", code(&token)).await;
    assert_eq!(for_waiting.0, 422);
    assert_eq!(for_waiting, for_confirmed);
    assert_eq!(for_waiting, for_unknown);
    // New codes: asked too soon, for a confirmed request, for no request.
    let ask = |token: &str| vec![("csrf_token", token.to_owned())];
    let soon = answer(waiting, "/new-code", ask(&token)).await;
    let done = answer(confirmed, "/new-code", ask(&token)).await;
    let none = answer(unknown, "/new-code", ask(&token)).await;
    assert_eq!(soon.0, 200);
    assert_eq!(soon, done);
    assert_eq!(soon, none);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_name_addresses_are_refused_and_undeliverable_email_is_given_up() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    for address in ["Kim <victim@example.com>", "\"kim minji\"@example.com"] {
        let mut fields = self_request("access", "placeholder@example.com");
        fields.retain(|(k, _)| *k != "requester_email");
        fields.push(("requester_email", address));
        let response = app.submit_request(&fields, None).await;
        assert_eq!(response.status(), 422, "{address}");
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains(r#"id="requester_email-error""#)
        );
    }
    // An email the transport can never send (stored before addresses were
    // checked this strictly) is given up at once, with an audit event.
    let created = app.create_request(domain::request::RequestKind::Access, "old@example.com");
    let email = domain::email::NewEmail {
        request_id: Some(created.id.clone().into()),
        to: "\"kim minji\"@example.com".into(),
        subject: "s".into(),
        text: "t".into(),
        html: None,
    };
    let ids = app
        .store
        .write(|conn| store::outbox::enqueue(conn, &[email], crate::util::now()))
        .expect("enqueue");
    let store = app.store.clone();
    let row = crate::util::eventually("the email to be given up", || {
        let row = store::outbox::get(&mut store.conn().expect("conn"), &ids[0]).expect("row");
        (row.status == domain::email::EmailStatus::Failed).then_some(row)
    })
    .await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    let events = app
        .store
        .read(|conn| store::audit::for_request(conn, &created.id))
        .expect("events");
    assert!(
        events
            .iter()
            .any(|e| e.action == domain::audit::AuditAction::EmailFailed)
    );
    // Operators see it listed.
    let listed = std::process::Command::new(assert_cmd::cargo::cargo_bin("rightsdesk"))
        .envs(crate::util::cli_env(&app.db))
        .args(["outbox", "failed"])
        .output()
        .expect("run");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains(&ids[0]), "{listed}");
    assert!(listed.contains(&created.reference.to_string()), "{listed}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_cut_off() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![("body-timeout", "1s")]).await;
    let (cookie, _) = cookie_and_token(&app, "/track").await;
    let head = format!(
        "POST /track HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    );
    let started = std::time::Instant::now();
    let answer = send_and_stall(
        app.port,
        &head,
        b"reference=DSR",
        std::time::Duration::from_secs(30),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_tokens_never_reach_the_log() {
    use auth::keys::{Keys, SecretKey};
    use auth::tokens::{self, Purpose};
    use domain::document::{AcceptedDocumentRef, DocumentPurpose, DocumentType};
    let db = crate::util::TestDb::fresh();
    let env = crate::util::cli_env(&db);
    let keys = Keys::new(SecretKey::from_base64(&env["RIGHTSDESK_SECRET_KEY"]).expect("secret"));
    let store = db.store();
    let created = crate::util::create_request(
        &store,
        &keys,
        domain::request::RequestKind::Access,
        "logs@example.com",
    );
    let document = store
        .write(|conn| {
            store::documents::save(
                conn,
                &keys.documents,
                &created.id,
                DocumentPurpose::Result,
                AcceptedDocumentRef {
                    kind: DocumentType::Pdf,
                    filename: "copy.pdf",
                    bytes: b"%PDF-1.4",
                },
                crate::util::now(),
            )
        })
        .expect("document");
    // Released to the requester (the request completed), and damaged: its
    // download fails inside.
    db.execute_raw(&format!(
        "UPDATE requests SET status = 'completed' WHERE id = '{}';
         UPDATE documents SET nonce = ciphertext WHERE id = '{document}'",
        created.id
    ))
    .expect("damage it");
    let token =
        tokens::issue(&keys, Purpose::Status, created.id.as_str(), crate::util::now()).expect("token");
    let verify =
        tokens::issue(&keys, Purpose::Verify, created.id.as_str(), crate::util::now()).expect("token");

    let port = TestSmtp::reserve_port();
    let log = db.dir.join("desk.log");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rightsdesk"))
        .envs(env)
        .env("RIGHTSDESK_BIND", format!("127.0.0.1:{port}"))
        .env("RIGHTSDESK_LOG", "debug")
        .env("RIGHTSDESK_LOG_FORMAT", "json")
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    crate::util::eventually_async("the desk to start", || {
        client.get(format!("{base}/healthz")).send()
    })
    .await;
    let failed = client
        .get(format!("{base}/r/{token}/documents/{document}"))
        .send()
        .await
        .expect("get");
    assert_eq!(failed.status(), 500);
    assert_eq!(
        client
            .get(format!("{base}/r/{token}"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    assert_eq!(
        client
            .get(format!("{base}/v/{verify}"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let written = std::fs::read_to_string(&log).expect("log");
    assert!(written.contains("/r/[token]/documents/"), "{written}");
    for secret in [&token, &verify] {
        let signature = secret.rsplit('.').next().expect("signature");
        assert!(!written.contains(signature), "a token reached the log: {written}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parser_messages_file_names_and_downloads_leak_nothing() {
    use domain::document::DocumentPurpose;
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    // A malformed body: the person is told in their language, without the
    // parser's own words.
    let (cookie, _) = cookie_and_token(&app, "/requests/new").await;
    let response = reqwest::Client::new()
        .post(format!("{}/requests", app.address))
        .header("Cookie", &cookie)
        .header("Content-Type", "multipart/form-data")
        .body("--x\r\n")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 400);
    let body = response.text().await.expect("body");
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(!body.to_lowercase().contains("boundary"), "{body}");

    // A form too long for a form without files does not speak of files.
    let (_, token) = app.page_with_csrf("/track").await;
    let long = "x".repeat(300 * 1024);
    let response = app
        .post_form(
            "/track?lang=en",
            &[("reference", long.as_str()), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 413);
    let body = response.text().await.expect("body");
    assert!(body.contains("The form is longer than it may be"), "{body}");
    assert!(!body.contains("10 MB"), "{body}");

    // A file name that would read backwards loses its override; a result
    // with a Korean name is offered under that name (RFC 6266 filename*).
    let (_, id, status_path) =
        crate::util::verified_request(&app, &smtp, "access", "names@example.com").await;
    let (_, token) = app.page_with_csrf(&status_path).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("message", "The scan is attached.")
        .part(
            "document",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("invoice\u{202E}fdp.exe"),
        );
    let response = app
        .post_multipart(&format!("{status_path}/information"), form)
        .await;
    assert_eq!(response.status(), 303);
    let documents = app
        .store
        .read(|conn| store::documents::list_for_request(conn, &RequestId::from(id.to_owned())))
        .expect("documents");
    assert_eq!(documents[0].filename, "invoicefdp.pdf");
    let result = app
        .store
        .write(|conn| {
            store::documents::save(
                conn,
                &app.keys.documents,
                &RequestId::from(id.to_owned()),
                DocumentPurpose::Result,
                domain::document::AcceptedDocumentRef {
                    kind: domain::document::DocumentType::Pdf,
                    filename: "열람 결과.pdf",
                    bytes: PDF,
                },
                crate::util::now(),
            )
        })
        .expect("result");
    // Data returned is released to the requester only once the request
    // is completed.
    let response = app.get(&format!("{status_path}/documents/{result}")).await;
    assert_eq!(response.status(), 404);
    let officer = domain::actor::Actor::Staff {
        id: "officer".into(),
        role: domain::staff::StaffRole::PrivacyOfficer,
    };
    app.store
        .write(|conn| {
            store::lifecycle::apply(
                conn,
                store::lifecycle::Transition::new(
                    &RequestId::from(id.to_owned()),
                    domain::lifecycle::RequestStatus::Completed,
                    &officer,
                ),
                crate::util::now(),
            )
        })
        .expect("completed");
    let response = app.get(&format!("{status_path}/documents/{result}")).await;
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%EC%97%B4%EB%9E%8C%20%EA%B2%B0%EA%B3%BC.pdf"),
        "{disposition}"
    );
    app.stop().await;
}
