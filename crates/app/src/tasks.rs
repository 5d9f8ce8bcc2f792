//! Department tasks: a lead assigns one to a handler; a handler completes
//! one with an outcome (for a deletion under a statutory retention, the
//! outcome is separation until the period ends); after an objection the
//! privacy officer reopens them.

use super::case::{self, require};
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use domain::audit::AuditAction;
use domain::document::DocumentPurpose;
use domain::ids::{RequestId, StaffId, SystemId, TaskId};
use domain::lifecycle::RequestStatus;
use domain::permission::TaskFacts;
use domain::reference::Reference;
use domain::request::RequestKind;
use domain::retention::{RetentionBasis, RetentionRule};
use domain::submission::AcceptedDocument;
use domain::submission::StaffText;
use domain::task::{self, Answer, Released, TaskOutcome};
use store::lifecycle::Transition;
use store::tasks::{self, Completion, TaskRow};
use store::{DbConnection, StoreError, catalog, documents, holds, requests, staff};

fn facts(task: &TaskRow) -> TaskFacts {
    TaskFacts {
        department_id: task.department_id.clone().into(),
        assignee_id: task.assignee_id.clone(),
        status: task.status,
    }
}

pub fn assign(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    task_id: &TaskId,
    assignee_id: &StaffId,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        let task = tasks::get(tx.conn, &file.row.id, task_id)?;
        require(signed.member.may_assign(file.row.status, &facts(&task)))?;
        let eligible = staff::active_in_department(tx.conn, &task.department_id)?;
        if !eligible.iter().any(|u| u.id == *assignee_id) {
            return Err(Refusal::NotAnAssignee.into());
        }
        tasks::assign(tx.conn, &task.id, assignee_id, tx.now)?;
        tx.record(
            &file.row.id,
            &signed.actor(),
            AuditAction::TaskAssigned,
            serde_json::json!({"task": task.id, "assignee": assignee_id}),
        )
    })
}

/// How a handler finishes a task.
#[derive(Debug, Clone)]
pub struct Finish {
    pub outcome: TaskOutcome,
    pub note: Option<StaffText>,
    /// For access requests: the data returned, as text…
    pub data_text: Option<StaffText>,
    /// …and as files.
    pub data_files: Vec<AcceptedDocument>,
}

/// The retention rules of the categories a task's system holds that the
/// request concerns (all of them when the request names none), each with
/// its category.
fn retention_rules(
    conn: &mut DbConnection,
    request_id: &RequestId,
    system_id: &SystemId,
) -> Result<Vec<(String, RetentionRule)>, StoreError> {
    let chosen = requests::category_ids(conn, request_id)?;
    Ok(catalog::list_categories(conn)?
        .into_iter()
        .filter(|c| c.system_id == *system_id)
        .filter(|c| chosen.is_empty() || chosen.iter().any(|id| c.id == *id.as_str()))
        .filter_map(|c| {
            let rule = RetentionRule::new(c.retention_basis, c.retention_months, c.legal_basis).ok()?;
            Some((c.id.as_str().to_owned(), rule))
        })
        .collect())
}

/// Whether an active legal hold on the request's subject covers the data
/// of the task's system (a department-wide task: any legal hold).
fn under_legal_hold(
    conn: &mut DbConnection,
    request_id: &RequestId,
    task: &TaskRow,
) -> Result<bool, StoreError> {
    let legal_holds = holds::legal_holds_on_subject(conn, request_id)?;
    if legal_holds.is_empty() {
        return Ok(false);
    }
    let system_code = tasks::views_for_request(conn, request_id)?
        .into_iter()
        .find(|v| v.task.id == task.id)
        .and_then(|v| v.system_code);
    Ok(holds::any_covers_system(&legal_holds, system_code.as_deref()))
}

pub fn complete(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    task_id: &TaskId,
    finish: Finish,
) -> Result<TaskOutcome, WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        let task = tasks::get(tx.conn, &file.row.id, task_id)?;
        require(signed.member.may_complete(file.row.status, &facts(&task)))?;
        if !TaskOutcome::CHOSEN.contains(&finish.outcome) {
            return Err(WorkflowError::Forbidden);
        }
        let note = finish.note.as_ref().map(StaffText::as_str);
        if finish.outcome.needs_reason() && note.is_none() {
            return Err(Refusal::TaskReasonMissing.into());
        }
        let gives_data = finish.data_text.is_some() || !finish.data_files.is_empty();
        if finish.outcome.needs_result(file.row.kind) && !gives_data {
            return Err(Refusal::AccessResultMissing.into());
        }
        // Data typed for a task that ends otherwise would be thrown away
        // unseen: the handler clears it or chooses "done".
        if file.row.kind == RequestKind::Access && finish.outcome != TaskOutcome::Done && gives_data {
            return Err(Refusal::ResultWithoutDone.into());
        }
        let today = tx.now.and_utc().with_timezone(&desk.config.timezone).date_naive();
        // The concerned categories a law requires keeping: what a deletion
        // separates, and what stays frozen for that purpose only.
        let (separation, retained_categories) = match (&task.system_id, finish.outcome) {
            (Some(system_id), TaskOutcome::Done) => {
                let rules = retention_rules(tx.conn, &file.row.id, &SystemId::from(system_id.clone()))?;
                let statutory: Vec<String> = rules
                    .iter()
                    .filter(|(_, rule)| rule.basis == RetentionBasis::Statutory)
                    .map(|(id, _)| id.clone())
                    .collect();
                let rules: Vec<RetentionRule> = rules.into_iter().map(|(_, rule)| rule).collect();
                (task::separation(file.row.kind, &rules, today), statutory)
            }
            _ => (None, Vec::new()),
        };
        let under_legal_hold = under_legal_hold(tx.conn, &file.row.id, &task)?;
        let (outcome, separation) =
            task::finished(file.row.kind, finish.outcome, under_legal_hold, separation);
        let returns_data = file.row.kind == RequestKind::Access && finish.outcome == TaskOutcome::Done;
        let text = finish
            .data_text
            .as_ref()
            .map(StaffText::as_str)
            .filter(|_| returns_data);
        let result = match text {
            Some(text) => Some(documents::seal(
                &desk.keys.documents,
                task.id.as_str(),
                text.as_bytes(),
            )?),
            None => None,
        };
        tasks::complete(
            tx.conn,
            &task.id,
            Completion {
                outcome,
                note,
                separation: separation.as_ref(),
                result,
            },
            tx.now,
        )?;
        let mut files = Vec::new();
        if returns_data {
            for file_data in &finish.data_files {
                files.push(documents::save_for_task(
                    tx.conn,
                    &desk.keys.documents,
                    &file.row.id,
                    Some(task.id.as_str()),
                    DocumentPurpose::Result,
                    file_data.as_ref(),
                    tx.now,
                )?);
            }
        }
        // Separated data stays frozen, for the law's purpose only, after the
        // request ends: a hold of its own until the data is destroyed.
        let retained_holds = match &separation {
            Some(kept) if !retained_categories.is_empty() => {
                let targets = holds::subject_targets(tx.conn, &file.row.id)?;
                holds::place_retained(
                    tx.conn,
                    &file.row.id,
                    &targets,
                    &retained_categories,
                    holds::Retained {
                        until: kept.until,
                        law: &kept.law,
                        task_id: &task.id,
                    },
                    tx.now,
                )?
            }
            _ => Vec::new(),
        };
        tx.record(
            &file.row.id,
            &signed.actor(),
            AuditAction::TaskCompleted,
            serde_json::json!({
                "task": task.id,
                "outcome": outcome,
                "holds_placed": retained_holds,
                "retained_until": separation.as_ref().map(|s| s.until.to_string()),
                "retention_law": separation.as_ref().map(|s| s.law.clone()),
                "files": files,
            }),
        )?;
        Ok(outcome)
    })
}

/// What an access request gives the requester, task by task (what the
/// officer sees before completing it, and what the notice tells).
pub fn released(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<Released>, StoreError> {
    let results: Vec<Option<String>> = documents::list_for_request(conn, request_id)?
        .into_iter()
        .filter(|d| d.purpose == DocumentPurpose::Result)
        .map(|d| d.task_id)
        .collect();
    Ok(tasks::views_for_request(conn, request_id)?
        .into_iter()
        .map(|v| {
            let files = results
                .iter()
                .filter(|t| t.as_deref() == Some(v.task.id.as_str()))
                .count();
            Released {
                answer: Answer::of(v.task.outcome, v.returned_text, files),
                system: v.system_name.unwrap_or(v.department_name),
            }
        })
        .collect())
}

/// After an objection: every task starts again and the request goes back
/// to work.
pub fn reopen(
    desk: &Desk,
    signed: &SignedIn,
    reference: &Reference,
    expected_version: Option<i32>,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let file = case::load(tx.conn, &signed.member, reference)?;
        require(file.options.reopen_tasks)?;
        let reopened = tasks::reopen_all(tx.conn, &file.row.id, tx.now)?;
        // Data those tasks had separated is no longer set apart by them.
        let reopened_ids: Vec<TaskId> = reopened.iter().cloned().map(TaskId::from).collect();
        let lifted = holds::end_retained_by_tasks(
            tx.conn,
            &file.row.id,
            &reopened_ids,
            "the task started again after an objection",
            tx.now,
        )?;
        for id in &reopened {
            tx.record(
                &file.row.id,
                &signed.actor(),
                AuditAction::TaskReopened,
                serde_json::json!({"task": id}),
            )?;
        }
        let actor = signed.actor();
        let transition = Transition {
            expected_version,
            payload: serde_json::json!({
                "after": "objection",
                "tasks_reopened": reopened.len(),
                "holds_lifted": lifted,
            }),
            ..Transition::new(&file.row.id, RequestStatus::InProgress, &actor)
        };
        tx.transition(transition, &[])?;
        Ok(())
    })
}
