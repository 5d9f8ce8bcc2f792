//! Every notice of the catalogue, each at its step of a request, in the
//! language the request was made in, with its required parts, over real
//! SMTP. The first walk: identity accepted, a message from staff, a
//! postponement (reasons, new date, objection route, remedies), the
//! objection received, and a refusal (the ground quoted, the objection
//! route, the remedies) — once in Korean and once in English. The others
//! follow.

use app::object::{self, Object};
use chrono::Duration;
use domain::decision::{DecisionOutcome, RefusalGround};
use domain::lang::Lang;
use domain::request::RequestKind;
use domain::submission::RequesterText;
use store::requests;

use crate::util::{
    Browser, ORDERS_LAW, ReceivedEmail, SpawnOptions, TestApp, TestSmtp, Who, decide_as_officer, eventually,
    finish_tasks, has_hangul, id_of, location, logged_in, reference_from, seed_company, spawn_app,
    spawn_app_with, under_review_in,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_notice_arrives_at_its_step_in_the_requests_language_with_its_parts() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    let officer = Browser::signed_in(&app, Who::Officer).await;
    // How each language says "object on the status page", and cites the
    // ground of the refusal below.
    for (lang, object_route, ground) in [
        (Lang::Ko, "이의를 신청", "개인정보 보호법 제35조제4항제2호"),
        (
            Lang::En,
            "object on your request's status page",
            "PIPA Art. 35(4)2",
        ),
    ] {
        let address = format!("catalogue-{}@example.com", lang.code());
        let reference = logged_in(&app, RequestKind::Access, &address, lang);
        let mut seen = 1;
        let mut next = async |what: &str| -> ReceivedEmail {
            let email = smtp.wait_for_to(&address, seen).await;
            seen += 1;
            let text = email.text();
            assert_eq!(has_hangul(&text), lang == Lang::Ko, "{what} in {lang:?}: {text}");
            assert!(text.contains(&reference), "{what}: the reference");
            assert!(email.html().is_some(), "{what}: an HTML part");
            email
        };

        // Logged with identity checked: accepted, with the status link.
        let accepted = next("identity accepted").await;
        assert!(accepted.text().contains("/r/"), "the status link");

        // A message from staff.
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/messages"),
                &[("body", "Two systems hold your data.")],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let message = next("staff message").await;
        assert!(message.text().contains("Two systems hold your data."));

        // A postponement: reasons, new date, the way to object, remedies.
        let later = (crate::util::now().date() + chrono::Duration::days(40)).to_string();
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/prolong"),
                &[
                    ("reasons", "An outside auditor holds the records."),
                    ("date", &later),
                ],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let postponed = next("postponement").await.text();
        for part in ["An outside auditor holds the records.", object_route, "1833-6972"] {
            assert!(postponed.contains(part), "postponement: {part}");
        }
        assert!(postponed.contains(&later[..4]), "the new date");

        // The requester objects; they are told it was received.
        object::object(
            &app.desk,
            Object {
                request_id: id_of(&app, &reference),
                reason: RequesterText::parse("I need the data for a court case next week.").expect("text"),
                expected_version: None,
            },
        )
        .expect("objection");
        let received = next("objection received").await;
        assert!(received.text().contains("/r/"), "the status link");

        // Refused on review and approved: the ground quoted, the objection
        // route, the remedies.
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/decide"),
                &[
                    ("outcome", "refused"),
                    ("ground", "access_harms_others"),
                    ("explanation", "The records also describe another person."),
                ],
            )
            .await;
        assert_eq!(answer.status(), 303);
        // A refusal waits for the privacy officer's approval; then it goes.
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/approve"),
                &[("answer", "approve")],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let refused = next("refusal").await.text();
        for part in [
            ground,
            "The records also describe another person.",
            object_route,
            "118",
            "1833-6972",
            "1301",
            "182",
        ] {
            assert!(refused.contains(part), "refusal in {lang:?}: {part} in {refused}");
        }
    }
    app.stop().await;
}

/// The notice `key` about `reference` sent to `address`, once it arrives:
/// in `lang`, with both parts, no untranslated text, and the headers good
/// mail has.
async fn notice(smtp: &TestSmtp, address: &str, lang: Lang, key: &str, reference: &str) -> ReceivedEmail {
    let subject = lang.t(&format!("email.{key}.subject")).into_owned();
    let stem = subject.split("%{").next().unwrap_or_default().trim_end();
    let prefix = format!("[{reference}] {stem}");
    let email = eventually(&format!("the {key} notice to {address} ({prefix})"), || {
        smtp.to(address)
            .into_iter()
            .find(|m| m.subject().starts_with(&prefix))
    })
    .await;
    let text = email.text();
    // The law a system's data is kept under is the catalogue's own text.
    let words = text.replace(ORDERS_LAW, "");
    assert_eq!(has_hangul(&words), lang == Lang::Ko, "{key} in {lang:?}: {text}");
    assert!(text.contains(reference), "{key}: the reference in {text}");
    let untranslated = text
        .split_whitespace()
        .any(|w| w.starts_with("email.") && w.len() > "email.".len());
    assert!(!text.contains("%{") && !untranslated, "{key}: {text}");
    let html = email.html().expect("an HTML part");
    assert!(
        html.contains(&format!("lang=\"{}\"", lang.code())),
        "{key}: {html}"
    );
    for header in ["Message-ID", "Date"] {
        assert!(email.header(header).is_some(), "{key}: {header}");
    }
    assert_eq!(
        email.header("Auto-Submitted").as_deref(),
        Some("auto-generated"),
        "{key}"
    );
    email
}

/// Whether every email to `addresses` arrived once (no subject twice).
fn each_once(smtp: &TestSmtp, addresses: &[&str]) {
    for address in addresses {
        let mut subjects: Vec<String> = smtp.to(address).iter().map(ReceivedEmail::subject).collect();
        let all = subjects.len();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), all, "{address}: {subjects:?}");
    }
}

fn due_of(app: &TestApp, reference: &str) -> chrono::NaiveDate {
    app.store
        .read(|conn| requests::get(conn, &id_of(app, reference)))
        .expect("request")
        .due_date
        .expect("a due date")
}

/// A requester's own request on the public form, in `lang`.
async fn asked_on_the_form(app: &TestApp, browser: &Browser, lang: Lang, address: &str) -> String {
    browser.get(&format!("/requests/new?lang={}", lang.code())).await;
    let submitted = browser
        .post_multipart(
            "/requests",
            &[
                ("kind", "access"),
                ("on_behalf", "self"),
                ("requester_name", "Kim Minji"),
                ("requester_email", address),
                ("details", "Please show me what you hold."),
            ],
        )
        .await;
    assert_eq!(
        submitted.status(),
        303,
        "{}",
        submitted.text().await.unwrap_or_default()
    );
    let reference = reference_from(&location(&submitted)).to_string();
    assert_eq!(
        app.store
            .read(|conn| requests::get(conn, &id_of(app, &reference)))
            .expect("request")
            .lang,
        lang
    );
    reference
}

/// Every requester's notice of the catalogue not walked above, at its
/// step, in Korean and in English, over SMTP: the receipt (code, link,
/// when the answer is due and under which law), a new code, the
/// confirmation, a status link, a request for information, the
/// withdrawal; the one reminder of an unconfirmed requester and the
/// expiry; authority rejected (with the reason) and accepted; the outcome
/// completed for each kind and partly completed (ground, objection route,
/// remedies). Staff reminders and the set-password email are walked in
/// `reminders` and `staff`; the refusal, postponement, objection and staff
/// message above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_of_the_catalogue_at_its_steps_in_both_languages() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    for (lang, citation, remedy_route) in [
        (Lang::Ko, "개인정보 보호법 시행령 제41조제4항", "이의를 신청"),
        (
            Lang::En,
            "PIPA Decree Art. 41(4)",
            "object on your request's status page",
        ),
    ] {
        let code = lang.code();
        // Signed in afresh: the clock moved days on in the last round.
        let officer = Browser::signed_in(&app, Who::Officer).await;

        // The public form: receipt, new code, confirmation, status link,
        // information asked for, withdrawal.
        let address = format!("walk-{code}@example.com");
        let browser = Browser::new(&app);
        let reference = asked_on_the_form(&app, &browser, lang, &address).await;
        let receipt = notice(&smtp, &address, lang, "verification", &reference).await;
        let due = due_of(&app, &reference).to_string();
        for part in [due.as_str(), citation, "/v/"] {
            assert!(
                receipt.text().contains(part),
                "receipt: {part} in {}",
                receipt.text()
            );
        }
        app.clock.advance(Duration::minutes(2));
        let asked = browser
            .post(&format!("/requests/{reference}/verify/new-code"), &[])
            .await;
        assert_eq!(asked.status(), 200);
        let fresh = notice(&smtp, &address, lang, "new_code", &reference).await;
        assert_ne!(fresh.code(), receipt.code());
        let confirmed = browser
            .post(
                &format!("/requests/{reference}/verify"),
                &[("code", &fresh.code())],
            )
            .await;
        assert_eq!(confirmed.status(), 303);
        let verified = notice(&smtp, &address, lang, "verified", &reference).await;
        assert!(verified.text().contains(&due), "the confirmation: when");
        assert!(verified.link("/r/").starts_with("/r/"));
        let tracked = browser
            .post("/track", &[("reference", &reference), ("email", &address)])
            .await;
        assert_eq!(tracked.status(), 200);
        let status_path = notice(&smtp, &address, lang, "status_link", &reference)
            .await
            .link("/r/");
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/ask"),
                &[("message", "Which membership number is yours?")],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let wanted = notice(&smtp, &address, lang, "information_requested", &reference).await;
        assert!(wanted.text().contains("Which membership number is yours?"));
        assert!(wanted.text().contains("/r/"), "where to answer");
        let withdrawn = browser.post(&format!("{status_path}/withdraw"), &[]).await;
        assert_eq!(withdrawn.status(), 303);
        notice(&smtp, &address, lang, "withdrawn", &reference).await;

        // A delegate's authority: not shown (the reason said), then shown.
        let rejected = under_review_in(
            &app,
            RequestKind::Deletion,
            &format!("poa-1-{code}@example.com"),
            lang,
        );
        let answer = officer
            .post(
                &format!("/staff/requests/{rejected}/review"),
                &[("decision", "reject"), ("reason", "authority_not_shown")],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let no = notice(&smtp, "agent@example.com", lang, "identity_rejected", &rejected).await;
        let reason = lang.t("identity_rejection.authority_not_shown");
        assert!(no.text().contains(reason.as_ref()), "the reason: {}", no.text());
        let accepted = under_review_in(
            &app,
            RequestKind::Deletion,
            &format!("poa-2-{code}@example.com"),
            lang,
        );
        let answer = officer
            .post(
                &format!("/staff/requests/{accepted}/review"),
                &[
                    ("decision", "accept"),
                    ("checks", "requester_identified"),
                    ("checks", "power_of_attorney_names_delegate"),
                    ("checks", "power_of_attorney_covers_request"),
                ],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let yes = notice(&smtp, "agent@example.com", lang, "identity_accepted", &accepted).await;
        assert!(yes.text().contains("/r/"), "the status link");

        // Completed, for each kind: what was done.
        for kind in RequestKind::ALL {
            let address = format!("done-{kind}-{code}@example.com");
            let reference = logged_in(&app, *kind, &address, lang);
            finish_tasks(&app, &reference);
            decide_as_officer(&app, &reference, DecisionOutcome::Completed, None);
            let outcome = notice(&smtp, &address, lang, "decision", &reference).await;
            // The company's orders are kept by law: a deletion says that
            // everything but what is kept apart was deleted.
            let key = if *kind == RequestKind::Deletion {
                "email.decision.completed.deletion_except_kept".to_owned()
            } else {
                format!("email.decision.completed.{kind}")
            };
            let done = lang.tf(&key, &[("reference", &reference)]);
            assert!(outcome.text().contains(&done), "{kind}: {}", outcome.text());
            each_once(&smtp, &[&address]);
        }

        // Partly completed: the ground quoted, how to object, the remedies.
        let address = format!("partly-{code}@example.com");
        let reference = logged_in(&app, RequestKind::Suspension, &address, lang);
        finish_tasks(&app, &reference);
        decide_as_officer(
            &app,
            &reference,
            DecisionOutcome::PartiallyCompleted,
            Some(RefusalGround::SuspensionContract),
        );
        let partly = notice(&smtp, &address, lang, "decision", &reference).await.text();
        let ground = lang.cite(RefusalGround::SuspensionContract.article());
        assert!(ground.contains(if lang == Lang::Ko {
            "제37조제2항제4호"
        } else {
            "Art. 37(2)4"
        }));
        for part in [
            ground,
            "Decided after review.",
            remedy_route,
            "118",
            "1833-6972",
            "1301",
            "182",
        ] {
            assert!(
                partly.contains(part),
                "partly completed in {lang:?}: {part} in {partly}"
            );
        }
        // Never confirmed: one reminder after a day with a fresh code and
        // link, then the request closes. (Last: the clock moves days on.)
        let late = format!("late-{code}@example.com");
        let unconfirmed = asked_on_the_form(&app, &Browser::new(&app), lang, &late).await;
        let first = notice(&smtp, &late, lang, "verification", &unconfirmed).await;
        app.clock.advance(Duration::hours(25));
        app::reminders::remind(&app.desk).expect("reminders");
        let reminder = notice(&smtp, &late, lang, "verify_reminder", &unconfirmed).await;
        assert_ne!(reminder.code(), first.code(), "a fresh code");
        assert!(reminder.text().contains("/v/"), "a fresh link");
        let expiry = chrono::Duration::from_std(app.config.unverified_expiry).expect("expiry");
        app.clock.advance(expiry);
        app::expire::expire_unverified(&app.desk).expect("expiry pass");
        notice(&smtp, &late, lang, "expired", &unconfirmed).await;

        each_once(&smtp, &[&format!("walk-{code}@example.com"), &late, &address]);
    }
    app.stop().await;
}

/// The two other profiles' own notices in both languages over SMTP: a
/// GDPR extension (reasons, both dates, Art. 12(3) cited in the request's
/// language) and a CCPA receipt that is the confirmation 11 CCR § 7021(a)
/// asks for (when the answer is due, 45 days on, and the verification).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gdpr_extension_and_a_ccpa_confirmation_in_both_languages() {
    let smtp = TestSmtp::start();
    let gdpr = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("jurisdiction", "gdpr")],
    })
    .await;
    seed_company(&gdpr.store);
    let officer = Browser::signed_in(&gdpr, Who::Officer).await;
    for (lang, law) in [(Lang::Ko, "GDPR 제12조제3항"), (Lang::En, "GDPR Art. 12(3)")] {
        let address = format!("gdpr-{}@example.com", lang.code());
        let reference = logged_in(&gdpr, RequestKind::Access, &address, lang);
        let original = due_of(&gdpr, &reference);
        let answer = officer
            .post(
                &format!("/staff/requests/{reference}/prolong"),
                &[("reasons", "Eleven systems hold the data."), ("date", "")],
            )
            .await;
        assert_eq!(answer.status(), 303);
        let extended = due_of(&gdpr, &reference);
        assert!(extended > original);
        let text = notice(&smtp, &address, lang, "prolonged", &reference)
            .await
            .text();
        for part in [
            law.to_owned(),
            "Eleven systems hold the data.".to_owned(),
            original.to_string(),
            extended.to_string(),
        ] {
            assert!(text.contains(&part), "extension in {lang:?}: {part} in {text}");
        }
    }

    let ccpa = spawn_app_with(SpawnOptions {
        smtp_url: Some(smtp.url()),
        extra: vec![("jurisdiction", "ccpa")],
    })
    .await;
    seed_company(&ccpa.store);
    for (lang, law) in [
        (Lang::Ko, "캘리포니아 규정집 제11편 § 7021"),
        (Lang::En, "11 CCR § 7021"),
    ] {
        let address = format!("ccpa-{}@example.com", lang.code());
        let reference = asked_on_the_form(&ccpa, &Browser::new(&ccpa), lang, &address).await;
        let row = ccpa
            .store
            .read(|conn| requests::get(conn, &id_of(&ccpa, &reference)))
            .expect("request");
        let due = row.due_date.expect("due");
        let received = domain::deadline::local(row.received_at, ccpa.config.timezone).date();
        assert!((due - received).num_days() >= 45, "45 days: {received} → {due}");
        let text = notice(&smtp, &address, lang, "verification", &reference)
            .await
            .text();
        for part in [law.to_owned(), due.to_string(), "/v/".to_owned()] {
            assert!(text.contains(&part), "CCPA receipt in {lang:?}: {part} in {text}");
        }
    }
    gdpr.stop().await;
    ccpa.stop().await;
}
