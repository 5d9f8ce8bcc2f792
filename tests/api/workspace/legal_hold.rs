//! A legal hold stops a deletion: the handler is warned on the task,
//! carrying it out keeps the data for the claim instead of destroying it,
//! the notice says so without details, and the requester's page never
//! reveals the hold.

use domain::decision::DecisionOutcome;
use domain::hold::HoldReason;
use domain::lang::Lang;
use domain::request::RequestKind;
use domain::task::TaskOutcome;
use store::tasks;

use crate::util::{
    Browser, TestSmtp, Who, decide_as_officer, eventually, finish_tasks, id_of, logged, parsed, seed_company,
    signed, spawn_app, staff_text, status_of,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_under_a_legal_hold_keeps_the_data_and_the_requester_never_sees_the_hold() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let email = "held.deletion@example.com";
    let reference = logged(&app, RequestKind::Deletion, email, &[]);
    let id = id_of(&app, &reference);
    let page = format!("/staff/requests/{reference}");

    // Before the hold, the task carries no warning.
    let handler = Browser::signed_in(&app, Who::ItHandler).await;
    let before = handler.get(&page).await.text().await.expect("page");
    // Staff pages are in Korean unless the member chose English.
    let warning = Lang::Ko.t("staff.tasks.under_legal_hold").into_owned();
    assert!(!before.contains(&warning), "no warning without a hold");

    // The officer places a legal hold on all of the subject's data.
    app::holds::place_legal_hold(
        &app.desk,
        &signed(&app, Who::Officer),
        &parsed(&reference),
        &staff_text("Litigation 2026-Gahap-77: preserve everything."),
    )
    .expect("legal hold");

    // The handler sees it on the task before carrying it out.
    let after = handler.get(&page).await.text().await.expect("page");
    assert!(after.contains(&warning), "the task warns of the hold");

    // Carried out as done, both tasks keep the data for the claim.
    finish_tasks(&app, &reference);
    let outcomes: Vec<Option<TaskOutcome>> = app
        .store
        .read(|conn| tasks::for_request(conn, &id))
        .expect("tasks")
        .into_iter()
        .map(|t| t.outcome)
        .collect();
    assert!(!outcomes.is_empty());
    assert!(
        outcomes.iter().all(|o| *o == Some(TaskOutcome::LegalHold)),
        "{outcomes:?}"
    );
    let done = handler.get(&page).await.text().await.expect("page");
    assert!(
        done.contains(Lang::Ko.t("staff.task_outcome.legal_hold").as_ref()),
        "the outcome is shown"
    );
    assert!(!done.contains(&warning), "a finished task no longer warns");

    // Completed and approved: the notice says the data is kept for a legal
    // claim — not that everything was destroyed — and nothing of the claim.
    decide_as_officer(&app, &reference, DecisionOutcome::Completed, None);
    assert_eq!(status_of(&app, &reference).as_str(), "completed");
    let notice = eventually("the decision notice", || {
        smtp.to(email)
            .into_iter()
            .find(|m| m.subject().contains("outcome"))
    })
    .await;
    let text = notice.text();
    assert!(text.contains("needed for a legal claim"), "{text}");
    // Every system kept its data: nothing is said to be deleted.
    assert!(text.contains("is not deleted yet"), "{text}");
    assert!(!text.contains("deleted irrecoverably"), "{text}");
    assert_eq!(
        text.matches("needed for a legal claim").count(),
        1,
        "said once for all the systems: {text}"
    );
    assert!(
        !text.contains("deleted the personal data concerned irrecoverably, as you asked"),
        "{text}"
    );
    assert!(!text.contains("Gahap"), "the claim itself is not named: {text}");

    // The hold outlives the request, yet the requester's page says
    // nothing of it.
    let status_page = app
        .get(&format!("{}?lang=en", notice.link("/r/")))
        .await
        .text()
        .await
        .expect("status page");
    assert!(status_page.contains(&reference));
    assert!(
        !status_page.contains("has not been used since"),
        "a legal hold is not shown to the requester"
    );

    // The orders a law keeps five years keep that retention under the
    // hold, and stay frozen for it once the officer ends the hold.
    let legal = app
        .store
        .read(|conn| store::holds::for_request(conn, &id))
        .expect("holds")
        .into_iter()
        .find(|h| h.reason == HoldReason::LegalHold && h.lifted_at.is_none())
        .expect("the legal hold");
    app::holds::lift_hold(
        &app.desk,
        &signed(&app, Who::Officer),
        &parsed(&reference),
        &legal.id,
        &staff_text("The claim was settled."),
    )
    .expect("lift");
    let kept: Vec<_> = app
        .store
        .read(|conn| store::holds::for_request(conn, &id))
        .expect("holds")
        .into_iter()
        .filter(|h| h.reason == HoldReason::RetainedByLaw && h.lifted_at.is_none())
        .collect();
    assert!(!kept.is_empty(), "the law's retention outlasts the legal hold");
    assert!(kept.iter().all(|h| h.until.is_some()));
    app.stop().await;
}
