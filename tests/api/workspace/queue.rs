//! The queue on a seeded set: filters, search, sort, pagination, the
//! viewer's scope, masked addresses, and a reveal that is recorded.

use chrono::Duration;
use diesel::prelude::*;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::ids::TaskId;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, RequestKind};
use store::schema::{audit_events, requests as req};
use store::{catalog, lifecycle, requests, tasks};

use crate::util::{Browser, TestApp, TestSmtp, Who, new_request, now, seed_company, signed, spawn_app};
use store::types::Wire;

/// One seeded request, as the test knows it.
struct Seeded {
    reference: String,
}

/// 60 requests: every third a deletion (others access), every fifth by
/// phone, every fourth closed (completed), due dates spread from 5 days
/// ago to 54 days ahead, IT tasks on even ones (odd ones: sales), and the
/// IT handler assigned to every sixth.
fn seed(app: &TestApp) -> Vec<Seeded> {
    let it_handler = signed(app, Who::ItHandler).user.id;
    let today = app::clock::Clock::now(&*app.clock)
        .and_utc()
        .with_timezone(&app.config.timezone)
        .date_naive();
    let officer = Actor::Staff {
        id: "officer".into(),
        role: domain::staff::StaffRole::PrivacyOfficer,
    };
    app.store
        .write(|conn| {
            let departments = catalog::list_departments(conn)?;
            let dept = |code: &str| {
                departments
                    .iter()
                    .find(|d| d.code == code)
                    .expect("dept")
                    .id
                    .clone()
            };
            let systems = catalog::list_systems(conn)?;
            let system = |code: &str| {
                systems
                    .iter()
                    .find(|s| s.code == code)
                    .expect("system")
                    .id
                    .clone()
            };
            let mut seeded = Vec::new();
            for i in 0..60_i64 {
                let kind = if i % 3 == 0 {
                    RequestKind::Deletion
                } else {
                    RequestKind::Access
                };
                let email = format!("person{i:02}@example.com");
                let mut new = new_request(kind, &email);
                if i % 5 == 0 {
                    new.channel = Channel::Phone;
                }
                new.requester_name = if i == 7 {
                    "Hong Gildong".into()
                } else {
                    format!("Person {i}")
                };
                new.received_at = now() - Duration::minutes(60 - i);
                let created =
                    requests::create(conn, &new, &app.keys.identifier_index, &Actor::Requester, now())?;
                diesel::update(req::table.find(created.id.as_str()))
                    .set(req::due_date.eq(today + Duration::days(i - 5)))
                    .execute(conn.connection())?;
                lifecycle::apply(
                    conn,
                    lifecycle::Transition::new(&created.id, RequestStatus::InProgress, &officer),
                    now(),
                )?;
                let (department, sys) = if i % 2 == 0 {
                    ("IT", "MEMBERSHIP")
                } else {
                    ("SALES", "ORDERS")
                };
                let task = tasks::create(
                    conn,
                    &created.id,
                    &tasks::NewTask {
                        system_id: Some((system(sys)).into()),
                        department_id: (dept(department)).into(),
                        routing_rule_id: None,
                    },
                    now(),
                )?;
                if i % 6 == 0 {
                    tasks::assign(conn, &TaskId::from(task.to_owned()), &it_handler, now())?;
                }
                if i % 4 == 0 {
                    lifecycle::apply(
                        conn,
                        lifecycle::Transition::new(&created.id, RequestStatus::Completed, &officer),
                        now(),
                    )?;
                }
                seeded.push(Seeded {
                    reference: created.reference.to_string(),
                });
            }
            Ok(seeded)
        })
        .expect("seed")
}

/// The references on a queue page, in order.
fn references(body: &str) -> Vec<String> {
    body.match_indices("href=\"/staff/requests/")
        .map(|(at, m)| {
            body[at + m.len()..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|r| r.starts_with("DSR-"))
        .collect()
}

async fn refs(browser: &Browser, query: &str) -> Vec<String> {
    let response = browser.get(&format!("/staff/queue?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    references(&response.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_search_sort_and_pages_return_the_right_rows() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let seeded = seed(&app);
    let r = |i: usize| seeded[i].reference.clone();
    let officer = Browser::signed_in(&app, Who::Officer).await;

    // Default: open requests (45 of 60), soonest due first, 50 a page.
    let open: Vec<usize> = (0..60).filter(|i| i % 4 != 0).collect();
    let first = refs(&officer, "").await;
    assert_eq!(first, open.iter().map(|i| r(*i)).collect::<Vec<_>>());
    let page = officer.get("/staff/queue").await.text().await.expect("body");
    assert!(page.contains("45"), "the count is shown");
    // Overdue rows say so in words, not only colour.
    assert!(page.contains("Overdue by") || page.contains("일 초과"));

    // Status, kind and channel.
    let completed = refs(&officer, "status=completed").await;
    assert_eq!(
        completed,
        (0..60).filter(|i| i % 4 == 0).map(r).collect::<Vec<_>>()
    );
    let deletions = refs(&officer, "kind=deletion").await;
    assert_eq!(
        deletions,
        open.iter()
            .filter(|i| *i % 3 == 0)
            .map(|i| r(*i))
            .collect::<Vec<_>>()
    );
    let phone = refs(&officer, "status=all&channel=phone").await;
    assert_eq!(phone, (0..60).filter(|i| i % 5 == 0).map(r).collect::<Vec<_>>());

    // Department, and "mine" for the IT handler.
    let it = refs(&officer, "department=it").await;
    assert_eq!(
        it,
        open.iter()
            .filter(|i| *i % 2 == 0)
            .map(|i| r(*i))
            .collect::<Vec<_>>()
    );
    let handler = Browser::signed_in(&app, Who::ItHandler).await;
    let mine = refs(&handler, "mine=1&status=all").await;
    assert_eq!(mine, (0..60).filter(|i| i % 6 == 0).map(r).collect::<Vec<_>>());
    // A handler sees only their department's requests.
    let scoped = refs(&handler, "status=all").await;
    assert_eq!(scoped.len(), 30);
    assert!(scoped.iter().all(|s| it.contains(s) || completed.contains(s)));

    // Due windows (today is index 5).
    let overdue = refs(&officer, "due=overdue").await;
    assert_eq!(overdue, (0..5).filter(|i| i % 4 != 0).map(r).collect::<Vec<_>>());
    let soon = refs(&officer, "due=soon").await;
    assert_eq!(soon, (5..=8).filter(|i| i % 4 != 0).map(r).collect::<Vec<_>>());

    // Search: reference, an address (exact, by its keyed hash), a name part.
    assert_eq!(
        refs(&officer, &format!("status=all&q={}", r(13))).await,
        vec![r(13)]
    );
    assert_eq!(
        refs(&officer, "status=all&q=PERSON21%40example.com").await,
        vec![r(21)]
    );
    assert_eq!(refs(&officer, "status=all&q=gildong").await, vec![r(7)]);
    assert_eq!(
        refs(&officer, "status=all&q=nobody-at-all").await,
        Vec::<String>::new()
    );

    // Sort by most recently received, and the second page.
    let received = refs(&officer, "status=all&sort=received").await;
    assert_eq!(received, (10..60).rev().map(r).collect::<Vec<_>>());
    let second = refs(&officer, "status=all&sort=received&page=2").await;
    assert_eq!(second, (0..10).rev().map(r).collect::<Vec<_>>());
    let page = officer
        .get("/staff/queue?status=all&sort=received")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("sort=received") && page.contains("page=2"),
        "the next page keeps the filters"
    );

    // Addresses are masked in the queue.
    assert!(!page.contains("person59@example.com"));
    assert!(page.contains("pe***@example.com"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revealing_the_full_address_is_a_deliberate_recorded_act() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let reference = crate::util::logged(&app, RequestKind::Access, "kim.minji@example.com", &[]);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    let page = format!("/staff/requests/{reference}");
    let body = officer.get(&page).await.text().await.expect("page");
    assert!(!body.contains("kim.minji@example.com"));
    assert!(body.contains("ki***@example.com"));
    let reveals = || {
        let conn = &mut app.store.conn().expect("conn");
        audit_events::table
            .filter(audit_events::action.eq(Wire(AuditAction::IdentifiersRevealed)))
            .count()
            .get_result::<i64>(conn)
            .expect("count")
    };
    assert_eq!(reveals(), 0);
    let revealed = officer.post(&format!("{page}/reveal"), &[]).await;
    assert_eq!(revealed.status(), 200);
    assert!(
        revealed
            .text()
            .await
            .expect("page")
            .contains("kim.minji@example.com")
    );
    assert_eq!(reveals(), 1);
    app.stop().await;
}
