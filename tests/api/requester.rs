//! The requester's side end to end over HTTP and real SMTP: the form,
//! verification by code and by link, tracking, the status page.

use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use store::{documents, holds, requests};

use crate::util::{
    PDF, TestApp, TestSmtp, csrf_token_in, location, reference_from, self_request, spawn_app_with_catalog,
    staff_moves, status_of, track_forwarded, verified_request,
};

fn request_count(app: &TestApp) -> i64 {
    let conn = &mut app.store.conn().expect("conn");
    requests::count_by_status(conn)
        .expect("count")
        .iter()
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_request_of_each_kind_reaches_in_progress_by_code() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    for (i, kind) in ["access", "correction", "deletion", "suspension"]
        .into_iter()
        .enumerate()
    {
        let email: &'static str = Box::leak(format!("code{i}@example.com").into_boxed_str());
        let response = app.submit_request(&self_request(kind, email), None).await;
        assert_eq!(
            response.status(),
            303,
            "{kind}: {}",
            response.text().await.unwrap_or_default()
        );
        let receipt_path = location(&response);
        let reference = reference_from(&receipt_path);
        assert_eq!(status_of(&app, &reference), RequestStatus::Unverified);

        let receipt = app.get(&receipt_path).await.text().await.expect("receipt");
        assert!(receipt.contains(&reference.to_string()));

        let email_msg = smtp.wait_for_to(email, 1).await;
        assert!(
            email_msg.subject().contains(&reference.to_string()),
            "{}",
            email_msg.subject()
        );
        let code = email_msg.code();

        let verify_path = format!("/requests/{reference}/verify");
        let (_, token) = app.page_with_csrf(&verify_path).await;
        let response = app
            .post_form(&verify_path, &[("code", &code), ("csrf_token", &token)])
            .await;
        assert_eq!(response.status(), 303, "{kind}");
        let status_path = location(&response);
        assert!(status_path.starts_with("/r/"), "{status_path}");
        assert_eq!(status_of(&app, &reference), RequestStatus::InProgress, "{kind}");

        let status_page = app.get(&status_path).await;
        assert_eq!(status_page.status(), 200);
        let body = status_page.text().await.expect("body");
        assert!(body.contains(&reference.to_string()));
        let row = {
            let conn = &mut app.store.conn().expect("conn");
            requests::get_by_reference(conn, &reference).expect("row")
        };
        let due = row.due_date.expect("due date");
        let expected = domain::deadline::answer_due(
            domain::profile::Profile::of(domain::jurisdiction::Jurisdiction::KrPipa),
            row.kind,
            false,
            row.received_at,
            chrono_tz::Asia::Seoul,
            domain::calendar::CalendarCode::KOREA.calendar(),
        );
        assert_eq!(
            row.calendar.as_deref(),
            Some(domain::calendar::CalendarCode::KOREA.label().as_str()),
            "the calendar is recorded on the request"
        );
        assert_eq!(due, expected);
        assert!(
            body.contains(&due.format("%Y-%m-%d").to_string()),
            "the status page shows the due date"
        );
        // The verified email carries the status link too.
        let verified = smtp.wait_for_to(email, 2).await;
        assert!(verified.link("/r/").starts_with("/r/"));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_request_of_each_kind_reaches_in_progress_by_link() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    for (i, kind) in ["access", "correction", "deletion", "suspension"]
        .into_iter()
        .enumerate()
    {
        let email: &'static str = Box::leak(format!("link{i}@example.com").into_boxed_str());
        let response = app.submit_request(&self_request(kind, email), None).await;
        assert_eq!(response.status(), 303);
        let reference = reference_from(&location(&response));
        let link = smtp.wait_for_to(email, 1).await.link("/v/");

        // Opening the link changes nothing (mail scanners open links).
        let (page, token) = app.page_with_csrf(&link).await;
        assert!(page.contains(r#"method="post""#));
        assert_eq!(status_of(&app, &reference), RequestStatus::Unverified);

        let response = app.post_form(&link, &[("csrf_token", &token)]).await;
        assert_eq!(response.status(), 303, "{kind}");
        assert_eq!(status_of(&app, &reference), RequestStatus::InProgress, "{kind}");

        // A second confirmation is harmless.
        let again = app.post_form(&link, &[("csrf_token", &token)]).await;
        assert_eq!(again.status(), 200);
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_request_with_a_pdf_reaches_verifying_and_the_document_is_stored_encrypted() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let fields = [
        ("kind", "correction"),
        ("on_behalf", "delegate"),
        ("requester_name", "Lee Seojun"),
        ("requester_email", "seojun@example.com"),
        ("subject_name", "Lee Haeun"),
        ("subject_email", "haeun@example.com"),
        ("correction", "Name: Lee Haneul → Lee Haeun"),
        ("categories", "member_name"),
    ];
    let response = app.submit_request(&fields, Some(("poa.pdf", PDF.to_vec()))).await;
    assert_eq!(
        response.status(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let reference = reference_from(&location(&response));

    let email = smtp.wait_for_to("seojun@example.com", 1).await;
    let verify_path = format!("/requests/{reference}/verify");
    let (_, token) = app.page_with_csrf(&verify_path).await;
    let response = app
        .post_form(&verify_path, &[("code", &email.code()), ("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Verifying);

    let conn = &mut app.store.conn().expect("conn");
    let row = requests::get_by_reference(conn, &reference).expect("request");
    assert_eq!(row.subject_email, "haeun@example.com");
    let docs = documents::list_for_request(conn, &row.id).expect("documents");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].purpose.as_str(), "authority");
    assert_eq!(docs[0].content_type, "application/pdf");
    assert_eq!(docs[0].size_bytes, PDF.len() as i64);
    let stored = documents::stored_bytes(conn, &docs[0].id).expect("stored");
    assert_ne!(stored, PDF, "the stored bytes must not be the upload");
    assert!(
        !stored.windows(5).any(|w| w == b"%PDF-"),
        "no plaintext in storage"
    );
    let (_, plain) = documents::read(conn, &app.keys.documents, &row.id, &docs[0].id).expect("decrypt");
    assert_eq!(plain, PDF);

    // The hold freezes the subject's data from the moment of asking.
    let active: Vec<_> = holds::for_request(conn, &row.id)
        .expect("holds")
        .into_iter()
        .filter(|h| h.lifted_at.is_none())
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].scope.to_string(), "member_name");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_validation_error_is_shown_beside_its_field_and_keeps_the_other_values() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let base = [
        ("kind", "access"),
        ("on_behalf", "self"),
        ("requester_name", "Kim Minji"),
        ("requester_email", "keep@example.com"),
        ("requester_phone", "010-1234-5678"),
        ("details", "keep these details"),
    ];
    let with = |field: &'static str, value: &'static str| -> Vec<(&'static str, &'static str)> {
        let mut fields: Vec<_> = base.iter().copied().filter(|(k, _)| *k != field).collect();
        fields.push((field, value));
        fields
    };
    let long_name: &'static str = Box::leak("가".repeat(101).into_boxed_str());
    type File = Option<(&'static str, Vec<u8>)>;
    type Fields = Vec<(&'static str, &'static str)>;
    let cases: Vec<(Fields, File, &str, &str)> = vec![
        (
            with("requester_name", ""),
            None,
            "requester_name",
            "Fill in this field.",
        ),
        (
            with("requester_name", long_name),
            None,
            "requester_name",
            "This is too long.",
        ),
        (
            with("requester_email", "not-an-email"),
            None,
            "requester_email",
            "right format",
        ),
        (
            with("requester_phone", "12"),
            None,
            "requester_phone",
            "phone number",
        ),
        (
            with("kind", "erase"),
            None,
            "kind",
            "Choose what you want to ask for.",
        ),
        (
            with("kind", "correction"),
            None,
            "correction",
            "Fill in this field.",
        ),
        (
            with("details", "my RRN is 900101-1234567"),
            None,
            "details",
            "resident registration number",
        ),
        (
            with("categories", "secret"),
            None,
            "categories",
            "not on the list",
        ),
        (
            with("on_behalf", "delegate"),
            None,
            "authority_document",
            "power of attorney",
        ),
        (
            with("on_behalf", "delegate"),
            Some(("poa.pdf", b"MZ not a pdf".to_vec())),
            "authority_document",
            "PDF, PNG or JPEG",
        ),
        (
            with("on_behalf", "delegate"),
            Some(("big.pdf", {
                let mut big = b"%PDF-".to_vec();
                big.resize(10 * 1024 * 1024 + 10, b'x');
                big
            })),
            "authority_document",
            "10 MB",
        ),
    ];
    let before = request_count(&app);
    for (fields, file, field, message) in cases {
        let had_file = file.is_some();
        let response = app
            .client
            .get(format!("{}/?lang=en", app.address))
            .send()
            .await
            .expect("language");
        drop(response);
        let response = app.submit_request(&fields, file).await;
        assert_eq!(response.status(), 422, "{field}");
        let body = response.text().await.expect("body");
        assert!(
            body.contains(&format!(r#"id="{field}-error""#)),
            "{field}: no error beside the field"
        );
        assert!(body.contains(message), "{field}: message {message:?} missing");
        assert!(body.contains(r#"class="error-summary""#), "{field}: no summary");
        assert!(
            body.contains(&format!(r##"href="#{field}""##)),
            "{field}: summary does not link"
        );
        for (name, value) in &fields {
            if *name == field || *name == "kind" || *name == "on_behalf" || *name == "categories" {
                continue;
            }
            assert!(body.contains(value), "{field}: the value of {name} was lost");
        }
        if had_file {
            assert!(
                body.contains("choose it again"),
                "{field}: the page must ask for the file again"
            );
        }
        assert!(csrf_token_in(&body).is_some());
    }
    assert_eq!(request_count(&app), before, "nothing is stored for invalid input");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_wrong_csrf_token_is_refused_and_stores_nothing() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    app.get("/requests/new").await;
    for token in [None, Some("forged.token"), Some("")] {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in self_request("deletion", "csrf@example.com") {
            form = form.text(name, value);
        }
        if let Some(token) = token {
            form = form.text("csrf_token", token.to_owned());
        }
        let response = app.post_multipart("/requests", form).await;
        assert_eq!(response.status(), 403);
        assert!(response.text().await.expect("body").contains("<html"));
    }
    // A token from another browser (another cookie) is refused too.
    let (_, token) = app.page_with_csrf("/requests/new").await;
    let stranger = reqwest::Client::new();
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in self_request("deletion", "csrf@example.com") {
        form = form.text(name, value);
    }
    let response = stranger
        .post(format!("{}/requests", app.address))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 403);
    assert_eq!(request_count(&app), 0);
    assert!(smtp.received().is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_wrong_code_finds_the_code_locked_until_a_new_one_is_sent() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let response = app
        .submit_request(&self_request("access", "locked@example.com"), None)
        .await;
    let reference = reference_from(&location(&response));
    let right = smtp.wait_for_to("locked@example.com", 1).await.code();
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let path = format!("/requests/{reference}/verify");
    let (_, token) = app.page_with_csrf(&path).await;
    for attempt in 1..=5 {
        let response = app
            .post_form(&path, &[("code", wrong), ("csrf_token", &token)])
            .await;
        assert_eq!(response.status(), 422, "attempt {attempt}");
        // The page says the same whatever the state (no oracle): it points
        // to the link, which still confirms.
        let body = response.text().await.expect("body");
        assert!(body.contains("이 코드는 사용할 수 없습니다"), "{body}");
    }
    // The sixth try, even with the right code, is refused: the code is locked.
    let response = app
        .post_form(&path, &[("code", &right), ("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("이 코드는 사용할 수 없습니다"), "{body}");
    assert_eq!(status_of(&app, &reference), RequestStatus::Unverified);
    {
        let conn = &mut app.store.conn().expect("conn");
        let id = requests::get_by_reference(conn, &reference).expect("row").id;
        let events = store::audit::for_request(conn, &id).expect("events");
        let rejected = events
            .iter()
            .filter(|e| e.action.as_str() == "verification.code_rejected")
            .count();
        assert_eq!(rejected, 5, "each wrong code is in the audit trail");
    }

    // A new code unlocks it.
    let response = app
        .post_form(&format!("{path}/new-code"), &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 200);
    let fresh = smtp.wait_for_to("locked@example.com", 2).await.code();
    let response = app
        .post_form(&path, &[("code", &fresh), ("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);

    // New codes are rate limited.
    let response = app
        .submit_request(&self_request("access", "limited@example.com"), None)
        .await;
    let other = reference_from(&location(&response));
    let response = app
        .post_form(
            &format!("/requests/{other}/verify/new-code"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 200);
    app.settle(2).await;
    assert_eq!(
        smtp.to("limited@example.com").len(),
        1,
        "no second code within the minute"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn track_answers_the_same_whether_or_not_the_reference_exists() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let response = app
        .submit_request(&self_request("access", "track@example.com"), None)
        .await;
    let reference = reference_from(&location(&response));
    smtp.wait_for_to("track@example.com", 1).await;

    let (_, token) = app.page_with_csrf("/track").await;
    let ask = |reference: String, email: &'static str| {
        let token = token.clone();
        let app = &app;
        async move {
            let response = app
                .post_form(
                    "/track",
                    &[
                        ("reference", &reference),
                        ("email", email),
                        ("csrf_token", &token),
                    ],
                )
                .await;
            let status = response.status();
            let body = response.text().await.expect("body");
            // Remove what the person typed before comparing the pages.
            (status, body.replace(&reference, "REF").replace(email, "EMAIL"))
        }
    };
    let matching = ask(reference.to_string(), "track@example.com").await;
    let wrong_email = ask(reference.to_string(), "someone@example.com").await;
    let unknown = ask("DSR-2026-999999".to_owned(), "track@example.com").await;
    assert_eq!(matching.0, 200);
    assert_eq!(matching, wrong_email);
    assert_eq!(matching, unknown);

    // Only the matching pair got an email, with a working status link.
    let link_email = smtp.wait_for_to("track@example.com", 2).await;
    let status_path = link_email.link("/r/");
    assert_eq!(app.get(&status_path).await.status(), 200);
    app.settle(2).await;
    assert!(smtp.to("someone@example.com").is_empty());
    assert_eq!(smtp.to("track@example.com").len(), 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_token_for_one_request_gives_nothing_about_another() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let mut paths = Vec::new();
    for email in ["a@example.com", "b@example.com"] {
        let (reference, _, status_path) = verified_request(&app, &smtp, "access", email).await;
        paths.push((reference, status_path));
    }
    let (ref_a, status_a) = &paths[0];
    let (ref_b, _) = &paths[1];
    // B's result document, which A's token must not reach.
    let b_doc = app
        .store
        .write(|conn| {
            let row = requests::get_by_reference(conn, ref_b)?;
            documents::save(
                conn,
                &app.keys.documents,
                &row.id,
                domain::document::DocumentPurpose::Result,
                domain::document::AcceptedDocumentRef {
                    kind: domain::document::DocumentType::Pdf,
                    filename: "copy.pdf",
                    bytes: PDF,
                },
                crate::util::now(),
            )
        })
        .expect("save");
    let page_a = app.get(status_a).await.text().await.expect("page");
    assert!(page_a.contains(&ref_a.to_string()));
    assert!(!page_a.contains(&ref_b.to_string()));
    assert_eq!(
        app.get(&format!("{status_a}/documents/{b_doc}")).await.status(),
        404
    );
    assert_eq!(app.get("/r/not-a-token").await.status(), 404);
    // A verification token is not a status token.
    let verify_link = smtp.wait_for_to("a@example.com", 1).await.link("/v/");
    let as_status = verify_link.replacen("/v/", "/r/", 1);
    assert_eq!(app.get(&as_status).await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawing_lifts_the_hold_and_tells_the_requester() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (reference, id, status_path) =
        verified_request(&app, &smtp, "deletion", "withdraw@example.com").await;
    let active = |app: &TestApp| {
        let conn = &mut app.store.conn().expect("conn");
        holds::for_request(conn, &RequestId::from(id.to_owned()))
            .expect("holds")
            .iter()
            .filter(|h| h.lifted_at.is_none())
            .count()
    };
    assert_eq!(active(&app), 1);

    let (confirm, token) = app.page_with_csrf(&format!("{status_path}/withdraw")).await;
    assert!(confirm.contains(&reference.to_string()));
    let response = app
        .post_form(&format!("{status_path}/withdraw"), &[("csrf_token", &token)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Withdrawn);
    assert_eq!(active(&app), 0);
    let notice = smtp.wait_for_to("withdraw@example.com", 3).await;
    assert!(notice.subject().contains(&reference.to_string()));

    let page = app.get(&status_path).await.text().await.expect("page");
    assert!(
        !page.contains("/withdraw\""),
        "no withdraw form on a withdrawn request"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_request_expires_lifting_its_hold_and_telling_the_requester() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![("unverified-expiry", "1s")]).await;
    let response = app
        .submit_request(&self_request("correction", "expire@example.com"), None)
        .await;
    let reference = reference_from(&location(&response));
    smtp.wait_for_to("expire@example.com", 1).await;
    let expired = smtp.wait_for_to("expire@example.com", 2).await;
    assert!(expired.subject().contains(&reference.to_string()));
    assert_eq!(status_of(&app, &reference), RequestStatus::Expired);
    let conn = &mut app.store.conn().expect("conn");
    let row = requests::get_by_reference(conn, &reference).expect("row");
    assert!(
        holds::for_request(conn, &row.id)
            .expect("holds")
            .iter()
            .all(|h| h.lifted_at.is_some())
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_request_of_the_same_kind_within_a_day_is_linked_as_a_duplicate() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let first = reference_from(&location(
        &app.submit_request(&self_request("deletion", "dup@example.com"), None)
            .await,
    ));
    let second = reference_from(&location(
        &app.submit_request(&self_request("deletion", "dup@example.com"), None)
            .await,
    ));
    // Linked for staff; the requester's email says nothing about it. (The
    // two emails may arrive in either order: the second request's is the
    // one naming it.)
    smtp.wait_for_to("dup@example.com", 2).await;
    let notice = smtp
        .to("dup@example.com")
        .into_iter()
        .find(|m| m.text().contains(&second.to_string()))
        .expect("the second request's email");
    assert!(!notice.text().contains(&first.to_string()), "{}", notice.text());
    let conn = &mut app.store.conn().expect("conn");
    let first_row = requests::get_by_reference(conn, &first).expect("first");
    let second_row = requests::get_by_reference(conn, &second).expect("second");
    assert_eq!(second_row.duplicate_of.as_deref(), Some(first_row.id.as_str()));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_past_the_rate_limit_are_refused() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![("rate-limit", "3")]).await;
    let (_, token) = app.page_with_csrf("/track").await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app
            .post_form(
                "/track",
                &[
                    ("reference", "DSR-2026-000001"),
                    ("email", "x@example.com"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    assert_eq!(statuses[4], 429);
    let refused = app
        .post_form(
            "/track?lang=en",
            &[
                ("reference", "DSR-2026-000001"),
                ("email", "x@example.com"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(refused.status(), 429);
    assert!(
        refused.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(
        refused.text().await.expect("body").contains("Too many requests"),
        "the refusal is explained on a page"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn information_sent_when_asked_for_returns_the_request_to_work() {
    use domain::staff::StaffRole;
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (reference, id, status_path) = verified_request(&app, &smtp, "correction", "info@example.com").await;
    staff_moves(&app, &id, RequestStatus::AwaitingRequester, StaffRole::Handler);

    let (page, token) = app.page_with_csrf(&status_path).await;
    assert!(
        page.contains("checked with the membership team"),
        "staff reasons appear in the history"
    );
    // An empty message is refused beside its field.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("message", "  ");
    let response = app
        .post_multipart(&format!("{status_path}/information"), form)
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(r#"id="message-error""#)
    );

    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text(
            "message",
            "My old name was Kim Minj; a scan of my ID card is attached.",
        )
        .part(
            "document",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("id.pdf"),
        );
    let response = app
        .post_multipart(&format!("{status_path}/information"), form)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);
    let conn = &mut app.store.conn().expect("conn");
    let messages =
        store::messages::list_for_request(conn, &RequestId::from(id.to_owned())).expect("messages");
    assert_eq!(messages.len(), 1);
    assert!(messages[0].document_id.is_some());
    let docs = documents::list_for_request(conn, &RequestId::from(id.to_owned())).expect("documents");
    assert_eq!(docs[0].purpose.as_str(), "requester_information");
    let page = app.get(&status_path).await.text().await.expect("page");
    assert!(page.contains("My old name was Kim Minj"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_objection_reopens_a_refused_deletion_and_freezes_the_data_again() {
    use domain::staff::StaffRole;
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (reference, id, status_path) = verified_request(&app, &smtp, "deletion", "object@example.com").await;
    staff_moves(&app, &id, RequestStatus::Refused, StaffRole::PrivacyOfficer);
    let active = |app: &TestApp| {
        let conn = &mut app.store.conn().expect("conn");
        holds::for_request(conn, &RequestId::from(id.to_owned()))
            .expect("holds")
            .iter()
            .filter(|h| h.lifted_at.is_none())
            .count()
    };
    assert_eq!(active(&app), 0, "a refusal lifts the hold");

    let (page, token) = app.page_with_csrf(&status_path).await;
    assert!(
        page.contains(r#"action="/r/"#) && page.contains("/objection\""),
        "the objection form is offered"
    );
    let response = app
        .post_form(
            &format!("{status_path}/objection"),
            &[
                ("reason", "The law cited does not apply to me."),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Objection);
    assert_eq!(active(&app), 1, "the objection freezes the data again");
    let notice = smtp.wait_for_to("object@example.com", 3).await;
    assert!(notice.subject().contains(&reference.to_string()));

    // An objection to an open request is refused.
    let (_, token) = app.page_with_csrf(&status_path).await;
    let again = app
        .post_form(
            &format!("{status_path}/objection"),
            &[("reason", "again"), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(again.status(), 409);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let smtp = TestSmtp::start();
    for trust in ["true", "false"] {
        let app = spawn_app_with_catalog(&smtp, vec![("rate-limit", "2"), ("trust-forwarded", trust)]).await;
        let (_, token) = app.page_with_csrf("/track").await;
        let mut statuses = Vec::new();
        for client in ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"] {
            statuses.push(track_forwarded(&app, &token, client).await);
        }
        if trust == "true" {
            assert_eq!(
                statuses,
                [200, 200, 429, 200],
                "the second client is not limited by the first"
            );
        } else {
            assert_eq!(
                statuses,
                [200, 200, 429, 429],
                "forwarded headers are ignored unless trusted"
            );
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_is_checked_before_anything_is_decrypted() {
    use domain::document::{AcceptedDocumentRef, DocumentPurpose, DocumentType};
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (_, id, status_path) = verified_request(&app, &smtp, "access", "checked@example.com").await;
    let request_id = RequestId::from(id.clone());
    let save = |purpose| {
        app.store
            .write(|conn| {
                documents::save(
                    conn,
                    &app.keys.documents,
                    &request_id,
                    purpose,
                    AcceptedDocumentRef {
                        kind: DocumentType::Pdf,
                        filename: "scan.pdf",
                        bytes: PDF,
                    },
                    crate::util::now(),
                )
            })
            .expect("save")
    };
    let identity = save(DocumentPurpose::Identity);
    let result = save(DocumentPurpose::Result);
    // Both are damaged in the database: any attempt to decrypt them fails
    // (and would answer 500).
    for document in [&identity, &result] {
        app.db
            .execute_raw(&format!(
                "UPDATE documents SET nonce = ciphertext WHERE id = '{document}'"
            ))
            .expect("damage it");
    }
    let app = &app;
    let download = |document: &str| {
        let path = format!("{status_path}/documents/{document}");
        async move { app.get(&path).await }
    };

    // While the request is worked on, its result is not released: a clean
    // 404, decided before the content is touched.
    assert_eq!(download(&result).await.status(), 404);
    staff_moves(
        app,
        &id,
        RequestStatus::Completed,
        domain::staff::StaffRole::PrivacyOfficer,
    );
    // Completed: an identity document is still no result.
    assert_eq!(download(&identity).await.status(), 404);
    // The result is released now, so it is decrypted, and its damage shows:
    // the 404s above were answered without decrypting anything.
    assert_eq!(download(&result).await.status(), 500);
    app.stop().await;
}
