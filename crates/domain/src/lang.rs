//! Languages: Korean by default, English on request. Texts live in
//! `locales/`; code asks for them by key, never by literal.

use std::borrow::Cow;

use crate::citation::Citation;
use crate::wire::{UnknownValue, WireName};

/// A language of pages and notices; stored with a request as its code, so
/// its notices are written in the language it was made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::Ko, Lang::En];

    pub const fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The stored form: the language code.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// The other language, for the switcher.
    pub const fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// A provision of law as this language cites it.
    pub const fn cite(self, citation: Citation) -> &'static str {
        match self {
            Lang::Ko => citation.ko,
            Lang::En => citation.en,
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "ko" => Some(Lang::Ko),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The text of a message key in this language.
    pub fn t<'a>(self, key: &'a str) -> Cow<'a, str> {
        rust_i18n::t!(key, locale = self.code())
    }

    /// The text of a message key with `%{name}` placeholders filled in.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).into_owned();
        for (name, value) in args {
            text = text.replace(&format!("%{{{name}}}"), value);
        }
        text
    }

    /// The first supported language of an Accept-Language header, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }
}

impl std::str::FromStr for Lang {
    type Err = UnknownValue;

    /// Exactly `ko` or `en` (stored values); [`Lang::from_code`] is the
    /// lenient reader of what browsers send.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .iter()
            .copied()
            .find(|l| l.code() == s)
            .ok_or_else(|| UnknownValue {
                what: "language",
                value: s.to_owned(),
            })
    }
}

impl WireName for Lang {
    fn wire_name(self) -> &'static str {
        self.code()
    }

    fn from_wire_name(name: &str) -> Result<Self, UnknownValue> {
        name.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_by_weight() {
        let table = [
            ("ko-KR,ko;q=0.9,en;q=0.8", Some(Lang::Ko)),
            ("en-US,en;q=0.9", Some(Lang::En)),
            ("fr-FR, en;q=0.5, ko;q=0.7", Some(Lang::Ko)),
            ("fr, de", None),
            ("en;q=0", None),
            ("", None),
        ];
        for (header, expected) in table {
            assert_eq!(Lang::from_accept_language(header), expected, "{header:?}");
        }
    }

    fn translated(lang: Lang, key: &str) -> bool {
        let text = lang.t(key);
        text != key && !text.ends_with(&format!(".{key}"))
    }

    /// Every key a template or the code names literally, and every key
    /// built from a domain value, exists in both languages.
    #[test]
    fn every_key_exists_in_both_languages() {
        use crate::lifecycle::RequestStatus;
        use crate::request::{OnBehalf, RequestKind};
        let mut keys = Vec::new();
        // The workspace: every crate's sources and the templates.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut stack = vec![root.join("crates"), root.join("src"), root.join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in [
                    "lang.t(\"",
                    "lang.tf(\"",
                    ".t(\"",
                    "\"form.errors.",
                    "\"error.",
                    "\"refusal.",
                    "\"status.",
                ] {
                    for (i, _) in text.match_indices(marker) {
                        // A quoted marker is part of the key; the others precede it.
                        let from = if marker.starts_with('"') {
                            i + 1
                        } else {
                            i + marker.len()
                        };
                        let rest = &text[from..];
                        let key: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == '.')
                            .collect();
                        let complete = rest[key.len()..].starts_with('"');
                        if complete && key.contains('.') && !key.ends_with('.') {
                            keys.push(key);
                        }
                    }
                }
            }
        }
        assert!(keys.len() > 50, "found only {} keys", keys.len());
        for kind in RequestKind::ALL {
            for part in ["title", "summary", "article"] {
                keys.push(format!("kind.{kind}.{part}"));
            }
        }
        for status in RequestStatus::ALL {
            keys.push(format!("status.{status}.label"));
            keys.push(format!("status.{status}.help"));
            keys.push(format!("timeline.to.{status}"));
        }
        for jurisdiction in crate::jurisdiction::Jurisdiction::ALL {
            keys.push(format!("jurisdiction.{jurisdiction}"));
        }
        for who in OnBehalf::ALL {
            keys.push(format!("form.on_behalf.{who}"));
            keys.push(format!("form.on_behalf.{who}_hint"));
        }
        // The staff pages and notices build these from domain values.
        fn family<T: std::fmt::Display>(keys: &mut Vec<String>, prefix: &str, all: &[T]) {
            keys.extend(all.iter().map(|v| format!("{prefix}{v}")));
        }
        use crate::{audit, catalog, decision, document, hold, request, retention, staff, task};
        keys.extend(
            audit::AuditAction::ALL
                .iter()
                .map(|a| format!("staff.audit.{}", a.as_str().replace('.', "_"))),
        );
        family(&mut keys, "staff.role.", staff::StaffRole::ALL);
        family(&mut keys, "staff.verification.", request::VerificationState::ALL);
        family(&mut keys, "staff.hold_reason.", hold::HoldReason::ALL);
        family(
            &mut keys,
            "staff.document_purpose.",
            document::DocumentPurpose::ALL,
        );
        family(&mut keys, "staff.check.", decision::AuthorityCheck::ALL);
        family(&mut keys, "staff.task_status.", task::TaskStatus::ALL);
        family(&mut keys, "staff.task_outcome.", task::TaskOutcome::ALL);
        family(
            &mut keys,
            "staff.decision.outcome.",
            decision::DecisionOutcome::ALL,
        );
        family(&mut keys, "staff.decision.state.", decision::DecisionState::ALL);
        family(&mut keys, "staff.author.", request::MessageAuthor::ALL);
        family(&mut keys, "staff.function.", catalog::DepartmentFunction::ALL);
        family(&mut keys, "staff.retention.", retention::RetentionBasis::ALL);
        family(&mut keys, "staff.admin.mode_", task::RoutingMode::ALL);
        family(
            &mut keys,
            "staff.integrations.failure.",
            crate::webhook::DeliveryFailure::ALL,
        );
        family(&mut keys, "channel.", request::Channel::ALL);
        family(&mut keys, "identity_rejection.", decision::IdentityRejection::ALL);
        family(&mut keys, "ground.", decision::RefusalGround::ALL);
        family(&mut keys, "email.decision.completed.", RequestKind::ALL);
        for key in [
            "not_found",
            "bad_request",
            "forbidden",
            "conflict",
            "too_large",
            "too_many_requests",
            "unavailable",
            "internal",
            "method_not_allowed",
            "unprocessable",
            "unauthorized",
        ] {
            keys.push(format!("error.{key}.title"));
            keys.push(format!("error.{key}.message"));
        }
        for key in &keys {
            for lang in [Lang::Ko, Lang::En] {
                assert!(translated(lang, key), "{key} is missing in {}", lang.code());
            }
        }
    }
}
