//! Decisions on a request: the outcome, the statutory ground a refusal
//! rests on (PIPA Art. 35(4), 36(1) proviso, 37(2)), and which decisions
//! wait for the privacy officer's approval.

use super::citation::Citation;
use super::lifecycle::RequestStatus;
use super::request::{OnBehalf, RequestKind};
use crate::wire::wire_enum;

wire_enum! {
    /// What was decided.
    DecisionOutcome, "decision outcome" {
        Completed => "completed",
        /// Some of it was done; the rest refused on a ground.
        PartiallyCompleted => "partially_completed",
        Refused => "refused",
    }
}

wire_enum! {
    /// Where a decision stands.
    DecisionState, "decision state" {
        /// Waiting for the privacy officer's approval.
        Pending => "pending",
        /// In force: the request ended with it.
        Effective => "effective",
        /// Sent back by the privacy officer with a reason.
        Returned => "returned",
    }
}

wire_enum! {
    /// A statutory ground for refusing (all or part of) a request. The
    /// notice quotes the provision (`ground.<code>` in the locales).
    RefusalGround, "refusal ground" {
        /// Art. 35(4)1: access prohibited or limited by law.
        AccessProhibitedByLaw => "access_prohibited_by_law",
        /// Art. 35(4)2: access may harm another person's life or body, or
        /// unjustly infringe their property or other interests.
        AccessHarmsOthers => "access_harms_others",
        /// Art. 36(1) proviso: another law names the data as data to collect.
        DeletionRequiredByLaw => "deletion_required_by_law",
        /// Art. 37(2)1: a specific legal provision or an unavoidable legal duty.
        SuspensionLegalDuty => "suspension_legal_duty",
        /// Art. 37(2)2: harm to another person's life, body or property.
        SuspensionHarmsOthers => "suspension_harms_others",
        /// Art. 37(2)4: the contract cannot be performed and the subject has
        /// not clearly chosen to end it.
        SuspensionContract => "suspension_contract",
    }
}

impl RefusalGround {
    /// The grounds the law gives for refusing a request of `kind` (for a
    /// private-sector controller; the public-body grounds are left out).
    pub fn for_kind(kind: RequestKind) -> &'static [RefusalGround] {
        use RefusalGround::*;
        match kind {
            RequestKind::Access => &[AccessProhibitedByLaw, AccessHarmsOthers],
            RequestKind::Deletion => &[DeletionRequiredByLaw],
            RequestKind::Suspension => &[SuspensionLegalDuty, SuspensionHarmsOthers, SuspensionContract],
            // Art. 36 gives no ground to refuse a correction of inaccurate
            // data; a correction is completed, or partly completed where
            // the data examined was accurate (the explanation says so).
            RequestKind::Correction => &[],
        }
    }

    /// The provision, as cited in notices and on the staff page.
    pub const fn article(self) -> Citation {
        match self {
            Self::AccessProhibitedByLaw => {
                Citation::new("PIPA Art. 35(4)1", "개인정보 보호법 제35조제4항제1호")
            }
            Self::AccessHarmsOthers => Citation::new("PIPA Art. 35(4)2", "개인정보 보호법 제35조제4항제2호"),
            Self::DeletionRequiredByLaw => {
                Citation::new("PIPA Art. 36(1)", "개인정보 보호법 제36조제1항 단서")
            }
            Self::SuspensionLegalDuty => {
                Citation::new("PIPA Art. 37(2)1", "개인정보 보호법 제37조제2항제1호")
            }
            Self::SuspensionHarmsOthers => {
                Citation::new("PIPA Art. 37(2)2", "개인정보 보호법 제37조제2항제2호")
            }
            Self::SuspensionContract => Citation::new("PIPA Art. 37(2)4", "개인정보 보호법 제37조제2항제4호"),
        }
    }
}

/// A decision's content is inconsistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("a refusal or partial completion needs a statutory ground")]
    GroundMissing,
    #[error("that ground does not apply to this kind of request")]
    GroundNotForKind,
    #[error("a completed request has no refusal ground")]
    GroundNotExpected,
    #[error("the decision needs an explanation")]
    ExplanationMissing,
}

/// A decision as proposed: outcome, ground and explanation checked against
/// each other and the request's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    pub ground: Option<RefusalGround>,
    pub explanation: String,
}

impl Decision {
    pub fn new(
        kind: RequestKind,
        outcome: DecisionOutcome,
        ground: Option<RefusalGround>,
        explanation: &str,
    ) -> Result<Self, DecisionError> {
        let explanation = explanation.trim();
        match (outcome, ground) {
            (DecisionOutcome::Completed, Some(_)) => return Err(DecisionError::GroundNotExpected),
            (DecisionOutcome::Refused, None) => return Err(DecisionError::GroundMissing),
            (DecisionOutcome::PartiallyCompleted, None) if !RefusalGround::for_kind(kind).is_empty() => {
                return Err(DecisionError::GroundMissing);
            }
            (_, Some(ground)) if !RefusalGround::for_kind(kind).contains(&ground) => {
                return Err(DecisionError::GroundNotForKind);
            }
            _ => {}
        }
        if outcome != DecisionOutcome::Completed && explanation.is_empty() {
            return Err(DecisionError::ExplanationMissing);
        }
        Ok(Self {
            outcome,
            ground,
            explanation: explanation.to_owned(),
        })
    }

    pub fn needs_approval(&self, kind: RequestKind) -> bool {
        self.outcome.needs_approval(kind)
    }
}

impl DecisionOutcome {
    /// Whether the privacy officer must approve before it takes effect:
    /// every refusal, and every completion that destroys data.
    pub const fn needs_approval(self, kind: RequestKind) -> bool {
        match self {
            DecisionOutcome::Refused => true,
            DecisionOutcome::Completed | DecisionOutcome::PartiallyCompleted => kind.destroys_data(),
        }
    }

    /// The status the request ends in once the decision takes effect.
    pub const fn final_status(self) -> RequestStatus {
        match self {
            DecisionOutcome::Completed => RequestStatus::Completed,
            DecisionOutcome::PartiallyCompleted => RequestStatus::PartiallyCompleted,
            DecisionOutcome::Refused => RequestStatus::Refused,
        }
    }

    /// The status a request of `kind` moves to when this is decided: the
    /// final one, or awaiting approval.
    pub const fn status_on_decision(self, kind: RequestKind) -> RequestStatus {
        if self.needs_approval(kind) {
            RequestStatus::AwaitingApproval
        } else {
            self.final_status()
        }
    }
}

wire_enum! {
    /// Why identity or authority was not accepted; the notice tells the
    /// requester which, and how to ask again.
    IdentityRejection, "identity rejection" {
        /// The details given do not match what the company holds.
        DetailsDoNotMatch => "details_do_not_match",
        /// The document is missing, unreadable or incomplete.
        DocumentUnusable => "document_unusable",
        /// The power of attorney does not show the subject's delegation.
        AuthorityNotShown => "authority_not_shown",
        /// Legal representation (of a child under 14) is not shown.
        RepresentationNotShown => "representation_not_shown",
        /// The data subject, asked directly, did not confirm the agent.
        SubjectDidNotConfirm => "subject_did_not_confirm",
    }
}

wire_enum! {
    /// What a reviewer confirms before accepting an agent (Decree 45, 46).
    AuthorityCheck, "authority check" {
        /// A power of attorney signed by the data subject (PIPC Form No. 11)
        /// names this delegate.
        PowerOfAttorneyNamesDelegate => "power_of_attorney_names_delegate",
        /// The power of attorney covers this kind of request.
        PowerOfAttorneyCoversRequest => "power_of_attorney_covers_request",
        /// A document shows the requester is the subject's legal representative.
        RepresentationShown => "representation_shown",
        /// The subject is a child under 14 (or otherwise represented by law).
        SubjectIsRepresented => "subject_is_represented",
        /// The requester's own identity was established.
        RequesterIdentified => "requester_identified",
    }
}

impl AuthorityCheck {
    /// What must be confirmed for a request made `on_behalf` before its
    /// identity and authority review is accepted.
    pub fn required(on_behalf: OnBehalf) -> &'static [AuthorityCheck] {
        use AuthorityCheck::*;
        match on_behalf {
            OnBehalf::SelfRequest => &[RequesterIdentified],
            OnBehalf::Delegate => &[
                RequesterIdentified,
                PowerOfAttorneyNamesDelegate,
                PowerOfAttorneyCoversRequest,
            ],
            OnBehalf::LegalRepresentative => {
                &[RequesterIdentified, RepresentationShown, SubjectIsRepresented]
            }
        }
    }

    /// The required checks not among `confirmed`.
    pub fn missing(on_behalf: OnBehalf, confirmed: &[AuthorityCheck]) -> Vec<AuthorityCheck> {
        Self::required(on_behalf)
            .iter()
            .copied()
            .filter(|c| !confirmed.contains(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecisionOutcome::*;
    use RefusalGround::*;

    type Case<'a> = (
        RequestKind,
        DecisionOutcome,
        Option<RefusalGround>,
        &'a str,
        Result<bool, DecisionError>,
    );

    #[test]
    fn decisions_are_checked_against_the_kind() {
        let table: &[Case<'_>] = &[
            (RequestKind::Access, Completed, None, "", Ok(false)),
            (
                RequestKind::Access,
                Completed,
                Some(AccessHarmsOthers),
                "x",
                Err(DecisionError::GroundNotExpected),
            ),
            (
                RequestKind::Access,
                Refused,
                None,
                "x",
                Err(DecisionError::GroundMissing),
            ),
            (
                RequestKind::Access,
                Refused,
                Some(AccessHarmsOthers),
                "",
                Err(DecisionError::ExplanationMissing),
            ),
            (
                RequestKind::Access,
                Refused,
                Some(AccessHarmsOthers),
                "why",
                Ok(true),
            ),
            (
                RequestKind::Access,
                Refused,
                Some(DeletionRequiredByLaw),
                "why",
                Err(DecisionError::GroundNotForKind),
            ),
            (
                RequestKind::Access,
                PartiallyCompleted,
                Some(AccessProhibitedByLaw),
                "why",
                Ok(false),
            ),
            (RequestKind::Deletion, Completed, None, "", Ok(true)),
            (
                RequestKind::Deletion,
                Refused,
                Some(DeletionRequiredByLaw),
                "why",
                Ok(true),
            ),
            (
                RequestKind::Deletion,
                PartiallyCompleted,
                Some(DeletionRequiredByLaw),
                "why",
                Ok(true),
            ),
            (
                RequestKind::Suspension,
                Refused,
                Some(SuspensionContract),
                "why",
                Ok(true),
            ),
            (RequestKind::Suspension, Completed, None, "", Ok(true)),
            (RequestKind::Correction, Completed, None, "", Ok(false)),
            (
                RequestKind::Correction,
                PartiallyCompleted,
                None,
                "accurate",
                Ok(false),
            ),
            (
                RequestKind::Correction,
                PartiallyCompleted,
                None,
                " ",
                Err(DecisionError::ExplanationMissing),
            ),
            (
                RequestKind::Correction,
                Refused,
                Some(AccessHarmsOthers),
                "x",
                Err(DecisionError::GroundNotForKind),
            ),
        ];
        for (kind, outcome, ground, explanation, expected) in table {
            let got = Decision::new(*kind, *outcome, *ground, explanation).map(|d| d.needs_approval(*kind));
            assert_eq!(&got, expected, "{kind} {outcome} {ground:?}");
        }
    }

    #[test]
    fn every_ground_belongs_to_exactly_one_kind() {
        for ground in RefusalGround::ALL {
            let kinds = RequestKind::ALL
                .iter()
                .filter(|k| RefusalGround::for_kind(**k).contains(ground))
                .count();
            assert_eq!(kinds, 1, "{ground}");
            assert!(ground.article().en.starts_with("PIPA Art. 3"));
            assert!(ground.article().ko.starts_with("개인정보 보호법 제3"));
        }
    }

    #[test]
    fn agents_need_their_authority_confirmed() {
        use AuthorityCheck::*;
        assert_eq!(
            AuthorityCheck::missing(OnBehalf::SelfRequest, &[RequesterIdentified]),
            vec![]
        );
        assert_eq!(
            AuthorityCheck::missing(
                OnBehalf::Delegate,
                &[RequesterIdentified, PowerOfAttorneyNamesDelegate]
            ),
            vec![PowerOfAttorneyCoversRequest]
        );
        assert_eq!(
            AuthorityCheck::missing(OnBehalf::LegalRepresentative, &[RequesterIdentified]),
            vec![RepresentationShown, SubjectIsRepresented]
        );
    }
}
