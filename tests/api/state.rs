//! Stored state is typed all the way down: the database refuses values
//! outside the code's closed sets, hold scopes are rows, reads see one
//! snapshot, and an upgrade carries the data of an earlier schema over.

use domain::ids::{CategoryId, RequestId};
use std::collections::BTreeSet;

use auth::keys::{Keys, SecretKey};
use diesel::prelude::*;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::hold::{HoldReason, HoldScope};
use domain::identifier::Identifier;
use domain::lifecycle::RequestStatus;
use domain::request::{RequestKind, VerificationState};
use store::audit::{self, NewEvent};
use store::schema::{audit_actions, requests as req};
use store::{catalog, holds, migrations, requests};

use crate::util::{TestDb, create_request, now, seed_catalog};

#[test]
fn the_database_refuses_values_outside_each_closed_set() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    let created = create_request(&store, &keys, RequestKind::Deletion, "typed@example.com");
    let id = &created.id;
    let email = domain::email::NewEmail {
        request_id: Some(id.clone().into()),
        to: "typed@example.com".into(),
        subject: "s".into(),
        text: "t".into(),
        html: None,
    };
    store
        .write(|conn| store::outbox::enqueue(conn, &[email], now()))
        .expect("enqueue");
    let refused = [
        format!("UPDATE requests SET status = 'done' WHERE id = '{id}'"),
        format!("UPDATE requests SET verification_state = 'trusted' WHERE id = '{id}'"),
        format!("UPDATE requests SET jurisdiction = 'atlantis' WHERE id = '{id}'"),
        format!("UPDATE requests SET lang = 'fr' WHERE id = '{id}'"),
        format!("UPDATE requests SET kind = 'erase' WHERE id = '{id}'"),
        format!("UPDATE holds SET reason = 'because' WHERE request_id = '{id}'"),
        "UPDATE email_outbox SET status = 'lost'".to_owned(),
        format!(
            "INSERT INTO audit_events (seq, id, request_id, actor_kind, action, at, payload, prev_hash, hash) \
             VALUES (999, 'x', '{id}', 'system', 'request.teleported', '2026-01-01 00:00:00', '{{}}', 'p', 'h')"
        ),
        format!(
            "INSERT INTO audit_events (seq, id, request_id, actor_kind, action, at, payload, prev_hash, hash) \
             VALUES (999, 'x', '{id}', 'robot', 'request.received', '2026-01-01 00:00:00', '{{}}', 'p', 'h')"
        ),
    ];
    for sql in &refused {
        assert!(db.execute_raw(sql).is_err(), "the database accepted: {sql}");
    }
    // Every member the code knows is accepted.
    for status in RequestStatus::ALL {
        db.execute_raw(&format!(
            "UPDATE requests SET status = '{status}' WHERE id = '{id}'"
        ))
        .unwrap_or_else(|e| panic!("{status}: {e}"));
    }
    for state in VerificationState::ALL {
        db.execute_raw(&format!(
            "UPDATE requests SET verification_state = '{state}' WHERE id = '{id}'"
        ))
        .unwrap_or_else(|e| panic!("{state}: {e}"));
    }
    // Data retained by law names its law, its last day and the task that
    // separated it: without them the reason is refused.
    assert!(
        db.execute_raw(&format!(
            "UPDATE holds SET reason = 'retained_by_law' WHERE request_id = '{id}'"
        ))
        .is_err(),
        "a hold retained by law without its law, end and task"
    );
    seed_catalog(&store);
    let task = store
        .write(|conn| {
            let department = catalog::list_departments(conn)?
                .into_iter()
                .next()
                .expect("a department");
            store::tasks::create(
                conn,
                id,
                &store::tasks::NewTask {
                    system_id: None,
                    department_id: department.id.to_string(),
                    routing_rule_id: None,
                },
                now(),
            )
        })
        .expect("task");
    for reason in HoldReason::ALL {
        let retained = if *reason == HoldReason::RetainedByLaw {
            format!(", retained_until = '2031-01-01', retention_law = 'law', task_id = '{task}'")
        } else {
            ", retained_until = NULL, retention_law = NULL, task_id = NULL".to_owned()
        };
        db.execute_raw(&format!(
            "UPDATE holds SET reason = '{reason}'{retained} WHERE request_id = '{id}'"
        ))
        .unwrap_or_else(|e| panic!("{reason}: {e}"));
    }
    let known: BTreeSet<String> = store
        .read(|conn| {
            Ok(audit_actions::table
                .select(audit_actions::name)
                .load::<String>(conn)?)
        })
        .expect("actions")
        .into_iter()
        .collect();
    let code: BTreeSet<String> = AuditAction::ALL.iter().map(|a| a.as_str().to_owned()).collect();
    assert_eq!(
        known, code,
        "the database knows exactly the audit actions the code writes"
    );
}

#[test]
fn whether_a_category_is_frozen_is_one_question_about_rows() {
    let db = TestDb::fresh();
    let store = db.store();
    seed_catalog(&store);
    let keys = Keys::new(SecretKey::generate());
    let categories = store.read(catalog::list_categories).expect("categories");
    let id_of = |code: &str| {
        categories
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.id.clone())
            .expect("category")
    };
    let (email, name) = (id_of("member_email"), id_of("member_name"));
    let scoped = store
        .write(|conn| {
            requests::create(
                conn,
                &requests::NewRequest {
                    category_ids: vec![name.clone().into()],
                    ..crate::util::new_request(RequestKind::Deletion, "scoped@example.com")
                },
                &keys.identifier_index,
                &Actor::Requester,
                now(),
            )
        })
        .expect("create");
    let key = |address: &str| {
        Identifier::parse(&format!("email:{address}"), None)
            .expect("identifier")
            .key(&keys.identifier_index)
    };
    let frozen = |address: &str, category: &str| {
        store
            .read(|conn| {
                holds::category_is_frozen(conn, &key(address), &CategoryId::from(category.to_owned()))
            })
            .expect("ask")
    };
    assert!(frozen("scoped@example.com", name.as_str()));
    assert!(
        !frozen("scoped@example.com", email.as_str()),
        "only the chosen category"
    );
    assert!(!frozen("nobody@example.com", name.as_str()));
    let all = store
        .read(|conn| holds::for_request(conn, &scoped.id))
        .expect("holds");
    assert_eq!(
        all[0].scope,
        HoldScope::of_categories(&["member_name".to_owned()])
    );

    // A request about all data freezes every category.
    create_request(&store, &keys, RequestKind::Correction, "everything@example.com");
    assert!(frozen("everything@example.com", email.as_str()));
    assert!(frozen("everything@example.com", name.as_str()));

    // Lifted, nothing is frozen.
    store
        .write(|conn| holds::end_with_request(conn, &scoped.id, RequestStatus::Withdrawn, now()))
        .expect("lift");
    assert!(!frozen("scoped@example.com", name.as_str()));
}

#[test]
fn a_read_sees_one_snapshot_and_on_postgresql_cannot_write() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    create_request(&store, &keys, RequestKind::Access, "first@example.com");
    let count =
        |conn: &mut store::DbConnection| -> i64 { req::table.count().get_result(conn).expect("count") };
    let (before, after) = store
        .read(|conn| {
            let before = count(conn);
            // Another connection commits a request meanwhile.
            create_request(&store, &keys, RequestKind::Access, "second@example.com");
            Ok((before, count(conn)))
        })
        .expect("read");
    assert_eq!(before, 1);
    assert_eq!(after, before, "the read still sees its snapshot");
    assert_eq!(store.read(|conn| Ok(count(conn))).expect("read"), 2);
    if db.is_postgres() {
        let write = store.read(|conn| {
            Ok(diesel::update(req::table)
                .set(req::details.eq("changed in a read"))
                .execute(conn)?)
        });
        assert!(write.is_err(), "a read-only transaction refuses writes");
    }
}

#[test]
fn an_upgrade_carries_hold_scopes_reasons_and_the_audit_chain_over() {
    let db = TestDb::empty();
    let store = store::Store::open(&db.url, Some(4)).expect("open");
    let mut conn = db.url.connect().expect("connect");
    migrations::run_until(&mut conn, Some("2026-11-25-000002")).expect("the earlier schema");
    drop(conn);
    let at = "2026-11-20 10:00:00";
    let sql = [
        format!(
            "INSERT INTO departments (id, code, name, function, created_at) VALUES ('d1', 'IRM', 'IRM', 'privacy', '{at}')"
        ),
        format!(
            "INSERT INTO data_systems (id, code, name, department_id, created_at) VALUES ('s1', 'MEMBERSHIP', 'Members', 'd1', '{at}')"
        ),
        format!(
            "INSERT INTO data_categories (id, code, system_id, name_ko, name_en, retention_basis, created_at) VALUES ('c1', 'member_email', 's1', '이메일', 'Email', 'until_withdrawal', '{at}')"
        ),
        format!(
            "INSERT INTO data_categories (id, code, system_id, name_ko, name_en, retention_basis, created_at) VALUES ('c2', 'member_name', 's1', '이름', 'Name', 'until_withdrawal', '{at}')"
        ),
        format!(
            "INSERT INTO requests (id, reference, ref_year, ref_number, kind, status, jurisdiction, channel, received_at, \
             on_behalf, requester_name, requester_email, requester_email_key, subject_name, subject_email, subject_email_key, \
             verification_state, created_at, updated_at) VALUES ('r1', 'DSR-2026-000001', 2026, 1, 'suspension', 'in_progress', \
             'kr-pipa', 'web', '{at}', 'self', 'Kim', 'kim@example.com', 'k', 'Kim', 'kim@example.com', 'k', 'email_confirmed', '{at}', '{at}')"
        ),
        format!(
            "INSERT INTO holds (id, request_id, identifier_key, identifier_scheme, scope, reason, placed_at) VALUES ('h1', 'r1', 'k', 'email', 'member_email,member_name', 'suspension_requested', '{at}')"
        ),
        format!(
            "INSERT INTO holds (id, request_id, identifier_key, identifier_scheme, scope, reason, placed_at) VALUES ('h2', 'r1', 'p', 'phone', 'all', 'deletion_pending', '{at}')"
        ),
    ];
    for statement in &sql {
        db.execute_raw(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    store
        .write(|conn| {
            conn.append(
                NewEvent::about(
                    &RequestId::from("r1".to_owned()),
                    &Actor::System,
                    AuditAction::CodeSent,
                    serde_json::json!({"n": 1}),
                ),
                now(),
            );
            conn.append(
                NewEvent::about(
                    &RequestId::from("r1".to_owned()),
                    &Actor::Requester,
                    AuditAction::InformationAdded,
                    serde_json::json!({}),
                ),
                now(),
            );
            Ok(())
        })
        .expect("events before the upgrade");

    let applied = store.migrate().expect("upgrade");
    assert!(!applied.is_empty());
    let holds = store
        .read(|conn| holds::for_request(conn, &RequestId::from("r1".to_owned())))
        .expect("holds");
    let by_id = |id: &str| holds.iter().find(|h| h.id == *id).expect("hold").clone();
    assert_eq!(by_id("h1").reason, HoldReason::ProcessingSuspended);
    assert_eq!(by_id("h1").scope.to_string(), "member_email,member_name");
    assert_eq!(by_id("h2").scope, HoldScope::All);
    assert_eq!(by_id("h2").reason, HoldReason::DeletionPending);
    let row = store
        .read(|conn| requests::get(conn, &RequestId::from("r1".to_owned())))
        .expect("request");
    assert_eq!(row.status, RequestStatus::InProgress);
    assert_eq!(row.kind, RequestKind::Suspension);
    let verified = store.read(audit::verify).expect("verify");
    assert!(
        matches!(verified, audit::Verification::Intact { events: 2 }),
        "{verified:?}"
    );
    // Requests received before names were indexed are found by name.
    let (_, found) = store
        .read(|conn| {
            use store::queue::{QueueQuery, Search, StatusFilter, page};
            page(
                conn,
                &QueueQuery {
                    status: StatusFilter::All,
                    search: Some(Search::Term("kim".into())),
                    per_page: 50,
                    ..QueueQuery::default()
                },
            )
        })
        .expect("search");
    assert_eq!(found, 1, "the upgrade indexed the earlier request's names");
    // The rebuilt audit table is still append-only.
    assert!(db.execute_raw("UPDATE audit_events SET reason = 'x'").is_err());
    assert!(db.execute_raw("DELETE FROM audit_events").is_err());
}
