//! Webhook deliveries: one row per event and receiving data system, written
//! by [`enqueue`] in the transaction that placed or lifted the holds (the
//! functions of [`super::holds`] call it), then claimed, posted and marked
//! by the delivery job. A row's id is the event id every attempt carries.
//!
//! A system's deliveries leave in the order they were queued: only the
//! oldest queued delivery of each system may be claimed, so a receiver that
//! is down holds back its own queue (and nobody else's) and never sees a
//! hold lifted before it saw it placed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use domain::ids::{RequestId, SystemId};

use super::schema::{
    data_categories, data_systems, hold_categories, hold_systems, holds, requests, webhook_deliveries,
};
use super::{DbConnection, StoreError, Tx, new_id};
use crate::types::Wire;
use domain::hold::{HoldReason, HoldScope, Question};
use domain::identifier::IdentifierScheme;
use domain::webhook::{DeliveryStatus, HoldNotice, WebhookEvent, event_body};

/// Queues one event per data system with a webhook that `hold_ids` (all of
/// one request) concern, each listing the holds within that system's scope;
/// returns the event ids. Call inside the transaction that changed the
/// holds.
pub fn enqueue(
    tx: &mut Tx<'_>,
    request_id: &RequestId,
    event: WebhookEvent,
    hold_ids: &[String],
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    if hold_ids.is_empty() {
        return Ok(Vec::new());
    }
    let receivers: Vec<(String, String)> = data_systems::table
        .filter(data_systems::webhook_url.is_not_null())
        .order(data_systems::code.asc())
        .select((data_systems::id, data_systems::code))
        .load(tx.connection())?;
    if receivers.is_empty() {
        return Ok(Vec::new());
    }
    let notices = notices(tx, request_id, hold_ids)?;
    let mut ids = Vec::new();
    for (system_id, code) in receivers {
        let question = Question::System(code.clone());
        let concerned: Vec<HoldNotice> = notices
            .iter()
            .filter(|(notice, category_systems)| notice.scope.covers(category_systems, &question))
            .map(|(notice, _)| notice.clone())
            .collect();
        if concerned.is_empty() {
            continue;
        }
        let id = new_id();
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(&id),
                webhook_deliveries::system_id.eq(&system_id),
                webhook_deliveries::request_id.eq(request_id.as_str()),
                webhook_deliveries::event_type.eq(Wire(event)),
                webhook_deliveries::body.eq(event_body(&id, event, now, &code, &concerned)),
                webhook_deliveries::status.eq(Wire(DeliveryStatus::Queued)),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::created_at.eq(now),
            ))
            .execute(tx.connection())?;
        ids.push(id);
    }
    if !ids.is_empty() {
        tx.note_webhooks_queued();
    }
    Ok(ids)
}

/// A hold as events tell of it, with the (category, system) codes of its
/// scope's categories.
type NoticeWithSystems = (HoldNotice, Vec<(String, String)>);

/// A hold's row as events read it: id, scheme, all, reason, placed,
/// lifted, kept until.
type NoticeRow = (
    String,
    IdentifierScheme,
    bool,
    HoldReason,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<chrono::NaiveDate>,
);

/// The holds as events tell of them.
fn notices(
    conn: &mut DbConnection,
    request_id: &RequestId,
    hold_ids: &[String],
) -> Result<Vec<NoticeWithSystems>, StoreError> {
    let (reference, email, phone, subject): (String, String, Option<String>, Option<String>) =
        requests::table
            .find(request_id.as_str())
            .select((
                requests::reference,
                requests::subject_email,
                requests::subject_phone,
                requests::subject_id,
            ))
            .first(conn)?;
    let rows: Vec<NoticeRow> = holds::table
        .filter(holds::id.eq_any(hold_ids))
        .order((holds::placed_at.asc(), holds::id.asc()))
        .select((
            holds::id,
            holds::identifier_scheme,
            holds::scope_all,
            holds::reason,
            holds::placed_at,
            holds::lifted_at,
            holds::retained_until,
        ))
        .load(conn)?;
    let mut notices = Vec::with_capacity(rows.len());
    for (id, scheme, all, reason, since, lifted_at, until) in rows {
        let value = match scheme {
            IdentifierScheme::Email => Some(email.clone()),
            IdentifierScheme::Phone => phone.clone(),
            IdentifierScheme::Subject => subject.clone(),
        };
        let (scope, category_systems) = if all {
            (HoldScope::All, Vec::new())
        } else {
            let category_systems: Vec<(String, String)> = hold_categories::table
                .inner_join(data_categories::table.inner_join(data_systems::table))
                .filter(hold_categories::hold_id.eq(&id))
                .select((data_categories::code, data_systems::code))
                .load(conn)?;
            let systems: Vec<String> = hold_systems::table
                .inner_join(data_systems::table)
                .filter(hold_systems::hold_id.eq(&id))
                .select(data_systems::code)
                .load(conn)?;
            let categories = category_systems.iter().map(|(c, _)| c.clone()).collect();
            (HoldScope::of(categories, systems), category_systems)
        };
        notices.push((
            HoldNotice {
                id,
                identifier: value.map(|v| format!("{scheme}:{v}")),
                reason,
                scope,
                since,
                lifted_at,
                request: reference.clone(),
                until,
            },
            category_systems,
        ));
    }
    Ok(notices)
}

/// A claimed delivery, ready to post.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedDelivery {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub system_id: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// The claim: due, unclaimed (or its claimant's lease ended), and the
/// oldest queued delivery of its system. `{lock}` is PostgreSQL's row lock
/// so that concurrent claimants skip each other's rows; SQLite runs one
/// writer at a time.
const CLAIM: &str = "\
UPDATE webhook_deliveries SET claimed_by = $1, claimed_until = $2
WHERE id IN (
    SELECT d.id FROM webhook_deliveries d
    WHERE d.status = 'queued' AND d.next_attempt_at <= $3
      AND (d.claimed_until IS NULL OR d.claimed_until < $3)
      AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries e
          WHERE e.system_id = d.system_id AND e.status = 'queued'
            AND (e.created_at < d.created_at OR (e.created_at = d.created_at AND e.id < d.id)))
    ORDER BY d.next_attempt_at
    LIMIT $4{lock})
RETURNING id, system_id, body, attempts";

/// Claims up to `limit` due deliveries (at most one per system) for
/// `claimant` for `lease`.
pub fn claim_due(
    conn: &mut DbConnection,
    claimant: &str,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let lock = match conn {
        DbConnection::Pg(_) => "\n    FOR UPDATE OF d SKIP LOCKED",
        DbConnection::Sqlite(_) => "",
    };
    Ok(diesel::sql_query(CLAIM.replace("{lock}", lock))
        .bind::<Text, _>(claimant)
        .bind::<Timestamp, _>(now + lease)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt<'a> {
    Delivered { at: NaiveDateTime },
    Failed { error: &'a str, retry_at: NaiveDateTime },
}

/// Records an attempt and releases the claim; only the claimant may mark
/// its row. Returns whether it did.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    claimant: &str,
    attempt: Attempt<'_>,
) -> Result<bool, StoreError> {
    let target = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::claimed_by.eq(claimant));
    let released = (
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::claimed_by.eq(None::<String>),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    );
    let n = match attempt {
        Attempt::Delivered { at } => diesel::update(target)
            .set((
                released,
                webhook_deliveries::status.eq(Wire(DeliveryStatus::Delivered)),
                webhook_deliveries::delivered_at.eq(at),
                webhook_deliveries::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Attempt::Failed { error, retry_at } => diesel::update(target)
            .set((
                released,
                webhook_deliveries::next_attempt_at.eq(retry_at),
                webhook_deliveries::last_error.eq(error),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Where a system's deliveries go, and its sealed signing secret.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub url: String,
    pub secret_nonce: Vec<u8>,
    pub secret: Vec<u8>,
}

/// A system's webhook, if it has one.
pub fn endpoint(conn: &mut DbConnection, system_id: &SystemId) -> Result<Option<Endpoint>, StoreError> {
    type Columns = (Option<String>, Option<Vec<u8>>, Option<Vec<u8>>);
    let row: Option<Columns> = data_systems::table
        .find(system_id.as_str())
        .select((
            data_systems::webhook_url,
            data_systems::webhook_secret_nonce,
            data_systems::webhook_secret,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(url), Some(secret_nonce), Some(secret))) => Some(Endpoint {
            url,
            secret_nonce,
            secret,
        }),
        _ => None,
    })
}

/// Sets a system's webhook (or removes it with `None`; its queued
/// deliveries go with it). Returns how many queued deliveries were dropped.
pub fn set_endpoint(
    conn: &mut DbConnection,
    system_id: &SystemId,
    endpoint: Option<&Endpoint>,
) -> Result<usize, StoreError> {
    let target = data_systems::table.find(system_id.as_str());
    let changed = match endpoint {
        Some(e) => diesel::update(target)
            .set((
                data_systems::webhook_url.eq(&e.url),
                data_systems::webhook_secret_nonce.eq(&e.secret_nonce),
                data_systems::webhook_secret.eq(&e.secret),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                data_systems::webhook_url.eq(None::<String>),
                data_systems::webhook_secret_nonce.eq(None::<Vec<u8>>),
                data_systems::webhook_secret.eq(None::<Vec<u8>>),
            ))
            .execute(conn)?,
    };
    if changed != 1 {
        return Err(StoreError::NotFound);
    }
    if endpoint.is_some() {
        return Ok(0);
    }
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::system_id.eq(system_id.as_str()))
            .filter(webhook_deliveries::status.eq(Wire(DeliveryStatus::Queued))),
    )
    .execute(conn)?)
}

/// How a system's deliveries stand, for the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryState {
    pub queued: i64,
    /// The error of the oldest queued delivery (the one the others wait
    /// behind), if its last attempt failed.
    pub last_error: Option<String>,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_delivered_at: Option<NaiveDateTime>,
}

pub fn state(conn: &mut DbConnection, system_id: &SystemId) -> Result<DeliveryState, StoreError> {
    let mine = || webhook_deliveries::table.filter(webhook_deliveries::system_id.eq(system_id.as_str()));
    let queued = mine()
        .filter(webhook_deliveries::status.eq(Wire(DeliveryStatus::Queued)))
        .count()
        .get_result(conn)?;
    let head: Option<(Option<String>, NaiveDateTime)> = mine()
        .filter(webhook_deliveries::status.eq(Wire(DeliveryStatus::Queued)))
        .order((webhook_deliveries::created_at.asc(), webhook_deliveries::id.asc()))
        .select((
            webhook_deliveries::last_error,
            webhook_deliveries::next_attempt_at,
        ))
        .first(conn)
        .optional()?;
    let last_delivered_at = mine()
        .select(diesel::dsl::max(webhook_deliveries::delivered_at))
        .first(conn)?;
    let (last_error, next_attempt_at) = head.map_or((None, None), |(e, at)| (e, Some(at)));
    Ok(DeliveryState {
        queued,
        last_error,
        next_attempt_at,
        last_delivered_at,
    })
}

/// A delivery as tests and operators see it.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub system_id: String,
    pub event_type: WebhookEvent,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// Every delivery of a request, oldest first.
pub fn for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<DeliveryRow>, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::request_id.eq(request_id.as_str()))
        .order((webhook_deliveries::created_at.asc(), webhook_deliveries::id.asc()))
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// Deletes deliveries delivered before `before` (their bodies name people;
/// the audit trail keeps the hold changes themselves).
pub fn prune_delivered(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(Wire(DeliveryStatus::Delivered)))
            .filter(webhook_deliveries::delivered_at.lt(before)),
    )
    .execute(conn)?)
}

/// A data system as the webhook settings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemHook {
    pub id: SystemId,
    pub code: String,
    pub name: String,
    pub url: Option<String>,
}

/// Every data system with its webhook URL (if any), by code.
pub fn systems(conn: &mut DbConnection) -> Result<Vec<SystemHook>, StoreError> {
    let rows: Vec<(String, String, String, Option<String>)> = data_systems::table
        .order(data_systems::code.asc())
        .select((
            data_systems::id,
            data_systems::code,
            data_systems::name,
            data_systems::webhook_url,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, url)| SystemHook {
            id: SystemId::from(id),
            code,
            name,
            url,
        })
        .collect())
}
