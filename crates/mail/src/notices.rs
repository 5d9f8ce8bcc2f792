//! The emails the desk sends, in the request's language. Each notice is a
//! subject and paragraphs from `locales/`, rendered by one plain-text and
//! one HTML template (inline styles, no external assets, the same words). A notice that fails to render is an error: the
//! transaction that wanted to send it fails with it, so no email without
//! its code or link is ever queued.

use askama::Template;
use chrono::NaiveDate;

use domain::citation::Citation;
use domain::decision::{DecisionOutcome, IdentityRejection, RefusalGround};
use domain::letterhead::Letterhead;
use domain::profile::Prolongation;
use domain::reminder::Step;
use domain::request::RequestKind;
use domain::staff::StaffRole;
use domain::task::{Answer, Released};

use domain::email::NewEmail;
use domain::lang::Lang;

/// What both parts of a notice say.
struct NoticeBody<'a> {
    lang: Lang,
    name: &'a str,
    reference: Option<&'a str>,
    paragraphs: &'a [String],
    link: Option<&'a str>,
    code: Option<&'a str>,
    signature: &'a [String],
}

#[derive(Template)]
#[template(path = "email/notice.html")]
struct NoticeHtml<'a> {
    subject: &'a str,
    body: &'a NoticeBody<'a>,
}

#[derive(Template)]
#[template(path = "email/notice.txt")]
struct NoticeText<'a> {
    body: &'a NoticeBody<'a>,
}

/// A notice could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("the {key} notice could not be rendered: {source}")]
pub struct NoticeError {
    pub key: &'static str,
    #[source]
    pub source: askama::Error,
}

/// Who a notice goes to and which request it is about (none for a
/// notice about a staff account).
#[derive(Debug, Clone)]
pub struct Recipient {
    pub request_id: Option<String>,
    pub reference: Option<String>,
    pub name: String,
    pub email: String,
    pub lang: Lang,
}

impl Recipient {
    /// A staff member told about their own account.
    pub fn staff_member(name: &str, email: &str, lang: Lang) -> Self {
        Recipient {
            request_id: None,
            reference: None,
            name: name.to_owned(),
            email: email.to_owned(),
            lang,
        }
    }

    /// The reference of the request the notice is about, or nothing.
    fn reference(&self) -> &str {
        self.reference.as_deref().unwrap_or_default()
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
    /// The date the subject line names (`%{date}`), if it names one.
    pub subject_date: Option<String>,
    /// Ends with the outside bodies the requester may turn to.
    pub remedies: bool,
}

impl Notice {
    fn new(to: Recipient, key: &'static str, paragraphs: Vec<String>) -> Self {
        Self {
            key,
            to,
            paragraphs,
            link: None,
            code: None,
            subject_date: None,
            remedies: false,
        }
    }

    fn with_remedies(mut self) -> Self {
        self.remedies = true;
        self
    }

    fn with_link(mut self, link: &str) -> Self {
        self.link = Some(link.to_owned());
        self
    }

    /// Renders the email, signed with `letterhead` (and its list of outside
    /// bodies, where the notice gives one). Fails rather than sending less
    /// than the notice holds.
    pub fn render(&self, letterhead: &Letterhead) -> Result<NewEmail, NoticeError> {
        let to = &self.to;
        let said = to.lang.tf(
            &format!("email.{}.subject", self.key),
            &[
                ("reference", to.reference()),
                ("date", self.subject_date.as_deref().unwrap_or_default()),
            ],
        );
        let subject = match &to.reference {
            Some(reference) => format!("[{reference}] {said}"),
            None => said,
        };
        let failed = |source| NoticeError {
            key: self.key,
            source,
        };
        let mut paragraphs = self.paragraphs.clone();
        if self.remedies {
            paragraphs.extend(remedy_lines(to.lang, letterhead));
        }
        let signature = signature(to.lang, letterhead);
        let body = NoticeBody {
            lang: to.lang,
            name: &to.name,
            reference: to.reference.as_deref(),
            paragraphs: &paragraphs,
            link: self.link.as_deref(),
            code: self.code.as_deref(),
            signature: &signature,
        };
        let text = NoticeText { body: &body }.render().map_err(failed)?;
        let html = NoticeHtml {
            subject: &subject,
            body: &body,
        }
        .render()
        .map_err(failed)?;
        Ok(NewEmail {
            request_id: to.request_id.clone(),
            to: to.email.clone(),
            subject,
            text,
            html: Some(html),
        })
    }
}

/// When the requester will be answered at the latest, and the law that
/// says so: the receipt and the confirmation tell them (under CCPA this
/// is what the confirmation of receipt must say, with the verification).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerBy {
    pub date: NaiveDate,
    pub law: Citation,
}

impl AnswerBy {
    fn line(self, lang: Lang) -> String {
        lang.tf(
            "email.answer_by",
            &[
                ("date", &self.date.format("%Y-%m-%d").to_string()),
                ("law", lang.cite(self.law)),
            ],
        )
    }
}

fn paragraph(to: &Recipient, key: &str) -> String {
    to.lang.tf(key, &[("reference", to.reference())])
}

/// Confirm your email: the link, the code, and where to enter it. It says
/// nothing about any other request: whether someone else asked about the
/// same person is staff's business, never the requester's.
pub fn verification(
    to: Recipient,
    link: &str,
    code: &str,
    code_page: &str,
    answer: Option<AnswerBy>,
) -> Notice {
    let mut paragraphs = vec![
        paragraph(&to, "email.verification.received"),
        paragraph(&to, "email.verification.how"),
        to.lang.tf("email.verification.code_page", &[("url", code_page)]),
    ];
    paragraphs.extend(answer.map(|a| a.line(to.lang)));
    paragraphs.push(paragraph(&to, "email.verification.not_you"));
    let mut notice = Notice::new(to, "verification", paragraphs).with_link(link);
    notice.code = Some(code.to_owned());
    notice
}

/// The one reminder of a requester who has not confirmed their address
/// after a day: a fresh link and code.
pub fn verify_reminder(to: Recipient, link: &str, code: &str) -> Notice {
    let paragraphs = vec![paragraph(&to, "email.verify_reminder.body")];
    let mut notice = Notice::new(to, "verify_reminder", paragraphs).with_link(link);
    notice.code = Some(code.to_owned());
    notice
}

/// A reminder or escalation to staff about a request's due date, at
/// `step`, with `days` left (negative: overdue) and the link to its page.
pub fn staff_reminder(
    to: Recipient,
    step: Step,
    kind: RequestKind,
    due: NaiveDate,
    days: i64,
    request_page: &str,
) -> Notice {
    let lang = to.lang;
    let key = match step {
        Step::DueIn3 | Step::DueIn1 => "reminder_due_soon",
        Step::DueToday => "reminder_due_today",
        Step::Overdue(_) => "reminder_overdue",
    };
    let date = due.format("%Y-%m-%d").to_string();
    let paragraphs = vec![lang.tf(
        &format!("email.{key}.body"),
        &[
            ("reference", to.reference()),
            ("kind", &lang.t(&format!("kind.{kind}.title"))),
            ("date", &date),
            ("days", &days.abs().to_string()),
        ],
    )];
    let mut notice = Notice::new(to, key, paragraphs).with_link(request_page);
    notice.subject_date = Some(date);
    notice
}

/// A new staff member's link to choose a password (72 hours, once).
pub fn set_password(to: Recipient, role: StaffRole, link: &str) -> Notice {
    let lang = to.lang;
    let paragraphs = vec![
        lang.tf(
            "email.set_password.body",
            &[("role", &lang.t(&format!("staff.role.{role}")))],
        ),
        lang.t("email.set_password.not_you").into_owned(),
    ];
    Notice::new(to, "set_password", paragraphs).with_link(link)
}

/// A staff member's second factor was replaced: told at the account's
/// address, so that a replacement they did not make does not go unnoticed.
pub fn second_factor_replaced(to: Recipient) -> Notice {
    let lang = to.lang;
    let paragraphs = vec![
        lang.t("email.second_factor_replaced.body").into_owned(),
        lang.t("email.second_factor_replaced.not_you").into_owned(),
    ];
    Notice::new(to, "second_factor_replaced", paragraphs)
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
pub fn verified(
    to: Recipient,
    status_link: &str,
    documents_under_review: bool,
    answer: Option<AnswerBy>,
) -> Notice {
    let next = if documents_under_review {
        "email.verified.review"
    } else {
        "email.verified.in_progress"
    };
    let mut paragraphs = vec![paragraph(&to, next)];
    paragraphs.extend(answer.map(|a| a.line(to.lang)));
    paragraphs.push(paragraph(&to, "email.status_link.body"));
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

/// Identity or authority was accepted and work starts.
pub fn identity_accepted(to: Recipient, status_link: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.identity_accepted.body"),
        paragraph(&to, "email.status_link.body"),
    ];
    Notice::new(to, "identity_accepted", paragraphs).with_link(status_link)
}

/// Identity or authority was not accepted: why, and how to ask again.
pub fn identity_rejected(to: Recipient, reason: IdentityRejection, new_request_link: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.identity_rejected.body"),
        to.lang.t(&format!("identity_rejection.{reason}")).into_owned(),
        paragraph(&to, "email.identity_rejected.again"),
    ];
    Notice::new(to, "identity_rejected", paragraphs).with_link(new_request_link)
}

/// Staff need more information; the message says what.
pub fn information_requested(to: Recipient, message: &str, status_link: &str) -> Notice {
    let paragraphs = vec![
        paragraph(&to, "email.information_requested.body"),
        message.to_owned(),
        paragraph(&to, "email.information_requested.how"),
    ];
    Notice::new(to, "information_requested", paragraphs).with_link(status_link)
}

/// A message from staff about the request.
pub fn staff_message(to: Recipient, message: &str, status_link: &str) -> Notice {
    let paragraphs = vec![paragraph(&to, "email.staff_message.body"), message.to_owned()];
    Notice::new(to, "staff_message", paragraphs).with_link(status_link)
}

/// The answer will take longer: a postponement (to a date, for good
/// cause) or an extension of the period — the law, the reasons, the
/// original and the new due date, how to object and the external remedies.
pub fn prolonged(
    to: Recipient,
    kind: Prolongation,
    law: Citation,
    reasons: &str,
    original: NaiveDate,
    new_due: NaiveDate,
    status_link: &str,
) -> Notice {
    let lang = to.lang;
    let date = new_due.format("%Y-%m-%d").to_string();
    let paragraphs = vec![
        lang.tf(
            &format!("email.prolonged.{kind}"),
            &[
                ("reference", to.reference()),
                ("date", &date),
                ("law", lang.cite(law)),
            ],
        ),
        reasons.to_owned(),
        lang.tf(
            "email.prolonged.dates",
            &[
                ("original", &original.format("%Y-%m-%d").to_string()),
                ("date", &date),
            ],
        ),
        paragraph(&to, &format!("email.prolonged.object_{kind}")),
    ];
    let notice = Notice::new(to, "prolonged", paragraphs).with_link(status_link);
    // The Korean bodies hear PIPA matters: a postponement's notice lists them.
    if kind == Prolongation::Postponement {
        notice.with_remedies()
    } else {
        notice
    }
}

/// The bodies a requester may turn to outside the company: the
/// letterhead's list, or the statutory one in the request's language.
fn remedy_lines(lang: Lang, letterhead: &Letterhead) -> Vec<String> {
    let mut lines = vec![lang.t("remedies.body").into_owned()];
    if letterhead.remedies.is_empty() {
        for body in ["kisa", "mediation", "prosecutors", "police"] {
            lines.push(format!("- {}", lang.t(&format!("remedies.{body}"))));
        }
    } else {
        lines.extend(letterhead.remedies.iter().map(|r| format!("- {r}")));
    }
    lines
}

/// The lines a notice is signed with: the company's privacy office and
/// how to reach it, or the desk's name until an admin sets them.
fn signature(lang: Lang, letterhead: &Letterhead) -> Vec<String> {
    if letterhead.company.is_empty() {
        return vec![lang.t("email.signature").into_owned()];
    }
    let mut lines = vec![lang.tf("email.signature_company", &[("company", &letterhead.company)])];
    if !letterhead.contact.is_empty() {
        lines.push(lang.tf("email.contact", &[("contact", &letterhead.contact)]));
    }
    lines
}

/// Data a deletion kept apart instead of destroying it: the system, and
/// why it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub system: String,
    pub why: KeptFor,
}

/// Why a deletion kept data apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptFor {
    /// A law requires keeping it until a day (PIPA Art. 21(3)).
    Law { until: NaiveDate, law: String },
    /// A legal claim needs it (a legal hold); the requester is told no
    /// more than that.
    LegalClaim,
}

/// What was decided, in full.
#[derive(Debug, Clone)]
pub struct DecisionNotice<'a> {
    pub kind: RequestKind,
    pub outcome: DecisionOutcome,
    pub ground: Option<RefusalGround>,
    pub explanation: &'a str,
    pub kept: &'a [Kept],
    /// For an access request: what each system gave.
    pub released: &'a [Released],
    /// For a deletion: whether any system destroyed data (when every one
    /// kept it apart, the notice does not say anything was deleted).
    pub destroyed_any: bool,
}

/// The outcome of a request: what was done (and kept apart, why and until
/// when), or the ground of a refusal quoted, the explanation, how to object
/// within the company and the external remedies.
pub fn decision(to: Recipient, d: &DecisionNotice<'_>, status_link: &str) -> Notice {
    let lang = to.lang;
    let mut paragraphs = vec![match d.outcome {
        DecisionOutcome::Completed if d.kind == RequestKind::Deletion && !d.kept.is_empty() => {
            if d.destroyed_any {
                paragraph(&to, "email.decision.completed.deletion_except_kept")
            } else {
                paragraph(&to, "email.decision.completed.deletion_all_kept")
            }
        }
        DecisionOutcome::Completed
            if d.kind == RequestKind::Access
                && !d.released.is_empty()
                && d.released.iter().all(|r| r.answer == Answer::NothingHeld) =>
        {
            paragraph(&to, "email.decision.completed.access_nothing_held")
        }
        DecisionOutcome::Completed => paragraph(&to, &format!("email.decision.completed.{}", d.kind)),
        DecisionOutcome::PartiallyCompleted => paragraph(&to, "email.decision.partially_completed"),
        DecisionOutcome::Refused => paragraph(&to, "email.decision.refused"),
    }];
    if !d.released.is_empty() && d.outcome != DecisionOutcome::Refused {
        let lines: Vec<String> = d
            .released
            .iter()
            .map(|r| {
                let system = ("system", r.system.as_str());
                match r.answer {
                    Answer::Data { files: 0, .. } => lang.tf("email.decision.released.data", &[system]),
                    Answer::Data { files, .. } => lang.tf(
                        "email.decision.released.data_files",
                        &[system, ("files", &files.to_string())],
                    ),
                    Answer::NothingHeld => lang.tf("email.decision.released.nothing_held", &[system]),
                    Answer::CannotDo | Answer::Open => {
                        lang.tf("email.decision.released.not_given", &[system])
                    }
                }
            })
            .collect();
        paragraphs.push(format!(
            "{}\n{}",
            lang.t("email.decision.released.title"),
            lines.join("\n")
        ));
    }
    for kept in d.kept {
        if let KeptFor::Law { until, law } = &kept.why {
            paragraphs.push(lang.tf(
                "email.decision.kept",
                &[
                    ("system", &kept.system),
                    ("until", &until.format("%Y-%m-%d").to_string()),
                    ("law", law),
                ],
            ));
        }
    }
    // What a legal claim keeps, said once for all the systems concerned.
    let for_claim: Vec<&str> = d
        .kept
        .iter()
        .filter(|k| k.why == KeptFor::LegalClaim)
        .map(|k| k.system.as_str())
        .collect();
    if !for_claim.is_empty() {
        paragraphs.push(lang.tf(
            "email.decision.kept_for_claim",
            &[("system", &for_claim.join(", "))],
        ));
    }
    if let Some(ground) = d.ground {
        paragraphs.push(lang.tf(
            "email.decision.ground",
            &[
                ("article", lang.cite(ground.article())),
                ("text", &lang.t(&format!("ground.{ground}"))),
            ],
        ));
    }
    if !d.explanation.is_empty() {
        paragraphs.push(d.explanation.to_owned());
    }
    let remedies = d.outcome != DecisionOutcome::Completed || !d.kept.is_empty();
    if remedies {
        paragraphs.push(paragraph(&to, "email.decision.object"));
    }
    let notice = Notice::new(to, "decision", paragraphs).with_link(status_link);
    if remedies { notice.with_remedies() } else { notice }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` still holds a message key (an untranslated text).
    fn has_key(text: &str) -> bool {
        text.split(|c: char| c.is_whitespace() || c == ':')
            .any(|word| word.starts_with("email.") && word.len() > "email.".len())
    }

    const POSTPONEMENT_LAW: Citation = Citation::new("PIPA Art. 35(3)", "개인정보 보호법 제35조제3항");

    /// An access request under PIPA due on 7 December.
    fn answer() -> Option<AnswerBy> {
        let profile = domain::profile::Profile::of(domain::jurisdiction::Jurisdiction::KrPipa);
        Some(AnswerBy {
            date: december(7),
            law: profile.rule(RequestKind::Access).law,
        })
    }

    /// The reference deployment's letterhead, as the demo loads it.
    fn letterhead() -> Letterhead {
        Letterhead::reference_deployment()
    }

    fn december(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn to(lang: Lang) -> Recipient {
        Recipient {
            request_id: Some("r1".into()),
            reference: Some("DSR-2026-000001".into()),
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
                answer(),
            )
            .render(&letterhead())
            .unwrap();
            // When the answer is due, and under which law.
            assert!(email.text.contains("2026-12-07"), "{}", email.text);
            let law = ["개인정보 보호법 시행령 제41조제4항", "PIPA Decree Art. 41(4)"];
            assert!(law.iter().any(|l| email.text.contains(l)), "{}", email.text);
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
    fn a_prolongation_notice_gives_reasons_both_dates_the_objection_route_and_the_remedies() {
        for (lang, object, remedy, law) in [
            (
                Lang::Ko,
                "이의를 신청",
                "1833-6972",
                "개인정보 보호법 제35조제3항",
            ),
            (
                Lang::En,
                "object on your request's status page",
                "1833-6972",
                "PIPA Art. 35(3)",
            ),
        ] {
            let email = prolonged(
                to(lang),
                Prolongation::Postponement,
                POSTPONEMENT_LAW,
                "Records are with an auditor.",
                NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
                "http://desk/r/TOKEN",
            )
            .render(&letterhead())
            .unwrap();
            for part in [
                "Records are with an auditor.",
                "2026-12-07",
                "2026-12-21",
                law,
                object,
                remedy,
                "http://desk/r/TOKEN",
                "DSR-2026-000001",
            ] {
                assert!(email.text.contains(part), "{lang:?}: {part} in {}", email.text);
            }
        }
    }

    #[test]
    fn every_notice_is_translated() {
        for lang in [Lang::Ko, Lang::En] {
            let all = [
                new_code(to(lang), "l", "000000"),
                verified(to(lang), "l", true, answer()),
                verified(to(lang), "l", false, None),
                status_link(to(lang), "l"),
                withdrawn(to(lang)),
                expired(to(lang)),
                objection_received(to(lang), "l"),
                identity_accepted(to(lang), "l"),
                information_requested(to(lang), "Please send page 2.", "l"),
                staff_message(to(lang), "Hello.", "l"),
                verify_reminder(to(lang), "l", "000000"),
                staff_reminder(to(lang), Step::DueIn3, RequestKind::Access, december(7), 3, "l"),
                staff_reminder(
                    to(lang),
                    Step::DueToday,
                    RequestKind::Deletion,
                    december(7),
                    0,
                    "l",
                ),
                staff_reminder(
                    to(lang),
                    Step::Overdue(december(9)),
                    RequestKind::Correction,
                    december(7),
                    -2,
                    "l",
                ),
            ]
            .into_iter()
            .chain(Prolongation::ALL.iter().map(|kind| {
                prolonged(
                    to(lang),
                    *kind,
                    POSTPONEMENT_LAW,
                    "Records are with an auditor.",
                    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
                    NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
                    "l",
                )
            }))
            .chain(
                IdentityRejection::ALL
                    .iter()
                    .map(|r| identity_rejected(to(lang), *r, "l")),
            )
            .chain(decisions(lang));
            for notice in all {
                let email = notice.render(&letterhead()).unwrap();
                for text in [&email.subject, &email.text] {
                    assert!(!has_key(text), "untranslated: {text}");
                    assert!(!text.contains("%{"), "placeholder left: {text}");
                }
            }
        }
    }

    /// What an access request's systems gave (nothing for other kinds).
    fn released(kind: RequestKind) -> Vec<Released> {
        if kind != RequestKind::Access {
            return Vec::new();
        }
        let line = |system: &str, answer| Released {
            system: system.into(),
            answer,
        };
        vec![
            line("Membership", Answer::Data { text: true, files: 2 }),
            line("Orders", Answer::Data { text: true, files: 0 }),
            line("Board", Answer::NothingHeld),
        ]
    }

    fn decisions(lang: Lang) -> Vec<Notice> {
        let kept = [
            Kept {
                system: "Orders".into(),
                why: KeptFor::Law {
                    until: NaiveDate::from_ymd_opt(2031, 11, 26).unwrap(),
                    law: "전자상거래법 제6조".into(),
                },
            },
            Kept {
                system: "Board".into(),
                why: KeptFor::LegalClaim,
            },
        ];
        let mut all = Vec::new();
        for kind in RequestKind::ALL {
            all.push(decision(
                to(lang),
                &DecisionNotice {
                    kind: *kind,
                    outcome: DecisionOutcome::Completed,
                    ground: None,
                    explanation: "",
                    kept: &kept,
                    released: &released(*kind),
                    destroyed_any: true,
                },
                "l",
            ));
            for ground in RefusalGround::for_kind(*kind) {
                for outcome in [DecisionOutcome::Refused, DecisionOutcome::PartiallyCompleted] {
                    all.push(decision(
                        to(lang),
                        &DecisionNotice {
                            kind: *kind,
                            outcome,
                            ground: Some(*ground),
                            explanation: "why",
                            kept: &[],
                            released: &[],
                            destroyed_any: true,
                        },
                        "l",
                    ));
                }
            }
        }
        all
    }

    #[test]
    fn a_refusal_quotes_its_ground_and_lists_the_remedies() {
        for (lang, article) in [
            (Lang::Ko, "개인정보 보호법 제36조제1항 단서"),
            (Lang::En, "PIPA Art. 36(1)"),
        ] {
            let email = decision(
                to(lang),
                &DecisionNotice {
                    kind: RequestKind::Deletion,
                    outcome: DecisionOutcome::Refused,
                    ground: Some(RefusalGround::DeletionRequiredByLaw),
                    explanation: "The Commercial Act requires it.",
                    kept: &[],
                    released: &[],
                    destroyed_any: true,
                },
                "http://desk/r/T",
            )
            .render(&letterhead())
            .unwrap();
            for needle in [
                article,
                "The Commercial Act requires it.",
                "118",
                "1833-6972",
                "1301",
                "182",
                "http://desk/r/T",
            ] {
                assert!(email.text.contains(needle), "{needle} missing: {}", email.text);
            }
        }
    }

    #[test]
    fn a_deletion_notice_says_what_was_kept_why_and_until_when() {
        let kept = [
            Kept {
                system: "Orders".into(),
                why: KeptFor::Law {
                    until: NaiveDate::from_ymd_opt(2031, 11, 26).unwrap(),
                    law: "전자상거래법 제6조".into(),
                },
            },
            Kept {
                system: "Board".into(),
                why: KeptFor::LegalClaim,
            },
        ];
        let email = decision(
            to(Lang::En),
            &DecisionNotice {
                kind: RequestKind::Deletion,
                outcome: DecisionOutcome::Completed,
                ground: None,
                explanation: "",
                kept: &kept,
                released: &[],
                destroyed_any: true,
            },
            "l",
        )
        .render(&letterhead())
        .unwrap();
        for needle in [
            "Orders",
            "2031-11-26",
            "전자상거래법 제6조",
            "Board",
            "legal claim",
            "except the data kept apart",
        ] {
            assert!(email.text.contains(needle), "{needle} missing: {}", email.text);
        }
    }

    /// Every notice of the catalogue, named, with fixed inputs.
    fn catalogue(lang: Lang) -> Vec<(String, Notice)> {
        let link = "https://privacy.example.com/r/TOKEN";
        let due = december(7);
        let mut all: Vec<(String, Notice)> = vec![
            (
                "verification".into(),
                verification(
                    to(lang),
                    "https://privacy.example.com/v/TOKEN",
                    "123456",
                    "https://privacy.example.com/requests/DSR-2026-000001/verify",
                    answer(),
                ),
            ),
            (
                "new_code".into(),
                new_code(to(lang), "https://privacy.example.com/v/TOKEN", "654321"),
            ),
            (
                "verify_reminder".into(),
                verify_reminder(to(lang), "https://privacy.example.com/v/TOKEN", "246810"),
            ),
            (
                "set_password".into(),
                set_password(
                    Recipient::staff_member("박서연", "seoyeon@example.com", lang),
                    StaffRole::Handler,
                    "https://privacy.example.com/staff/set-password/TOKEN",
                ),
            ),
            (
                "second_factor_replaced".into(),
                second_factor_replaced(Recipient::staff_member("박서연", "seoyeon@example.com", lang)),
            ),
            ("verified".into(), verified(to(lang), link, false, answer())),
            ("verified_review".into(), verified(to(lang), link, true, answer())),
            ("status_link".into(), status_link(to(lang), link)),
            ("identity_accepted".into(), identity_accepted(to(lang), link)),
            (
                "information_requested".into(),
                information_requested(
                    to(lang),
                    "Please send the second page of the power of attorney.",
                    link,
                ),
            ),
            (
                "staff_message".into(),
                staff_message(to(lang), "Your data is being collected from two systems.", link),
            ),
            ("withdrawn".into(), withdrawn(to(lang))),
            ("expired".into(), expired(to(lang))),
            ("objection_received".into(), objection_received(to(lang), link)),
        ];
        for reason in IdentityRejection::ALL {
            all.push((
                format!("identity_rejected_{reason}"),
                identity_rejected(to(lang), *reason, "https://privacy.example.com/requests/new"),
            ));
        }
        for kind in Prolongation::ALL {
            all.push((
                format!("prolonged_{kind}"),
                prolonged(
                    to(lang),
                    *kind,
                    POSTPONEMENT_LAW,
                    "The records are with an outside auditor until 18 December.",
                    due,
                    december(21),
                    link,
                ),
            ));
        }
        for (name, step, days) in [
            ("reminder_due_in_3", Step::DueIn3, 3),
            ("reminder_due_in_1", Step::DueIn1, 1),
            ("reminder_due_today", Step::DueToday, 0),
            ("reminder_overdue", Step::Overdue(december(9)), -2),
        ] {
            all.push((
                name.into(),
                staff_reminder(
                    to(lang),
                    step,
                    RequestKind::Deletion,
                    due,
                    days,
                    "https://privacy.example.com/staff/requests/DSR-2026-000001",
                ),
            ));
        }
        let kept = [
            Kept {
                system: "Orders".into(),
                why: KeptFor::Law {
                    until: NaiveDate::from_ymd_opt(2031, 11, 26).unwrap(),
                    law: "전자상거래법 제6조".into(),
                },
            },
            Kept {
                system: "Board".into(),
                why: KeptFor::LegalClaim,
            },
        ];
        for kind in RequestKind::ALL {
            all.push((
                format!("decision_completed_{kind}"),
                decision(
                    to(lang),
                    &DecisionNotice {
                        kind: *kind,
                        outcome: DecisionOutcome::Completed,
                        ground: None,
                        explanation: "",
                        kept: if *kind == RequestKind::Deletion {
                            &kept
                        } else {
                            &[]
                        },
                        released: &released(*kind),
                        destroyed_any: true,
                    },
                    link,
                ),
            ));
            if *kind == RequestKind::Access {
                all.push((
                    "decision_completed_access_nothing_held".to_owned(),
                    decision(
                        to(lang),
                        &DecisionNotice {
                            kind: *kind,
                            outcome: DecisionOutcome::Completed,
                            ground: None,
                            explanation: "",
                            kept: &[],
                            released: &[Released {
                                system: "Membership".into(),
                                answer: Answer::NothingHeld,
                            }],
                            destroyed_any: false,
                        },
                        link,
                    ),
                ));
            }
            if let Some(ground) = RefusalGround::for_kind(*kind).first() {
                for outcome in [DecisionOutcome::Refused, DecisionOutcome::PartiallyCompleted] {
                    all.push((
                        format!("decision_{outcome}_{kind}"),
                        decision(
                            to(lang),
                            &DecisionNotice {
                                kind: *kind,
                                outcome,
                                ground: Some(*ground),
                                explanation: "The records also describe another person.",
                                kept: &[],
                                released: &[],
                                destroyed_any: true,
                            },
                            link,
                        ),
                    ));
                }
            }
        }
        all
    }

    /// Every notice in both languages, subject, text and HTML, as reviewed
    /// snapshots (`src/mail/snapshots/`): a change of wording or layout
    /// shows up in review.
    #[test]
    fn the_catalogue_as_sent() {
        for lang in [Lang::Ko, Lang::En] {
            for (name, notice) in catalogue(lang) {
                let email = notice.render(&letterhead()).unwrap();
                let html = email.html.expect("every notice has an HTML part");
                let sent = format!(
                    "Subject: {}\n\n--- text/plain ---\n{}\n--- text/html ---\n{}",
                    email.subject, email.text, html
                );
                insta::assert_snapshot!(format!("{name}_{}", lang.code()), sent);
            }
        }
    }

    /// The HTML part says what the text part says: every paragraph, the
    /// code and the link, escaped; nothing loaded from elsewhere.
    #[test]
    fn the_html_part_says_what_the_text_says() {
        for lang in [Lang::Ko, Lang::En] {
            for (name, notice) in catalogue(lang) {
                let email = notice.render(&letterhead()).unwrap();
                let html = email.html.expect("html");
                for p in &notice.paragraphs {
                    let escaped = p
                        .replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                        .replace('"', "&#34;")
                        .replace('\'', "&#39;");
                    assert!(html.contains(&escaped), "{name} {lang:?}: {p}");
                }
                for part in notice.code.iter().chain(notice.link.iter()) {
                    assert!(html.contains(part.as_str()), "{name}: {part}");
                }
                assert!(
                    !html.contains("<img") && !html.contains("<link") && !html.contains("<script"),
                    "{name}"
                );
                assert!(!html.contains("src="), "{name}: nothing loaded from elsewhere");
            }
        }
    }
}
