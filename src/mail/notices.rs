//! The emails the desk sends to requesters, in the request's language.
//! Each notice is a subject and paragraphs from `locales/`, rendered by one
//! plain-text template.

use askama::Template;

use crate::i18n::Lang;
use crate::store::outbox::NewEmail;
use crate::store::requests::RequestRow;

#[derive(Template)]
#[template(path = "email/notice.txt")]
struct NoticeText<'a> {
    lang: Lang,
    name: &'a str,
    reference: &'a str,
    paragraphs: &'a [String],
    link: Option<&'a str>,
    code: Option<&'a str>,
}

/// Who a notice goes to and which request it is about.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub request_id: &'a str,
    pub reference: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub lang: Lang,
}

impl<'a> Recipient<'a> {
    /// The requester of a stored request, in the language they asked in.
    pub fn requester_of(row: &'a RequestRow) -> Self {
        Recipient {
            request_id: &row.id,
            reference: &row.reference,
            name: &row.requester_name,
            email: &row.requester_email,
            lang: Lang::from_code(&row.lang).unwrap_or_default(),
        }
    }
}

fn notice(
    to: Recipient<'_>,
    key: &str,
    paragraphs: Vec<String>,
    link: Option<&str>,
    code: Option<&str>,
) -> NewEmail {
    let args = [("reference", to.reference)];
    let subject = format!(
        "[{}] {}",
        to.reference,
        to.lang.tf(&format!("email.{key}.subject"), &args)
    );
    let text = NoticeText {
        lang: to.lang,
        name: to.name,
        reference: to.reference,
        paragraphs: &paragraphs,
        link,
        code,
    }
    .render()
    .unwrap_or_else(|_| paragraphs.join("\n\n"));
    NewEmail {
        request_id: Some(to.request_id.to_owned()),
        to: to.email.to_owned(),
        subject,
        text,
        html: None,
    }
}

fn paragraph(to: &Recipient<'_>, key: &str) -> String {
    to.lang.tf(key, &[("reference", to.reference)])
}

/// Confirm your email: the link, the code, and where to enter it.
pub fn verification(
    to: Recipient<'_>,
    link: &str,
    code: &str,
    code_page: &str,
    duplicate_of: Option<&str>,
) -> NewEmail {
    let mut paragraphs = vec![
        paragraph(&to, "email.verification.received"),
        paragraph(&to, "email.verification.how"),
        to.lang.tf("email.verification.code_page", &[("url", code_page)]),
    ];
    if let Some(earlier) = duplicate_of {
        paragraphs.push(
            to.lang
                .tf("email.verification.duplicate", &[("earlier", earlier)]),
        );
    }
    paragraphs.push(paragraph(&to, "email.verification.not_you"));
    notice(to, "verification", paragraphs, Some(link), Some(code))
}

/// A new code, asked for by the requester.
pub fn new_code(to: Recipient<'_>, link: &str, code: &str) -> NewEmail {
    let paragraphs = vec![
        paragraph(&to, "email.new_code.body"),
        paragraph(&to, "email.verification.not_you"),
    ];
    notice(to, "new_code", paragraphs, Some(link), Some(code))
}

/// Verified: what happens next, and the status link.
pub fn verified(to: Recipient<'_>, status_link: &str, documents_under_review: bool) -> NewEmail {
    let next = if documents_under_review {
        "email.verified.review"
    } else {
        "email.verified.in_progress"
    };
    let paragraphs = vec![paragraph(&to, next), paragraph(&to, "email.status_link.body")];
    notice(to, "verified", paragraphs, Some(status_link), None)
}

/// The status link asked for on the tracking page.
pub fn status_link(to: Recipient<'_>, status_link: &str) -> NewEmail {
    let paragraphs = vec![
        paragraph(&to, "email.status_link.body"),
        paragraph(&to, "email.status_link.not_you"),
    ];
    notice(to, "status_link", paragraphs, Some(status_link), None)
}

/// The request was withdrawn by the requester.
pub fn withdrawn(to: Recipient<'_>) -> NewEmail {
    notice(
        to,
        "withdrawn",
        vec![paragraph(&to, "email.withdrawn.body")],
        None,
        None,
    )
}

/// The request expired without verification.
pub fn expired(to: Recipient<'_>) -> NewEmail {
    notice(
        to,
        "expired",
        vec![paragraph(&to, "email.expired.body")],
        None,
        None,
    )
}

/// The requester's objection was received and the request reopened.
pub fn objection_received(to: Recipient<'_>, status_link: &str) -> NewEmail {
    notice(
        to,
        "objection",
        vec![paragraph(&to, "email.objection.body")],
        Some(status_link),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` still holds a message key (an untranslated text).
    fn has_key(text: &str) -> bool {
        text.split(|c: char| c.is_whitespace() || c == ':')
            .any(|word| word.starts_with("email.") && word.len() > "email.".len())
    }

    fn to(lang: Lang) -> Recipient<'static> {
        Recipient {
            request_id: "r1",
            reference: "DSR-2026-000001",
            name: "김민지",
            email: "minji@example.com",
            lang,
        }
    }

    #[test]
    fn the_verification_email_carries_link_code_and_reference_in_both_languages() {
        for lang in [Lang::Ko, Lang::En] {
            let email = verification(
                to(lang),
                "http://desk/v/TOKEN",
                "123456",
                "http://desk/requests/DSR-2026-000001/verify",
                Some("DSR-2026-000000"),
            );
            assert!(email.text.contains("http://desk/requests/DSR-2026-000001/verify"));
            assert!(
                email.subject.starts_with("[DSR-2026-000001] "),
                "{}",
                email.subject
            );
            assert!(email.text.contains("http://desk/v/TOKEN"));
            assert!(email.text.contains("123456"));
            assert!(email.text.contains("DSR-2026-000000"));
            assert!(email.text.contains("김민지"));
            assert!(!has_key(&email.text), "a key was not translated: {}", email.text);
            assert!(
                !email.text.contains("%{"),
                "a placeholder was left: {}",
                email.text
            );
        }
    }

    #[test]
    fn every_notice_is_translated() {
        for lang in [Lang::Ko, Lang::En] {
            let all = [
                new_code(to(lang), "l", "000000"),
                verified(to(lang), "l", true),
                verified(to(lang), "l", false),
                status_link(to(lang), "l"),
                withdrawn(to(lang)),
                expired(to(lang)),
                objection_received(to(lang), "l"),
            ];
            for email in all {
                for text in [&email.subject, &email.text] {
                    assert!(!has_key(text), "untranslated: {text}");
                    assert!(!text.contains("%{"), "placeholder left: {text}");
                }
            }
        }
    }
}
