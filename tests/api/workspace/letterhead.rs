//! The letterhead: an admin sets who the notices come from and which
//! outside bodies they list; the next notice carries them. What cannot be
//! used is refused with its message, what was typed kept, nothing stored.

use diesel::prelude::*;
use domain::request::RequestKind;
use store::schema::{audit_events, settings};

use crate::util::{Browser, TestSmtp, Who, eventually, logged, seed_company, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_notice_is_signed_with_the_letterhead_an_admin_sets() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let count = || {
        let conn = &mut app.store.conn().expect("conn");
        (
            settings::table.count().get_result::<i64>(conn).expect("settings"),
            audit_events::table
                .count()
                .get_result::<i64>(conn)
                .expect("events"),
        )
    };

    let before = count();
    for (company, remedies, message) in [
        ("   ", "", "회사 이름을 1자에서 100자"),
        ("Example Co.", &"Body\n".repeat(11), "10개까지"),
    ] {
        let answer = admin
            .post(
                "/staff/admin/letterhead",
                &[
                    ("company", company),
                    ("contact", "privacy@example.com"),
                    ("remedies", remedies),
                ],
            )
            .await;
        assert_eq!(answer.status(), 422);
        let body = answer.text().await.expect("body");
        assert!(body.contains(message), "{message}");
        assert!(body.contains("privacy@example.com"), "what was typed is kept");
    }
    assert_eq!(count(), before, "nothing stored, nothing recorded");

    let saved = admin
        .post(
            "/staff/admin/letterhead",
            &[
                ("company", "Example Co."),
                ("contact", "privacy@example.com"),
                ("remedies", "Test Authority — 000\n\nOther Board — 111"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = admin
        .get("/staff/admin/letterhead?saved=1")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Other Board — 111"));

    // A postponement's notice is signed with it and lists its bodies.
    let reference = logged(&app, RequestKind::Access, "signed@example.com", &[]);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let later = (crate::util::now().date() + chrono::Duration::days(40)).to_string();
    let answer = officer
        .post(
            &format!("/staff/requests/{reference}/prolong"),
            &[("reasons", "An auditor holds the records."), ("date", &later)],
        )
        .await;
    assert_eq!(answer.status(), 303);
    let notice = eventually("the signed notice", || {
        smtp.to("signed@example.com")
            .into_iter()
            .find(|m| m.text().contains("auditor holds"))
    })
    .await;
    let text = notice.text();
    for part in [
        "Example Co.",
        "privacy@example.com",
        "Test Authority — 000",
        "Other Board — 111",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(
        !text.contains("1833-6972"),
        "the letterhead's list replaces the statutory one"
    );
    assert!(notice.html().expect("html").contains("Example Co."));
    app.stop().await;
}
