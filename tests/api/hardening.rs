//! The public side under attack: each test is named for an attack a probe
//! of the public pages found, and shows it no longer works.

use crate::helpers::TestSmtp;
use crate::requester::{app, location, reference_from, self_request};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_notice_reveals_nothing_about_other_requests() {
    let smtp = TestSmtp::start();
    let app = app(&smtp, vec![]).await;
    // The victim asks for deletion of their data.
    let victims = reference_from(&location(
        &app.submit_request(&self_request("deletion", "victim@example.com"), None)
            .await,
    ));
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
    for hint in ["24", "same person", "handled together", "같은 분", "함께 처리"] {
        assert!(
            !text.contains(hint),
            "the email hints at another request ({hint}): {text}"
        );
    }
    // Staff still see the two linked.
    let linked = app
        .store
        .read(|conn| rightsdesk::store::requests::get_by_reference(conn, &strangers))
        .expect("row")
        .duplicate_of;
    assert!(linked.is_some());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_on_an_error_page_cannot_point_to_another_site() {
    let smtp = TestSmtp::start();
    let app = app(&smtp, vec![]).await;
    for path in ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("evil.example"), "{path}: {body}");
        assert!(body.contains(r#"href="?lang=en""#), "{path}");
    }
    app.stop().await;
}
