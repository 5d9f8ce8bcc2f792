//! Putting off an answer: under PIPA access is postponed to a date staff
//! give (the request waits in `postponed`, the requester may object);
//! under GDPR the period is extended once by two months. Each time the
//! requester is emailed the reasons, both dates and how to object, in the
//! same transaction as the new due date and its audit events; the API and
//! the status page show the original and the current due date. What the
//! profile does not allow is refused and changes nothing.

use app::clock::Clock;
use auth::tokens::{self, Purpose};
use chrono::NaiveDate;
use diesel::prelude::*;
use domain::calendar::CalendarCode;
use domain::deadline::next_working_day;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use serde_json::Value;
use store::schema::{audit_events, email_outbox, prolongations, requests};

use crate::util::{
    Browser, SpawnOptions, TestApp, TestSmtp, Who, audit_payloads, eventually, id_of, logged, parsed,
    seed_company, signed, spawn_app, spawn_app_with, status_of,
};

fn dates_of(app: &TestApp, reference: &str) -> (NaiveDate, NaiveDate) {
    let conn = &mut app.store.conn().expect("conn");
    let (due, original): (Option<NaiveDate>, Option<NaiveDate>) = requests::table
        .filter(requests::reference.eq(reference))
        .select((requests::due_date, requests::original_due_date))
        .first(conn)
        .expect("request");
    (due.expect("due"), original.expect("original"))
}

/// Rows that a refused prolongation must leave alone.
fn world(app: &TestApp) -> (i64, i64, i64) {
    let conn = &mut app.store.conn().expect("conn");
    (
        prolongations::table.count().get_result(conn).expect("count"),
        audit_events::table.count().get_result(conn).expect("count"),
        email_outbox::table.count().get_result(conn).expect("count"),
    )
}

fn due_moves(app: &TestApp, reference: &str) -> Vec<Value> {
    audit_payloads(
        app,
        "request.due_date_changed",
        Some(id_of(app, reference).as_str()),
    )
}

async fn api_request(app: &TestApp, reference: &str) -> Value {
    let (token, _) = app::service_tokens::issue(
        &app.desk,
        app::service_tokens::Issuer::Operator,
        &app::service_tokens::NewToken {
            system: "Reports".into(),
            scopes: "requests:read".into(),
            expires_days: None,
        },
    )
    .map(|issued| (issued.token, issued.id))
    .expect("token");
    app.client
        .get(format!("{}/api/v1/requests/{reference}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_is_postponed_to_a_working_day_with_notice_and_the_requester_sees_both_dates() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Access, "later@example.com", &[]);
    let (due, original) = dates_of(&app, &reference);
    assert_eq!(due, original);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let page = officer
        .get(&format!("/staff/requests/{reference}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains(&format!("/staff/requests/{reference}/prolong")),
        "the form is offered"
    );

    // Refused and nothing changes: no reasons, a date not after the due
    // date, no date at all.
    let before = world(&app);
    let day_before = due.pred_opt().expect("day").to_string();
    for (reasons, date, message) in [
        ("", "2027-01-04", "1자에서 2000자"),
        (
            "The records are with an auditor.",
            day_before.as_str(),
            "현재 처리 기한보다 뒤여야",
        ),
        ("The records are with an auditor.", "", "2026-12-24와 같이"),
    ] {
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/prolong"),
                &[("reasons", reasons), ("date", date)],
            )
            .await;
        assert_eq!(answer.status(), 422, "{reasons:?} {date:?}");
        let body = answer.text().await.expect("body");
        assert!(body.contains(message), "{message}");
        if !reasons.is_empty() {
            assert!(body.contains(reasons), "what was typed is kept");
        }
    }
    assert_eq!(world(&app), before);

    // A Sunday two weeks after the due date: moved to the next working day.
    let mut chosen = due + chrono::Duration::days(14);
    while chrono::Datelike::weekday(&chosen) != chrono::Weekday::Sun {
        chosen = chosen.succ_opt().expect("day");
    }
    let expected = next_working_day(chosen, CalendarCode::KOREA.calendar());
    assert_ne!(expected, chosen);
    let answer = officer
        .post(
            &format!("/staff/requests/{reference}/prolong"),
            &[
                (
                    "reasons",
                    "The records are with an outside auditor until the audit ends.",
                ),
                ("date", &chosen.to_string()),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(status_of(&app, &reference), RequestStatus::Postponed);
    assert_eq!(dates_of(&app, &reference), (expected, original));
    let moves = due_moves(&app, &reference);
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0]["from"], original.to_string());
    assert_eq!(moves[0]["to"], expected.to_string());
    assert_eq!(moves[0]["cause"], "postponement");

    // The notice, over SMTP, in the request's language (English here).
    let notice = eventually("the postponement notice", || {
        smtp.to("later@example.com")
            .into_iter()
            .find(|m| m.text().contains("outside auditor"))
    })
    .await;
    let text = notice.text();
    for part in [
        reference.as_str(),
        &original.to_string(),
        &expected.to_string(),
        "PIPA Art. 35(3)",
        "object on your request's status page",
        "1833-6972",
        "118",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }

    // The API and the requester's page show both dates.
    let json = api_request(&app, &reference).await;
    assert_eq!(json["due_date"], expected.to_string());
    assert_eq!(json["original_due_date"], original.to_string());
    let id = id_of(&app, &reference);
    let token = tokens::issue(&app.keys, Purpose::Status, id.as_str(), app.clock.now()).expect("token");
    let status = app
        .client
        .get(format!("{}/r/{token}", app.address))
        .send()
        .await
        .expect("page");
    let body = status.text().await.expect("body");
    assert!(body.contains(&expected.to_string()));
    assert!(body.contains(&format!("원래 처리 기한: {original}")));
    assert!(
        body.contains("outside auditor"),
        "the reasons are on the timeline"
    );
    assert!(
        body.contains("/object"),
        "the requester may object to the postponement"
    );

    // Postponed: nothing more to postpone now.
    let again = officer
        .post(
            &format!("/staff/requests/{reference}/prolong"),
            &[
                ("reasons", "More."),
                ("date", &(expected + chrono::Duration::days(7)).to_string()),
            ],
        )
        .await;
    assert_eq!(
        again.status(),
        403,
        "the form is not offered, and the server refuses"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_gdpr_the_period_is_extended_once_by_two_months() {
    let smtp = TestSmtp::start();
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("jurisdiction", "gdpr")],
    })
    .await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Deletion, "gdpr@example.com", &[]);
    let (_, original) = dates_of(&app, &reference);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let answer = officer
        .post(
            &format!("/staff/requests/{reference}/prolong"),
            &[
                ("reasons", "Eleven systems hold this person's data."),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        status_of(&app, &reference),
        RequestStatus::InProgress,
        "work goes on"
    );
    let (due, kept) = dates_of(&app, &reference);
    assert_eq!(kept, original);
    let received = {
        let conn = &mut app.store.conn().expect("conn");
        requests::table
            .filter(requests::reference.eq(&reference))
            .select(requests::received_at)
            .first::<chrono::NaiveDateTime>(conn)
            .expect("received")
    };
    let three_months = app.config.due_date(
        RequestKind::Deletion,
        true,
        received,
        app.config.calendar.calendar(),
    );
    assert_eq!(due, three_months);
    assert!(due > original);
    let notice = eventually("the extension notice", || {
        smtp.to("gdpr@example.com")
            .into_iter()
            .find(|m| m.text().contains("Eleven systems"))
    })
    .await;
    let text = notice.text();
    for part in [
        original.to_string(),
        due.to_string(),
        "GDPR Art. 12(3)".to_owned(),
    ] {
        assert!(text.contains(&part), "{part} in {text}");
    }
    assert_eq!(due_moves(&app, &reference)[0]["cause"], "extension");

    // Once only.
    let before = world(&app);
    let again = officer
        .post(
            &format!("/staff/requests/{reference}/prolong"),
            &[("reasons", "Still more systems."), ("date", "")],
        )
        .await;
    assert_eq!(again.status(), 422);
    assert!(
        again
            .text()
            .await
            .expect("body")
            .contains("연기하거나 연장할 수 없습니다")
    );
    assert_eq!(world(&app), before);
    let page = officer
        .get(&format!("/staff/requests/{reference}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        !page.contains(&format!("/staff/requests/{reference}/prolong")),
        "no longer offered"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_extensions_at_once_extend_the_period_once_and_the_other_is_refused_as_stale() {
    use app::WorkflowError;
    use app::prolong::{Prolong, prolong};
    use std::sync::{Arc, Barrier};
    let smtp = TestSmtp::start();
    let app = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("jurisdiction", "gdpr")],
    })
    .await;
    seed_company(&app.store);
    let reference = logged(&app, RequestKind::Deletion, "twice@example.com", &[]);
    let (_, original) = dates_of(&app, &reference);
    let seen: i32 = requests::table
        .filter(requests::reference.eq(&reference))
        .select(requests::version)
        .first(&mut app.store.conn().expect("conn"))
        .expect("version");
    let officer = signed(&app, Who::Officer);

    // Two officers extend from the same page at the same moment.
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|n| {
            let desk = app.desk.clone();
            let officer = officer.clone();
            let barrier = barrier.clone();
            let reference = parsed(&reference);
            std::thread::spawn(move || {
                barrier.wait();
                prolong(
                    &desk,
                    &officer,
                    &reference,
                    Prolong {
                        reasons: Some(crate::util::staff_text(&format!(
                            "Eleven systems hold this data ({n})."
                        ))),
                        date: String::new(),
                        expected_version: Some(seen),
                    },
                )
            })
        })
        .collect();
    let results = tokio::task::spawn_blocking(move || {
        threads
            .into_iter()
            .map(|t| t.join().expect("thread"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "exactly one wins: {results:?}"
    );
    assert!(
        results.iter().any(|r| matches!(r, Err(WorkflowError::Stale))),
        "the other is refused as stale: {results:?}"
    );

    let id = id_of(&app, &reference);
    let taken: i64 = prolongations::table
        .filter(prolongations::request_id.eq(id.as_str()))
        .count()
        .get_result(&mut app.store.conn().expect("conn"))
        .expect("count");
    assert_eq!(taken, 1, "one prolongation");
    let moves = due_moves(&app, &reference);
    assert_eq!(moves.len(), 1, "the due date moved once: {moves:?}");
    let (due, kept) = dates_of(&app, &reference);
    assert_eq!(kept, original);
    assert_eq!(moves[0]["from"], original.to_string());
    assert_eq!(moves[0]["to"], due.to_string());
    assert!(due > original);
    app.stop().await;
}
