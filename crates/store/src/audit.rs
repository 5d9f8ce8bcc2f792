//! The audit trail: append-only, hash-chained. This module has no update or
//! delete path for events, by design; the database refuses them too.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use domain::ids::RequestId;

use super::prepared::prepared;
use super::schema::{audit_events, audit_head};
use super::{DbConnection, StoreError, new_id};
use crate::types::{StoredText, Wire};
use domain::actor::{Actor, ActorKind};
use domain::audit::{AuditAction, AuditContent, ChainBreak, ChainVerifier, StoredEvent, chain_hash};
use domain::lifecycle::RequestStatus;

/// An event to append. Payloads must not hold personal data.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub request_id: Option<&'a str>,
    pub actor: &'a Actor,
    pub action: AuditAction,
    pub from_status: Option<RequestStatus>,
    pub to_status: Option<RequestStatus>,
    pub reason: Option<&'a str>,
    pub payload: serde_json::Value,
}

impl<'a> NewEvent<'a> {
    /// An event about no one request (staff accounts, the catalogue,
    /// service tokens, settings).
    pub fn general(actor: &'a Actor, action: AuditAction, payload: serde_json::Value) -> Self {
        Self {
            request_id: None,
            actor,
            action,
            from_status: None,
            to_status: None,
            reason: None,
            payload,
        }
    }

    /// An event about a request that changes no status.
    pub fn about(
        request_id: &'a RequestId,
        actor: &'a Actor,
        action: AuditAction,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            request_id: Some(request_id.as_str()),
            actor,
            action,
            from_status: None,
            to_status: None,
            reason: None,
            payload,
        }
    }
}

/// An event as the desk shows it (a request's history).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct EventRow {
    pub seq: i64,
    pub id: String,
    pub request_id: Option<String>,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub action: AuditAction,
    pub from_status: Option<RequestStatus>,
    pub to_status: Option<RequestStatus>,
    pub reason: Option<String>,
    pub at: NaiveDateTime,
    pub payload: String,
}

/// An event exactly as stored (and as inserted), every field as text: what
/// the chain's hash covers. Verification reads this form so that any
/// alteration, even to a value outside every known set, is reported as a
/// broken chain.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = audit_events)]
struct RawEventRow {
    seq: i64,
    id: String,
    request_id: Option<String>,
    actor_kind: StoredText,
    actor_id: Option<String>,
    action: StoredText,
    from_status: Option<StoredText>,
    to_status: Option<StoredText>,
    reason: Option<String>,
    at: NaiveDateTime,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl RawEventRow {
    /// The stored event; a payload that is no longer JSON was altered.
    fn into_stored(self) -> Result<StoredEvent, ChainBreak> {
        let Ok(payload) = serde_json::from_str(&self.payload) else {
            return Err(ChainBreak::Altered {
                seq: self.seq,
                id: self.id,
            });
        };
        Ok(StoredEvent {
            content: AuditContent {
                seq: self.seq,
                id: self.id,
                request_id: self.request_id,
                actor_kind: self.actor_kind.0,
                actor_id: self.actor_id,
                action: self.action.0,
                from_status: self.from_status.map(|s| s.0),
                to_status: self.to_status.map(|s| s.0),
                reason: self.reason,
                at: self.at,
                payload,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// Chains a transaction's events, as its last statements: locks the head
/// (unless already locked by [`lock_head_early`]), numbers and hashes each
/// event after the one before, inserts them and moves the head, so the
/// head is held only until the commit.
pub(super) fn chain(conn: &mut DbConnection, events: Vec<AuditContent>) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let (mut seq, mut head_hash): (i64, String) = match conn {
        DbConnection::Pg(c) => audit_head::table
            .find(1)
            .select((audit_head::seq, audit_head::hash))
            .for_update()
            .first(c)?,
        DbConnection::Sqlite(_) => audit_head::table
            .find(1)
            .select((audit_head::seq, audit_head::hash))
            .first(conn)?,
    };
    let mut rows = Vec::with_capacity(events.len());
    for mut content in events {
        seq += 1;
        content.seq = seq;
        let hash = chain_hash(&head_hash, &content)
            .map_err(|e| StoreError::Corrupt(format!("the audit event cannot be encoded: {e}")))?;
        let prev_hash = std::mem::replace(&mut head_hash, hash.clone());
        rows.push(RawEventRow {
            seq: content.seq,
            id: content.id,
            request_id: content.request_id,
            actor_kind: StoredText(content.actor_kind),
            actor_id: content.actor_id,
            action: StoredText(content.action),
            from_status: content.from_status.map(StoredText),
            to_status: content.to_status.map(StoredText),
            reason: content.reason,
            at: content.at,
            payload: content.payload.to_string(),
            prev_hash,
            hash,
        });
    }
    match conn {
        // On PostgreSQL every statement between locking the head and
        // committing is a round trip that every other writer with
        // events waits for: the events (as one JSON array of rows, so
        // the statement's text is the same for any number of them and
        // it stays prepared) and the head's move are one statement.
        DbConnection::Pg(c) => {
            let rows = serde_json::to_string(&rows)
                .map_err(|e| StoreError::Corrupt(format!("the audit events cannot be encoded: {e}")))?;
            prepared(
                "WITH appended AS (INSERT INTO audit_events \
                 SELECT * FROM json_populate_recordset(NULL::audit_events, ?::json)) \
                 UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
                ((Text, rows), (BigInt, seq), (Text, &head_hash)),
            )
            .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::insert_into(audit_events::table)
                .values(&rows)
                .execute(c)?;
            prepared(
                "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
                ((BigInt, seq), (Text, &head_hash)),
            )
            .execute(c)?;
        }
    }
    Ok(())
}

/// On SQLite, takes the database's writer lock with the transaction's
/// first statement (a write), before anything is read: a transaction that
/// read first and wrote later could find another process had written in
/// between and fail. PostgreSQL needs nothing here: its head is locked
/// last, by [`chain`].
pub(super) fn lock_head_early(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(c) = conn {
        prepared("UPDATE audit_head SET seq = seq WHERE id = 1", ()).execute(c)?;
    }
    Ok(())
}

/// An event as the chain will hold it, numbered when it is chained (see
/// [`crate::Tx::append`]).
pub(super) fn content(event: NewEvent<'_>, at: NaiveDateTime) -> AuditContent {
    AuditContent {
        seq: 0,
        id: new_id(),
        request_id: event.request_id.map(str::to_owned),
        actor_kind: event.actor.kind().as_str().to_owned(),
        actor_id: event.actor.id().map(str::to_owned),
        action: event.action.as_str().to_owned(),
        from_status: event.from_status.map(|s| s.as_str().to_owned()),
        to_status: event.to_status.map(|s| s.as_str().to_owned()),
        reason: event.reason.map(str::to_owned),
        at,
        payload: event.payload,
    }
}

/// The events of one request, oldest first.
pub fn for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<EventRow>, StoreError> {
    Ok(audit_events::table
        .filter(audit_events::request_id.eq(request_id.as_str()))
        .order(audit_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)?)
}

/// How many events of `action` a request has had since `since`.
pub fn count_for_request_since(
    conn: &mut DbConnection,
    request_id: &RequestId,
    action: AuditAction,
    since: NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(audit_events::table
        .filter(audit_events::request_id.eq(request_id.as_str()))
        .filter(audit_events::action.eq(Wire(action)))
        .filter(audit_events::at.ge(since))
        .count()
        .get_result(conn)?)
}

/// How many events the chain holds.
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(audit_events::table.count().get_result(conn)?)
}

/// The outcome of walking the whole chain.
#[derive(Debug)]
pub enum Verification {
    Intact { events: i64 },
    Broken(ChainBreak),
}

/// Walks the whole chain in pages, in constant memory.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, StoreError> {
    const PAGE: i64 = 1000;
    let mut verifier = ChainVerifier::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<RawEventRow> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .select(RawEventRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        let full_page = rows.len() as i64 == PAGE;
        for row in rows {
            if let Err(broken) = row.into_stored().and_then(|event| verifier.check(&event)) {
                return Ok(Verification::Broken(broken));
            }
        }
        if !full_page {
            break;
        }
    }
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    Ok(match verifier.finish(head_seq, &head_hash) {
        Ok(events) => Verification::Intact { events },
        Err(broken) => Verification::Broken(broken),
    })
}
