//! The public request form as a domain rule: raw values in, either a
//! submission every later step may trust, or the list of problems, each
//! tied to its field.

use super::document::{self, DocumentError, DocumentType};
use super::identifier::{Email, Phone};
use super::request::{OnBehalf, RequestKind};
use super::text;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 5000;
pub const MAX_CATEGORIES: usize = 50;

/// The form exactly as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSubmission {
    pub kind: String,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: String,
    pub on_behalf: String,
    pub subject_name: String,
    pub subject_email: String,
    pub details: String,
    pub correction: String,
    pub categories: Vec<String>,
    /// A field people never see; only robots fill it.
    pub website: String,
}

/// The uploaded authority document, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    None,
    File {
        filename: String,
        bytes: Vec<u8>,
    },
    /// The file went past the size limit while it was read.
    TooLarge,
    /// No file, because the channel that logged the request (staff on the
    /// phone, another system) checked the agent's authority itself.
    CheckedOnChannel,
}

/// An accepted document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedDocument {
    pub kind: DocumentType,
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl AcceptedDocument {
    pub fn as_ref(&self) -> super::document::AcceptedDocumentRef<'_> {
        super::document::AcceptedDocumentRef {
            kind: self.kind,
            filename: &self.filename,
            bytes: &self.bytes,
        }
    }
}

/// A valid submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub kind: RequestKind,
    pub on_behalf: OnBehalf,
    pub requester_name: String,
    pub requester_email: Email,
    pub requester_phone: Option<Phone>,
    pub subject_name: String,
    pub subject_email: Email,
    pub details: String,
    pub correction: Option<String>,
    /// Codes of the data categories concerned; empty means all.
    pub categories: Vec<String>,
    pub authority_document: Option<AcceptedDocument>,
}

/// One problem: the field it belongs to and the message key that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

fn err(field: &'static str, message: &'static str) -> FieldError {
    FieldError { field, message }
}

/// Whether `text` holds something shaped like a Korean resident
/// registration number (YYMMDD-GNNNNNN), which the desk must not collect.
pub fn contains_resident_registration_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    for start in 0..chars.len() {
        if start > 0 && digit(start - 1) {
            continue;
        }
        if !(0..6).all(|k| digit(start + k)) {
            continue;
        }
        let mut i = start + 6;
        if matches!(chars.get(i), Some('-' | ' ' | '–')) {
            i += 1;
        }
        let gender_ok = chars.get(i).is_some_and(|c| ('1'..='8').contains(c));
        if gender_ok && (1..7).all(|k| digit(i + k)) && !digit(i + 7) {
            return true;
        }
    }
    false
}

/// The rule for free text a person types: trimmed, required or not, at
/// most `max` characters, no control characters (but line breaks and tabs)
/// or direction overrides, and never a resident registration number.
/// Returns the trimmed text, or the message key of the problem.
pub fn free_text(value: &str, required: bool, max: usize) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            return Err("form.errors.required");
        }
    } else if value.chars().count() > max {
        return Err("form.errors.too_long");
    } else if value.chars().any(text::is_forbidden_in_text) {
        return Err("form.errors.hidden_characters");
    } else if contains_resident_registration_number(value) {
        return Err("form.errors.rrn");
    }
    Ok(value.to_owned())
}

/// [`free_text`] that must also be one plain line (a name): no line breaks,
/// control characters or invisible reordering characters, which would let
/// the text pass for something else where it is shown (an email's first
/// line, say).
pub fn line_text(value: &str, required: bool, max: usize) -> Result<String, &'static str> {
    if !text::is_single_line(value.trim()) {
        return Err("form.errors.single_line");
    }
    free_text(value, required, max)
}

/// A required message a requester writes (more information, an
/// objection): checked by [`free_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequesterText(String);

impl RequesterText {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        free_text(raw, true, MAX_TEXT_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text a staff member writes that others read — a note, a hold's reason,
/// a prolongation's reasons, a decision's explanation, a message to the
/// requester: checked like a requester's ([`free_text`]), so what reaches
/// a page, an email or the audit trail reads as it looks and carries no
/// resident registration number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffText(String);

impl StaffText {
    /// Required text; the error is a message key.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        free_text(raw, true, MAX_TEXT_CHARS).map(Self)
    }

    /// Text that may be left empty (none, then).
    pub fn optional(raw: &str) -> Result<Option<Self>, &'static str> {
        free_text(raw, false, MAX_TEXT_CHARS).map(|t| (!t.is_empty()).then_some(Self(t)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

fn text_field(
    checked: Result<String, &'static str>,
    value: &str,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> String {
    checked.unwrap_or_else(|message| {
        errors.push(err(field, message));
        value.trim().to_owned()
    })
}

/// Accepts an uploaded file: recognised by its content, safely named.
pub fn accept_upload(filename: &str, bytes: Vec<u8>) -> Result<AcceptedDocument, DocumentError> {
    let kind = document::detect(&bytes)?;
    Ok(AcceptedDocument {
        kind,
        filename: document::safe_filename(filename, kind),
        bytes,
    })
}

/// An optional document sent with a message: none, or an accepted file, or
/// the message key of the problem.
pub fn optional_document(upload: Upload) -> Result<Option<AcceptedDocument>, &'static str> {
    match upload {
        Upload::None | Upload::CheckedOnChannel => Ok(None),
        Upload::TooLarge => Err(DocumentError::TooLarge.message_key()),
        Upload::File { filename, bytes } => accept_upload(&filename, bytes)
            .map(Some)
            .map_err(DocumentError::message_key),
    }
}

fn email_field(value: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Email> {
    Email::parse(value)
        .map_err(|e| errors.push(err(field, e.message_key())))
        .ok()
}

/// Checks a submission. `known_categories` are the codes the desk offers;
/// `phone_region` is where national phone numbers are read.
pub fn validate(
    raw: &RawSubmission,
    upload: Upload,
    known_categories: &[String],
    phone_region: Option<&str>,
) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !raw.website.trim().is_empty() {
        errors.push(err("website", "form.errors.honeypot"));
    }
    let kind = match raw.kind.trim() {
        "" => {
            errors.push(err("kind", "form.errors.choose_kind"));
            None
        }
        k => k.parse::<RequestKind>().ok().or_else(|| {
            errors.push(err("kind", "form.errors.choose_kind"));
            None
        }),
    };
    let on_behalf = match raw.on_behalf.trim() {
        "" => Some(OnBehalf::SelfRequest),
        v => v.parse::<OnBehalf>().ok().or_else(|| {
            errors.push(err("on_behalf", "form.errors.choose_on_behalf"));
            None
        }),
    };
    let requester_name = text_field(
        line_text(&raw.requester_name, true, MAX_NAME_CHARS),
        &raw.requester_name,
        "requester_name",
        &mut errors,
    );
    let requester_email = email_field(&raw.requester_email, "requester_email", &mut errors);
    let requester_phone = match raw.requester_phone.trim() {
        "" => None,
        p => match Phone::parse(p, phone_region) {
            Ok(phone) => Some(phone),
            Err(_) => {
                errors.push(err("requester_phone", "form.errors.phone_invalid"));
                None
            }
        },
    };
    let is_agent = on_behalf.is_some_and(OnBehalf::needs_authority_document);
    let (subject_name, subject_email) = if is_agent {
        (
            text_field(
                line_text(&raw.subject_name, true, MAX_NAME_CHARS),
                &raw.subject_name,
                "subject_name",
                &mut errors,
            ),
            email_field(&raw.subject_email, "subject_email", &mut errors),
        )
    } else {
        (requester_name.clone(), requester_email.clone())
    };
    let details = text_field(
        free_text(&raw.details, false, MAX_TEXT_CHARS),
        &raw.details,
        "details",
        &mut errors,
    );
    let correction_required = kind == Some(RequestKind::Correction);
    let correction = text_field(
        free_text(&raw.correction, correction_required, MAX_TEXT_CHARS),
        &raw.correction,
        "correction",
        &mut errors,
    );

    let mut categories: Vec<String> = Vec::new();
    for code in raw.categories.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !known_categories.iter().any(|k| k == code) {
            errors.push(err("categories", "form.errors.category_unknown"));
            break;
        }
        if !categories.iter().any(|c| c == code) {
            categories.push(code.to_owned());
        }
    }
    if categories.len() > MAX_CATEGORIES {
        errors.push(err("categories", "form.errors.too_many"));
    }

    let authority_document = match upload {
        Upload::TooLarge => {
            errors.push(err("authority_document", "form.errors.document_too_large"));
            None
        }
        Upload::None if is_agent => {
            errors.push(err("authority_document", "form.errors.document_required"));
            None
        }
        Upload::None | Upload::CheckedOnChannel => None,
        // A self-requester needs no authority document; one sent anyway is
        // not kept (the desk keeps no sensitive file it does not need).
        Upload::File { .. } if !is_agent => None,
        Upload::File { filename, bytes } => match accept_upload(&filename, bytes) {
            Ok(accepted) => Some(accepted),
            Err(e) => {
                errors.push(err("authority_document", e.message_key()));
                None
            }
        },
    };

    match (kind, on_behalf, requester_email, subject_email) {
        (Some(kind), Some(on_behalf), Some(requester_email), Some(subject_email)) if errors.is_empty() => {
            Ok(Submission {
                kind,
                on_behalf,
                requester_name,
                requester_email,
                requester_phone,
                subject_name,
                subject_email,
                details,
                correction: correction_required
                    .then_some(correction)
                    .filter(|c| !c.is_empty()),
                categories,
                authority_document,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_text_is_checked_like_a_requesters() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("  Called the requester.  ", Ok("Called the requester.")),
            (
                "Line one\nline two\twith a tab",
                Ok("Line one\nline two\twith a tab"),
            ),
            ("", Err("form.errors.required")),
            ("   ", Err("form.errors.required")),
            ("safe \u{202E}txt.exe", Err("form.errors.hidden_characters")),
            ("isolate \u{2066}x\u{2069}", Err("form.errors.hidden_characters")),
            ("bell \u{7}", Err("form.errors.hidden_characters")),
            ("RRN 900101-1234567 on file", Err("form.errors.rrn")),
            ("emoji 👩\u{200D}💻 joined", Ok("emoji 👩\u{200D}💻 joined")),
        ];
        for (raw, expected) in table {
            let got = StaffText::parse(raw);
            assert_eq!(
                got.as_ref().map(StaffText::as_str),
                expected.as_ref().map(|s| *s),
                "{raw:?}"
            );
            let requester = RequesterText::parse(raw);
            assert_eq!(
                requester.as_ref().map(RequesterText::as_str),
                expected.as_ref().map(|s| *s),
                "{raw:?}"
            );
        }
        assert_eq!(
            StaffText::parse(&"x".repeat(MAX_TEXT_CHARS + 1)),
            Err("form.errors.too_long")
        );
        assert_eq!(StaffText::optional("  "), Ok(None));
        assert_eq!(
            StaffText::optional(" a ").map(|t| t.map(StaffText::into_string)),
            Ok(Some("a".into()))
        );
    }

    fn known() -> Vec<String> {
        vec!["member_email".into(), "member_name".into()]
    }

    fn self_access() -> RawSubmission {
        RawSubmission {
            kind: "access".into(),
            requester_name: "김민지".into(),
            requester_email: "Minji@Example.com".into(),
            on_behalf: "self".into(),
            ..Default::default()
        }
    }

    fn pdf() -> Upload {
        Upload::File {
            filename: "poa.pdf".into(),
            bytes: b"%PDF-1.4 test".to_vec(),
        }
    }

    fn fields(result: Result<Submission, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_self_request_needs_only_kind_name_and_email() {
        let ok = validate(&self_access(), Upload::None, &known(), Some("KR")).unwrap();
        assert_eq!(ok.kind, RequestKind::Access);
        assert_eq!(ok.requester_email.as_str(), "minji@example.com");
        assert_eq!(ok.subject_email, ok.requester_email);
        assert_eq!(ok.subject_name, "김민지");
        assert!(ok.authority_document.is_none());
    }

    #[test]
    fn each_problem_is_named_beside_its_field() {
        let long = "가".repeat(MAX_NAME_CHARS + 1);
        type Change = Box<dyn Fn(&mut RawSubmission)>;
        type Expected = Vec<(&'static str, &'static str)>;
        let table: Vec<(Change, Upload, Expected)> = vec![
            (
                Box::new(|r| r.kind = "".into()),
                Upload::None,
                vec![("kind", "form.errors.choose_kind")],
            ),
            (
                Box::new(|r| r.kind = "erase".into()),
                Upload::None,
                vec![("kind", "form.errors.choose_kind")],
            ),
            (
                Box::new(|r| r.requester_name = " ".into()),
                Upload::None,
                vec![("requester_name", "form.errors.required")],
            ),
            (
                Box::new(move |r| r.requester_name = long.clone()),
                Upload::None,
                vec![("requester_name", "form.errors.too_long")],
            ),
            (
                Box::new(|r| {
                    r.requester_name = "Kim\nSecurity notice: log in at https://evil.example".into()
                }),
                Upload::None,
                vec![("requester_name", "form.errors.single_line")],
            ),
            (
                Box::new(|r| r.requester_name = "Kim \u{202E}nimda".into()),
                Upload::None,
                vec![("requester_name", "form.errors.single_line")],
            ),
            (
                Box::new(|r| r.requester_email = "minji@".into()),
                Upload::None,
                vec![("requester_email", "form.errors.email_invalid")],
            ),
            (
                Box::new(|r| r.requester_email = "".into()),
                Upload::None,
                vec![("requester_email", "form.errors.required")],
            ),
            (
                Box::new(|r| r.requester_phone = "12".into()),
                Upload::None,
                vec![("requester_phone", "form.errors.phone_invalid")],
            ),
            (
                Box::new(|r| r.on_behalf = "friend".into()),
                Upload::None,
                vec![("on_behalf", "form.errors.choose_on_behalf")],
            ),
            (
                Box::new(|r| r.kind = "correction".into()),
                Upload::None,
                vec![("correction", "form.errors.required")],
            ),
            (
                Box::new(|r| r.details = "x".repeat(MAX_TEXT_CHARS + 1)),
                Upload::None,
                vec![("details", "form.errors.too_long")],
            ),
            (
                Box::new(|r| r.details = "주민번호 900101-1234567 입니다".into()),
                Upload::None,
                vec![("details", "form.errors.rrn")],
            ),
            (
                Box::new(|r| r.categories = vec!["secret_sauce".into()]),
                Upload::None,
                vec![("categories", "form.errors.category_unknown")],
            ),
            (
                Box::new(|r| r.website = "http://spam".into()),
                Upload::None,
                vec![("website", "form.errors.honeypot")],
            ),
            (
                Box::new(|r| r.on_behalf = "delegate".into()),
                Upload::None,
                vec![
                    ("subject_name", "form.errors.required"),
                    ("subject_email", "form.errors.required"),
                    ("authority_document", "form.errors.document_required"),
                ],
            ),
        ];
        for (i, (change, upload, expected)) in table.into_iter().enumerate() {
            let mut raw = self_access();
            change(&mut raw);
            assert_eq!(
                fields(validate(&raw, upload, &known(), Some("KR"))),
                expected,
                "case {i}"
            );
        }
    }

    #[test]
    fn agents_need_the_subject_and_a_pdf_png_or_jpeg() {
        let mut raw = self_access();
        raw.kind = "correction".into();
        raw.correction = "이름: 이하늘 → 이하은".into();
        raw.on_behalf = "delegate".into();
        raw.subject_name = "이하은".into();
        raw.subject_email = "haeun@example.com".into();
        let ok = validate(&raw, pdf(), &known(), Some("KR")).unwrap();
        assert_eq!(ok.subject_email.as_str(), "haeun@example.com");
        assert_eq!(ok.authority_document.unwrap().kind, DocumentType::Pdf);

        let table = [
            (
                Upload::File {
                    filename: "poa.pdf".into(),
                    bytes: b"MZ".to_vec(),
                },
                "form.errors.document_type",
            ),
            (
                Upload::File {
                    filename: "poa.pdf".into(),
                    bytes: vec![],
                },
                "form.errors.document_empty",
            ),
            (Upload::TooLarge, "form.errors.document_too_large"),
        ];
        for (upload, message) in table {
            assert_eq!(
                fields(validate(&raw, upload, &known(), Some("KR"))),
                vec![("authority_document", message)]
            );
        }
    }

    #[test]
    fn a_self_requester_s_file_is_not_kept() {
        let ok = validate(&self_access(), pdf(), &known(), Some("KR")).unwrap();
        assert!(ok.authority_document.is_none());
    }

    #[test]
    fn categories_are_deduplicated() {
        let mut raw = self_access();
        raw.categories = vec!["member_email".into(), "member_email".into(), "".into()];
        let ok = validate(&raw, Upload::None, &known(), None).unwrap();
        assert_eq!(ok.categories, ["member_email"]);
    }

    #[test]
    fn resident_registration_numbers_are_spotted() {
        let table = [
            ("900101-1234567", true),
            ("9001011234567", true),
            ("번호는 900101 2234567 입니다", true),
            ("전화 010-1234-5678", false),
            ("주문번호 20261125-000123", false),
            ("900101-9234567", false),
            ("19900101-12345678", false),
        ];
        for (text, expected) in table {
            assert_eq!(contains_resident_registration_number(text), expected, "{text}");
        }
    }
}
