//! What people are told when something cannot be done: refused moves in
//! their language, stale forms refused with nothing changed, and internal
//! failures shown only as a reference that the log carries too.

use domain::document::{AcceptedDocumentRef, DocumentPurpose, DocumentType};
use domain::ids::RequestId;
use domain::lifecycle::RequestStatus;
use domain::staff::StaffRole;
use store::{documents, requests};

use crate::util::{
    TestSmtp, footprint, now, spawn_app_with_catalog, staff_moves, status_of, verified_request,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_transition_is_explained_in_korean() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (reference, id, status_path) = verified_request(&app, &smtp, "access", "korean@example.com").await;
    let before = footprint(&app.store, &id);
    // An objection to a request still in progress (the form is not offered;
    // a stale page or a crafted post sends it anyway).
    let (_, token) = app.page_with_csrf(&status_path).await;
    let response = app
        .post_form(
            &format!("{status_path}/objection"),
            &[("reason", "결과에 동의하지 않습니다."), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 409);
    let body = response.text().await.expect("body");
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(
        body.contains("이 요구는 지금 ‘처리 중’ 상태라서 ‘이의 신청 검토 중’(으)로 바꿀 수 없습니다."),
        "{body}"
    );
    assert!(!body.contains("cannot go from"), "no English internals: {body}");
    assert_eq!(footprint(&app.store, &id), before, "nothing changed");
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);

    // The same refusal in English for an English reader.
    let response = app
        .post_form(
            &format!("{status_path}/objection?lang=en"),
            &[("reason", "I disagree."), ("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), 409);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("This request is now “In progress”, so it cannot become “Objection under review”."),
        "{body}"
    );
    app.stop().await;
}

/// The version of the request a page's forms send back.
fn version_on(page: &str) -> String {
    page.split(r#"name="version" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page carries the version it shows")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_confirmed_on_a_stale_page_is_refused_and_changes_nothing() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (reference, id, status_path) = verified_request(&app, &smtp, "deletion", "stale@example.com").await;
    let (page, token) = app.page_with_csrf(&format!("{status_path}/withdraw")).await;
    let version = version_on(&page);
    // Meanwhile staff ask for more information.
    staff_moves(&app, &id, RequestStatus::AwaitingRequester, StaffRole::Handler);
    let before = footprint(&app.store, &id);
    let response = app
        .post_form(
            &format!("{status_path}/withdraw"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(response.status(), 409);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("페이지를 연 뒤 이 요구가 바뀌어 아무것도 처리하지 않았습니다."),
        "{body}"
    );
    assert_eq!(footprint(&app.store, &id), before, "nothing changed");
    assert_eq!(status_of(&app, &reference), RequestStatus::AwaitingRequester);

    // Confirmed again from a fresh page, it is withdrawn.
    let (page, token) = app.page_with_csrf(&format!("{status_path}/withdraw")).await;
    let version = version_on(&page);
    let response = app
        .post_form(
            &format!("{status_path}/withdraw"),
            &[("csrf_token", &token), ("version", &version)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Withdrawn);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_failure_shows_a_reference_and_no_internals() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with_catalog(&smtp, vec![]).await;
    let (_, id, status_path) = verified_request(&app, &smtp, "access", "broken@example.com").await;
    let document = app
        .store
        .write(|conn| {
            documents::save(
                conn,
                &app.keys.documents,
                &RequestId::from(id.to_owned()),
                DocumentPurpose::Result,
                AcceptedDocumentRef {
                    kind: DocumentType::Pdf,
                    filename: "copy.pdf",
                    bytes: b"%PDF-1.4 the copy",
                },
                now(),
            )
        })
        .expect("save");
    // The request is completed, so its result is the requester's to
    // download; but the stored ciphertext is damaged: it no longer decrypts.
    staff_moves(&app, &id, RequestStatus::Completed, StaffRole::PrivacyOfficer);
    app.db
        .execute_raw(&format!(
            "UPDATE documents SET nonce = ciphertext WHERE id = '{document}'"
        ))
        .ok();
    let response = app
        .get(&format!("{status_path}/documents/{document}?lang=en"))
        .await;
    assert_eq!(response.status(), 500);
    let body = response.text().await.expect("body");
    assert!(body.contains("Something went wrong"), "{body}");
    let reference = body
        .split("Reference: ")
        .nth(1)
        .and_then(|s| s.split('.').next())
        .expect("a reference to quote");
    assert_eq!(reference.len(), 10, "{reference}");
    assert!(!body.contains("decrypt") && !body.contains("nonce"), "{body}");
    let row = app
        .store
        .read(|conn| requests::get(conn, &RequestId::from(id.to_owned())))
        .expect("row");
    assert_eq!(row.status, RequestStatus::Completed);
    app.stop().await;
}
