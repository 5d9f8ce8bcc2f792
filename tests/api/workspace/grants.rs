//! Who may become privileged: nobody changes their own role or switches
//! their own account off, and making someone privacy officer or admin
//! from the admin pages waits for a second admin's confirmation. A
//! privileged account's set-password link is only ever emailed.

use diesel::prelude::*;
use domain::identifier::Email;
use domain::staff::StaffRole;
use store::schema::audit_events;
use store::staff;

use crate::util::{Browser, PASSWORD, Who, password_hash, seed_company};
use crate::util::{TestApp, TestSmtp, now, spawn_app};

fn account(app: &TestApp, email: &str) -> staff::StaffUser {
    app.store
        .read(|conn| staff::by_email(conn, &Email::parse(email).expect("email")))
        .expect("query")
        .expect("account")
}

fn audit_count(app: &TestApp) -> i64 {
    let conn = &mut app.store.conn().expect("conn");
    audit_events::table.count().get_result(conn).expect("count")
}

/// The grant waiting on the admin page for `staff_id`, by its confirm form.
fn pending_grant(page: &str) -> Option<String> {
    let marker = "/staff/admin/grants/";
    let start = page.find(marker)? + marker.len();
    Some(page[start..].split('/').next()?.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_cannot_raise_their_own_role_and_a_privileged_grant_waits_for_a_second_admin() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let own = account(&app, Who::Admin.email());

    // Their own role or active flag: 403, nothing written.
    let before = audit_count(&app);
    for (role, active) in [("privacy_officer", "true"), ("admin", "false")] {
        let response = admin
            .post(
                &format!("/staff/admin/staff/{}", own.id),
                &[("role", role), ("department", ""), ("active", active)],
            )
            .await;
        assert_eq!(response.status(), 403, "{role} {active}");
    }
    let after = account(&app, Who::Admin.email());
    assert_eq!((after.role, after.active), (StaffRole::Admin, true));
    assert_eq!(audit_count(&app), before, "nothing recorded");

    // Making the IRM handler privacy officer: asked for, not yet done.
    let irm = account(&app, Who::IrmHandler.email());
    let asked = admin
        .post(
            &format!("/staff/admin/staff/{}", irm.id),
            &[
                ("role", "privacy_officer"),
                ("department", ""),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    assert_eq!(account(&app, Who::IrmHandler.email()).role, StaffRole::Handler);
    let page = admin
        .get("/staff/admin/staff?lang=en")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Waiting for another administrator"), "{page}");
    let grant = pending_grant(&page).expect("the pending grant is listed");
    // The admin who asked cannot confirm it.
    let own_confirm = admin
        .post(&format!("/staff/admin/grants/{grant}/confirm"), &[])
        .await;
    assert_eq!(own_confirm.status(), 403);
    assert_eq!(account(&app, Who::IrmHandler.email()).role, StaffRole::Handler);

    // A second admin confirms it: the role changes.
    app.store
        .write(|conn| {
            staff::create(
                conn,
                &staff::NewStaff {
                    email: &Email::parse("admin2@example.com").expect("email"),
                    name: "Second Admin",
                    role: StaffRole::Admin,
                    department_id: None,
                    password_hash: Some(password_hash()),
                    must_change_password: false,
                    lang: domain::lang::Lang::En,
                },
                now(),
            )
        })
        .expect("second admin");
    let second = Browser::new(&app);
    assert_eq!(second.login("admin2@example.com", PASSWORD).await.status(), 303);
    let confirmed = second
        .post(&format!("/staff/admin/grants/{grant}/confirm"), &[])
        .await;
    assert_eq!(confirmed.status(), 303);
    let promoted = account(&app, Who::IrmHandler.email());
    assert_eq!(promoted.role, StaffRole::PrivacyOfficer);
    assert_eq!(promoted.department_id, None);

    // A new privileged account: no link on the page, and it cannot be
    // used until a second admin confirms; then the link is emailed.
    let created = admin
        .post(
            "/staff/admin/staff",
            &[
                ("name", "New Officer"),
                ("email", "new.cpo@example.com"),
                ("role", "privacy_officer"),
                ("department", ""),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let body = created.text().await.expect("page");
    assert!(!body.contains("/staff/set-password/"), "no link on the page");
    assert!(!account(&app, "new.cpo@example.com").active, "not usable yet");
    app.settle(1).await;
    assert!(
        smtp.to("new.cpo@example.com").is_empty(),
        "no link before confirmation"
    );
    let page = second.get("/staff/admin/staff").await.text().await.expect("page");
    let grant = pending_grant(&page).expect("the new account's grant is listed");
    assert_eq!(
        second
            .post(&format!("/staff/admin/grants/{grant}/confirm"), &[])
            .await
            .status(),
        303
    );
    assert!(account(&app, "new.cpo@example.com").active);
    let email = smtp.wait_for_to("new.cpo@example.com", 1).await;
    assert!(email.text().contains("/staff/set-password/"));

    // A handler's account is made at once, its link shown once as before.
    let handler = admin
        .post(
            "/staff/admin/staff",
            &[
                ("name", "New Handler"),
                ("email", "new.handler@example.com"),
                ("role", "handler"),
                ("department", "IT"),
            ],
        )
        .await;
    assert_eq!(handler.status(), 200);
    let body = handler.text().await.expect("page");
    assert!(body.contains("/staff/set-password/"));
    assert!(account(&app, "new.handler@example.com").active);

    // That shown link opens a plain account only: once a second admin
    // makes the account admin, it is dead, and a fresh one goes to the
    // holder alone.
    let shown = &body[body.find("/staff/set-password/").expect("link")..];
    let shown: String = shown
        .chars()
        .take_while(|c| !matches!(c, '"' | '<' | ' '))
        .collect();
    assert_eq!(app.get(&shown).await.status(), 200, "the link works at first");
    let new_handler = account(&app, "new.handler@example.com");
    let asked = admin
        .post(
            &format!("/staff/admin/staff/{}", new_handler.id),
            &[("role", "admin"), ("department", ""), ("active", "true")],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let page = second.get("/staff/admin/staff").await.text().await.expect("page");
    let grant = pending_grant(&page).expect("the grant is listed");
    assert_eq!(
        second
            .post(&format!("/staff/admin/grants/{grant}/confirm"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(account(&app, "new.handler@example.com").role, StaffRole::Admin);
    assert_eq!(app.get(&shown).await.status(), 404, "the shown link is dead");
    let email = smtp.wait_for_to("new.handler@example.com", 2).await;
    let fresh = email.link("/staff/set-password/");
    assert_ne!(fresh, shown);
    assert_eq!(app.get(&fresh).await.status(), 200, "the emailed link works");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_can_be_cancelled_and_demotions_need_no_second_admin() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let lead = account(&app, Who::ItLead.email());
    let asked = admin
        .post(
            &format!("/staff/admin/staff/{}", lead.id),
            &[("role", "admin"), ("department", ""), ("active", "true")],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let page = admin.get("/staff/admin/staff").await.text().await.expect("page");
    let grant = pending_grant(&page).expect("pending");
    let cancelled = admin
        .post(&format!("/staff/admin/grants/{grant}/cancel"), &[])
        .await;
    assert_eq!(cancelled.status(), 303);
    let page = admin.get("/staff/admin/staff").await.text().await.expect("page");
    assert_eq!(pending_grant(&page), None);
    assert_eq!(account(&app, Who::ItLead.email()).role, StaffRole::DepartmentLead);

    // Taking a privilege away is done at once.
    let officer = account(&app, Who::Officer.email());
    let demoted = admin
        .post(
            &format!("/staff/admin/staff/{}", officer.id),
            &[("role", "handler"), ("department", "IRM"), ("active", "true")],
        )
        .await;
    assert_eq!(demoted.status(), 303);
    assert_eq!(account(&app, Who::Officer.email()).role, StaffRole::Handler);
    app.stop().await;
}

#[test]
fn the_server_command_line_grants_at_once_but_keeps_the_last_active_admin() {
    use crate::util::{TestDb, cli_env};
    use assert_cmd::Command;
    let db = TestDb::fresh();
    let store = db.store();
    seed_company(&store);
    let run = |args: &[&str]| {
        Command::cargo_bin("rightsdesk")
            .expect("binary")
            .envs(cli_env(&db))
            .args(args)
            .output()
            .expect("run")
    };
    let role_of = |email: &str| {
        store
            .read(|conn| staff::by_email(conn, &Email::parse(email).expect("email")))
            .expect("query")
            .expect("account")
            .role
    };

    let granted = run(&[
        "staff",
        "grant",
        "--email",
        Who::IrmHandler.email(),
        "--role",
        "privacy_officer",
    ]);
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    assert_eq!(role_of(Who::IrmHandler.email()), StaffRole::PrivacyOfficer);

    let last = run(&[
        "staff",
        "grant",
        "--email",
        Who::Admin.email(),
        "--role",
        "handler",
        "--department",
        "IT",
    ]);
    let stderr = String::from_utf8_lossy(&last.stderr);
    assert_eq!(last.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("last active admin"), "{stderr}");
    assert_eq!(role_of(Who::Admin.email()), StaffRole::Admin);
}
