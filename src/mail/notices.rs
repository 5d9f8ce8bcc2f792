//! The emails the desk sends to requesters, in the request's language.
//! Each notice is a subject and paragraphs from `locales/`, rendered by one
//! plain-text template. A notice that fails to render is an error: the
//! transaction that wanted to send it fails with it, so no email without
//! its code or link is ever queued.

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

/// A notice could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("the {key} notice could not be rendered: {source}")]
pub struct NoticeError {
    pub key: &'static str,
    #[source]
    pub source: askama::Error,
}

/// Who a notice goes to and which request it is about.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub request_id: String,
    pub reference: String,
    pub name: String,
    pub email: String,
    pub lang: Lang,
}

impl Recipient {
    /// The requester of a stored request, in the language they asked in.
    pub fn requester_of(row: &RequestRow) -> Self {
        Recipient {
            request_id: row.id.clone(),
            reference: row.reference.clone(),
            name: row.requester_name.clone(),
            email: row.requester_email.clone(),
            lang: row.lang,
        }
    }
}

/// A notice ready to render: translated paragraphs, and the link and code
/// it must carry.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The message key family (`email.<key>.subject`).
    pub key: &'static str,
    pub to: Recipient,
    pub paragraphs: Vec<String>,
    pub link: Option<String>,
    pub code: Option<String>,
}

impl Notice {
    fn new(to: Recipient, key: &'static str, paragraphs: Vec<String>) -> Self {
        Self {
            key,
            to,
            paragraphs,
            link: None,
            code: None,
        }
    }

    fn with_link(mut self, link: &str) -> Self {
        self.link = Some(link.to_owned());
        self
    }

    /// Renders the email. Fails rather than sending less than the notice
    /// holds.
    pub fn render(&self) -> Result<NewEmail, NoticeError> {
        let to = &self.to;
        let subject = format!(
            "[{}] {}",
            to.reference,
            to.lang.tf(
                &format!("email.{}.subject", self.key),
                &[("reference", &to.reference)]
            )
        );
        let text = NoticeText {
            lang: to.lang,
            name: &to.name,
            reference: &to.reference,
            paragraphs: &self.paragraphs,
            link: self.link.as_deref(),
            code: self.code.as_deref(),
        }
        .render()
        .map_err(|source| NoticeError {
            key: self.key,
            source,
        })?;
        Ok(NewEmail {
            request_id: Some(to.request_id.clone()),
            to: to.email.clone(),
            subject,
            text,
            html: None,
        })
    }
}

fn paragraph(to: &Recipient, key: &str) -> String {
    to.lang.tf(key, &[("reference", &to.reference)])
}

/// Confirm your email: the link, the code, and where to enter it. It says
/// nothing about any other request: whether someone else asked about the
/// same person is staff's business, never the requester's.
pub fn verification(to: Recipient, link: &str, code: &str, code_page: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.verification.received"),
        paragraph(&to, "email.verification.how"),
        to.lang.tf("email.verification.code_page", &[("url", code_page)]),
        paragraph(&to, "email.verification.not_you"),
    ];
    let mut notice = Notice::new(to, "verification", paragraphs).with_link(link);
    notice.code = Some(code.to_owned());
    notice
}

/// A new code, asked for by the requester.
pub fn new_code(to: Recipient, link: &str, code: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.new_code.body"),
        paragraph(&to, "email.verification.not_you"),
    ];
    let mut notice = Notice::new(to, "new_code", paragraphs).with_link(link);
    notice.code = Some(code.to_owned());
    notice
}

/// Verified: what happens next, and the status link.
pub fn verified(to: Recipient, status_link: &str, documents_under_review: bool) -> Notice {
    let next = if documents_under_review {
        "email.verified.review"
    } else {
        "email.verified.in_progress"
    };
    let paragraphs = vec![paragraph(&to, next), paragraph(&to, "email.status_link.body")];
    Notice::new(to, "verified", paragraphs).with_link(status_link)
}

/// The status link asked for on the tracking page.
pub fn status_link(to: Recipient, status_link: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.status_link.body"),
        paragraph(&to, "email.status_link.not_you"),
    ];
    Notice::new(to, "status_link", paragraphs).with_link(status_link)
}

/// The request was withdrawn by the requester.
pub fn withdrawn(to: Recipient) -> Notice {
    let paragraphs = vec![paragraph(&to, "email.withdrawn.body")];
    Notice::new(to, "withdrawn", paragraphs)
}

/// The request expired without verification.
pub fn expired(to: Recipient) -> Notice {
    let paragraphs = vec![paragraph(&to, "email.expired.body")];
    Notice::new(to, "expired", paragraphs)
}

/// The requester's objection was received and the request reopened.
pub fn objection_received(to: Recipient, status_link: &str) -> Notice {
    let paragraphs = vec![paragraph(&to, "email.objection.body")];
    Notice::new(to, "objection", paragraphs).with_link(status_link)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` still holds a message key (an untranslated text).
    fn has_key(text: &str) -> bool {
        text.split(|c: char| c.is_whitespace() || c == ':')
            .any(|word| word.starts_with("email.") && word.len() > "email.".len())
    }

    fn to(lang: Lang) -> Recipient {
        Recipient {
            request_id: "r1".into(),
            reference: "DSR-2026-000001".into(),
            name: "김민지".into(),
            email: "minji@example.com".into(),
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
            )
            .render()
            .unwrap();
            assert!(email.text.contains("http://desk/requests/DSR-2026-000001/verify"));
            assert!(
                email.subject.starts_with("[DSR-2026-000001] "),
                "{}",
                email.subject
            );
            assert!(email.text.contains("http://desk/v/TOKEN"));
            assert!(email.text.contains("123456"));
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
            for notice in all {
                let email = notice.render().unwrap();
                for text in [&email.subject, &email.text] {
                    assert!(!has_key(text), "untranslated: {text}");
                    assert!(!text.contains("%{"), "placeholder left: {text}");
                }
            }
        }
    }
}
