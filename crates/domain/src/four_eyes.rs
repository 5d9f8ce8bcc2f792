//! Four eyes on the decisions that wait for the privacy officer (a
//! deletion's completion, every refusal): who may approve one, given who
//! decided it and whether another privacy officer is there to ask.

use crate::wire::wire_enum;

wire_enum! {
    /// Whether a privacy officer may approve a decision they made themselves.
    #[derive(Default)]
    FourEyes, "four-eyes setting" {
        /// Never: the decision waits for another privacy officer.
        Required => "required",
        /// Only while no other privacy officer is active (a desk with one
        /// officer still works).
        #[default]
        WhenPossible => "when_possible",
        /// Always (the decider's own approval is enough).
        Off => "off",
    }
}

/// Who must approve a pending decision, as the request page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// Any privacy officer.
    AnyOfficer,
    /// A privacy officer other than the one who decided.
    AnotherOfficer,
    /// Another privacy officer must approve, and none is active: the
    /// decision waits (or is sent back).
    NoOtherOfficer,
}

impl Approver {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::AnyOfficer => "staff.decision.approver.any_officer",
            Self::AnotherOfficer => "staff.decision.approver.another_officer",
            Self::NoOtherOfficer => "staff.decision.approver.no_other_officer",
        }
    }
}

/// Whether the decider's own approval is excluded under `policy`.
fn own_approval_excluded(policy: FourEyes, other_officer_active: bool) -> bool {
    match policy {
        FourEyes::Required => true,
        FourEyes::WhenPossible => other_officer_active,
        FourEyes::Off => false,
    }
}

/// Who must approve a decision made by a privacy officer
/// (`decided_by_officer`) or by the privacy department, when
/// `other_officer_active` says whether an active privacy officer other
/// than the decider exists.
pub fn approver(policy: FourEyes, decided_by_officer: bool, other_officer_active: bool) -> Approver {
    if !decided_by_officer || !own_approval_excluded(policy, other_officer_active) {
        Approver::AnyOfficer
    } else if other_officer_active {
        Approver::AnotherOfficer
    } else {
        Approver::NoOtherOfficer
    }
}

/// Whether the privacy officer `approver_id` may approve a decision that
/// `decider_id` made: anyone but the decider, and the decider too where
/// `policy` allows it. The page offers the approval and the server accepts
/// it by this one rule.
pub fn may_approve(
    policy: FourEyes,
    approver_id: &str,
    decider_id: &str,
    other_officer_active: bool,
) -> bool {
    approver_id != decider_id || !own_approval_excluded(policy, other_officer_active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FourEyes::*;

    #[test]
    fn who_may_approve_a_decision() {
        // (policy, approver is the decider, another officer active, may approve)
        let table = [
            (Required, true, true, false),
            (Required, true, false, false),
            (Required, false, true, true),
            (Required, false, false, true),
            (WhenPossible, true, true, false),
            (WhenPossible, true, false, true),
            (WhenPossible, false, true, true),
            (WhenPossible, false, false, true),
            (Off, true, true, true),
            (Off, true, false, true),
            (Off, false, true, true),
        ];
        for (policy, own, other, expected) in table {
            let approver_id = if own { "cpo-1" } else { "cpo-2" };
            assert_eq!(
                may_approve(policy, approver_id, "cpo-1", other),
                expected,
                "{policy} own={own} other={other}"
            );
        }
    }

    #[test]
    fn what_the_page_says_about_who_approves() {
        // (policy, decided by an officer, another officer active, approver)
        let table = [
            (Required, true, true, Approver::AnotherOfficer),
            (Required, true, false, Approver::NoOtherOfficer),
            (Required, false, false, Approver::AnyOfficer),
            (WhenPossible, true, true, Approver::AnotherOfficer),
            (WhenPossible, true, false, Approver::AnyOfficer),
            (WhenPossible, false, true, Approver::AnyOfficer),
            (Off, true, true, Approver::AnyOfficer),
            (Off, true, false, Approver::AnyOfficer),
        ];
        for (policy, officer, other, expected) in table {
            assert_eq!(
                approver(policy, officer, other),
                expected,
                "{policy} {officer} {other}"
            );
        }
    }

    #[test]
    fn the_setting_is_read_by_its_wire_name_and_defaults_to_when_possible() {
        assert_eq!("required".parse(), Ok(Required));
        assert_eq!("when_possible".parse(), Ok(WhenPossible));
        assert_eq!("off".parse(), Ok(Off));
        assert!("sometimes".parse::<FourEyes>().is_err());
        assert_eq!(FourEyes::default(), WhenPossible);
    }
}
