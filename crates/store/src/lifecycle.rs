//! The one place a request changes status: the transition is checked
//! against the domain table, recorded as one audit event, its holds are
//! updated and its emails queued, all in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::RequestId;

use super::audit::NewEvent;
use super::holds;
use super::outbox;
use super::requests::{self};
use super::schema::requests as req;
use super::{StoreError, Tx};
use crate::types::Wire;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::email::NewEmail;
use domain::lifecycle::{HoldEffect, RequestStatus, check_transition, hold_effect};

/// A requested change of status.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub request_id: &'a RequestId,
    pub to: RequestStatus,
    pub actor: &'a Actor,
    /// Why, in the actor's words; shown in the timeline.
    pub reason: Option<&'a str>,
    /// The version the actor saw; a different stored version is a conflict.
    pub expected_version: Option<i32>,
    /// Extra facts for the audit trail (no personal data).
    pub payload: serde_json::Value,
    /// The emails this change implies.
    pub emails: Vec<NewEmail>,
}

impl<'a> Transition<'a> {
    /// A move of `request_id` to `to` by `actor`, with no reason, no
    /// version check, an empty payload and no emails (set the others with
    /// struct update syntax).
    pub fn new(request_id: &'a RequestId, to: RequestStatus, actor: &'a Actor) -> Self {
        Self {
            request_id,
            to,
            actor,
            reason: None,
            expected_version: None,
            payload: serde_json::json!({}),
            emails: Vec::new(),
        }
    }
}

/// What a transition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub from: RequestStatus,
    pub to: RequestStatus,
    pub version: i32,
    pub holds_lifted: Vec<String>,
    pub holds_placed: Vec<String>,
    pub emails: Vec<String>,
}

/// Applies a transition. Call inside [`super::Store::write`]: a refusal,
/// a conflict or any later failure in the same transaction leaves no trace.
pub fn apply(tx: &mut Tx<'_>, t: Transition<'_>, now: NaiveDateTime) -> Result<Applied, StoreError> {
    let current = requests::get(tx, t.request_id)?;
    let kind = current.kind;
    let from = current.status;
    if t.expected_version.is_some_and(|v| v != current.version) {
        return Err(StoreError::Conflict);
    }
    check_transition(kind, from, t.to, t.actor.role())?;

    let (holds_lifted, holds_placed) = match hold_effect(kind, t.to) {
        HoldEffect::Keep => (Vec::new(), Vec::new()),
        HoldEffect::Lift => (holds::end_with_request(tx, t.request_id, t.to, now)?, Vec::new()),
        HoldEffect::Restore => (Vec::new(), holds::restore_for_request(tx, t.request_id, now)?),
    };

    let mut payload = t.payload;
    if let Some(map) = payload.as_object_mut() {
        if !holds_lifted.is_empty() {
            map.insert("holds_lifted".into(), holds_lifted.clone().into());
        }
        if !holds_placed.is_empty() {
            map.insert("holds_placed".into(), holds_placed.clone().into());
        }
    }
    tx.append(
        NewEvent {
            request_id: Some(t.request_id.as_str()),
            actor: t.actor,
            action: AuditAction::RequestTransition,
            from_status: Some(from),
            to_status: Some(t.to),
            reason: t.reason,
            payload,
        },
        now,
    );
    let emails = outbox::enqueue(tx, &t.emails, now)?;

    let version = current.version + 1;
    let closed_at = t.to.is_closed().then_some(now);
    // Guarded by the version read above: if anything changed the row
    // meanwhile, nothing is updated and the whole transaction rolls back.
    let updated = diesel::update(
        req::table
            .filter(req::id.eq(t.request_id.as_str()))
            .filter(req::version.eq(current.version)),
    )
    .set((
        req::status.eq(Wire(t.to)),
        req::version.eq(version),
        req::updated_at.eq(now),
        req::closed_at.eq(closed_at),
    ))
    .execute(tx.connection())?;
    if updated != 1 {
        return Err(StoreError::Conflict);
    }

    Ok(Applied {
        from,
        to: t.to,
        version,
        holds_lifted,
        holds_placed,
        emails,
    })
}
