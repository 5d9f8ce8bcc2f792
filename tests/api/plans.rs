//! A desk started empty must stay fast as it fills: SQLite plans each
//! statement when it first runs, and on a new database it has no
//! statistics to plan with. A statement whose plan depends on statistics
//! can pick an index that reads every row of a kind — every unconfirmed
//! request, say, on each submission — and grow slower with every request
//! a stranger leaves unconfirmed. So every statement the busy paths run
//! (intake, confirmation, the holds questions, the status page) is planned
//! here on a migrated database with no statistics, and each read of a
//! table that grows must go straight to its rows by an index on a column
//! that picks them out — never a scan, never a search on a state alone.

use std::sync::{Mutex, OnceLock};

use app::api_queries::{self, HoldQuestion};
use app::verify_code::{self, VerifyByCode};
use app::{status, submit};
use auth::codes::EnteredCode;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use domain::identifier::Identifier;
use domain::request::RequestKind;

use crate::util::{TestDb, desk_on, seed_catalog};
use crate::workflow::{code_in_outbox, submission};

/// Tables whose rows grow with the desk's use.
const GROWING: &[&str] = &[
    "requests",
    "request_categories",
    "request_search_terms",
    "request_messages",
    "request_notes",
    "request_tasks",
    "documents",
    "decisions",
    "prolongations",
    "reminders",
    "holds",
    "hold_categories",
    "hold_systems",
    "hold_lifts",
    "audit_events",
    "email_outbox",
    "webhook_deliveries",
    "login_failures",
    "staff_sessions",
];

/// Columns that take few values (states and kinds): a search on one of
/// them first reads every row in that state.
const FEW_VALUES: &[&str] = &[
    "status",
    "kind",
    "verification_state",
    "channel",
    "jurisdiction",
    "on_behalf",
    "lang",
    "reason",
    "purpose",
    "author",
    "action",
    "actor_kind",
];

/// The folders of the databases whose statements are being captured.
static WATCHED: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// The statements run on them, as diesel printed them.
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every connection of this test binary gets one: it records the
/// statements run on a watched database while it is watched.
fn recorder() -> Option<Box<dyn Instrumentation>> {
    let mut opened_to = String::new();
    Some(Box::new(move |event: InstrumentationEvent<'_>| match event {
        InstrumentationEvent::StartEstablishConnection { url, .. } => opened_to = url.to_owned(),
        InstrumentationEvent::StartQuery { query, .. } => {
            let folders = WATCHED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if folders.iter().any(|f| opened_to.contains(f.as_str())) {
                CAPTURED
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(query.to_string());
            }
        }
        _ => {}
    }))
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

/// What is wrong with one line of a plan, if anything.
fn fault(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    let (Some(verb), Some(table)) = (words.next(), words.next()) else {
        return None;
    };
    if !GROWING.contains(&table) {
        return None;
    }
    match verb {
        "SCAN" => Some(format!("reads all of {table}")),
        "SEARCH" => {
            // `SEARCH t USING INDEX i (a=? AND b>?)`: the first column sought.
            let sought = line.split_once('(')?.1;
            let first = sought
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            FEW_VALUES
                .contains(&first)
                .then(|| format!("searches {table} by {first} alone first"))
        }
        _ => None,
    }
}

#[test]
fn the_busy_paths_are_planned_by_selective_indexes_on_a_database_without_statistics() {
    let db = TestDb::fresh();
    if db.is_postgres() {
        // PostgreSQL keeps its own statistics (autovacuum analyses tables
        // as they fill).
        return;
    }
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        diesel::connection::set_default_instrumentation(recorder).expect("instrumentation");
    });
    let (desk, _) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    // Watched from here: what a running desk does, not its start.
    let folder = db.dir.to_string_lossy().into_owned();
    WATCHED.lock().expect("watched").push(folder.clone());
    // Intake, several times from one address (each counts what the address
    // has waiting) and once for a correction (which places holds).
    let mut submitted = Vec::new();
    for kind in [
        RequestKind::Access,
        RequestKind::Deletion,
        RequestKind::Correction,
    ] {
        submitted.push(submit::submit(&desk, submission(kind, "plans@example.com")).expect("submit"));
    }
    // Confirmation by code, a wrong one and the right one.
    let first = &submitted[0];
    let wrong = verify_code::verify_by_code(
        &desk,
        VerifyByCode {
            reference: first.reference,
            code: EnteredCode::parse("000000"),
        },
    );
    assert!(wrong.is_ok() || wrong.is_err());
    let right = code_in_outbox(&desk, first.id.as_str());
    verify_code::verify_by_code(
        &desk,
        VerifyByCode {
            reference: first.reference,
            code: EnteredCode::parse(&right),
        },
    )
    .expect("confirm");
    // The holds questions, and the requester's status page.
    let identifier = Identifier::parse("email:plans@example.com", Some("KR")).expect("identifier");
    let keys = api_queries::identifier_keys(&desk, &[identifier]);
    for asked in [
        HoldQuestion::default(),
        HoldQuestion {
            category: Some("member_email".into()),
            system: None,
        },
    ] {
        for answer in api_queries::holds_for_many(&desk, &[(keys.clone(), asked)]) {
            answer.expect("holds");
        }
    }
    status::status_view(&desk, &submitted[1].id.clone().into()).expect("status page");

    WATCHED.lock().expect("watched").retain(|f| *f != folder);
    let mut statements: Vec<String> = CAPTURED
        .lock()
        .expect("captured")
        .drain(..)
        .map(|q| q.split(" -- binds:").next().unwrap_or_default().trim().to_owned())
        .filter(|q| {
            let verb = q
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            // An INSERT's plan lists the scans SQLite would make for
            // foreign keys only while deferred violations are pending
            // (never, here); its own rows need no plan.
            matches!(verb.as_str(), "SELECT" | "UPDATE" | "DELETE" | "WITH")
        })
        .collect();
    statements.sort();
    statements.dedup();
    assert!(
        statements.len() > 20,
        "only {} statements captured",
        statements.len()
    );

    let mut conn = db.url.connect().expect("connect");
    conn.batch_execute("SELECT 1").expect("ping");
    let stats: i64 =
        diesel::sql_query("SELECT count(*) AS detail FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .load::<Count>(&mut conn)
            .expect("stat table")
            .first()
            .map_or(0, |c| c.detail);
    assert_eq!(stats, 0, "the database has no statistics, as a new desk's");
    let mut faults = Vec::new();
    for sql in &statements {
        let plan = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<PlanLine>(&mut conn)
            .unwrap_or_else(|e| panic!("cannot plan {sql}: {e}"));
        for line in &plan {
            if let Some(why) = fault(&line.detail) {
                faults.push(format!("{why}: {}\n    in {sql}", line.detail));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "plans that depend on statistics:\n{}",
        faults.join("\n")
    );
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    detail: i64,
}

#[test]
fn a_plan_line_is_faulted_for_a_scan_or_a_search_by_state_alone() {
    let table = [
        ("SCAN requests", true),
        (
            "SEARCH requests USING INDEX requests_by_status_due (status=?)",
            true,
        ),
        (
            "SEARCH requests USING INDEX requests_by_requester_status (requester_email_key=? AND status=?)",
            false,
        ),
        (
            "SEARCH requests USING INDEX sqlite_autoindex_requests_1 (id=?)",
            false,
        ),
        ("SCAN departments", false),
        ("USE TEMP B-TREE FOR ORDER BY", false),
        (
            "SEARCH audit_events USING INDEX audit_events_by_request (request_id=?)",
            false,
        ),
    ];
    for (line, faulted) in table {
        assert_eq!(fault(line).is_some(), faulted, "{line}");
    }
}
