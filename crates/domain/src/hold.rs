//! Holds: the freeze on a data subject's data while a dispute is open. What
//! a hold covers and why it was placed.

use std::fmt;

use super::lifecycle::RequestStatus;
use crate::wire::wire_enum;

wire_enum! {
    /// Why data is frozen.
    HoldReason, "hold reason" {
        /// A correction request is pending: the data may be wrong.
        CorrectionPending => "correction_pending",
        /// A deletion request is pending.
        DeletionPending => "deletion_pending",
        /// The subject asked for processing to stop (PIPA Art. 37).
        ProcessingSuspended => "processing_suspended",
        /// The subject objects to processing or to a decision.
        Objection => "objection",
        /// The privacy officer froze the data for a legal claim.
        LegalHold => "legal_hold",
        /// A deletion separated the data because a law requires keeping
        /// it: it may be used for that purpose only, until the retention
        /// ends and it is destroyed (PIPA Art. 21(3)).
        RetainedByLaw => "retained_by_law",
    }
}

impl HoldReason {
    /// Whether a request's move into `to` ends a hold of this reason that
    /// the request placed. A pending correction or deletion, and an
    /// objection, freeze data until the request ends however it ends; a
    /// suspension ends only if it was refused, withdrawn or expired — an
    /// accepted one stays until the subject asks to lift it and a privacy
    /// officer ends it; a legal hold ends only by the officer's hand.
    pub const fn lifted_when_request_enters(self, to: RequestStatus) -> bool {
        match self {
            Self::LegalHold | Self::RetainedByLaw => false,
            Self::ProcessingSuspended => {
                matches!(
                    to,
                    RequestStatus::Refused | RequestStatus::Withdrawn | RequestStatus::Expired
                )
            }
            Self::CorrectionPending | Self::DeletionPending | Self::Objection => to.is_closed(),
        }
    }

    /// Whether a privacy officer may end an active hold of this reason by
    /// hand (with a reason) while its request is in `status`: a legal hold
    /// at any time; a suspension once the request granting it has ended.
    /// Holds of pending requests end with their request, never by hand;
    /// data retained by law, when it is destroyed.
    pub const fn may_be_lifted_by_hand(self, status: RequestStatus) -> bool {
        match self {
            Self::LegalHold => true,
            Self::ProcessingSuspended => status.is_closed(),
            Self::CorrectionPending | Self::DeletionPending | Self::Objection | Self::RetainedByLaw => false,
        }
    }
}

/// A hold's own reason text (placing a legal hold, ending one by hand):
/// required, trimmed, at most this many characters.
pub const HOLD_NOTE_MAX: usize = 1000;

/// The reason text given for placing or ending a hold by hand, trimmed;
/// `None` when empty or too long.
pub fn hold_note(raw: &str) -> Option<String> {
    let note = raw.trim();
    (!note.is_empty() && note.chars().count() <= HOLD_NOTE_MAX).then(|| note.to_owned())
}

/// What a hold covers: all of the subject's data, or named data categories
/// and systems (by code). Stored one row per category or system, so "is
/// this category frozen?" is an indexed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldScope {
    All,
    Only {
        /// Data category codes, sorted.
        categories: Vec<String>,
        /// Data system codes, sorted.
        systems: Vec<String>,
    },
}

impl HoldScope {
    /// The scope of a request about `category_codes`: none named means all.
    pub fn of_categories(category_codes: &[String]) -> Self {
        Self::of(category_codes.to_vec(), Vec::new())
    }

    /// A scope of categories and systems; both empty means all.
    pub fn of(mut categories: Vec<String>, mut systems: Vec<String>) -> Self {
        if categories.is_empty() && systems.is_empty() {
            return Self::All;
        }
        categories.sort();
        categories.dedup();
        systems.sort();
        systems.dedup();
        Self::Only { categories, systems }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }
}

/// What part of a subject's data a system asks about: everything, one data
/// category (with the system that holds it), or one data system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    Everything,
    Category { code: String, system: String },
    System(String),
}

impl HoldScope {
    /// Whether a hold of this scope freezes what `question` asks about.
    /// `category_systems` pairs each category of the scope with its system.
    /// A hold on a category freezes that category, and in part the system
    /// holding it; a hold on a system freezes every category it holds.
    pub fn covers(&self, category_systems: &[(String, String)], question: &Question) -> bool {
        let Self::Only { categories, systems } = self else {
            return true;
        };
        match question {
            Question::Everything => true,
            Question::Category { code, system } => categories.contains(code) || systems.contains(system),
            Question::System(system) => {
                systems.contains(system) || category_systems.iter().any(|(_, s)| s == system)
            }
        }
    }
}

/// `all`, or the category codes then `system:`-prefixed system codes,
/// comma-separated (the form the audit trail shows).
impl fmt::Display for HoldScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Only { categories, systems } => {
                let parts: Vec<String> = categories
                    .iter()
                    .cloned()
                    .chain(systems.iter().map(|s| format!("system:{s}")))
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_end_with_their_request_by_reason() {
        use HoldReason::*;
        use RequestStatus::*;
        // (reason, status entered, lifted)
        let table = [
            (CorrectionPending, Verifying, false),
            (CorrectionPending, InProgress, false),
            (CorrectionPending, RequestStatus::Objection, false),
            (CorrectionPending, Completed, true),
            (CorrectionPending, PartiallyCompleted, true),
            (CorrectionPending, Refused, true),
            (CorrectionPending, Withdrawn, true),
            (CorrectionPending, Expired, true),
            (DeletionPending, Completed, true),
            (DeletionPending, AwaitingApproval, false),
            (HoldReason::Objection, Refused, true),
            (HoldReason::Objection, Completed, true),
            (ProcessingSuspended, Completed, false),
            (ProcessingSuspended, PartiallyCompleted, false),
            (ProcessingSuspended, Refused, true),
            (ProcessingSuspended, Withdrawn, true),
            (ProcessingSuspended, Expired, true),
            (ProcessingSuspended, InProgress, false),
            (LegalHold, Completed, false),
            (LegalHold, Refused, false),
            (LegalHold, Withdrawn, false),
            (LegalHold, Expired, false),
            (RetainedByLaw, Completed, false),
            (RetainedByLaw, PartiallyCompleted, false),
            (RetainedByLaw, Refused, false),
            (RetainedByLaw, Withdrawn, false),
        ];
        for (reason, to, lifted) in table {
            assert_eq!(reason.lifted_when_request_enters(to), lifted, "{reason} -> {to}");
        }
    }

    #[test]
    fn only_legal_holds_and_granted_suspensions_end_by_hand() {
        use HoldReason::*;
        use RequestStatus::*;
        let table = [
            (LegalHold, InProgress, true),
            (LegalHold, Completed, true),
            (ProcessingSuspended, Completed, true),
            (ProcessingSuspended, PartiallyCompleted, true),
            (ProcessingSuspended, InProgress, false),
            (ProcessingSuspended, AwaitingApproval, false),
            (CorrectionPending, InProgress, false),
            (CorrectionPending, Completed, false),
            (DeletionPending, AwaitingApproval, false),
            (HoldReason::Objection, RequestStatus::Objection, false),
            (RetainedByLaw, Completed, false),
            (RetainedByLaw, InProgress, false),
        ];
        for (reason, status, allowed) in table {
            assert_eq!(
                reason.may_be_lifted_by_hand(status),
                allowed,
                "{reason} in {status}"
            );
        }
    }

    #[test]
    fn a_scope_covers_what_it_names_and_what_holds_it() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let pairs = vec![("member_name".to_owned(), "CRM".to_owned())];
        let category = |code: &str, system: &str| Question::Category {
            code: code.into(),
            system: system.into(),
        };
        let by_category = HoldScope::of(s(&["member_name"]), Vec::new());
        let by_system = HoldScope::of(Vec::new(), s(&["BILLING"]));
        let table = [
            (&HoldScope::All, Question::Everything, true),
            (&HoldScope::All, category("member_email", "CRM"), true),
            (&HoldScope::All, Question::System("BILLING".into()), true),
            (&by_category, Question::Everything, true),
            (&by_category, category("member_name", "CRM"), true),
            (&by_category, category("member_email", "CRM"), false),
            (&by_category, Question::System("CRM".into()), true),
            (&by_category, Question::System("BILLING".into()), false),
            (&by_system, category("invoice_address", "BILLING"), true),
            (&by_system, category("member_name", "CRM"), false),
            (&by_system, Question::System("BILLING".into()), true),
            (&by_system, Question::System("CRM".into()), false),
        ];
        for (scope, question, covered) in table {
            let pairs = if matches!(scope, HoldScope::Only { systems, .. } if systems.is_empty()) {
                pairs.clone()
            } else {
                Vec::new()
            };
            assert_eq!(scope.covers(&pairs, &question), covered, "{scope} / {question:?}");
        }
    }

    #[test]
    fn hold_notes_are_required_and_bounded() {
        assert_eq!(
            hold_note("  litigation 2026-D-113 "),
            Some("litigation 2026-D-113".into())
        );
        assert_eq!(hold_note("   "), None);
        assert_eq!(
            hold_note(&"x".repeat(HOLD_NOTE_MAX)).map(|n| n.len()),
            Some(HOLD_NOTE_MAX)
        );
        assert_eq!(hold_note(&"x".repeat(HOLD_NOTE_MAX + 1)), None);
    }

    #[test]
    fn scopes_are_normalised_and_printed() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let table = [
            (HoldScope::of_categories(&[]), "all", true),
            (
                HoldScope::of_categories(&s(&["member_name", "member_email", "member_name"])),
                "member_email,member_name",
                false,
            ),
            (
                HoldScope::of(s(&["inquiry_phone"]), s(&["CRM"])),
                "inquiry_phone,system:CRM",
                false,
            ),
        ];
        for (scope, shown, all) in table {
            assert_eq!(scope.to_string(), shown);
            assert_eq!(scope.is_all(), all);
        }
    }
}
