//! What a task returned (an access request's data, as text and files) is
//! for the task's department, the privacy department and the privacy
//! officer: a handler of another department working the same request sees
//! neither the text nor the file, and cannot download it.

use domain::request::RequestKind;
use store::documents;

use crate::util::{Browser, Who, id_of, logged, seed_company};
use crate::util::{PDF, TestApp, TestSmtp, spawn_app};
use domain::ids::{RequestId, TaskId};

/// The task of the department with `code` on the request.
fn task_of(app: &TestApp, id: &RequestId, code: &str) -> TaskId {
    app.store
        .read(|conn| {
            let department = store::catalog::department_by_code(conn, code)?.expect("department");
            Ok(store::tasks::for_request(conn, id)?
                .into_iter()
                .find(|t| t.department_id == department.id)
                .expect("the department's task")
                .id)
        })
        .expect("task")
}

const RETURNED: &str = "Membership record: joined 2024-03-02, newsletter on";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_result_is_shown_only_to_its_department_the_privacy_department_and_the_officer() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    // All data: a task for IT (membership) and one for sales (orders).
    let reference = logged(&app, RequestKind::Access, "shared@example.com", &[]);
    let page = format!("/staff/requests/{reference}");
    let id = id_of(&app, &reference);
    let task = task_of(&app, &id, "IT");

    // IT returns the data as text and a file.
    let it = Browser::signed_in(&app, Who::ItHandler).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", it.token().await)
        .text("outcome", "done")
        .text("data_text", RETURNED)
        .part(
            "data_file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("membership.pdf"),
        );
    let done = it
        .client
        .post(format!("{}{page}/tasks/{task}/complete", app.address))
        .multipart(form)
        .send()
        .await
        .expect("complete");
    assert_eq!(done.status(), 303);
    let file = app
        .store
        .read(|conn| {
            Ok(documents::list_for_request(conn, &id)?
                .into_iter()
                .find(|d| d.task_id.is_some())
                .expect("the returned file")
                .id)
        })
        .expect("document");
    let download = format!("{page}/documents/{file}");

    // Sales works the same request: no returned text, no file, no download.
    let sales = Browser::signed_in(&app, Who::SalesHandler).await;
    let seen = sales.get(&page).await;
    assert_eq!(seen.status(), 200, "sales sees the request itself");
    let body = seen.text().await.expect("page");
    assert!(
        !body.contains(RETURNED),
        "another department's result is not shown"
    );
    assert!(!body.contains(file.as_str()), "nor its file");
    assert_eq!(sales.get(&download).await.status(), 403);

    // IT, the privacy department and the officer see both.
    for who in [Who::ItHandler, Who::ItLead, Who::IrmHandler, Who::Officer] {
        let browser = Browser::signed_in(&app, who).await;
        let body = browser.get(&page).await.text().await.expect("page");
        assert!(body.contains(RETURNED), "{who:?} sees the returned text");
        assert!(body.contains(file.as_str()), "{who:?} sees the file");
        let got = browser.get(&download).await;
        assert_eq!(got.status(), 200, "{who:?} downloads it");
        assert_eq!(got.bytes().await.expect("bytes").as_ref(), PDF);
    }
    app.stop().await;
}

/// An access task is done only with the data returned, or as "nothing
/// held"; the officer sees what completing the request releases, and the
/// notice says what each system gave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_request_never_ends_with_nothing_delivered_unsaid() {
    use domain::lang::Lang;
    use domain::task::TaskOutcome;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let email = "empty.access@example.com";
    let reference = logged(&app, RequestKind::Access, email, &[]);
    let page = format!("/staff/requests/{reference}");
    let id = id_of(&app, &reference);
    let tasks = |app: &crate::util::TestApp| {
        app.store
            .read(|conn| store::tasks::for_request(conn, &id))
            .expect("tasks")
    };
    let (it_task, sales_task) = (task_of(&app, &id, "IT"), task_of(&app, &id, "SALES"));

    // A first click with nothing returned is refused, the page says why,
    // and nothing is written.
    let it = Browser::signed_in(&app, Who::ItHandler).await;
    let empty = it
        .post_multipart(
            &format!("{page}/tasks/{it_task}/complete"),
            &[("outcome", "done"), ("note", "Checked.")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    let body = empty.text().await.expect("page");
    assert!(
        body.contains(Lang::Ko.t("refusal.access_result_missing").as_ref()),
        "the refusal says what is missing"
    );
    assert!(tasks(&app).iter().all(|t| t.outcome.is_none()), "nothing written");
    // Data typed for a task that ends otherwise is not thrown away unseen.
    let unseen = it
        .post_multipart(
            &format!("{page}/tasks/{it_task}/complete"),
            &[("outcome", "nothing_held"), ("data_text", "Member record.")],
        )
        .await;
    assert_eq!(unseen.status(), 422);
    let body = unseen.text().await.expect("page");
    assert!(body.contains(Lang::Ko.t("refusal.result_without_done").as_ref()));
    assert!(body.contains("Member record."), "the data typed is kept");
    // An outcome the handler does not choose is a malformed form.
    let forged = it
        .post_multipart(
            &format!("{page}/tasks/{it_task}/complete"),
            &[("outcome", "separated")],
        )
        .await;
    assert_eq!(forged.status(), 400);
    assert!(tasks(&app).iter().all(|t| t.outcome.is_none()), "nothing written");

    // Both systems hold nothing: each says so.
    let done = it
        .post_multipart(
            &format!("{page}/tasks/{it_task}/complete"),
            &[("outcome", "nothing_held")],
        )
        .await;
    assert_eq!(done.status(), 303);
    let sales = Browser::signed_in(&app, Who::SalesHandler).await;
    let done = sales
        .post_multipart(
            &format!("{page}/tasks/{sales_task}/complete"),
            &[("outcome", "nothing_held")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert!(
        tasks(&app)
            .iter()
            .all(|t| t.outcome == Some(TaskOutcome::NothingHeld))
    );

    // Before completing, the officer sees that nothing will be released.
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let body = officer.get(&page).await.text().await.expect("page");
    assert!(body.contains(r#"id="release""#), "the release is shown");
    assert!(body.contains(Lang::Ko.t("staff.release.none").as_ref()));
    let decided = officer
        .post(
            &format!("{page}/decide"),
            &[("outcome", "completed"), ("ground", ""), ("explanation", "")],
        )
        .await;
    assert_eq!(decided.status(), 303);

    // The notice says no data is held — not that it is on the status page.
    let notice = crate::util::eventually("the decision notice", || {
        smtp.to(email)
            .into_iter()
            .find(|m| m.subject().contains("outcome"))
    })
    .await;
    let text = notice.text();
    assert!(text.contains("hold no personal data about you"), "{text}");
    assert!(!text.contains("The data we hold about you is on"), "{text}");
    assert!(
        text.contains("Membership database: holds no personal data"),
        "{text}"
    );
    app.stop().await;
}

/// An access request one system could not answer is not "completed": the
/// officer is told to record it as partly completed, with its ground.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_request_a_system_could_not_answer_is_only_partly_completed() {
    use domain::lang::Lang;
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "partly.given@example.com", &[]);
    let page = format!("/staff/requests/{reference}");
    let id = id_of(&app, &reference);
    let it = Browser::signed_in(&app, Who::ItHandler).await;
    let cannot = it
        .post_multipart(
            &format!("{page}/tasks/{}/complete", task_of(&app, &id, "IT")),
            &[
                ("outcome", "cannot_do"),
                ("note", "Only on backup tapes; two weeks."),
            ],
        )
        .await;
    assert_eq!(cannot.status(), 303);
    let sales = Browser::signed_in(&app, Who::SalesHandler).await;
    let none = sales
        .post_multipart(
            &format!("{page}/tasks/{}/complete", task_of(&app, &id, "SALES")),
            &[("outcome", "nothing_held")],
        )
        .await;
    assert_eq!(none.status(), 303);

    let officer = Browser::signed_in(&app, Who::Officer).await;
    let body = officer.get(&page).await.text().await.expect("page");
    assert!(body.contains(Lang::Ko.t("staff.release.partly").as_ref()));
    assert!(!body.contains(Lang::Ko.t("staff.release.none").as_ref()));
    let completed = officer
        .post(
            &format!("{page}/decide"),
            &[("outcome", "completed"), ("ground", ""), ("explanation", "")],
        )
        .await;
    assert_eq!(completed.status(), 422);
    assert!(
        completed
            .text()
            .await
            .expect("page")
            .contains(Lang::Ko.t("refusal.access_partly_given").as_ref())
    );
    app.stop().await;
}
