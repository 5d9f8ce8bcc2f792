//! References are unique and sequential per year, even under concurrent
//! writes (gapless when nothing fails), and concurrent audited writes never
//! fork the audit chain.

use std::collections::BTreeSet;

use rightsdesk::auth::keys::{Keys, SecretKey};
use rightsdesk::domain::request::RequestKind;
use rightsdesk::store::audit::{self, Verification};

use diesel::connection::SimpleConnection;

use crate::helpers::{TestDb, create_request};

#[test]
fn concurrent_requests_get_distinct_sequential_references_and_one_chain() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let (store, keys) = (store.clone(), keys.clone());
            std::thread::spawn(move || {
                (0..8)
                    .map(|i| {
                        create_request(
                            &store,
                            &keys,
                            RequestKind::Deletion,
                            &format!("c{t}-{i}@example.com"),
                        )
                    })
                    .map(|c| c.reference.to_string())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let references: BTreeSet<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    assert_eq!(references.len(), 48);
    let expected: BTreeSet<String> = (1..=48).map(|n| format!("DSR-2026-{n:06}")).collect();
    assert_eq!(references, expected);
    match audit::verify(&mut store.conn().expect("conn")).expect("verify") {
        Verification::Intact { events } => assert_eq!(events, 48),
        Verification::Broken(b) => panic!("chain broken: {b}"),
    }
}

/// A PostgreSQL database numbered before references had a sequence per year
/// (or whose sequence was lost) goes on after the year's highest number,
/// never handing one out twice.
#[test]
fn a_years_numbering_goes_on_after_the_numbers_it_already_has() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    for i in 1..=3 {
        let created = create_request(&store, &keys, RequestKind::Access, &format!("n{i}@example.com"));
        assert_eq!(created.reference.to_string(), format!("DSR-2026-{i:06}"));
    }
    if db.is_postgres() {
        store
            .conn()
            .expect("conn")
            .batch_execute("DROP SEQUENCE reference_numbers_2026")
            .expect("drop the year's sequence");
    }
    let next = create_request(&store, &keys, RequestKind::Access, "n4@example.com");
    assert_eq!(next.reference.to_string(), "DSR-2026-000004");
}
