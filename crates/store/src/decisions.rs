//! Decisions on requests: recorded by the privacy officer, pending
//! approval where the law or the desk's rules ask for it, then settled.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::{RequestId, StaffId};

use super::schema::decisions;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::decision::{Decision, DecisionOutcome, DecisionState, RefusalGround};

/// A decision as stored.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = decisions)]
pub struct DecisionRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub request_id: RequestId,
    pub outcome: DecisionOutcome,
    pub ground: Option<RefusalGround>,
    pub explanation: String,
    pub state: DecisionState,
    #[diesel(deserialize_as = String)]
    pub decided_by: StaffId,
    pub decided_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub return_reason: Option<String>,
}

pub fn record_decision(
    conn: &mut DbConnection,
    request_id: &RequestId,
    decision: &Decision,
    state: DecisionState,
    staff_id: &StaffId,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = new_id();
    let effective = state == DecisionState::Effective;
    diesel::insert_into(decisions::table)
        .values((
            decisions::id.eq(&id),
            decisions::request_id.eq(request_id.as_str()),
            decisions::outcome.eq(Wire(decision.outcome)),
            decisions::ground.eq(decision.ground),
            decisions::explanation.eq(&decision.explanation),
            decisions::state.eq(Wire(state)),
            decisions::decided_by.eq(staff_id.as_str()),
            decisions::decided_at.eq(now),
            decisions::approved_by.eq(effective.then_some(staff_id.as_str())),
            decisions::approved_at.eq(effective.then_some(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The decisions on a request, oldest first.
pub fn decisions(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<DecisionRow>, StoreError> {
    Ok(decisions::table
        .filter(decisions::request_id.eq(request_id.as_str()))
        .order((decisions::decided_at.asc(), decisions::id.asc()))
        .select(DecisionRow::as_select())
        .load(conn)?)
}

/// The decision waiting for approval, if any.
pub fn pending_decision(
    conn: &mut DbConnection,
    request_id: &RequestId,
) -> Result<Option<DecisionRow>, StoreError> {
    Ok(decisions::table
        .filter(decisions::request_id.eq(request_id.as_str()))
        .filter(decisions::state.eq(Wire(DecisionState::Pending)))
        .select(DecisionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Approves a pending decision (it takes effect) or sends it back.
pub fn settle_decision(
    conn: &mut DbConnection,
    decision_id: &str,
    approved: bool,
    staff_id: &StaffId,
    return_reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let state = if approved {
        DecisionState::Effective
    } else {
        DecisionState::Returned
    };
    let n = diesel::update(
        decisions::table
            .filter(decisions::id.eq(decision_id))
            .filter(decisions::state.eq(Wire(DecisionState::Pending))),
    )
    .set((
        decisions::state.eq(Wire(state)),
        decisions::approved_by.eq(approved.then_some(staff_id.as_str())),
        decisions::approved_at.eq(approved.then_some(now)),
        decisions::return_reason.eq(return_reason),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}
