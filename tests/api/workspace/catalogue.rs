//! The notices a request's requester gets as it is worked, in the language
//! the request was made in, each at its step with its required parts:
//! identity accepted, a message from staff, a postponement (reasons, new
//! date, objection route, remedies), the objection received, and a refusal
//! (the ground quoted, the objection route, the remedies) — once in Korean
//! and once in English, over real SMTP.

use rightsdesk::domain::request::RequestKind;
use rightsdesk::domain::submission::RequesterText;
use rightsdesk::i18n::Lang;
use rightsdesk::workflow::object::{self, Object};

use super::{Browser, Who, id_of, logged_in, seed_company};
use crate::helpers::{ReceivedEmail, TestSmtp, has_hangul, spawn_app};

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
        let later = (crate::helpers::now().date() + chrono::Duration::days(40)).to_string();
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
}
