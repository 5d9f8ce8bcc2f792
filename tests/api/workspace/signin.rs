//! Signing in and out: one answer for unknown and wrong, lockout and its
//! end, a copied cookie that stops working at sign-out, the forced
//! password change, and sessions ended by an admin's change.

use domain::audit::AuditAction;
use domain::identifier::Email;
use store::{audit, staff};

use crate::util::{Browser, PASSWORD, TestSmtp, Who, location, seed_company, spawn_app};

fn actions(app: &crate::util::TestApp) -> Vec<AuditAction> {
    use diesel::prelude::*;
    use store::schema::audit_events;
    let conn = &mut app.store.conn().expect("conn");
    audit_events::table
        .order(audit_events::seq.asc())
        .select(audit_events::action)
        .load(conn)
        .expect("events")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_wrong_get_one_answer_and_repeated_failures_lock_until_a_stated_time() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let browser = Browser::new(&app);

    let unknown = browser.login("nobody@example.com", "whatever it is").await;
    assert_eq!(unknown.status(), 422);
    let unknown = unknown.text().await.expect("body");
    let wrong = browser.login(Who::Officer.email(), "not the password").await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.expect("body");
    let message = "The email address or the password is not right.";
    let ko = "이메일 주소 또는 비밀번호가 올바르지 않습니다.";
    assert!(unknown.contains(message) || unknown.contains(ko), "{unknown}");
    assert_eq!(unknown.contains(message), wrong.contains(message));
    assert_eq!(unknown.contains(ko), wrong.contains(ko));

    // Three more wrong passwords make five: the account locks, and the page
    // says until when. The right password is refused while it lasts.
    for _ in 0..3 {
        assert_eq!(
            browser.login(Who::Officer.email(), "still not it").await.status(),
            422
        );
    }
    let locked = browser.login(Who::Officer.email(), "fifth wrong one").await;
    assert_eq!(locked.status(), 422);
    let body = locked.text().await.expect("body");
    assert!(
        body.contains("이후에 다시 시도") || body.contains("Try again after"),
        "{body}"
    );
    let right = browser.login(Who::Officer.email(), PASSWORD).await;
    assert_eq!(right.status(), 422, "locked accounts do not sign in");
    // An unknown address locks the same way (a lockout reveals nothing).
    for _ in 0..5 {
        browser.login("ghost@example.com", "guess").await;
    }
    let ghost = browser
        .login("ghost@example.com", "guess")
        .await
        .text()
        .await
        .expect("body");
    assert!(ghost.contains("이후에 다시 시도") || ghost.contains("Try again after"));

    // After the window the lock lifts.
    app.clock.advance(chrono::Duration::minutes(16));
    let right = browser.login(Who::Officer.email(), PASSWORD).await;
    assert_eq!(right.status(), 303);
    assert_eq!(location(&right), "/staff");

    let recorded = actions(&app);
    assert!(recorded.contains(&AuditAction::StaffSignInFailed));
    assert!(recorded.contains(&AuditAction::StaffLockedOut));
    assert!(recorded.contains(&AuditAction::StaffSignedIn));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_a_copied_cookie_and_the_cookie_is_strict() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let browser = Browser::new(&app);
    let response = browser.login(Who::IrmHandler.email(), PASSWORD).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("rightsdesk_staff="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/staff"), "{cookie}");
    let value = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("value");

    // Another client with a copy of the cookie is signed in…
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let copied = |path: &str| {
        thief
            .get(format!("{}{path}", app.address))
            .header("cookie", format!("rightsdesk_staff={value}"))
            .send()
    };
    assert_eq!(copied("/staff/queue").await.expect("queue").status(), 200);
    assert_eq!(browser.get("/staff/queue").await.status(), 200);

    // …until the owner signs out.
    let out = browser.post("/staff/logout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/staff/login");
    let after = copied("/staff/queue").await.expect("queue");
    assert_eq!(after.status(), 303);
    assert_eq!(location(&after), "/staff/login");
    assert_eq!(browser.get("/staff/queue").await.status(), 303);
    assert!(actions(&app).contains(&AuditAction::StaffSignedOut));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flagged_account_changes_its_password_before_anything_else() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    app.store
        .write(|conn| {
            use diesel::prelude::*;
            use store::schema::staff_users;
            diesel::update(staff_users::table.filter(staff_users::email.eq(Who::ItHandler.email())))
                .set(staff_users::must_change_password.eq(true))
                .execute(conn.connection())?;
            Ok(())
        })
        .expect("flag");
    let browser = Browser::signed_in(&app, Who::ItHandler).await;
    for path in ["/staff/queue", "/staff", "/staff/admin/staff"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), "/staff/password", "{path}");
    }
    let page = browser.get("/staff/password").await;
    assert_eq!(page.status(), 200);

    let wrong = browser
        .post(
            "/staff/password",
            &[
                ("current", "not it at all"),
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let same = browser
        .post(
            "/staff/password",
            &[
                ("current", PASSWORD),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(same.status(), 422);
    let done = browser
        .post(
            "/staff/password",
            &[
                ("current", PASSWORD),
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);
    assert_eq!(browser.get("/staff/queue").await.status(), 200);
    {
        let conn = &mut app.store.conn().expect("conn");
        let user = staff::by_email(conn, &Email::parse(Who::ItHandler.email()).expect("email"))
            .expect("query")
            .expect("user");
        assert!(!user.must_change_password);
    }
    assert!(actions(&app).contains(&AuditAction::StaffPasswordChanged));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_changing_a_role_or_deactivating_ends_the_sessions_at_once() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let lead = Browser::signed_in(&app, Who::ItLead).await;
    let handler = Browser::signed_in(&app, Who::ItHandler).await;
    assert_eq!(lead.get("/staff/queue").await.status(), 200);
    let id_of = |who: Who| {
        let conn = &mut app.store.conn().expect("conn");
        staff::by_email(conn, &Email::parse(who.email()).expect("email"))
            .expect("query")
            .expect("user")
            .id
    };

    let before = audit::count(&mut app.store.conn().expect("conn")).expect("count");
    let changed = admin
        .post(
            &format!("/staff/admin/staff/{}", id_of(Who::ItLead)),
            &[("role", "handler"), ("department", "IT"), ("active", "true")],
        )
        .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        lead.get("/staff/queue").await.status(),
        303,
        "a role change ends the session"
    );
    let deactivated = admin
        .post(
            &format!("/staff/admin/staff/{}", id_of(Who::ItHandler)),
            &[("role", "handler"), ("department", "IT"), ("active", "false")],
        )
        .await;
    assert_eq!(deactivated.status(), 303);
    assert_eq!(
        handler.get("/staff/queue").await.status(),
        303,
        "deactivation ends the session"
    );
    let after = audit::count(&mut app.store.conn().expect("conn")).expect("count");
    assert_eq!(after - before, 2, "each change is one audit event");
    let again = Browser::new(&app);
    assert_eq!(again.login(Who::ItHandler.email(), PASSWORD).await.status(), 422);

    // A handler needs a department: refused, with the page again.
    let refused = admin
        .post(
            &format!("/staff/admin/staff/{}", id_of(Who::SalesHandler)),
            &[("role", "handler"), ("department", ""), ("active", "true")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    app.stop().await;
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_second_factor_is_set_up_then_asked_for_and_each_code_works_once() {
    use app::clock::Clock;
    use auth::totp;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let unix = || u64::try_from(app.clock.now().and_utc().timestamp()).expect("time");
    let admin = Browser::signed_in(&app, Who::Admin).await;
    assert_eq!(
        admin
            .post("/staff/admin/security", &[("require", "privacy_officer")])
            .await
            .status(),
        303
    );

    // The officer signs in with the password and must set one up first.
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let response = officer.get("/staff/queue").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/staff/second-factor");
    let page = officer
        .get("/staff/second-factor")
        .await
        .text()
        .await
        .expect("page");
    let secret = totp::from_base32(&field(&page, r#"id="secret">"#)).expect("secret shown");
    let offer = field(&page, r#"name="offer" value=""#);
    let wrong = officer
        .post("/staff/second-factor", &[("offer", &offer), ("code", "000000")])
        .await;
    assert_eq!(wrong.status(), 422);
    let code = totp::code_at(&secret, unix()).expect("code");
    let set = officer
        .post("/staff/second-factor", &[("offer", &offer), ("code", &code)])
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(officer.get("/staff/queue").await.status(), 200);

    // Signing in now asks for a code after the password.
    let again = Browser::new(&app);
    let step_one = again.login(Who::Officer.email(), PASSWORD).await;
    assert_eq!(step_one.status(), 200, "the code form, not a session");
    let body = step_one.text().await.expect("page");
    let ticket = field(&body, r#"name="ticket" value=""#);
    assert_eq!(again.get("/staff/queue").await.status(), 303, "no session yet");
    let code_step = |code: String| {
        let ticket = ticket.clone();
        let again = &again;
        async move {
            again
                .post("/staff/login/code", &[("ticket", &ticket), ("code", &code)])
                .await
        }
    };
    assert_eq!(code_step("123456".into()).await.status(), 422);
    // The code used to set it up was spent: it does not work again.
    assert_eq!(code_step(code.clone()).await.status(), 422, "a code works once");
    app.clock.advance(chrono::Duration::seconds(30));
    let fresh = totp::code_at(&secret, unix()).expect("code");
    let signed = code_step(fresh).await;
    assert_eq!(signed.status(), 303);
    assert_eq!(again.get("/staff/queue").await.status(), 200);

    // An admin removes it (a lost phone): the sessions end, and the
    // officer sets up a new one at the next sign-in.
    let officer_id = {
        let conn = &mut app.store.conn().expect("conn");
        staff::by_email(conn, &Email::parse(Who::Officer.email()).expect("email"))
            .expect("query")
            .expect("user")
            .id
    };
    let reset = admin
        .post(
            &format!("/staff/admin/staff/{officer_id}"),
            &[
                ("role", "privacy_officer"),
                ("department", ""),
                ("active", "true"),
                ("reset_second_factor", "1"),
            ],
        )
        .await;
    assert_eq!(reset.status(), 303);
    assert_eq!(again.get("/staff/queue").await.status(), 303);
    let third = Browser::signed_in(&app, Who::Officer).await;
    assert_eq!(location(&third.get("/staff/queue").await), "/staff/second-factor");
    let recorded = actions(&app);
    assert!(recorded.contains(&AuditAction::SecondFactorEnrolled));
    assert!(recorded.contains(&AuditAction::SecondFactorReset));
    assert!(recorded.contains(&AuditAction::SettingsChanged));
    app.stop().await;
}

/// The argon2id hash of [`PASSWORD`] at ten times the default time cost,
/// so that a burst of guesses is still being hashed when the next ones
/// arrive, as it is on a busy desk.
fn slow_hash() -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let params = argon2::Params::new(19_456, 20, 1, None).expect("params");
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(
            PASSWORD.as_bytes(),
            &SaltString::encode_b64(b"a salt for tests").expect("salt"),
        )
        .expect("hash")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_concurrent_wrong_passwords_then_the_right_one_is_refused() {
    use diesel::prelude::*;
    use store::schema::login_failures;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let slow = slow_hash();
    app.store
        .write(|conn| {
            let officer =
                staff::by_email(conn, &Email::parse(Who::Officer.email()).expect("email"))?.expect("officer");
            staff::set_password(conn, &officer.id, &slow)
        })
        .expect("slow hash");
    let browser = Browser::new(&app);
    let csrf = browser.token().await;
    let attempt = |password: &'static str| {
        let client = browser.client.clone();
        let url = format!("{}/staff/login", app.address);
        let csrf = csrf.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("email", Who::Officer.email()),
                    ("password", password),
                    ("csrf_token", csrf.as_str()),
                ])
                .send()
                .await
                .expect("request")
        })
    };

    // Seven wrong guesses are checked at once. As soon as the first is
    // answered, while the others are still being checked, the right
    // password arrives; then 33 more wrong guesses.
    let first: Vec<_> = (0..7).map(|_| attempt("not the password")).collect();
    let (answered, _, mut wrong) = futures_util::future::select_all(first).await;
    assert_eq!(answered.expect("a wrong guess").status(), 422);
    let right = attempt(PASSWORD);
    wrong.extend((0..33).map(|_| attempt("not the password")));
    let right = right.await.expect("the right guess");
    let status = right.status();
    let body = right.text().await.expect("body");
    assert_eq!(status, 422, "the right password signed in past the lock");
    assert!(
        body.contains("이후에 다시 시도") || body.contains("Try again after"),
        "{body}"
    );
    for guess in wrong {
        assert_eq!(guess.await.expect("a wrong guess").status(), 422);
    }
    assert_eq!(browser.get("/staff/queue").await.status(), 303, "no session");
    assert!(!actions(&app).contains(&AuditAction::StaffSignedIn));
    // Each attempt checked the lock and recorded its failure in one turn:
    // the fifth failure locked the address, and no guess after it was counted.
    let counted: i64 = login_failures::table
        .count()
        .get_result(&mut app.store.conn().expect("conn"))
        .expect("count");
    assert_eq!(counted, domain::login::ACCOUNT_FAILURES as i64);

    // The password was right: once the lock lifts it signs in.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(browser.login(Who::Officer.email(), PASSWORD).await.status(), 303);
    app.stop().await;
}
