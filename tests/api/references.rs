//! References are unique and sequential per year, even under concurrent
//! writes (gapless when nothing fails), and concurrent audited writes never
//! fork the audit chain.

use std::collections::BTreeSet;

use auth::keys::{Keys, SecretKey};
use domain::actor::Actor;
use domain::request::RequestKind;
use store::audit::{self, Verification};
use store::requests::{Created, NewRequest};
use store::{self, DbConnection, Store, StoreError};

use diesel::connection::SimpleConnection;

use crate::util::{TestDb, create_request, new_request};

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
    assert_eq!(chain_length(&store), 48);
}

/// Concurrent writes of which some fail part-way (after writing a request
/// and its audit event): each failed one leaves nothing behind, every other
/// one is committed and answered as such, and the chain holds exactly the
/// committed events. On SQLite the writes queued together share a commit,
/// so a failure in the middle of such a batch must not take its
/// neighbours' writes with it, nor let them through unchained.
#[test]
fn concurrent_writes_that_fail_part_way_leave_nothing_and_spoil_no_other() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (store, keys) = (store.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut committed = Vec::new();
                for i in 0..12 {
                    let new = new_request(RequestKind::Deletion, &format!("f{t}-{i}@example.com"));
                    let fails = (t + i) % 3 == 0;
                    let outcome = store.write(|conn| {
                        let created = create_in(conn, &keys, &new)?;
                        if fails {
                            return Err(StoreError::Conflict);
                        }
                        Ok(created.reference.to_string())
                    });
                    match outcome {
                        Ok(reference) => committed.push(reference),
                        Err(StoreError::Conflict) if fails => {}
                        Err(other) => panic!("write {t}-{i}: {other}"),
                    }
                }
                committed
            })
        })
        .collect();
    let answered: BTreeSet<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    let expected = (0..8)
        .flat_map(|t| (0..12).filter(move |i| (t + i) % 3 != 0))
        .count();
    assert_eq!(answered.len(), expected);
    assert_eq!(
        stored_references(&store),
        answered,
        "exactly the writes answered as committed are stored"
    );
    assert_eq!(chain_length(&store), expected as i64);
}

/// A write that can only fail at commit takes its whole commit with it,
/// and every write in it hears so. On SQLite, where the writes queued
/// together share one commit, a write that defers foreign keys and breaks
/// one passes its own statements and fails the batch's COMMIT: each write
/// of that batch must answer an error and leave nothing. On PostgreSQL the
/// same write fails at its statement. On both, a write answered as
/// committed is stored and one answered as failed is not.
#[test]
fn a_write_that_fails_at_commit_fails_every_write_of_its_commit_and_each_hears_of_it() {
    let db = TestDb::fresh();
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (store, keys) = (store.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut answers = Vec::new();
                for i in 0..12 {
                    let new = new_request(RequestKind::Access, &format!("b{t}-{i}@example.com"));
                    let breaks = t == 0 && i % 4 == 1;
                    let outcome = store.write(|conn| {
                        let created = create_in(conn, &keys, &new)?;
                        if breaks {
                            use diesel::prelude::*;
                            use store::schema::request_categories;
                            if let DbConnection::Sqlite(lite) = conn.connection() {
                                lite.batch_execute("PRAGMA defer_foreign_keys = ON")?;
                            }
                            diesel::insert_into(request_categories::table)
                                .values((
                                    request_categories::request_id.eq(created.id.as_str()),
                                    request_categories::category_id.eq("no-such-category"),
                                ))
                                .execute(conn.connection())?;
                        }
                        Ok(created.reference.to_string())
                    });
                    match outcome {
                        Ok(reference) => {
                            assert!(
                                !breaks,
                                "write {t}-{i} broke a foreign key yet was answered as committed"
                            );
                            answers.push(Some(reference));
                        }
                        Err(StoreError::Database(_) | StoreError::Commit(_)) => answers.push(None),
                        Err(other) => panic!("write {t}-{i}: {other}"),
                    }
                }
                answers
            })
        })
        .collect();
    let answers: Vec<Option<String>> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    let breaking = 3;
    let failed = answers.iter().filter(|a| a.is_none()).count();
    assert!(
        failed >= breaking,
        "{failed} writes failed; {breaking} broke a key"
    );
    assert!(failed < answers.len(), "every write failed");
    let answered: BTreeSet<String> = answers.into_iter().flatten().collect();
    assert_eq!(
        stored_references(&store),
        answered,
        "exactly the writes answered as committed are stored"
    );
    assert_eq!(chain_length(&store), answered.len() as i64);
    // The desk writes on after a failed commit.
    let after = create_request(&store, &keys, RequestKind::Access, "after@example.com");
    assert!(!after.reference.to_string().is_empty());
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

/// Stores `new` in the caller's write transaction.
fn create_in(conn: &mut store::Tx<'_>, keys: &Keys, new: &NewRequest) -> Result<Created, StoreError> {
    store::requests::create(
        conn,
        new,
        &keys.identifier_index,
        &Actor::Requester,
        new.received_at,
    )
}

/// Every stored request's reference.
fn stored_references(store: &Store) -> BTreeSet<String> {
    use diesel::prelude::*;
    use store::schema::requests;
    store
        .read(|conn: &mut DbConnection| {
            Ok(requests::table.select(requests::reference).load::<String>(conn)?)
        })
        .expect("references")
        .into_iter()
        .collect()
}

/// How many events the audit chain holds; fails the test if it is broken.
fn chain_length(store: &Store) -> i64 {
    match audit::verify(&mut store.conn().expect("conn")).expect("verify") {
        Verification::Intact { events } => events,
        Verification::Broken(b) => panic!("chain broken: {b}"),
    }
}
