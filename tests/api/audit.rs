//! `rightsdesk audit verify` passes on a good chain and names the first bad
//! event once a row is altered directly in the database.

use assert_cmd::Command;
use auth::keys::{Keys, SecretKey};
use domain::actor::Actor;
use domain::lifecycle::RequestStatus;
use domain::request::RequestKind;
use store::lifecycle;

use crate::util::{TestDb, cli_env, create_request};

fn verify(db: &TestDb) -> (bool, String, String) {
    let output = Command::cargo_bin("rightsdesk")
        .expect("binary")
        .envs(cli_env(db))
        .args(["audit", "verify"])
        .output()
        .expect("run");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn seed(db: &TestDb) {
    let store = db.store();
    let keys = Keys::new(SecretKey::generate());
    for i in 0..3 {
        let created = create_request(
            &store,
            &keys,
            RequestKind::Correction,
            &format!("a{i}@example.com"),
        );
        store
            .write(|conn| {
                lifecycle::apply(
                    conn,
                    lifecycle::Transition {
                        request_id: &created.id,
                        to: RequestStatus::InProgress,
                        actor: &Actor::Requester,
                        reason: Some("email confirmed"),
                        expected_version: None,
                        payload: serde_json::json!({}),
                        emails: Vec::new(),
                    },
                    crate::util::now(),
                )
            })
            .expect("transition");
    }
}

#[test]
fn audit_verify_passes_on_a_good_chain() {
    let db = TestDb::fresh();
    seed(&db);
    let (ok, stdout, stderr) = verify(&db);
    assert!(ok, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("6 events verified"), "{stdout}");
}

#[test]
fn the_database_refuses_to_update_or_delete_audit_events() {
    let db = TestDb::fresh();
    seed(&db);
    let update = db.execute_raw("UPDATE audit_events SET reason = 'edited' WHERE seq = 2");
    assert!(update.is_err(), "an update of an audit event must be refused");
    let delete = db.execute_raw("DELETE FROM audit_events WHERE seq = 2");
    assert!(delete.is_err(), "a delete of an audit event must be refused");
    assert!(verify(&db).0);
}

#[test]
fn audit_verify_fails_naming_the_event_altered_directly_in_the_database() {
    let db = TestDb::fresh();
    seed(&db);
    // An attacker with database access first removes the guard.
    let disable = if db.is_postgres() {
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"
    } else {
        "DROP TRIGGER audit_events_no_update"
    };
    db.execute_raw(disable).expect("disable guard");
    db.execute_raw("UPDATE audit_events SET to_status = 'completed' WHERE seq = 4")
        .expect("tamper");
    let (ok, stdout, stderr) = verify(&db);
    assert!(!ok, "verify must fail; stdout: {stdout}");
    let line = stderr.trim();
    assert_eq!(line.lines().count(), 1, "{stderr}");
    assert!(line.contains("event #4"), "{line}");
    assert!(line.contains("altered"), "{line}");
}

#[test]
fn audit_verify_notices_an_event_removed_from_the_middle() {
    let db = TestDb::fresh();
    seed(&db);
    let disable = if db.is_postgres() {
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"
    } else {
        "DROP TRIGGER audit_events_no_delete"
    };
    db.execute_raw(disable).expect("disable guard");
    db.execute_raw("DELETE FROM audit_events WHERE seq = 3")
        .expect("tamper");
    let (ok, _, stderr) = verify(&db);
    assert!(!ok);
    assert!(stderr.contains("event #4"), "{stderr}");
}
