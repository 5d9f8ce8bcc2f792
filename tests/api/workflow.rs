//! The workflows called directly, with the desk's clock moved instead of
//! waiting: expiry, link lifetimes, and the rule that a notice that cannot
//! be rendered leaves nothing behind.

use app::verify_code::{CodeOutcome, VerifyByCode};
use app::verify_link::{LinkOutcome, LinkState};
use app::{Desk, WorkflowError, expire, new_code, submit, verify_code, verify_link};
use auth::codes::EnteredCode;
use domain::email::EmailStatus;
use domain::email::NewEmail;
use domain::identifier::Email;
use domain::ids::RequestId;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, OnBehalf, RequestKind};
use domain::submission::Submission;
use mail::notices::{Notice, NoticeError};
use store::{holds, outbox, requests};

use crate::util::{TestDb, desk_on, footprint, seed_catalog};

pub(crate) fn submission(kind: RequestKind, email: &str) -> submit::NewSubmission {
    let email = Email::parse(email).expect("email");
    submit::NewSubmission {
        submission: Submission {
            kind,
            on_behalf: OnBehalf::SelfRequest,
            requester_name: "Kim Minji".into(),
            requester_email: email.clone(),
            requester_phone: None,
            subject_name: "Kim Minji".into(),
            subject_email: email,
            details: String::new(),
            correction: (kind == RequestKind::Correction).then(|| "Name: A → B".to_owned()),
            categories: Vec::new(),
            authority_document: None,
        },
        channel: Channel::Web,
        lang: Lang::Ko,
    }
}

fn total_requests(desk: &Desk) -> i64 {
    desk.store
        .read(requests::count_by_status)
        .expect("count")
        .iter()
        .map(|(_, n)| n)
        .sum()
}

fn queued_for(desk: &Desk, request_id: &str) -> Vec<outbox::OutboxRow> {
    desk.store
        .read(|conn| outbox::for_request(conn, &RequestId::from(request_id.to_owned())))
        .expect("outbox")
}

#[test]
fn with_the_clock_moved_eight_days_forward_the_expiry_job_expires_an_unverified_request() {
    let db = TestDb::fresh();
    let (desk, clock) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    let submitted =
        submit::submit(&desk, submission(RequestKind::Deletion, "late@example.com")).expect("submit");

    // Six days on, it is still waiting (the default period is 7 days).
    clock.advance(chrono::Duration::days(6));
    assert_eq!(expire::expire_unverified(&desk).expect("expire"), 0);
    assert_eq!(
        footprint(&desk.store, &submitted.id).status,
        RequestStatus::Unverified
    );

    clock.advance(chrono::Duration::days(2));
    assert_eq!(expire::expire_unverified(&desk).expect("expire"), 1);
    let row = desk
        .store
        .read(|conn| requests::get(conn, &RequestId::from(submitted.id.to_owned())))
        .expect("row");
    assert_eq!(row.status, RequestStatus::Expired);
    let expired_at = row.closed_at.expect("closed");
    assert!(
        expired_at - row.received_at >= chrono::Duration::days(8),
        "recorded at the desk's time"
    );
    let all_lifted = desk
        .store
        .read(|conn| holds::for_request(conn, &RequestId::from(submitted.id.to_owned())))
        .expect("holds")
        .iter()
        .all(|h| h.lifted_at == Some(expired_at));
    assert!(all_lifted, "the hold is lifted when the request expires");
    let emails = queued_for(&desk, &submitted.id);
    assert_eq!(emails.len(), 2, "the code, then the expiry notice");
    assert_eq!(emails[1].status, EmailStatus::Queued);
    // A second run finds nothing more to do.
    assert_eq!(expire::expire_unverified(&desk).expect("expire"), 0);
}

#[test]
fn a_verification_link_expires_by_the_desk_clock() {
    let db = TestDb::fresh();
    let (desk, clock) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    let submitted =
        submit::submit(&desk, submission(RequestKind::Access, "link@example.com")).expect("submit");
    let now = desk.clock.now();
    let token = desk
        .token(auth::tokens::Purpose::Verify, &submitted.id, now)
        .expect("token");
    assert_eq!(verify_link::check_link(&desk, &token), LinkState::Valid);
    clock.advance(chrono::Duration::days(7) + chrono::Duration::seconds(1));
    assert_eq!(verify_link::check_link(&desk, &token), LinkState::Expired);
    assert_eq!(
        verify_link::verify_by_link(&desk, &token).expect("outcome"),
        LinkOutcome::Unusable(LinkState::Expired)
    );
    assert_eq!(
        footprint(&desk.store, &submitted.id).status,
        RequestStatus::Unverified
    );
}

#[test]
fn a_new_code_may_be_asked_for_once_the_clock_has_moved_a_minute() {
    let db = TestDb::fresh();
    let (desk, clock) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    let submitted =
        submit::submit(&desk, submission(RequestKind::Access, "again@example.com")).expect("submit");
    let outcome = new_code::send_new_code(&desk, &submitted.reference).expect("resend");
    assert!(
        matches!(outcome, new_code::ResendOutcome::Wait(s) if s > 0 && s <= 60),
        "{outcome:?}"
    );
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        new_code::send_new_code(&desk, &submitted.reference).expect("resend"),
        new_code::ResendOutcome::Sent
    );
    assert_eq!(queued_for(&desk, &submitted.id).len(), 2);
}

/// The code in the last email queued for a request.
pub(crate) fn code_in_outbox(desk: &Desk, request_id: &str) -> String {
    use diesel::prelude::*;
    use store::schema::email_outbox;
    let texts: Vec<String> = desk
        .store
        .read(|conn| {
            Ok(email_outbox::table
                .filter(email_outbox::request_id.eq(request_id))
                .order(email_outbox::created_at.asc())
                .select(email_outbox::body_text)
                .load(conn)?)
        })
        .expect("outbox");
    let text = texts.last().expect("an email");
    text.lines()
        .filter_map(|l| l.rsplit_once(": ").map(|(_, v)| v.trim().to_owned()))
        .find(|v| v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {text}"))
}

fn failing_render(notice: &Notice, _: &domain::letterhead::Letterhead) -> Result<NewEmail, NoticeError> {
    Err(NoticeError {
        key: notice.key,
        source: askama::Error::Custom("the template could not be rendered".into()),
    })
}

#[test]
fn a_notice_whose_template_fails_to_render_leaves_the_request_unchanged_and_queues_nothing() {
    let db = TestDb::fresh();
    let (desk, clock) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    let submitted =
        submit::submit(&desk, submission(RequestKind::Correction, "render@example.com")).expect("submit");
    let broken = desk.clone().with_notice_renderer(failing_render);
    clock.advance(chrono::Duration::minutes(2));

    // A new code: the code would be stored, but its email cannot be made.
    let before = footprint(&desk.store, &submitted.id);
    let codes_before = desk
        .store
        .read(|conn| requests::get(conn, &RequestId::from(submitted.id.to_owned())))
        .expect("row")
        .verification_codes_sent;
    let err = new_code::send_new_code(&broken, &submitted.reference).expect_err("must fail");
    assert!(matches!(err, WorkflowError::Notice(_)), "{err:?}");
    assert_eq!(footprint(&desk.store, &submitted.id), before);
    let row = desk
        .store
        .read(|conn| requests::get(conn, &RequestId::from(submitted.id.to_owned())))
        .expect("row");
    assert_eq!(row.verification_codes_sent, codes_before, "no code was stored");

    // Confirming with the right code: the status would change, the email
    // saying so cannot be made.
    let right = code_in_outbox(&desk, &submitted.id);
    let err = verify_code::verify_by_code(
        &broken,
        VerifyByCode {
            reference: submitted.reference,
            code: EnteredCode::parse(&right),
        },
    )
    .expect_err("must fail");
    assert!(matches!(err, WorkflowError::Notice(_)), "{err:?}");
    assert_eq!(footprint(&desk.store, &submitted.id), before);

    // A new request: nothing at all is stored.
    let requests_before = total_requests(&desk);
    let err = submit::submit(&broken, submission(RequestKind::Deletion, "nothing@example.com"))
        .expect_err("must fail");
    assert!(matches!(err, WorkflowError::Notice(_)), "{err:?}");
    let requests_after = total_requests(&desk);
    assert_eq!(requests_after, requests_before);

    // The working desk still verifies it with the same code.
    let outcome = verify_code::verify_by_code(
        &desk,
        VerifyByCode {
            reference: submitted.reference,
            code: EnteredCode::parse(&right),
        },
    )
    .expect("verify");
    assert!(matches!(outcome, CodeOutcome::Verified { .. }), "{outcome:?}");
}

/// Writers no longer queue behind one lock for their whole transaction,
/// so the limits that count what was tried rely on the address's turn:
/// twelve wrong guesses at once still count five and no more, and the
/// chain stays whole.
#[test]
fn concurrent_wrong_codes_are_counted_to_the_limit_and_no_further() {
    let db = TestDb::fresh();
    let (desk, _) = desk_on(&db, &[]);
    seed_catalog(&desk.store);
    let submitted =
        submit::submit(&desk, submission(RequestKind::Access, "guess@example.com")).expect("submit");
    let right = code_in_outbox(&desk, &submitted.id);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let threads: Vec<_> = (0..12)
        .map(|_| {
            let (desk, reference) = (desk.clone(), submitted.reference);
            std::thread::spawn(move || {
                verify_code::verify_by_code(
                    &desk,
                    VerifyByCode {
                        reference,
                        code: EnteredCode::parse(wrong),
                    },
                )
                .expect("outcome")
            })
        })
        .collect();
    let outcomes: Vec<CodeOutcome> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
    let wrong_ones = outcomes
        .iter()
        .filter(|o| matches!(o, CodeOutcome::Wrong { .. }))
        .count();
    assert_eq!(wrong_ones, 4, "four say wrong, the fifth locks: {outcomes:?}");
    let row = desk
        .store
        .read(|conn| requests::get(conn, &RequestId::from(submitted.id.to_owned())))
        .expect("row");
    assert_eq!(row.verification_attempts, auth::codes::MAX_ATTEMPTS);
    match desk.store.read(store::audit::verify).expect("verify") {
        store::audit::Verification::Intact { .. } => {}
        store::audit::Verification::Broken(b) => panic!("chain broken: {b}"),
    }
}
