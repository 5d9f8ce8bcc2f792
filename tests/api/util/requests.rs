//! Requests made ready for a test without going through the forms: stored
//! directly, logged by the privacy officer, under review, worked and
//! decided; and where a request stands.

use app::clock::{Clock, SystemClock};
use app::decide::{self, Approval, Decide};
use app::intake::{self, Intake};
use app::tasks::Finish;
use auth::keys::Keys;
use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::decision::{DecisionOutcome, RefusalGround};
use domain::identifier::Email;
use domain::ids::RequestId;
use domain::jurisdiction::Jurisdiction;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use domain::request::{Channel, OnBehalf, RequestKind};
use domain::submission::StaffText;
use domain::submission::{AcceptedDocument, Submission};
use domain::task::TaskOutcome;
use store::requests::{Created, NewRequest};
use store::{Store, requests, tasks};

use super::{TestApp, Who, signed};

/// The machine's time, as the store keeps it (for setting data up).
pub fn now() -> NaiveDateTime {
    SystemClock.now()
}

static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A self-request of `kind` from `email`, received now, about all data.
pub fn new_request(kind: RequestKind, email: &str) -> NewRequest {
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let email = Email::parse(email).expect("email");
    let now = now();
    NewRequest {
        kind,
        channel: Channel::Web,
        jurisdiction: Jurisdiction::KrPipa,
        on_behalf: OnBehalf::SelfRequest,
        received_at: now,
        reference_year: 2026,
        due_date: domain::deadline::answer_due(
            domain::profile::Profile::of(Jurisdiction::KrPipa),
            kind,
            false,
            now,
            chrono_tz::Asia::Seoul,
            domain::calendar::CalendarCode::KOREA.calendar(),
        ),
        calendar: domain::calendar::CalendarCode::KOREA.label(),
        requester_name: format!("Requester {n}"),
        requester_email: email.clone(),
        requester_phone: None,
        subject_name: format!("Requester {n}"),
        subject_email: email,
        subject_phone: None,
        details: "test".into(),
        correction: (kind == RequestKind::Correction).then(|| "name: A → B".to_owned()),
        category_ids: Vec::new(),
        subject_id: None,
        lang: Lang::Ko,
    }
}

/// Stores a self-request of `kind` from `email`, as received now.
pub fn create_request(store: &Store, keys: &Keys, kind: RequestKind, email: &str) -> Created {
    let new = new_request(kind, email);
    store
        .write(|conn| {
            store::requests::create(
                conn,
                &new,
                &keys.identifier_index,
                &Actor::Requester,
                new.received_at,
            )
        })
        .expect("create request")
}

/// The smallest PDF the desk accepts as a document.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A request logged by the privacy officer with identity checked: it is in
/// progress with its tasks. `categories` empty means all data.
pub fn logged(app: &TestApp, kind: RequestKind, email: &str, categories: &[&str]) -> String {
    log(
        app,
        kind,
        email,
        categories,
        OnBehalf::SelfRequest,
        true,
        Lang::En,
    )
}

/// [`logged`] (all data), made in `lang`: its notices are written in it.
pub fn logged_in(app: &TestApp, kind: RequestKind, email: &str, lang: Lang) -> String {
    log(app, kind, email, &[], OnBehalf::SelfRequest, true, lang)
}

/// A delegate's request with a power of attorney, under review.
pub fn under_review(app: &TestApp, kind: RequestKind, email: &str) -> String {
    under_review_in(app, kind, email, Lang::En)
}

/// [`under_review`], made in `lang` (the delegate is `agent@example.com`).
pub fn under_review_in(app: &TestApp, kind: RequestKind, email: &str, lang: Lang) -> String {
    let reference = log(app, kind, email, &[], OnBehalf::Delegate, false, lang);
    let id = id_of(app, &reference);
    app.store
        .write(|conn| {
            store::verification::mark_verified(
                conn,
                &id,
                domain::request::VerificationState::EmailConfirmed,
                now(),
            )?;
            store::lifecycle::apply(
                conn,
                store::lifecycle::Transition::new(&id, RequestStatus::Verifying, &Actor::System),
                now(),
            )
        })
        .expect("verifying");
    reference
}

fn log(
    app: &TestApp,
    kind: RequestKind,
    email: &str,
    categories: &[&str],
    on_behalf: OnBehalf,
    checked: bool,
    lang: Lang,
) -> String {
    let email = Email::parse(email).expect("email");
    let agent = on_behalf != OnBehalf::SelfRequest;
    let submission = Submission {
        kind,
        on_behalf,
        requester_name: if agent {
            "Park Agent".into()
        } else {
            "Kim Minji".into()
        },
        requester_email: if agent {
            Email::parse("agent@example.com").expect("email")
        } else {
            email.clone()
        },
        requester_phone: None,
        subject_name: "Kim Minji".into(),
        subject_email: email,
        details: "Please act on this.".into(),
        correction: (kind == RequestKind::Correction).then(|| "Kim Minj → Kim Minji".into()),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        authority_document: agent.then(|| AcceptedDocument {
            kind: domain::document::DocumentType::Pdf,
            filename: "power-of-attorney.pdf".into(),
            bytes: PDF.to_vec(),
        }),
    };
    let officer = signed(app, Who::Officer).actor();
    let done = intake::log_request(
        &app.desk,
        &officer,
        Intake {
            submission,
            channel: Channel::Phone,
            received_at: app::clock::Clock::now(&*app.clock),
            identity_checked: checked,
            subject_id: None,
            lang,
        },
    )
    .expect("logged");
    done.reference.to_string()
}

/// The id of the request with this reference.
pub fn id_of(app: &TestApp, reference: &str) -> RequestId {
    app.store
        .read(|conn| Ok(requests::get_by_reference(conn, &parsed(reference))?.id))
        .expect("id")
}

/// A reference as a test holds it (text from a page or an email), parsed.
pub fn parsed(reference: &str) -> Reference {
    reference.parse().expect("a reference")
}

/// Text a staff member typed, as the pages check it.
pub fn staff_text(text: &str) -> StaffText {
    StaffText::parse(text).expect("staff text")
}

/// The status of the request with this reference (a `Reference` or its text).
pub fn status_of(app: &TestApp, reference: &(impl std::fmt::Display + ?Sized)) -> RequestStatus {
    let reference = reference.to_string().parse().expect("reference");
    app.store
        .read(|conn| Ok(requests::get_by_reference(conn, &reference)?.status))
        .expect("status")
}

/// Finishes every open task of a request as done, by whoever may (an
/// access task with the data it returns).
pub fn finish_tasks(app: &TestApp, reference: &str) {
    let id = id_of(app, reference);
    let open: Vec<_> = app
        .store
        .read(|conn| tasks::for_request(conn, &id))
        .expect("tasks");
    for task in open {
        let done = [Who::ItLead, Who::SalesHandler, Who::IrmHandler]
            .iter()
            .any(|who| {
                app::tasks::complete(
                    &app.desk,
                    &signed(app, *who),
                    &parsed(reference),
                    &task.id,
                    Finish {
                        outcome: TaskOutcome::Done,
                        note: None,
                        // What an access task returns (other kinds return
                        // nothing, and this is not kept).
                        data_text: Some(staff_text("Member record: name, email address.")),
                        data_files: Vec::new(),
                    },
                )
                .is_ok()
            });
        assert!(done, "task {} finished", task.id);
    }
}

pub fn decide_as_officer(
    app: &TestApp,
    reference: &str,
    outcome: DecisionOutcome,
    ground: Option<RefusalGround>,
) {
    let officer = signed(app, Who::Officer);
    decide::decide(
        &app.desk,
        &officer,
        &parsed(reference),
        Decide {
            outcome,
            ground,
            explanation: Some(staff_text("Decided after review.")),
        },
        None,
    )
    .expect("decide");
    if status_of(app, reference) == RequestStatus::AwaitingApproval {
        decide::settle(&app.desk, &officer, &parsed(reference), Approval::Approve, None).expect("approve");
    }
}

pub fn staff_moves(app: &TestApp, id: &str, to: RequestStatus, role: domain::staff::StaffRole) {
    app.store
        .write(|conn| {
            store::lifecycle::apply(
                conn,
                store::lifecycle::Transition {
                    request_id: &RequestId::from(id.to_owned()),
                    to,
                    actor: &domain::actor::Actor::Staff {
                        id: "staff-1".into(),
                        role,
                    },
                    reason: Some("checked with the membership team"),
                    expected_version: None,
                    payload: serde_json::json!({}),
                    emails: Vec::new(),
                },
                now(),
            )
        })
        .expect("staff transition");
}
