//! The request lifecycle: one table of allowed transitions and who may make
//! each. Anything not in the table is refused with an error value.

use super::actor::ActorRole;
use super::request::{OnBehalf, RequestKind, VerificationState};
use crate::wire::wire_enum;

wire_enum! {
    /// Where a request stands.
    RequestStatus, "status" {
        /// Received; the requester has not yet confirmed their email.
        Unverified => "unverified",
        /// Identity or authority documents are under staff review.
        Verifying => "verifying",
        /// Verified: the company is working on it.
        InProgress => "in_progress",
        /// Staff asked the requester for more information.
        AwaitingRequester => "awaiting_requester",
        /// The privacy officer must approve destruction or a refusal.
        AwaitingApproval => "awaiting_approval",
        /// Access given for good cause at a later date (access only).
        Postponed => "postponed",
        Completed => "completed",
        PartiallyCompleted => "partially_completed",
        Refused => "refused",
        /// Withdrawn by the requester.
        Withdrawn => "withdrawn",
        /// Never verified within the allowed time.
        Expired => "expired",
        /// The requester objects to a decision; work reopens.
        Objection => "objection",
    }
}

impl RequestStatus {
    /// A decision has been taken or the request has ended: no work is open.
    pub const fn is_closed(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::PartiallyCompleted | Self::Refused | Self::Withdrawn | Self::Expired
        )
    }

    /// No decision yet and no date chosen by staff: the due date is the one
    /// counted from receipt, and is counted again when the calendar changes.
    pub const fn due_date_is_counted(self) -> bool {
        !self.is_closed() && !matches!(self, Self::Postponed)
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindRule {
    Any,
    /// Only kinds that may be postponed (access).
    Postponable,
    /// Only kinds whose completion destroys no data: completing a deletion
    /// or suspension needs the privacy officer.
    NonDestroying,
}

impl KindRule {
    pub fn admits(self, kind: RequestKind) -> bool {
        match self {
            KindRule::Any => true,
            KindRule::Postponable => kind.may_be_postponed(),
            KindRule::NonDestroying => !kind.destroys_data(),
        }
    }
}

/// One allowed move of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionRule {
    pub from: RequestStatus,
    pub to: RequestStatus,
    pub actors: &'static [ActorRole],
    pub kinds: KindRule,
}

use ActorRole::{
    DepartmentLead as LEAD, Handler as HANDLER, PrivacyOfficer as OFFICER, Requester as REQUESTER,
    Service as SERVICE, System as SYSTEM,
};
use RequestStatus::*;

const STAFF: &[ActorRole] = &[HANDLER, LEAD, OFFICER];
const OFFICER_ONLY: &[ActorRole] = &[OFFICER];
const REQUESTER_ONLY: &[ActorRole] = &[REQUESTER];

const fn rule(from: RequestStatus, to: RequestStatus, actors: &'static [ActorRole]) -> TransitionRule {
    TransitionRule {
        from,
        to,
        actors,
        kinds: KindRule::Any,
    }
}

const fn rule_for(
    from: RequestStatus,
    to: RequestStatus,
    actors: &'static [ActorRole],
    kinds: KindRule,
) -> TransitionRule {
    TransitionRule {
        from,
        to,
        actors,
        kinds,
    }
}

/// Every allowed transition. A pair may appear twice when different actors
/// are allowed for different kinds of request.
pub const TRANSITIONS: &[TransitionRule] = &[
    // Verification.
    rule(Unverified, Verifying, &[REQUESTER, SYSTEM]),
    rule(
        Unverified,
        InProgress,
        &[REQUESTER, HANDLER, LEAD, OFFICER, SYSTEM, SERVICE],
    ),
    rule(Unverified, Expired, &[SYSTEM]),
    rule(Unverified, Withdrawn, REQUESTER_ONLY),
    rule(Verifying, InProgress, STAFF),
    rule(Verifying, AwaitingRequester, STAFF),
    rule(Verifying, AwaitingApproval, STAFF),
    rule(Verifying, Refused, OFFICER_ONLY),
    rule(Verifying, Withdrawn, REQUESTER_ONLY),
    // Work.
    rule(InProgress, AwaitingRequester, STAFF),
    rule(
        AwaitingRequester,
        InProgress,
        &[REQUESTER, HANDLER, LEAD, OFFICER],
    ),
    rule(AwaitingRequester, Verifying, &[REQUESTER, HANDLER, LEAD, OFFICER]),
    rule(InProgress, AwaitingApproval, STAFF),
    rule_for(InProgress, Postponed, STAFF, KindRule::Postponable),
    rule(Postponed, InProgress, &[HANDLER, LEAD, OFFICER, SYSTEM]),
    // Decisions.
    rule_for(InProgress, Completed, &[HANDLER, LEAD], KindRule::NonDestroying),
    rule(InProgress, Completed, OFFICER_ONLY),
    rule_for(
        InProgress,
        PartiallyCompleted,
        &[HANDLER, LEAD],
        KindRule::NonDestroying,
    ),
    rule(InProgress, PartiallyCompleted, OFFICER_ONLY),
    rule(InProgress, Refused, OFFICER_ONLY),
    rule(AwaitingApproval, Completed, OFFICER_ONLY),
    rule(AwaitingApproval, PartiallyCompleted, OFFICER_ONLY),
    rule(AwaitingApproval, Refused, OFFICER_ONLY),
    rule(AwaitingApproval, InProgress, OFFICER_ONLY),
    // Objection to a decision reopens the work.
    rule(Completed, Objection, REQUESTER_ONLY),
    rule(PartiallyCompleted, Objection, REQUESTER_ONLY),
    rule(Refused, Objection, REQUESTER_ONLY),
    // So does an objection to a postponement (PIPA Decree 42(2): the
    // notice says how to object).
    rule(Postponed, Objection, REQUESTER_ONLY),
    rule(Objection, InProgress, STAFF),
    rule(Objection, AwaitingApproval, STAFF),
    rule(Objection, Completed, OFFICER_ONLY),
    rule(Objection, PartiallyCompleted, OFFICER_ONLY),
    rule(Objection, Refused, OFFICER_ONLY),
    // The requester may withdraw while anything is still open.
    rule(InProgress, Withdrawn, REQUESTER_ONLY),
    rule(AwaitingRequester, Withdrawn, REQUESTER_ONLY),
    rule(AwaitingApproval, Withdrawn, REQUESTER_ONLY),
    rule(Postponed, Withdrawn, REQUESTER_ONLY),
    rule(Objection, Withdrawn, REQUESTER_ONLY),
];

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a request cannot go from {from} to {to}")]
    NoSuchTransition { from: RequestStatus, to: RequestStatus },
    #[error("a {kind} request cannot go from {from} to {to}")]
    NotForKind {
        kind: RequestKind,
        from: RequestStatus,
        to: RequestStatus,
    },
    #[error("{actor} may not move a {kind} request from {from} to {to}")]
    ActorNotAllowed {
        actor: String,
        kind: RequestKind,
        from: RequestStatus,
        to: RequestStatus,
    },
}

impl TransitionError {
    /// The status the request was in.
    pub fn from(&self) -> RequestStatus {
        match self {
            Self::NoSuchTransition { from, .. }
            | Self::NotForKind { from, .. }
            | Self::ActorNotAllowed { from, .. } => *from,
        }
    }
}

/// Checks one transition against the table. `actor` is `None` for actors
/// who take no decisions on requests (admins, service tokens).
pub fn check_transition(
    kind: RequestKind,
    from: RequestStatus,
    to: RequestStatus,
    actor: Option<ActorRole>,
) -> Result<&'static TransitionRule, TransitionError> {
    let mut pair_exists = false;
    let mut kind_admitted = false;
    for rule in TRANSITIONS.iter().filter(|r| r.from == from && r.to == to) {
        pair_exists = true;
        if !rule.kinds.admits(kind) {
            continue;
        }
        kind_admitted = true;
        if actor.is_some_and(|a| rule.actors.contains(&a)) {
            return Ok(rule);
        }
    }
    Err(if !pair_exists {
        TransitionError::NoSuchTransition { from, to }
    } else if !kind_admitted {
        TransitionError::NotForKind { kind, from, to }
    } else {
        TransitionError::ActorNotAllowed {
            actor: actor.map_or("this actor", ActorRole::as_str).to_owned(),
            kind,
            from,
            to,
        }
    })
}

/// Whether the requester may move a request of `kind` from `from` to `to`:
/// the transition table, asked on the requester's behalf.
pub fn requester_may(kind: RequestKind, from: RequestStatus, to: RequestStatus) -> bool {
    check_transition(kind, from, to, Some(ActorRole::Requester)).is_ok()
}

/// What the requester may do with their request now. The status page
/// offers exactly these, and the workflows that carry them out ask the same
/// rules (withdrawal and objection through the transition table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequesterOptions {
    /// Send a message or a document: once verified, while the request is open.
    pub add_information: bool,
    pub withdraw: bool,
    /// Object to a decision.
    pub object: bool,
}

impl RequesterOptions {
    pub fn of(kind: RequestKind, status: RequestStatus) -> Self {
        Self {
            add_information: !status.is_closed() && status != RequestStatus::Unverified,
            withdraw: requester_may(kind, status, RequestStatus::Withdrawn),
            object: requester_may(kind, status, RequestStatus::Objection),
        }
    }
}

/// How much proof of identity the deployment wants before work starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdentityPolicy {
    /// Email control alone does not verify a self-requester: staff review
    /// a document too (as they always do for agents).
    pub self_requests_need_review: bool,
}

impl IdentityPolicy {
    /// Whether what has been proven lets work start. Agents must have their
    /// authority document accepted (PIPA Decree 45), or staff confirm on
    /// another channel; email control is enough for a self-requester unless
    /// the deployment wants a review.
    pub fn identity_established(self, on_behalf: OnBehalf, proven: VerificationState) -> bool {
        match proven {
            VerificationState::Pending => false,
            VerificationState::EmailConfirmed => {
                !on_behalf.needs_authority_document() && !self.self_requests_need_review
            }
            VerificationState::DocumentAccepted | VerificationState::StaffConfirmed => true,
        }
    }

    /// Where a request goes once the requester has done their part (confirmed
    /// their email, or sent the information asked for): to work when
    /// identity is established, otherwise to staff review.
    pub fn status_after_requester(self, on_behalf: OnBehalf, proven: VerificationState) -> RequestStatus {
        if self.identity_established(on_behalf, proven) {
            RequestStatus::InProgress
        } else {
            RequestStatus::Verifying
        }
    }
}

/// What entering a status does to the holds a request placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldEffect {
    /// Holds stay as they are.
    Keep,
    /// The request ended (resolved, withdrawn, refused or expired): its
    /// holds end as their reasons say (an accepted suspension and a legal
    /// hold stay; see `HoldReason::lifted_when_request_enters`).
    Lift,
    /// Holds lifted at the decision are placed again while the objection is
    /// worked (only for kinds that freeze data).
    Restore,
}

/// The hold consequence of moving a request of `kind` into `to`.
pub fn hold_effect(kind: RequestKind, to: RequestStatus) -> HoldEffect {
    if to.is_closed() {
        HoldEffect::Lift
    } else if to == RequestStatus::Objection && kind.freezes_data() {
        HoldEffect::Restore
    } else {
        HoldEffect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_in_the_table_is_accepted_for_its_actors_and_kinds() {
        for rule in TRANSITIONS {
            for kind in RequestKind::ALL.iter().copied().filter(|k| rule.kinds.admits(*k)) {
                for actor in rule.actors {
                    assert!(
                        check_transition(kind, rule.from, rule.to, Some(*actor)).is_ok(),
                        "{kind}: {} -> {} by {actor}",
                        rule.from,
                        rule.to
                    );
                }
            }
        }
    }

    #[test]
    fn forbidden_transitions_are_error_values() {
        use RequestKind::*;
        let table = [
            (Access, Unverified, Completed, REQUESTER),
            (Access, Completed, InProgress, OFFICER),
            (Deletion, Withdrawn, InProgress, REQUESTER),
            (Deletion, Expired, Unverified, SYSTEM),
            (Correction, InProgress, InProgress, HANDLER),
            (Access, Refused, Completed, OFFICER),
        ];
        for (kind, from, to, actor) in table {
            assert_eq!(
                check_transition(kind, from, to, Some(actor)),
                Err(TransitionError::NoSuchTransition { from, to }),
                "{kind}: {from} -> {to}"
            );
        }
    }

    #[test]
    fn actors_outside_a_rule_are_refused() {
        use RequestKind::*;
        let table = [
            (Access, InProgress, Refused, Some(HANDLER)),
            (Access, InProgress, Refused, Some(LEAD)),
            (Access, InProgress, Withdrawn, Some(OFFICER)),
            (Access, Unverified, Expired, Some(REQUESTER)),
            (Deletion, AwaitingApproval, Completed, Some(HANDLER)),
            (Deletion, InProgress, Completed, Some(HANDLER)),
            (Suspension, InProgress, PartiallyCompleted, Some(LEAD)),
            (Access, Verifying, InProgress, None),
        ];
        for (kind, from, to, actor) in table {
            let err = check_transition(kind, from, to, actor).unwrap_err();
            assert!(
                matches!(err, TransitionError::ActorNotAllowed { .. }),
                "{kind}: {from} -> {to} by {actor:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn destroying_kinds_complete_only_through_the_privacy_officer() {
        for kind in RequestKind::ALL.iter().copied() {
            let by_handler = check_transition(kind, InProgress, Completed, Some(HANDLER));
            assert_eq!(by_handler.is_ok(), !kind.destroys_data(), "{kind}");
            assert!(check_transition(kind, InProgress, Completed, Some(OFFICER)).is_ok());
        }
    }

    #[test]
    fn only_access_may_be_postponed() {
        for kind in RequestKind::ALL.iter().copied() {
            let result = check_transition(kind, InProgress, Postponed, Some(HANDLER));
            if kind == RequestKind::Access {
                assert!(result.is_ok());
            } else {
                assert_eq!(
                    result,
                    Err(TransitionError::NotForKind {
                        kind,
                        from: InProgress,
                        to: Postponed
                    })
                );
            }
        }
    }

    #[test]
    fn closed_states_have_no_way_out_but_objection() {
        for rule in TRANSITIONS.iter().filter(|r| r.from.is_closed()) {
            assert_eq!(rule.to, Objection, "{} -> {}", rule.from, rule.to);
        }
        for terminal in [Withdrawn, Expired] {
            assert!(TRANSITIONS.iter().all(|r| r.from != terminal));
        }
    }

    #[test]
    fn every_status_is_reachable_from_unverified() {
        let mut reached = vec![Unverified];
        let mut frontier = vec![Unverified];
        while let Some(status) = frontier.pop() {
            for rule in TRANSITIONS.iter().filter(|r| r.from == status) {
                if !reached.contains(&rule.to) {
                    reached.push(rule.to);
                    frontier.push(rule.to);
                }
            }
        }
        for status in RequestStatus::ALL {
            assert!(reached.contains(status), "{status} unreachable");
        }
    }

    #[test]
    fn requester_options_follow_the_table() {
        use RequestKind::*;
        // (kind, status, add information, withdraw, object)
        let table = [
            (Access, Unverified, false, true, false),
            (Deletion, Verifying, true, true, false),
            (Deletion, InProgress, true, true, false),
            (Correction, AwaitingRequester, true, true, false),
            (Access, Postponed, true, true, true),
            (Deletion, Objection, true, true, false),
            (Deletion, Completed, false, false, true),
            (Access, PartiallyCompleted, false, false, true),
            (Suspension, Refused, false, false, true),
            (Access, Withdrawn, false, false, false),
            (Correction, Expired, false, false, false),
        ];
        for (kind, status, add, withdraw, object) in table {
            let options = RequesterOptions::of(kind, status);
            assert_eq!(
                options,
                RequesterOptions {
                    add_information: add,
                    withdraw,
                    object
                },
                "{kind} {status}"
            );
        }
    }

    #[test]
    fn where_a_request_goes_once_the_requester_has_done_their_part() {
        use OnBehalf::*;
        use VerificationState::*;
        let plain = IdentityPolicy::default();
        let strict = IdentityPolicy {
            self_requests_need_review: true,
        };
        let table = [
            (plain, SelfRequest, EmailConfirmed, InProgress),
            (plain, Delegate, EmailConfirmed, Verifying),
            (plain, LegalRepresentative, EmailConfirmed, Verifying),
            (plain, Delegate, DocumentAccepted, InProgress),
            (plain, Delegate, StaffConfirmed, InProgress),
            (plain, SelfRequest, Pending, Verifying),
            (strict, SelfRequest, EmailConfirmed, Verifying),
            (strict, SelfRequest, DocumentAccepted, InProgress),
        ];
        for (policy, who, proven, expected) in table {
            assert_eq!(
                policy.status_after_requester(who, proven),
                expected,
                "{policy:?} {who} {proven}"
            );
            // Every such move is one the requester may make.
            for from in [Unverified, AwaitingRequester] {
                assert!(
                    requester_may(RequestKind::Access, from, expected),
                    "{from} -> {expected}"
                );
            }
        }
    }

    #[test]
    fn hold_effects() {
        use RequestKind::*;
        let table = [
            (Deletion, Completed, HoldEffect::Lift),
            (Deletion, Withdrawn, HoldEffect::Lift),
            (Correction, Refused, HoldEffect::Lift),
            (Suspension, Expired, HoldEffect::Lift),
            (Deletion, Objection, HoldEffect::Restore),
            (Access, Objection, HoldEffect::Keep),
            (Correction, InProgress, HoldEffect::Keep),
            (Correction, AwaitingApproval, HoldEffect::Keep),
        ];
        for (kind, to, effect) in table {
            assert_eq!(hold_effect(kind, to), effect, "{kind} -> {to}");
        }
    }
}
