//! Routing: when a request enters work for the first time, one task per
//! affected data system goes to its owner department (or where the admin's
//! routing rules send it). Runs inside the transition that starts the work,
//! whichever door caused it (email confirmation, identity review, intake).

use super::{Tx, WorkflowError};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::task::{self, Rule, SystemConcerned};
use store::requests::RequestRow;
use store::{catalog, requests, tasks};

/// Makes the request's tasks, unless it has some already (work that
/// resumes keeps its tasks). Returns how many were made.
pub(super) fn route(tx: &mut Tx<'_, '_>, row: &RequestRow) -> Result<usize, WorkflowError> {
    if !tasks::for_request(tx.conn, &row.id)?.is_empty() {
        return Ok(0);
    }
    let chosen = requests::category_ids(tx.conn, &row.id)?;
    let categories = catalog::list_categories(tx.conn)?;
    let systems: Vec<SystemConcerned> = catalog::list_systems(tx.conn)?
        .into_iter()
        .filter_map(|system| {
            let held: Vec<String> = categories
                .iter()
                .filter(|c| c.system_id == system.id)
                .filter(|c| chosen.is_empty() || chosen.iter().any(|id| c.id == *id.as_str()))
                .map(|c| c.id.clone().into())
                .collect();
            // Every system when all data is concerned; otherwise the
            // systems holding a chosen category.
            let concerned = chosen.is_empty() || !held.is_empty();
            concerned.then_some(SystemConcerned {
                system_id: system.id.into(),
                owner_department_id: system.department_id.into(),
                category_ids: held,
            })
        })
        .collect();
    let rules: Vec<Rule> = tasks::routing_rules(tx.conn)?
        .into_iter()
        .map(|r| Rule {
            id: r.id,
            kind: r.kind,
            category_id: r.category_id,
            department_id: r.department_id.into(),
            mode: r.mode,
        })
        .collect();
    let planned = task::route(row.kind, &systems, &rules);
    for p in &planned {
        let id = tasks::create(
            tx.conn,
            &row.id,
            &tasks::NewTask {
                system_id: p.system_id.clone(),
                department_id: p.department_id.clone(),
                routing_rule_id: p.rule_id.clone(),
            },
            tx.now,
        )?;
        tx.record(
            &row.id,
            &Actor::System,
            AuditAction::TaskCreated,
            serde_json::json!({
                "task": id,
                "system": p.system_id,
                "department": p.department_id,
                "rule": p.rule_id,
            }),
        )?;
    }
    Ok(planned.len())
}
