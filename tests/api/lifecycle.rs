//! The lifecycle as stored: every allowed transition writes exactly one
//! audit event; refused or failed transitions leave no trace.

use domain::ids::RequestId;
use std::collections::{HashMap, VecDeque};

use domain::actor::{Actor, ActorRole};
use domain::email::NewEmail;
use domain::lifecycle::{RequestStatus, TRANSITIONS, TransitionError};
use domain::request::RequestKind;
use domain::staff::StaffRole;
use store::lifecycle::{self, Applied, Transition};
use store::{self, Store, StoreError};

use crate::util::{TestDb, create_request, footprint};

fn actor_for(role: ActorRole) -> Actor {
    let staff = |role| Actor::Staff {
        id: format!("staff-{role}"),
        role,
    };
    match role {
        ActorRole::Requester => Actor::Requester,
        ActorRole::Handler => staff(StaffRole::Handler),
        ActorRole::DepartmentLead => staff(StaffRole::DepartmentLead),
        ActorRole::PrivacyOfficer => staff(StaffRole::PrivacyOfficer),
        ActorRole::System => Actor::System,
        ActorRole::Service => Actor::Service {
            token_id: "token-1".into(),
        },
    }
}

fn apply(store: &Store, request_id: &str, to: RequestStatus, actor: &Actor) -> Result<Applied, StoreError> {
    store.write(|conn| {
        lifecycle::apply(
            conn,
            Transition {
                request_id: &RequestId::from(request_id.to_owned()),
                to,
                actor,
                reason: Some("test"),
                expected_version: None,
                payload: serde_json::json!({}),
                emails: Vec::new(),
            },
            crate::util::now(),
        )
    })
}

/// The shortest path of allowed moves from `unverified` to `target` for a
/// request of `kind`, with an actor for each move.
fn path_to(kind: RequestKind, target: RequestStatus) -> Vec<(RequestStatus, ActorRole)> {
    let mut previous: HashMap<RequestStatus, (RequestStatus, ActorRole)> = HashMap::new();
    let mut queue = VecDeque::from([RequestStatus::Unverified]);
    while let Some(status) = queue.pop_front() {
        if status == target {
            break;
        }
        for rule in TRANSITIONS
            .iter()
            .filter(|r| r.from == status && r.kinds.admits(kind))
        {
            if rule.to != RequestStatus::Unverified && !previous.contains_key(&rule.to) {
                previous.insert(rule.to, (status, rule.actors[0]));
                queue.push_back(rule.to);
            }
        }
    }
    let mut path = Vec::new();
    let mut at = target;
    while at != RequestStatus::Unverified {
        let (from, actor) = previous[&at];
        path.push((at, actor));
        at = from;
    }
    path.reverse();
    path
}

#[test]
fn every_allowed_transition_succeeds_and_writes_exactly_one_audit_event() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let mut checked = 0;
    for (i, rule) in TRANSITIONS.iter().enumerate() {
        let kind = *RequestKind::ALL
            .iter()
            .find(|k| rule.kinds.admits(**k))
            .expect("some kind admitted");
        for actor_role in rule.actors {
            let created = create_request(&store, &keys, kind, &format!("t{i}-{actor_role}@example.com"));
            for (to, role) in path_to(kind, rule.from) {
                apply(&store, created.id.as_str(), to, &actor_for(role)).expect("setup path");
            }
            let before = footprint(&store, created.id.as_str());
            assert_eq!(before.status, rule.from);
            let applied = apply(&store, created.id.as_str(), rule.to, &actor_for(*actor_role))
                .unwrap_or_else(|e| panic!("{kind}: {} -> {} by {actor_role}: {e}", rule.from, rule.to));
            let after = footprint(&store, created.id.as_str());
            assert_eq!(after.status, rule.to);
            assert_eq!(
                after.audit_events,
                before.audit_events + 1,
                "{} -> {}",
                rule.from,
                rule.to
            );
            assert_eq!(after.version, before.version + 1);
            assert_eq!(applied.from, rule.from);
            checked += 1;
        }
    }
    assert!(checked >= TRANSITIONS.len());
    let conn = &mut *store.conn().expect("conn");
    assert!(matches!(
        store::audit::verify(conn).expect("verify"),
        store::audit::Verification::Intact { .. }
    ));
}

#[test]
fn forbidden_transitions_are_refused_and_change_nothing() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let officer = actor_for(ActorRole::PrivacyOfficer);
    let handler = actor_for(ActorRole::Handler);
    let admin = Actor::Staff {
        id: "admin".into(),
        role: StaffRole::Admin,
    };
    let table: &[(RequestKind, RequestStatus, RequestStatus, &Actor)] = &[
        (
            RequestKind::Access,
            RequestStatus::Unverified,
            RequestStatus::Completed,
            &officer,
        ),
        (
            RequestKind::Deletion,
            RequestStatus::InProgress,
            RequestStatus::Completed,
            &handler,
        ),
        (
            RequestKind::Correction,
            RequestStatus::InProgress,
            RequestStatus::Postponed,
            &handler,
        ),
        (
            RequestKind::Access,
            RequestStatus::InProgress,
            RequestStatus::Refused,
            &handler,
        ),
        (
            RequestKind::Access,
            RequestStatus::InProgress,
            RequestStatus::Withdrawn,
            &officer,
        ),
        (
            RequestKind::Deletion,
            RequestStatus::Withdrawn,
            RequestStatus::InProgress,
            &Actor::Requester,
        ),
        (
            RequestKind::Access,
            RequestStatus::Verifying,
            RequestStatus::InProgress,
            &admin,
        ),
        (
            RequestKind::Access,
            RequestStatus::Expired,
            RequestStatus::Unverified,
            &Actor::System,
        ),
    ];
    for (i, (kind, from, to, actor)) in table.iter().enumerate() {
        let created = create_request(&store, &keys, *kind, &format!("f{i}@example.com"));
        for (step, role) in path_to(*kind, *from) {
            apply(&store, created.id.as_str(), step, &actor_for(role)).expect("setup path");
        }
        let before = footprint(&store, created.id.as_str());
        let err = apply(&store, created.id.as_str(), *to, actor).expect_err("must be refused");
        assert!(
            matches!(err, StoreError::Transition(_)),
            "{kind}: {from} -> {to} gave {err:?}"
        );
        assert_eq!(
            footprint(&store, created.id.as_str()),
            before,
            "{kind}: {from} -> {to}"
        );
    }
}

#[test]
fn a_refusal_names_the_rule_broken() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let created = create_request(&store, &keys, RequestKind::Deletion, "named@example.com");
    apply(
        &store,
        created.id.as_str(),
        RequestStatus::InProgress,
        &Actor::Requester,
    )
    .expect("verify");
    let err = apply(
        &store,
        created.id.as_str(),
        RequestStatus::Completed,
        &actor_for(ActorRole::Handler),
    )
    .expect_err("handlers cannot complete deletions");
    match err {
        StoreError::Transition(TransitionError::ActorNotAllowed { actor, .. }) => {
            assert_eq!(actor, "handler")
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_transition_whose_transaction_fails_leaves_no_audit_and_no_outbox_row() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let created = create_request(&store, &keys, RequestKind::Correction, "rollback@example.com");
    let before = footprint(&store, created.id.as_str());
    assert_eq!(before.active_holds, 1);
    let email = NewEmail {
        request_id: Some(created.id.clone().into()),
        to: "rollback@example.com".into(),
        subject: "withdrawn".into(),
        text: "Your request was withdrawn.".into(),
        html: None,
    };

    // A later step of the same transaction fails after the transition ran.
    let result: Result<(), StoreError> = store.write(|conn| {
        let applied = lifecycle::apply(
            conn,
            Transition {
                request_id: &created.id,
                to: RequestStatus::Withdrawn,
                actor: &Actor::Requester,
                reason: None,
                expected_version: None,
                payload: serde_json::json!({}),
                emails: vec![email.clone()],
            },
            crate::util::now(),
        )?;
        assert_eq!(applied.holds_lifted.len(), 1);
        assert_eq!(applied.emails.len(), 1);
        Err(StoreError::Invalid("a later step failed".into()))
    });
    assert!(result.is_err());
    assert_eq!(footprint(&store, created.id.as_str()), before);

    // A stale version (someone else moved the request) fails the same way.
    apply(
        &store,
        created.id.as_str(),
        RequestStatus::InProgress,
        &Actor::Requester,
    )
    .expect("verify");
    let before = footprint(&store, created.id.as_str());
    let stale = store.write(|conn| {
        lifecycle::apply(
            conn,
            Transition {
                request_id: &created.id,
                to: RequestStatus::Withdrawn,
                actor: &Actor::Requester,
                reason: None,
                expected_version: Some(before.version - 1),
                payload: serde_json::json!({}),
                emails: vec![email.clone()],
            },
            crate::util::now(),
        )
    });
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    assert_eq!(footprint(&store, created.id.as_str()), before);
}

#[test]
fn closing_a_request_lifts_its_holds_and_an_objection_restores_them() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = auth::keys::Keys::new(auth::keys::SecretKey::generate());
    let created = create_request(&store, &keys, RequestKind::Deletion, "holds@example.com");
    assert_eq!(created.holds.len(), 1);
    let officer = actor_for(ActorRole::PrivacyOfficer);
    apply(
        &store,
        created.id.as_str(),
        RequestStatus::InProgress,
        &Actor::Requester,
    )
    .expect("verify");
    assert_eq!(footprint(&store, created.id.as_str()).active_holds, 1);
    let refused = apply(&store, created.id.as_str(), RequestStatus::Refused, &officer).expect("refuse");
    assert_eq!(refused.holds_lifted, created.holds);
    assert_eq!(footprint(&store, created.id.as_str()).active_holds, 0);
    let objected = apply(
        &store,
        created.id.as_str(),
        RequestStatus::Objection,
        &Actor::Requester,
    )
    .expect("object");
    assert_eq!(objected.holds_placed.len(), 1);
    assert_eq!(footprint(&store, created.id.as_str()).active_holds, 1);

    let access = create_request(&store, &keys, RequestKind::Access, "holds@example.com");
    assert!(access.holds.is_empty(), "access requests freeze nothing");
}
