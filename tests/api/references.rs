//! References are unique and gapless per year, even under concurrent writes,
//! and concurrent audited writes never fork the audit chain.

use std::collections::BTreeSet;

use rightsdesk::auth::keys::{Keys, SecretKey};
use rightsdesk::domain::request::RequestKind;
use rightsdesk::store::audit::{self, Verification};

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
