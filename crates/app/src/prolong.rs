//! Staff put off an answer where the profile allows it: access postponed
//! for good cause to a date they give (PIPA Art. 35(3); the request waits
//! in `postponed`), or the period extended (GDPR Art. 12(3), 11 CCR
//! § 7021(b)) — within the period in force, as many times as the law
//! allows. The requester is told the reasons, the new date and how to
//! object, in the same transaction as the new due date and its audit
//! events.

use chrono::NaiveDate;
use domain::reference::Reference;
use domain::submission::StaffText;

use super::case::{self, require};
use super::signin::SignedIn;
use super::{Refusal, Tx, WorkflowError};
use auth::tokens::Purpose;
use domain::audit::AuditAction;
use domain::deadline;
use domain::lifecycle::RequestStatus;
use domain::profile::{Profile, Prolongation, ProlongationRule};
use domain::prolongation::{self, Deadline, ProlongationError};
use mail::notices::{self};
use store::lifecycle::Transition;
use store::prolongations::{self, NewProlongation};
use store::requests::{self, RequestRow};

/// What staff typed.
#[derive(Debug, Clone, Default)]
pub struct Prolong {
    /// None when left empty (refused then).
    pub reasons: Option<StaffText>,
    /// The date access will be given (a postponement); ignored for an
    /// extension, whose length the law sets.
    pub date: String,
    pub expected_version: Option<i32>,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prolonged {
    pub kind: Prolongation,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The prolongation `row` may have now, if any (for the request page and
/// the check below alike).
pub fn open_for(today: NaiveDate, row: &RequestRow, taken: usize) -> Option<&'static ProlongationRule> {
    Profile::of(row.jurisdiction).prolongation_now(
        row.kind,
        row.status,
        u32::try_from(taken).unwrap_or(u32::MAX),
        row.due_date,
        today,
    )
}

pub fn prolong(
    desk: &super::Desk,
    signed: &SignedIn,
    reference: &Reference,
    input: Prolong,
) -> Result<Prolonged, WorkflowError> {
    desk.write(|tx| {
        // Prolongations of one request take turns, each reading what the
        // one before it committed (the UPDATE of the due date is guarded
        // by the version too, against any other change meanwhile).
        tx.conn.serialise(&format!("prolong:{reference}"))?;
        let file = case::load(tx.conn, &signed.member, reference)?;
        require(file.options.prolong)?;
        let row = file.row;
        // Acted on a page of an earlier version (another prolongation,
        // say): refused before anything is judged on what changed.
        if input.expected_version.is_some_and(|v| v != row.version) {
            return Err(WorkflowError::Stale);
        }
        let taken = prolongations::for_request(tx.conn, &row.id)?.len();
        let today = deadline::local(tx.now, desk.config.timezone).date();
        let rule = open_for(today, &row, taken).ok_or(Refusal::ProlongationNotAllowed)?;
        let current = row.due_date.ok_or(Refusal::ProlongationNotAllowed)?;
        let chosen = match input.date.trim() {
            "" => None,
            typed => Some(
                NaiveDate::parse_from_str(typed, "%Y-%m-%d")
                    .map_err(|_| Refusal::from(ProlongationError::DateMissing))?,
            ),
        };
        let calendar = tx.calendar()?;
        let profile = Profile::of(row.jurisdiction);
        let plan = prolongation::plan(
            &Deadline {
                profile,
                period: profile.rule(row.kind).period,
                received_local: deadline::local(row.received_at, desk.config.timezone),
                current,
            },
            rule,
            chosen,
            input.reasons.as_ref().map_or("", StaffText::as_str),
            &calendar,
        )
        .map_err(Refusal::from)?;
        apply(tx, signed, &row, rule, current, &plan)?;
        Ok(Prolonged {
            kind: rule.kind,
            from: current,
            to: plan.new_due,
        })
    })
}

/// Records the prolongation, moves the due date, tells the requester. The
/// request must still be at the version `row` was read at: of two
/// prolongations judged on the same version, the second to write is
/// refused as stale and leaves nothing behind.
fn apply(
    tx: &mut Tx<'_, '_>,
    signed: &SignedIn,
    row: &RequestRow,
    rule: &ProlongationRule,
    current: NaiveDate,
    plan: &prolongation::Plan,
) -> Result<(), WorkflowError> {
    let actor = signed.actor();
    let id = prolongations::add(
        tx.conn,
        &NewProlongation {
            request_id: row.id.as_str(),
            kind: rule.kind,
            reasons: &plan.reasons,
            from_date: current,
            to_date: plan.new_due,
            staff_id: signed.user.id.as_str(),
        },
        tx.now,
    )?;
    let (link, _) = tx.link("/r/", Purpose::Status, row.id.as_str())?;
    let notice = notices::prolonged(
        crate::recipients::requester(row),
        rule.kind,
        rule.law,
        &plan.reasons,
        row.original_due_date.unwrap_or(current),
        plan.new_due,
        &link,
    );
    let payload = serde_json::json!({
        "prolongation": id,
        "kind": rule.kind,
        "from": current.to_string(),
        "to": plan.new_due.to_string(),
        "cause": rule.kind,
    });
    let version = match rule.kind {
        Prolongation::Postponement => {
            let transition = Transition {
                expected_version: Some(row.version),
                reason: Some(plan.reasons.as_str()),
                payload: payload.clone(),
                ..Transition::new(&row.id, RequestStatus::Postponed, &actor)
            };
            tx.transition(transition, &[notice])?.version
        }
        Prolongation::Extension => {
            tx.send(&[notice])?;
            row.version
        }
    };
    requests::set_due_date(tx.conn, &row.id, version, plan.new_due, tx.now)?;
    tx.record(&row.id, &actor, AuditAction::DueDateChanged, payload)?;
    Ok(())
}
