//! Staff accounts: `staff add` and the admin page email a single-use
//! set-password link (and show it once), in the account's language.

use assert_cmd::Command;
use domain::identifier::Email;

use crate::util::{Browser, TestSmtp, Who, cli_env, has_hangul, seed_catalog, seed_company, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_add_prints_a_link_that_sets_the_password_once() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_catalog(&app.store);
    let mut env = cli_env(&app.db);
    env.insert(
        "RIGHTSDESK_SECRET_KEY",
        app.config
            .secret_key
            .as_ref()
            .map(|key| app::config::ExposeSecret::expose_secret(key).to_owned())
            .expect("test secret"),
    );
    let output = Command::cargo_bin("rightsdesk")
        .expect("binary")
        .envs(env)
        .args([
            "staff",
            "add",
            "--email",
            "lead@example.com",
            "--name",
            "Lead",
            "--role",
            "department_lead",
            "--department",
            "irm",
        ])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout.find("/staff/set-password/").expect("a link is printed");
    let path = stdout[start..]
        .split_whitespace()
        .next()
        .expect("path")
        .to_owned();
    // The same link reaches the new member by email, in Korean (the
    // default), with no request reference.
    let email = smtp.wait_for_to("lead@example.com", 1).await;
    assert!(email.text().contains(&path), "{}", email.text());
    assert!(has_hangul(&email.text()) && has_hangul(&email.subject()));
    assert!(!email.subject().contains("DSR-"), "{}", email.subject());
    assert!(email.html().expect("HTML part").contains(&path));

    let (page, token) = app.page_with_csrf(&path).await;
    assert!(page.contains("lead@example.com"));
    let short = app
        .post_form(
            &path,
            &[
                ("password", "short"),
                ("confirm", "short"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(short.status(), 422);
    let mismatch = app
        .post_form(
            &path,
            &[
                ("password", "a long enough password"),
                ("confirm", "another long password"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    let done = app
        .post_form(
            &path,
            &[
                ("password", "a long enough password"),
                ("confirm", "a long enough password"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);

    {
        let conn = &mut app.store.conn().expect("conn");
        let email = Email::parse("lead@example.com").expect("email");
        let user = store::staff::by_email(conn, &email)
            .expect("query")
            .expect("user");
        let hash = store::staff::password_hash(conn, &user.id)
            .expect("hash")
            .expect("set");
        assert!(auth::password::verify("a long enough password", &hash));
    }
    // The link works once.
    assert_eq!(app.get(&path).await.status(), 404);
    let again = app
        .post_form(
            &path,
            &[
                ("password", "an attacker's password"),
                ("confirm", "an attacker's password"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(again.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_an_account_and_its_link_is_emailed_in_the_language_chosen() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let answer = admin
        .post(
            "/staff/admin/staff",
            &[
                ("name", "Alex Morgan"),
                ("email", "alex.morgan@example.com"),
                ("role", "handler"),
                ("department", "IRM"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 200);
    let html = answer.text().await.expect("page");
    let shown = html
        .split("<code class=\"one-time-link\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link is shown once")
        .to_owned();
    let email = smtp.wait_for_to("alex.morgan@example.com", 1).await;
    let text = email.text();
    assert!(text.contains(&shown), "the emailed link is the one shown: {text}");
    assert!(!has_hangul(&text), "in English: {text}");
    assert!(text.contains("Handler") && text.contains("72 hours"), "{text}");
    assert_eq!(email.header("Auto-Submitted").as_deref(), Some("auto-generated"));

    // The link opens the set-password page.
    let path = shown
        .find("/staff/set-password/")
        .map(|at| shown[at..].to_owned())
        .expect("a path");
    let (page, _) = app.page_with_csrf(&path).await;
    assert!(page.contains("alex.morgan@example.com"));

    // A refused account (the address is taken) sends nothing.
    let again = admin
        .post(
            "/staff/admin/staff",
            &[
                ("name", "Alex Again"),
                ("email", "alex.morgan@example.com"),
                ("role", "handler"),
                ("department", "IRM"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(again.status(), 422);
    app.settle(2).await;
    assert_eq!(smtp.to("alex.morgan@example.com").len(), 1);
    app.stop().await;
}
