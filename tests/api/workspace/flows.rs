//! Requests worked to a lawful end through the staff pages: a deletion
//! across two systems (identity review, routing, tasks, separation of
//! legally retained data, approval, the final notice over SMTP), and a
//! refusal followed by an objection and a new decision.

use app::clock::Clock;
use auth::tokens::Purpose;
use domain::decision::DecisionState;
use domain::hold::HoldReason;
use domain::ids::RequestId;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use domain::task::{TaskOutcome, TaskStatus};
use store::{audit, decisions, holds, tasks};

use crate::util::{
    Browser, ORDERS_LAW, PDF, TestApp, TestSmtp, Who, id_of, location, logged, reference_from, seed_company,
    spawn_app, status_of,
};

fn task_of(app: &TestApp, request_id: &str, system_code: &str) -> tasks::TaskRow {
    app.store
        .read(|conn| {
            let system = store::catalog::list_systems(conn)?
                .into_iter()
                .find(|s| s.code == system_code)
                .expect("system");
            Ok(tasks::for_request(conn, &RequestId::from(request_id.to_owned()))?
                .into_iter()
                .find(|t| t.system_id.as_deref() == Some(system.id.as_str()))
                .expect("task"))
        })
        .expect("task")
}

fn active_holds(app: &TestApp, request_id: &str, reason: HoldReason) -> usize {
    app.store
        .read(|conn| {
            Ok(holds::for_request(conn, &RequestId::from(request_id.to_owned()))?
                .iter()
                .filter(|h| h.lifted_at.is_none() && h.reason == reason)
                .count())
        })
        .expect("holds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_across_two_systems_ends_with_separation_approval_and_its_notice() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);

    // A delegate asks, with a power of attorney, and confirms the address.
    let fields = [
        ("kind", "deletion"),
        ("on_behalf", "delegate"),
        ("requester_name", "Park Agent"),
        ("requester_email", "agent.flow@example.com"),
        ("subject_name", "Kim Minji"),
        ("subject_email", "minji.flow@example.com"),
        ("details", "Please erase everything."),
    ];
    let response = app.submit_request(&fields, Some(("poa.pdf", PDF.to_vec()))).await;
    let reference = reference_from(&location(&response)).to_string();
    let code = smtp.wait_for_to("agent.flow@example.com", 1).await.code();
    let verify = format!("/requests/{reference}/verify");
    let (_, token) = app.page_with_csrf(&verify).await;
    app.post_form(&verify, &[("code", &code), ("csrf_token", &token)])
        .await;
    assert_eq!(status_of(&app, &reference), RequestStatus::Verifying);
    let id = id_of(&app, &reference);
    let page = format!("/staff/requests/{reference}");

    // The privacy officer reviews the power of attorney: every check the
    // law asks of a delegate must be confirmed.
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let body = officer.get(&page).await.text().await.expect("page");
    assert!(
        body.contains("power_of_attorney_names_delegate"),
        "the delegate's checks are shown"
    );
    let partial = officer
        .post(
            &format!("{page}/review"),
            &[("decision", "accept"), ("checks", "requester_identified")],
        )
        .await;
    assert_eq!(partial.status(), 422);
    assert_eq!(status_of(&app, &reference), RequestStatus::Verifying);
    let accepted = officer
        .post(
            &format!("{page}/review"),
            &[
                ("decision", "accept"),
                ("checks", "requester_identified"),
                ("checks", "power_of_attorney_names_delegate"),
                ("checks", "power_of_attorney_covers_request"),
            ],
        )
        .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);

    // Work starts with one task per system, for its owner department.
    let members = task_of(&app, id.as_str(), "MEMBERSHIP");
    let orders = task_of(&app, id.as_str(), "ORDERS");
    assert_eq!(members.status, TaskStatus::Open);
    assert_eq!(orders.status, TaskStatus::Open);

    // IT's lead assigns the membership task; the handler completes it.
    let lead = Browser::signed_in(&app, Who::ItLead).await;
    let it_handler = crate::util::signed(&app, Who::ItHandler);
    let assigned = lead
        .post(
            &format!("{page}/tasks/{}/assign", members.id),
            &[("assignee", it_handler.user.id.as_str())],
        )
        .await;
    assert_eq!(assigned.status(), 303);
    // The lead cannot assign sales' task.
    let foreign = lead
        .post(
            &format!("{page}/tasks/{}/assign", orders.id),
            &[("assignee", it_handler.user.id.as_str())],
        )
        .await;
    assert_eq!(foreign.status(), 403);
    let handler = Browser::signed_in(&app, Who::ItHandler).await;
    let done = handler
        .post_multipart(
            &format!("{page}/tasks/{}/complete", members.id),
            &[("outcome", "done"), ("note", "Deleted from the member table.")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(
        task_of(&app, id.as_str(), "MEMBERSHIP").outcome,
        Some(TaskOutcome::Done)
    );

    // Sales' data is kept five years by law: completing it separates it.
    let sales = Browser::signed_in(&app, Who::SalesHandler).await;
    let separated = sales
        .post_multipart(
            &format!("{page}/tasks/{}/complete", orders.id),
            &[("outcome", "done")],
        )
        .await;
    assert_eq!(separated.status(), 303);
    let orders = task_of(&app, id.as_str(), "ORDERS");
    assert_eq!(orders.outcome, Some(TaskOutcome::Separated));
    assert_eq!(orders.retention_law.as_deref(), Some(ORDERS_LAW));
    let until = orders.retained_until.expect("until");
    let today = app
        .clock
        .now()
        .and_utc()
        .with_timezone(&app.config.timezone)
        .date_naive();
    assert_eq!(
        until,
        today.checked_add_months(chrono::Months::new(60)).expect("date")
    );

    // The privacy department decides: a deletion waits for the officer.
    let irm = Browser::signed_in(&app, Who::IrmHandler).await;
    let decided = irm
        .post(
            &format!("{page}/decide"),
            &[("outcome", "completed"), ("ground", ""), ("explanation", "")],
        )
        .await;
    assert_eq!(decided.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::AwaitingApproval);
    assert_eq!(
        active_holds(&app, id.as_str(), HoldReason::DeletionPending),
        1,
        "the hold stays until the request ends"
    );
    assert_eq!(
        active_holds(&app, id.as_str(), HoldReason::RetainedByLaw),
        1,
        "the separated orders are frozen for the law's purpose"
    );
    // Only the officer approves.
    assert_eq!(
        irm.post(&format!("{page}/approve"), &[("answer", "approve")])
            .await
            .status(),
        403
    );
    let approved = officer
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Completed);
    assert_eq!(
        active_holds(&app, id.as_str(), HoldReason::DeletionPending),
        0,
        "the hold is lifted when the request ends"
    );
    assert_eq!(
        active_holds(&app, id.as_str(), HoldReason::RetainedByLaw),
        1,
        "the separated data stays frozen after it"
    );

    // The register of separated data lists it, with its law, its end and
    // the time left; a department's handler does not see the register.
    let register = irm
        .get("/staff/separated?lang=en")
        .await
        .text()
        .await
        .expect("register");
    for needle in [
        reference.as_str(),
        "Orders",
        ORDERS_LAW,
        &until.to_string(),
        &format!("{} days left", (until - today).num_days()),
    ] {
        assert!(register.contains(needle), "{needle} missing from the register");
    }
    assert_eq!(handler.get("/staff/separated").await.status(), 403);

    // The notice says what was kept apart, why and until when.
    let notice = smtp.wait_for_to("agent.flow@example.com", 4).await;
    let text = notice.text();
    for needle in ["Orders", ORDERS_LAW, &until.format("%Y-%m-%d").to_string()] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    assert!(notice.subject().contains(&reference));

    let chain = audit::verify(&mut app.store.conn().expect("conn")).expect("verify");
    assert!(matches!(chain, audit::Verification::Intact { .. }), "{chain:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_then_the_requesters_objection_then_a_new_decision() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "refused@example.com", &[]);
    let id = id_of(&app, &reference);
    let page = format!("/staff/requests/{reference}");
    let officer = Browser::signed_in(&app, Who::Officer).await;

    // A refusal needs a ground of the kind; it goes to approval.
    let wrong_ground = officer
        .post(
            &format!("{page}/decide"),
            &[
                ("outcome", "refused"),
                ("ground", "deletion_required_by_law"),
                ("explanation", "x"),
            ],
        )
        .await;
    assert_eq!(wrong_ground.status(), 422);
    let kept = wrong_ground.text().await.expect("page");
    assert!(kept.contains(">x</textarea>"), "the explanation typed is kept");
    // A note that is too long is refused with the page, the note kept.
    let long = "n".repeat(5001);
    let note = officer.post(&format!("{page}/notes"), &[("body", &long)]).await;
    assert_eq!(note.status(), 422);
    assert!(
        note.text().await.expect("page").contains(&long),
        "the note typed is kept"
    );
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);
    let refused = officer
        .post(
            &format!("{page}/decide"),
            &[
                ("outcome", "refused"),
                ("ground", "access_harms_others"),
                ("explanation", "The records name another customer."),
            ],
        )
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::AwaitingApproval);
    let approved = officer
        .post(&format!("{page}/approve"), &[("answer", "approve")])
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Refused);
    let notice = smtp.wait_for_to("refused@example.com", 2).await;
    let text = notice.text();
    for needle in [
        "PIPA Art. 35(4)2",
        "The records name another customer.",
        "118",
        "1833-6972",
        "1301",
        "182",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }

    // The requester objects from the status page.
    let token = app
        .desk
        .token(Purpose::Status, id.as_str(), app.clock.now())
        .expect("token");
    let status_path = format!("/r/{token}");
    let (_, csrf) = app.page_with_csrf(&status_path).await;
    let objected = app
        .post_form(
            &format!("{status_path}/objection"),
            &[("reason", "Nobody else is in my records."), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(objected.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Objection);
    let body = officer.get(&page).await.text().await.expect("page");
    assert!(
        body.contains("Nobody else is in my records."),
        "the objection's text is on the page"
    );

    // The officer reopens the tasks; the departments work them again.
    assert_eq!(officer.post(&format!("{page}/reopen"), &[]).await.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::InProgress);
    let members = task_of(&app, id.as_str(), "MEMBERSHIP");
    assert_eq!(members.status, TaskStatus::Open);
    let it = Browser::signed_in(&app, Who::ItHandler).await;
    let sales = Browser::signed_in(&app, Who::SalesHandler).await;
    let secret = "email: refused@example.com, joined 2024-03-01";
    assert_eq!(
        it.post_multipart(
            &format!("{page}/tasks/{}/complete", members.id),
            &[("outcome", "done"), ("data_text", secret)],
        )
        .await
        .status(),
        303
    );
    let orders = task_of(&app, id.as_str(), "ORDERS");
    assert_eq!(
        sales
            .post_multipart(
                &format!("{page}/tasks/{}/complete", orders.id),
                &[("outcome", "nothing_held")]
            )
            .await
            .status(),
        303
    );
    // The data returned is encrypted at rest, and not shown to the
    // requester before the decision.
    assert!(
        !app.get(&status_path)
            .await
            .text()
            .await
            .expect("page")
            .contains(secret)
    );
    let stored = app
        .store
        .read(|conn| tasks::result(conn, &members.id))
        .expect("result")
        .expect("sealed");
    assert!(!String::from_utf8_lossy(&stored.1).contains("refused@example.com"));
    // Staff who may see the request see what each task returned.
    let staff_page = officer.get(&page).await.text().await.expect("page");
    assert!(
        staff_page.contains(secret),
        "the data returned is on the staff page"
    );

    // A new decision with its own notice; access needs no approval.
    let completed = officer
        .post(
            &format!("{page}/decide"),
            &[("outcome", "completed"), ("ground", ""), ("explanation", "")],
        )
        .await;
    assert_eq!(completed.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Completed);
    let notice = smtp.wait_for_to("refused@example.com", 4).await;
    assert!(
        notice.text().contains("completed your access request"),
        "{}",
        notice.text()
    );
    let decisions = app
        .store
        .read(|conn| decisions::decisions(conn, &id))
        .expect("decisions");
    assert_eq!(decisions.len(), 2);
    assert!(decisions.iter().all(|d| d.state == DecisionState::Effective));
    // The data returned reaches the requester on their status page.
    let status_page = app.get(&status_path).await.text().await.expect("page");
    assert!(status_page.contains(secret), "the returned data is shown");
    app.stop().await;
}

/// What staff write that others read is checked where it is typed, as a
/// requester's text is: a note, a message or a hold's reason carrying a
/// direction override (text that reads as something it is not) or a
/// resident registration number comes back with the page and the message,
/// what was typed kept, and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_text_with_hidden_characters_or_a_resident_number_is_refused_and_nothing_written() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "checked.text@example.com", &[]);
    let id = id_of(&app, &reference);
    let page = format!("/staff/requests/{reference}");
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let events_before = audit::for_request(&mut app.store.conn().expect("conn"), &id)
        .expect("events")
        .len();
    for (path, field, typed, message) in [
        (
            "notes",
            "body",
            "Invoice for \u{202E}gpj.exe",
            "form.errors.hidden_characters",
        ),
        (
            "messages",
            "body",
            "Your number 900101-1234567 is on file.",
            "form.errors.rrn",
        ),
        (
            "holds",
            "body",
            "Litigation \u{2066}hold\u{2069}",
            "form.errors.hidden_characters",
        ),
    ] {
        let answer = officer.post(&format!("{page}/{path}"), &[(field, typed)]).await;
        assert_eq!(answer.status(), 422, "{path}");
        let html = answer.text().await.expect("page");
        let named = [Lang::Ko, Lang::En]
            .iter()
            .any(|l| html.contains(l.t(message).as_ref()));
        assert!(named, "{path}: the problem is named");
        assert!(html.contains(typed), "{path}: what was typed is kept");
    }
    let events_after = audit::for_request(&mut app.store.conn().expect("conn"), &id)
        .expect("events")
        .len();
    assert_eq!(events_after, events_before, "nothing was recorded");
    assert!(
        app.store
            .read(|conn| holds::for_request(conn, &id))
            .expect("holds")
            .is_empty(),
        "no hold was placed"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_asked_from_a_stale_page_shows_the_page_again_with_it() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "kept.text@example.com", &[]);
    let page = format!("/staff/requests/{reference}");
    let officer = Browser::signed_in(&app, Who::Officer).await;
    // A question asked from a page that is no longer current is refused.
    let typed = "Which branch did you visit in March?";
    let answer = officer
        .post(&format!("{page}/ask"), &[("message", typed), ("version", "9999")])
        .await;
    assert_eq!(answer.status(), 409, "changed meanwhile");
    let html = answer.text().await.expect("page");
    assert!(html.contains(typed), "the question is still in its box");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_from_a_page_the_request_moved_on_from_keeps_what_was_chosen_and_typed() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "moved.on@example.com", &[]);
    let page = format!("/staff/requests/{reference}");
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let explanation = "The records also describe another person.";
    let refusal = [
        ("outcome", "refused"),
        ("ground", "access_harms_others"),
        ("explanation", explanation),
    ];

    // A refused explanation (a resident registration number) points at its
    // field and keeps the chosen outcome and ground.
    let bad = officer
        .post(
            &format!("{page}/decide"),
            &[
                ("outcome", "refused"),
                ("ground", "access_harms_others"),
                ("explanation", "See 900101-1234567."),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.expect("page");
    assert!(
        html.contains(r##"<a href="#decide-explanation">"##),
        "the summary links to the field"
    );
    assert!(html.contains(
        r#"id="decide-explanation" name="explanation" rows="3" maxlength="5000" aria-invalid="true""#
    ));
    assert!(
        html.contains(r#"<option value="refused" selected>"#),
        "the outcome chosen is kept"
    );
    assert!(
        html.contains(r#"<option value="access_harms_others" selected>"#),
        "the ground chosen is kept"
    );

    // From a page that is out of date (same status): 409, the choices kept.
    let mut stale = refusal.to_vec();
    stale.push(("version", "9999"));
    let answer = officer.post(&format!("{page}/decide"), &stale).await;
    assert_eq!(answer.status(), 409);
    let html = answer.text().await.expect("page");
    assert!(
        html.contains(r#"<option value="access_harms_others" selected>"#),
        "the ground is kept"
    );
    assert!(
        html.contains(&format!(">{explanation}</textarea>")),
        "the explanation too"
    );

    // Meanwhile a colleague asks the requester for more: the request is no
    // longer one that can be decided. The page comes back with what was
    // typed (the form is gone, so the text is shown to copy), and nothing
    // is done.
    let colleague = Browser::signed_in(&app, Who::IrmHandler).await;
    let asked = colleague
        .post(
            &format!("{page}/ask"),
            &[("message", "Which account do you mean?")],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let moved = status_of(&app, &reference);
    let late = officer.post(&format!("{page}/decide"), &refusal).await;
    assert_eq!(late.status(), 403);
    let html = late.text().await.expect("page");
    assert!(
        html.contains(r#"id="error-summary""#),
        "the request page, with the problem"
    );
    assert!(
        !html.contains(r#"id="decide-explanation""#),
        "no decision form while the requester is asked"
    );
    assert!(html.contains(explanation), "what was typed is shown, to copy");
    assert_eq!(status_of(&app, &reference), moved, "nothing was done");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_staff_may_not_open_is_refused_before_it_is_decrypted() {
    use domain::document::{AcceptedDocumentRef, DocumentPurpose, DocumentType};
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "opened@example.com", &[]);
    let id = id_of(&app, &reference);
    let identity = app
        .store
        .write(|conn| {
            store::documents::save(
                conn,
                &app.keys.documents,
                &id,
                DocumentPurpose::Identity,
                AcceptedDocumentRef {
                    kind: DocumentType::Pdf,
                    filename: "id-card.pdf",
                    bytes: PDF,
                },
                crate::util::now(),
            )
        })
        .expect("save");
    // Damaged in the database: decrypting it fails (and answers 500).
    app.db
        .execute_raw(&format!(
            "UPDATE documents SET nonce = ciphertext WHERE id = '{identity}'"
        ))
        .expect("damage it");
    let path = format!("/staff/requests/{reference}/documents/{identity}");
    // A handler may see the request but not identity documents: refused
    // before the content is touched.
    let handler = Browser::signed_in(&app, Who::ItHandler).await;
    assert_eq!(handler.get(&path).await.status(), 403);
    // The privacy officer may open it, so it is decrypted, and the damage
    // shows.
    let officer = Browser::signed_in(&app, Who::Officer).await;
    assert_eq!(officer.get(&path).await.status(), 500);
    app.stop().await;
}
