//! Holds placed and ended by hand: a privacy officer freezes a subject's
//! data for a legal claim (a legal hold), and ends it, or ends a granted
//! suspension when the subject asks, each with a reason. Holds of pending
//! requests end with their requests, never here.

use super::case::{self, require};
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use domain::audit::AuditAction;
use domain::hold::hold_note;
use domain::ids::HoldId;
use domain::reference::Reference;
use domain::submission::StaffText;
use store::holds;

/// Places a legal hold on every identifier of the request's subject.
pub fn place_legal_hold(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    note: &StaffText,
) -> Result<Vec<String>, WorkflowError> {
    require(signed.member.may_manage_holds())?;
    let note = hold_note(note.as_str()).ok_or(Refusal::HoldNoteMissing)?;
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        let targets = holds::subject_targets(tx.conn, &file.row.id)?;
        let ids = holds::place_by_hand(
            tx.conn,
            &file.row.id,
            &targets,
            &note,
            signed.user.id.as_str(),
            tx.now,
        )?;
        let actor = signed.actor();
        let mut event = store::audit::NewEvent::about(
            &file.row.id,
            &actor,
            AuditAction::HoldPlaced,
            serde_json::json!({"holds_placed": ids, "reason": "legal_hold"}),
        );
        event.reason = Some(&note);
        tx.conn.append(event, tx.now);
        Ok(ids)
    })
}

/// Ends one hold of the request by hand, with the reason.
pub fn lift_hold(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    hold_id: &HoldId,
    note: &StaffText,
) -> Result<(), WorkflowError> {
    require(signed.member.may_manage_holds())?;
    let note = hold_note(note.as_str()).ok_or(Refusal::HoldNoteMissing)?;
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        let hold = holds::get(tx.conn, &file.row.id, hold_id)?;
        if hold.lifted_at.is_some() {
            return Err(WorkflowError::Stale);
        }
        if !hold.reason.may_be_lifted_by_hand(file.row.status) {
            return Err(Refusal::HoldNotLiftable.into());
        }
        holds::lift_by_hand(tx.conn, &hold.id, &note, tx.now)?;
        let actor = signed.actor();
        let mut event = store::audit::NewEvent::about(
            &file.row.id,
            &actor,
            AuditAction::HoldLifted,
            serde_json::json!({"holds_lifted": [hold.id], "reason": hold.reason}),
        );
        event.reason = Some(&note);
        tx.conn.append(event, tx.now);
        Ok(())
    })
}
