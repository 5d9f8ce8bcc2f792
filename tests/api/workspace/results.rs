//! What a task returned (an access request's data, as text and files) is
//! for the task's department, the privacy department and the privacy
//! officer: a handler of another department working the same request sees
//! neither the text nor the file, and cannot download it.

use domain::request::RequestKind;
use store::documents;

use crate::util::{Browser, Who, id_of, logged, seed_company};
use crate::util::{PDF, TestSmtp, spawn_app};

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
    let task = app
        .store
        .read(|conn| {
            let it = store::catalog::department_by_code(conn, "IT")?.expect("IT");
            Ok(store::tasks::for_request(conn, &id)?
                .into_iter()
                .find(|t| t.department_id == it.id)
                .expect("IT's task")
                .id)
        })
        .expect("task");

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
