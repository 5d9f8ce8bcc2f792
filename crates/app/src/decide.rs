//! Decisions: complete, partly complete or refuse with a statutory ground.
//! A deletion's completion and every refusal wait for the privacy officer,
//! who approves (the request ends and the requester is told, in the same
//! transaction) or sends it back with a reason. An officer approves their
//! own decision only where the four-eyes setting allows it
//! (`domain::four_eyes`).

use super::case::{self, require};
use super::signin::SignedIn;
use super::{Desk, Refusal, Tx, WorkflowError};
use auth::tokens::Purpose;
use domain::decision::{Decision, DecisionOutcome, DecisionState, RefusalGround};
use domain::four_eyes::{self, Approver};
use domain::ids::StaffId;
use domain::lifecycle::RequestStatus;
use domain::permission::RequestOptions;
use domain::reference::Reference;
use domain::request::RequestKind;
use domain::staff::StaffRole;
use domain::submission::StaffText;
use domain::task::{Answer, TaskOutcome};
use mail::notices::{self, DecisionNotice, Kept, KeptFor};
use store::decisions::{self, DecisionRow};
use store::lifecycle::Transition;
use store::requests::RequestRow;
use store::{DbConnection, StoreError, staff, tasks};

/// A decision as staff entered it.
#[derive(Debug, Clone)]
pub struct Decide {
    pub outcome: DecisionOutcome,
    pub ground: Option<RefusalGround>,
    /// None when left empty (the outcome says whether it may be).
    pub explanation: Option<StaffText>,
}

/// The notice that a decision took effect, with what deletion kept apart.
fn decision_notice(
    tx: &mut Tx<'_, '_>,
    row: &RequestRow,
    decision: &Decision,
) -> Result<notices::Notice, WorkflowError> {
    let views = tasks::views_for_request(tx.conn, &row.id)?;
    let destroyed_any = views.iter().any(|v| v.task.outcome == Some(TaskOutcome::Done));
    let kept: Vec<Kept> = views
        .into_iter()
        .filter_map(|v| {
            let why = match v.task.outcome? {
                TaskOutcome::Separated => KeptFor::Law {
                    until: v.task.retained_until?,
                    law: v.task.retention_law?,
                },
                TaskOutcome::LegalHold => KeptFor::LegalClaim,
                TaskOutcome::Done | TaskOutcome::NothingHeld | TaskOutcome::CannotDo => return None,
            };
            Some(Kept {
                system: v.system_name.unwrap_or(v.department_name),
                why,
            })
        })
        .collect();
    let released = if row.kind == RequestKind::Access {
        super::tasks::released(tx.conn, &row.id)?
    } else {
        Vec::new()
    };
    let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
    Ok(notices::decision(
        crate::recipients::requester(row),
        &DecisionNotice {
            kind: row.kind,
            outcome: decision.outcome,
            ground: decision.ground,
            explanation: &decision.explanation,
            kept: &kept,
            released: &released,
            destroyed_any,
        },
        &link,
    ))
}

pub fn decide(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    input: Decide,
    expected_version: Option<i32>,
) -> Result<RequestStatus, WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        require(signed.member.may_decide(&file.facts, input.outcome))?;
        let row = &file.row;
        let decision = Decision::new(
            row.kind,
            input.outcome,
            input.ground,
            input.explanation.as_ref().map_or("", StaffText::as_str),
        )
        .map_err(Refusal::Decision)?;
        // An access request a system could not answer is not completed:
        // it is partly completed, with the ground the requester is told.
        if row.kind == RequestKind::Access
            && input.outcome == DecisionOutcome::Completed
            && super::tasks::released(tx.conn, &row.id)?
                .iter()
                .any(|r| r.answer == Answer::CannotDo)
        {
            return Err(Refusal::AccessPartlyGiven.into());
        }
        let pending = decision.needs_approval(row.kind);
        let state = if pending {
            DecisionState::Pending
        } else {
            DecisionState::Effective
        };
        let id = decisions::record_decision(tx.conn, &row.id, &decision, state, &signed.user.id, tx.now)?;
        let to = decision.outcome.status_on_decision(row.kind);
        let notices = if pending {
            Vec::new()
        } else {
            vec![decision_notice(tx, row, &decision)?]
        };
        let actor = signed.actor();
        let transition = Transition {
            expected_version,
            reason: Some(decision.explanation.as_str()).filter(|e| !e.is_empty()),
            payload: serde_json::json!({
                "decision": id,
                "outcome": decision.outcome,
                "ground": decision.ground,
            }),
            ..Transition::new(&row.id, to, &actor)
        };
        tx.transition(transition, &notices)?;
        Ok(to)
    })
}

/// Whether the decider of a pending decision is a privacy officer, and
/// whether another privacy officer is active (to approve it instead).
fn four_eyes_facts(conn: &mut DbConnection, decided_by: &StaffId) -> Result<(bool, bool), StoreError> {
    let decider = staff::get(conn, decided_by)?;
    let others = staff::active_with_role_besides(conn, StaffRole::PrivacyOfficer, decided_by)?;
    Ok((decider.role == StaffRole::PrivacyOfficer, others > 0))
}

/// Who must approve a pending decision, and whether the viewer may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingApproval {
    pub approver: Approver,
    /// Who recorded the decision.
    pub decided_by: String,
    /// The active privacy officers who may approve it, by name.
    pub approvers: Vec<String>,
    /// The viewer may approve it: their role and state allow it
    /// (`options.approve`) and the four-eyes rule does.
    pub may_approve: bool,
}

/// The approval the request page offers `signed` for `pending`, judged by
/// the rule [`settle`] enforces.
pub fn approval(
    desk: &Desk,
    signed: &SignedIn,
    options: &RequestOptions,
    pending: &DecisionRow,
) -> Result<PendingApproval, WorkflowError> {
    let policy = desk.config.four_eyes;
    desk.read(|conn, _| {
        let (by_officer, other_officer) = four_eyes_facts(conn, &pending.decided_by)?;
        let approver = four_eyes::approver(policy, by_officer, other_officer);
        let decider = staff::get(conn, &pending.decided_by)?;
        let approvers = staff::list(conn)?
            .into_iter()
            .filter(|u| u.active && u.role == StaffRole::PrivacyOfficer)
            .filter(|u| approver == Approver::AnyOfficer || u.id != decider.id)
            .map(|u| u.name)
            .collect();
        Ok(PendingApproval {
            approver,
            decided_by: decider.name,
            approvers,
            may_approve: options.approve
                && four_eyes::may_approve(
                    policy,
                    signed.user.id.as_str(),
                    pending.decided_by.as_str(),
                    other_officer,
                ),
        })
    })
}

/// The privacy officer's answer to a pending decision.
#[derive(Debug, Clone)]
pub enum Approval {
    Approve,
    SendBack { reason: Option<StaffText> },
}

pub fn settle(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    approval: Approval,
    expected_version: Option<i32>,
) -> Result<RequestStatus, WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        require(file.options.approve)?;
        let row = &file.row;
        let pending = decisions::pending_decision(tx.conn, &row.id)?.ok_or(WorkflowError::Stale)?;
        let actor = signed.actor();
        match approval {
            Approval::Approve => {
                let (_, other_officer) = four_eyes_facts(tx.conn, &pending.decided_by)?;
                require(four_eyes::may_approve(
                    desk.config.four_eyes,
                    signed.user.id.as_str(),
                    pending.decided_by.as_str(),
                    other_officer,
                ))?;
                decisions::settle_decision(tx.conn, &pending.id, true, &signed.user.id, None, tx.now)?;
                let decision = Decision {
                    outcome: pending.outcome,
                    ground: pending.ground,
                    explanation: pending.explanation.clone(),
                };
                let notice = decision_notice(tx, row, &decision)?;
                let to = decision.outcome.final_status();
                let transition = Transition {
                    expected_version,
                    payload: serde_json::json!({"decision": pending.id, "approved": true}),
                    ..Transition::new(&row.id, to, &actor)
                };
                tx.transition(transition, &[notice])?;
                Ok(to)
            }
            Approval::SendBack { reason } => {
                let Some(reason) = reason.as_ref().map(StaffText::as_str) else {
                    return Err(Refusal::ReturnReasonMissing.into());
                };
                decisions::settle_decision(
                    tx.conn,
                    &pending.id,
                    false,
                    &signed.user.id,
                    Some(reason),
                    tx.now,
                )?;
                let transition = Transition {
                    expected_version,
                    reason: Some(reason),
                    payload: serde_json::json!({"decision": pending.id, "approved": false}),
                    ..Transition::new(&row.id, RequestStatus::InProgress, &actor)
                };
                tx.transition(transition, &[])?;
                Ok(RequestStatus::InProgress)
            }
        }
    })
}
