//! Four eyes: a refusal or a deletion's completion that waits for approval
//! is approved by another privacy officer than the one who decided it,
//! whenever another is active (or always, when the desk requires it).

use domain::identifier::Email;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use domain::staff::StaffRole;
use store::staff;

use crate::util::{Browser, PASSWORD, Who, id_of, logged, password_hash, seed_company, status_of};
use crate::util::{SpawnOptions, TestApp, TestSmtp, footprint, now, spawn_app, spawn_app_with};

/// A second privacy officer, signed in.
async fn second_officer(app: &TestApp) -> Browser {
    app.store
        .write(|conn| {
            staff::create(
                conn,
                &staff::NewStaff {
                    email: &Email::parse("cpo2@example.com").expect("email"),
                    name: "Second Officer",
                    role: StaffRole::PrivacyOfficer,
                    department_id: None,
                    password_hash: Some(password_hash()),
                    must_change_password: false,
                    lang: domain::lang::Lang::Ko,
                },
                now(),
            )
        })
        .expect("second officer");
    let browser = Browser::new(app);
    assert_eq!(browser.login("cpo2@example.com", PASSWORD).await.status(), 303);
    browser
}

/// The officer refuses an access request on the page; it waits for approval.
async fn refused_by(app: &TestApp, officer: &Browser, email: &str) -> String {
    let reference = logged(app, RequestKind::Access, email, &["member_email"]);
    let decided = officer
        .post(
            &format!("/staff/requests/{reference}/decide"),
            &[
                ("outcome", "refused"),
                ("ground", "access_harms_others"),
                ("explanation", "The records describe another person."),
            ],
        )
        .await;
    assert_eq!(decided.status(), 303);
    assert_eq!(status_of(app, &reference), RequestStatus::AwaitingApproval);
    reference
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_cannot_approve_their_own_refusal_while_another_officer_is_active() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let other = second_officer(&app).await;
    let reference = refused_by(&app, &officer, "four.eyes@example.com").await;
    let page = format!("/staff/requests/{reference}");

    // The page says who must approve, and offers the decider no approval.
    let own = officer
        .get(&format!("{page}?lang=en"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        own.contains("Needs approval by another privacy officer"),
        "the page names who approves"
    );
    assert!(own.contains("Recorded by Officer."), "and who decided: {own}");
    assert!(
        own.contains("Who may approve: Second Officer."),
        "and who may approve, by name"
    );
    assert!(
        !own.contains(r#"name="answer" value="approve""#),
        "no approve button for the decider"
    );

    // Posting the approval anyway is refused and writes nothing.
    let id = id_of(&app, &reference);
    let before = footprint(&app.store, id.as_str());
    let own_approval = officer
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(own_approval.status(), 403);
    assert_eq!(footprint(&app.store, id.as_str()), before, "nothing written");

    // The other officer sees the button and approves.
    let theirs = other.get(&page).await.text().await.expect("page");
    assert!(theirs.contains(r#"name="answer" value="approve""#));
    let approved = other
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Refused);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_officer_approves_their_own_decision_unless_four_eyes_are_required() {
    // The default: with nobody else to ask, the officer approves.
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let reference = refused_by(&app, &officer, "alone@example.com").await;
    let page = format!("/staff/requests/{reference}");
    let approved = officer
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Refused);
    app.stop().await;

    // Required: the lone officer's decision waits for a second officer.
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("four-eyes", "required")],
    })
    .await;
    seed_company(&app.store);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let reference = refused_by(&app, &officer, "alone.required@example.com").await;
    let page = format!("/staff/requests/{reference}");
    let body = officer
        .get(&format!("{page}?lang=en"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        body.contains("no other privacy officer is active"),
        "the page says why it waits"
    );
    let id = id_of(&app, &reference);
    let before = footprint(&app.store, id.as_str());
    let own = officer
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(own.status(), 403);
    assert_eq!(footprint(&app.store, id.as_str()), before);
    // Sending it back is no approval: the decider may withdraw it.
    let back = officer
        .post(
            &format!("{page}/approve"),
            &[("answer", "send_back"), ("reason", "Needs a second look.")],
        )
        .await;
    assert_eq!(back.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);
    app.stop().await;

    // Off: even with a second officer, the decider approves.
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("four-eyes", "off")],
    })
    .await;
    seed_company(&app.store);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    second_officer(&app).await;
    let reference = refused_by(&app, &officer, "off@example.com").await;
    let approved = officer
        .post(
            &format!("/staff/requests/{reference}/approve"),
            &[("answer", "approve")],
        )
        .await;
    assert_eq!(approved.status(), 303);
    app.stop().await;
}
