//! Staff accounts: `staff add` prints a single-use set-password link.

use assert_cmd::Command;
use rightsdesk::domain::identifier::Email;

use crate::helpers::{TestSmtp, cli_env, seed_catalog, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_add_prints_a_link_that_sets_the_password_once() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_catalog(&app.store);
    let mut env = cli_env(&app.db);
    env.insert(
        "RIGHTSDESK_SECRET_KEY",
        app.config.secret_key.clone().expect("test secret"),
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
        let user = rightsdesk::store::staff::by_email(conn, &email)
            .expect("query")
            .expect("user");
        let hash = rightsdesk::store::staff::password_hash(conn, &user.id)
            .expect("hash")
            .expect("set");
        assert!(rightsdesk::auth::password::verify(
            "a long enough password",
            &hash
        ));
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
