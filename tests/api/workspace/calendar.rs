//! The holiday calendar page: an admin adds a one-off holiday or undoes it;
//! the due dates of undecided requests are counted again in the same
//! transaction, each move an audit event; decided requests keep theirs;
//! a bad day is refused with its message and nothing is stored.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::calendar::{CalendarCode, DayChange};
use domain::deadline::next_working_day;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use store::audit::{self, Verification};
use store::schema::{audit_events, calendar_days, requests};

use crate::util::{Browser, TestApp, TestSmtp, Who, audit_payloads, id_of, logged, seed_company, spawn_app};
use store::types::Wire;

fn due_of(app: &TestApp, reference: &str) -> NaiveDate {
    let conn = &mut app.store.conn().expect("conn");
    requests::table
        .filter(requests::reference.eq(reference))
        .select(requests::due_date)
        .first::<Option<NaiveDate>>(conn)
        .expect("request")
        .expect("a due date")
}

fn counts(app: &TestApp) -> (i64, i64) {
    let conn = &mut app.store.conn().expect("conn");
    (
        calendar_days::table.count().get_result(conn).expect("days"),
        audit_events::table.count().get_result(conn).expect("events"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_off_holiday_moves_undecided_due_dates_and_undoing_it_moves_them_back() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let open = logged(&app, RequestKind::Access, "open@example.com", &[]);
    let decided = logged(&app, RequestKind::Access, "decided@example.com", &[]);
    let due = due_of(&app, &open);
    assert_eq!(due_of(&app, &decided), due, "both received on the same day");
    {
        let conn = &mut app.store.conn().expect("conn");
        diesel::update(requests::table.filter(requests::reference.eq(&decided)))
            .set(requests::status.eq(Wire(RequestStatus::Completed)))
            .execute(conn)
            .expect("decided");
    }

    let admin = Browser::signed_in(&app, Who::Admin).await;
    let page = admin.get("/staff/admin/calendar").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(
        body.contains(&CalendarCode::KOREA.label()),
        "the page names the calendar in force"
    );

    // The due date itself becomes a holiday.
    let answer = admin
        .post(
            "/staff/admin/calendar/days",
            &[
                ("day", &due.to_string()),
                ("change", "added"),
                ("name", "임시공휴일"),
            ],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(
        crate::util::location(&answer),
        format!("/staff/admin/calendar?day={due}&moved=1")
    );
    let with_day = CalendarCode::KOREA
        .calendar()
        .with_changes([(due, DayChange::Added, "임시공휴일")]);
    let moved = next_working_day(due.succ_opt().expect("next day"), &with_day);
    assert_eq!(
        due_of(&app, &open),
        moved,
        "the undecided request's due date moves"
    );
    assert_eq!(due_of(&app, &decided), due, "a decided request keeps its date");

    let changed = audit_payloads(&app, "calendar.changed", None);
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["day"], due.to_string());
    assert_eq!(changed[0]["change"], "added");
    let moves = audit_payloads(&app, "request.due_date_changed", None);
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0]["from"], due.to_string());
    assert_eq!(moves[0]["to"], moved.to_string());
    assert_eq!(moves[0]["cause"], "calendar");
    {
        let conn = &mut app.store.conn().expect("conn");
        let about: Option<String> = audit_events::table
            .filter(audit_events::action.eq(Wire(domain::audit::AuditAction::DueDateChanged)))
            .select(audit_events::request_id)
            .first(conn)
            .expect("event");
        assert_eq!(about, Some(id_of(&app, &open).into_string()));
    }

    let body = admin
        .get(&format!("/staff/admin/calendar?day={due}&moved=1"))
        .await
        .text()
        .await
        .expect("body");
    assert!(body.contains("임시공휴일"), "the change is listed");
    assert!(body.contains(&format!("/staff/admin/calendar/days/{due}/delete")));

    // Undone: the date moves back, and that is recorded too.
    let undone = admin
        .post(&format!("/staff/admin/calendar/days/{due}/delete"), &[])
        .await;
    assert_eq!(undone.status(), 303);
    assert_eq!(due_of(&app, &open), due);
    let moves = audit_payloads(&app, "request.due_date_changed", None);
    assert_eq!(moves.len(), 2);
    assert_eq!(moves[1]["from"], moved.to_string());
    assert_eq!(moves[1]["to"], due.to_string());
    assert_eq!(
        audit_payloads(&app, "calendar.changed", None)[1]["change"],
        "undone"
    );
    assert_eq!(counts(&app).0, 0);

    match audit::verify(&mut app.store.conn().expect("conn")).expect("verify") {
        Verification::Intact { .. } => {}
        Verification::Broken(b) => panic!("chain broken: {b}"),
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_that_cannot_change_is_refused_with_its_message_and_nothing_is_stored() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let admin = Browser::signed_in(&app, Who::Admin).await;
    let before = counts(&app);
    let year = chrono::Datelike::year(&crate::util::now()) + 1;
    let (eve, christmas) = (format!("{year}-12-24"), format!("{year}-12-25"));
    let table = [
        (format!("24/12/{year}"), "added", "Year end", "2026-12-24"),
        // Christmas is a holiday already.
        (
            christmas,
            "added",
            "Christmas again",
            "이미 공휴일이거나 주말인 날입니다",
        ),
        (
            eve.clone(),
            "removed",
            "Not listed",
            "공휴일로 올라 있지 않은 날입니다",
        ),
        (eve.clone(), "added", " ", "1자에서 100자"),
        (format!("{}-12-24", year + 6), "added", "Far ahead", "5년 뒤까지"),
    ];
    for (day, change, name, message) in table {
        let answer = admin
            .post(
                "/staff/admin/calendar/days",
                &[("day", &day), ("change", change), ("name", name)],
            )
            .await;
        assert_eq!(answer.status(), 422, "{day} {change}");
        let body = answer.text().await.expect("body");
        assert!(body.contains(message), "{day} {change}: {message}");
        if !name.trim().is_empty() {
            assert!(
                body.contains(&format!("value=\"{name}\"")),
                "what was typed is kept"
            );
        }
    }
    let undo = admin
        .post(&format!("/staff/admin/calendar/days/{eve}/delete"), &[])
        .await;
    assert_eq!(undo.status(), 422, "a day never changed cannot be undone");
    assert_eq!(counts(&app), before, "nothing stored, nothing recorded");
    app.stop().await;
}
