//! Replacing a second factor: a session alone is not enough. The password
//! and a code from the current factor are asked for; the replacement ends
//! the member's other sessions and tells them by email.

use app::clock::Clock;
use auth::totp;
use domain::identifier::Email;
use store::staff;

use crate::util::{Browser, PASSWORD, Who, location, seed_company};
use crate::util::{TestApp, TestSmtp, spawn_app};

/// The value of a hidden or shown field on a page.
fn field(body: &str, marker: &str) -> String {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page"))
        + marker.len();
    body[start..]
        .split(['"', '<'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The enrolment page's new secret and the offer that carries it back.
async fn offer(browser: &Browser) -> (Vec<u8>, String) {
    let page = browser
        .get("/staff/second-factor")
        .await
        .text()
        .await
        .expect("page");
    let secret = totp::from_base32(&field(&page, r#"id="secret">"#)).expect("secret shown");
    (secret, field(&page, r#"name="offer" value=""#))
}

fn sealed_factor(app: &TestApp) -> Option<Vec<u8>> {
    app.store
        .read(|conn| {
            let user =
                staff::by_email(conn, &Email::parse(Who::Officer.email()).expect("email"))?.expect("account");
            Ok(staff::second_factor(conn, &user.id)?.map(|f| f.ciphertext))
        })
        .expect("factor")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_a_second_factor_needs_the_password_and_a_current_code_and_ends_other_sessions() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let unix = || u64::try_from(app.clock.now().and_utc().timestamp()).expect("time");
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let elsewhere = Browser::signed_in(&app, Who::Officer).await;

    // The first factor is set up with a code alone.
    let (first, first_offer) = offer(&officer).await;
    let code = totp::code_at(&first, unix()).expect("code");
    let set = officer
        .post(
            "/staff/second-factor",
            &[("offer", &first_offer), ("code", &code)],
        )
        .await;
    assert_eq!(set.status(), 200);
    let kept = sealed_factor(&app).expect("a factor");
    app.clock.advance(chrono::Duration::seconds(30));

    // Another session (a borrowed laptop) cannot swap in its own app.
    let (theirs, their_offer) = offer(&elsewhere).await;
    let their_code = totp::code_at(&theirs, unix()).expect("code");
    let swapped = elsewhere
        .post(
            "/staff/second-factor",
            &[("offer", &their_offer), ("code", &their_code)],
        )
        .await;
    assert_eq!(swapped.status(), 422, "a code of the new app alone is not enough");
    let wrong_password = elsewhere
        .post(
            "/staff/second-factor",
            &[
                ("offer", &their_offer),
                ("code", &their_code),
                ("password", "not the password"),
                ("current_code", &totp::code_at(&first, unix()).expect("code")),
            ],
        )
        .await;
    assert_eq!(wrong_password.status(), 422);
    let again = wrong_password.text().await.expect("page");
    assert!(
        again.contains(&totp::base32(&theirs)),
        "the key offered is offered again (it may be in the app already)"
    );
    assert_eq!(sealed_factor(&app), Some(kept.clone()), "the factor is unchanged");

    // With the password and a current code it is replaced: the other
    // session ends and the member is told.
    app.clock.advance(chrono::Duration::seconds(30));
    let (second, second_offer) = offer(&officer).await;
    let replaced = officer
        .post(
            "/staff/second-factor",
            &[
                ("offer", &second_offer),
                ("code", &totp::code_at(&second, unix()).expect("code")),
                ("password", PASSWORD),
                ("current_code", &totp::code_at(&first, unix()).expect("code")),
            ],
        )
        .await;
    assert_eq!(replaced.status(), 200);
    assert_ne!(sealed_factor(&app), Some(kept), "the factor is replaced");
    let ended = elsewhere.get("/staff/queue").await;
    assert_eq!(ended.status(), 303, "the other session ended");
    assert_eq!(location(&ended), "/staff/login");
    assert_eq!(
        officer.get("/staff/queue").await.status(),
        200,
        "this one goes on"
    );
    let notice = smtp.wait_for_to(Who::Officer.email(), 1).await;
    assert!(notice.header("auto-submitted").is_some());
    assert!(
        notice.text().contains("second factor") || notice.text().contains("2단계 인증"),
        "{}",
        notice.text()
    );
    app.stop().await;
}
