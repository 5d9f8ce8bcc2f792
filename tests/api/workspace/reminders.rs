//! Reminders and escalations fire once per request and step, whatever runs
//! them: here the desk's own job loop and a second instance on the same
//! database passing at the same moments. Workers hear 3 days before the due
//! date, leads and the privacy officer on the day and each day after; an
//! unconfirmed requester gets one reminder after a day.

use std::sync::Arc;

use app::Desk;
use app::clock::Clock;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use domain::request::RequestKind;
use store::Store;
use store::schema::{departments, email_outbox, reminders, requests};

use crate::util::{
    Browser, Job, PASSWORD, TestApp, TestSmtp, Who, create_request, eventually, has_hangul, id_of, logged,
    seed_company, spawn_app,
};

/// A second instance: its own pool on the same database, the same clock.
fn second_instance(app: &TestApp) -> Desk {
    let store = Store::open(app.config.database_url(), Some(4)).expect("second pool");
    Desk::new(
        store,
        app.config.clone(),
        Arc::new(app.keys.clone()),
        app.clock.clone(),
    )
}

fn local_today(app: &TestApp) -> NaiveDate {
    domain::deadline::local(app.clock.now(), app.config.timezone).date()
}

/// Moves the clock to local noon of `day`.
fn travel_to(app: &TestApp, day: NaiveDate) {
    let local_now = domain::deadline::local(app.clock.now(), app.config.timezone);
    let target = day.and_hms_opt(12, 0, 0).expect("noon");
    assert!(target > local_now, "the clock only moves forward");
    app.clock.advance(target - local_now);
}

/// Both instances pass at once, twice each, beside the desk's own loop.
async fn passes(app: &TestApp, other: &Desk) {
    let threads: Vec<_> = [app.desk.clone(), other.clone(), app.desk.clone(), other.clone()]
        .into_iter()
        .map(|desk| std::thread::spawn(move || app::reminders::remind(&desk).expect("pass")))
        .collect();
    for t in threads {
        t.join().expect("pass thread");
    }
    // And the desk's own loop has had its turn.
    app.pass_begun_after_now(Job::Reminders).await;
}

fn steps(app: &TestApp, request_id: &str) -> Vec<(String, i32)> {
    let conn = &mut app.store.conn().expect("conn");
    reminders::table
        .filter(reminders::request_id.eq(request_id))
        .order(reminders::sent_at.asc())
        .select((reminders::step, reminders::recipients))
        .load(conn)
        .expect("steps")
}

/// The reminder emails queued for `reference`, as (recipient, subject).
fn reminder_emails(app: &TestApp, request_id: &str) -> Vec<(String, String)> {
    let conn = &mut app.store.conn().expect("conn");
    let mut all: Vec<(String, String)> = email_outbox::table
        .filter(email_outbox::request_id.eq(request_id))
        .select((email_outbox::recipient, email_outbox::subject))
        .load(conn)
        .expect("emails");
    all.retain(|(to, _)| !to.starts_with("remind"));
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_is_sent_once_with_two_instances_passing_together() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    {
        let conn = &mut app.store.conn().expect("conn");
        diesel::update(departments::table.filter(departments::code.eq("IT")))
            .set(departments::email.eq("it-team@example.com"))
            .execute(conn)
            .expect("mailbox");
    }
    let other = second_instance(&app);
    // The privacy officer reads the desk in English: their sign-in (on an
    // English page) makes their emails English; the lead's stay Korean.
    let officer = Browser::new(&app);
    officer.get("/track?lang=en").await;
    assert_eq!(officer.login(Who::Officer.email(), PASSWORD).await.status(), 303);
    let reference = logged(
        &app,
        RequestKind::Deletion,
        "remind-me@example.com",
        &["member_email"],
    );
    let id = id_of(&app, &reference);
    let due: NaiveDate = {
        let conn = &mut app.store.conn().expect("conn");
        requests::table
            .find(id.as_str())
            .select(requests::due_date)
            .first::<Option<NaiveDate>>(conn)
            .expect("request")
            .expect("due")
    };
    assert!((due - local_today(&app)).num_days() > 3);
    passes(&app, &other).await;
    assert!(steps(&app, id.as_str()).is_empty(), "nothing yet");

    // Three days before: the department's mailbox.
    travel_to(&app, due - Duration::days(3));
    passes(&app, &other).await;
    assert_eq!(steps(&app, id.as_str()), vec![("due_in_3".to_owned(), 1)]);
    let soon = smtp.wait_for_to("it-team@example.com", 1).await;
    assert!(soon.subject().contains(&reference), "{}", soon.subject());
    assert!(soon.text().contains(&format!("/staff/requests/{reference}")));

    // Two days before: the same step, not again.
    travel_to(&app, due - Duration::days(2));
    passes(&app, &other).await;
    assert_eq!(steps(&app, id.as_str()).len(), 1);

    // The day before, the day itself, and two days overdue.
    travel_to(&app, due - Duration::days(1));
    passes(&app, &other).await;
    travel_to(&app, due);
    passes(&app, &other).await;
    travel_to(&app, due + Duration::days(1));
    passes(&app, &other).await;
    passes(&app, &other).await;
    travel_to(&app, due + Duration::days(2));
    passes(&app, &other).await;
    let keys: Vec<String> = steps(&app, id.as_str()).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        vec![
            "due_in_3".to_owned(),
            "due_in_1".to_owned(),
            "due_today".to_owned(),
            format!("overdue:{}", due + Duration::days(1)),
            format!("overdue:{}", due + Duration::days(2)),
        ]
    );
    // Escalations go to the department's lead and the privacy officer,
    // once per step (and nothing twice: the counts are exact).
    let emails = reminder_emails(&app, id.as_str());
    for who in [Who::ItLead, Who::Officer] {
        let to_them = emails.iter().filter(|(to, _)| to == who.email()).count();
        assert_eq!(to_them, 3, "{who:?}: due today and two days overdue");
    }
    assert_eq!(
        emails
            .iter()
            .filter(|(to, _)| to == "it-team@example.com")
            .count(),
        2,
        "the mailbox: 3 days and 1 day before"
    );
    let escalation = eventually("the officer's escalation", || {
        smtp.to(Who::Officer.email())
            .into_iter()
            .find(|m| m.text().contains(&reference))
    })
    .await;
    assert!(escalation.text().contains(&due.to_string()));
    assert!(
        !has_hangul(&escalation.text()),
        "in English: {}",
        escalation.text()
    );
    assert!(
        escalation
            .subject()
            .starts_with(&format!("[{reference}] Due today"))
    );
    let lead = eventually("the lead's escalation", || {
        smtp.to(Who::ItLead.email())
            .into_iter()
            .find(|m| m.text().contains(&reference))
    })
    .await;
    assert!(has_hangul(&lead.text()), "in Korean: {}", lead.text());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unconfirmed_requester_is_reminded_once_after_a_day() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let other = second_instance(&app);
    let created = create_request(
        &app.store,
        &app.keys,
        RequestKind::Access,
        "remind-me@example.com",
    );
    passes(&app, &other).await;
    assert!(steps(&app, created.id.as_str()).is_empty());
    app.clock.advance(Duration::hours(25));
    passes(&app, &other).await;
    passes(&app, &other).await;
    assert_eq!(steps(&app, created.id.as_str()), vec![("verify".to_owned(), 1)]);
    let reminder = smtp.wait_for_to("remind-me@example.com", 1).await;
    assert!(reminder.text().contains("/v/"), "a fresh link");
    assert!(reminder.code().len() == 6, "and a fresh code");
    // A second reminder would be queued by a reminder pass begun now, and
    // sent once the outbox has emptied and delivery has passed again.
    app.pass_begun_after_now(Job::Reminders).await;
    app.settle(2).await;
    assert_eq!(smtp.to("remind-me@example.com").len(), 1, "once");
    app.stop().await;
}
