//! The email outbox: rows written in the same transaction as the change that
//! causes them, then claimed, sent and marked by the delivery job.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};

use super::schema::email_outbox;
use super::{DbConnection, StoreError, new_id};

/// An email to queue. `to` must be a valid address (parsed by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub request_id: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Queues emails; call inside the transaction of the change that causes them.
pub fn enqueue(
    conn: &mut DbConnection,
    emails: &[NewEmail],
    now: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let mut ids = Vec::with_capacity(emails.len());
    for email in emails {
        let id = new_id();
        diesel::insert_into(email_outbox::table)
            .values((
                email_outbox::id.eq(&id),
                email_outbox::request_id.eq(&email.request_id),
                email_outbox::recipient.eq(&email.to),
                email_outbox::subject.eq(&email.subject),
                email_outbox::body_text.eq(&email.text),
                email_outbox::body_html.eq(&email.html),
                email_outbox::message_id.eq(format!("<{id}@rightsdesk>")),
                email_outbox::status.eq("queued"),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(now),
                email_outbox::created_at.eq(now),
            ))
            .execute(conn)?;
        ids.push(id);
    }
    Ok(ids)
}

/// A claimed email, ready to send.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedEmail {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Text)]
    pub body_text: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub body_html: Option<String>,
    #[diesel(sql_type = Text)]
    pub message_id: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

const CLAIM_PG: &str = "\
UPDATE email_outbox SET claimed_by = $1, claimed_until = $2
WHERE id IN (
    SELECT id FROM email_outbox
    WHERE status = 'queued' AND next_attempt_at <= $3
      AND (claimed_until IS NULL OR claimed_until < $3)
    ORDER BY next_attempt_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED)
RETURNING id, recipient, subject, body_text, body_html, message_id, attempts";

// SQLite runs one writer at a time, so this single statement is the only
// claimant while it runs.
const CLAIM_SQLITE: &str = "\
UPDATE email_outbox SET claimed_by = ?1, claimed_until = ?2
WHERE id IN (
    SELECT id FROM email_outbox
    WHERE status = 'queued' AND next_attempt_at <= ?3
      AND (claimed_until IS NULL OR claimed_until < ?3)
    ORDER BY next_attempt_at
    LIMIT ?4)
RETURNING id, recipient, subject, body_text, body_html, message_id, attempts";

/// Claims up to `limit` due emails for `claimant` for `lease`. Two claimants
/// never hold the same row; a row whose claimant died is claimable again
/// once its lease ends.
pub fn claim_due(
    conn: &mut DbConnection,
    claimant: &str,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> Result<Vec<ClaimedEmail>, StoreError> {
    let until = now + lease;
    let claimed = match conn {
        DbConnection::Pg(c) => diesel::sql_query(CLAIM_PG)
            .bind::<Text, _>(claimant)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)?,
        DbConnection::Sqlite(c) => diesel::sql_query(CLAIM_SQLITE)
            .bind::<Text, _>(claimant)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)?,
    };
    Ok(claimed)
}

/// Records a successful send. Only the claimant may mark its row.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    claimant: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::claimed_by.eq(claimant)),
    )
    .set((
        email_outbox::status.eq("sent"),
        email_outbox::sent_at.eq(now),
        email_outbox::attempts.eq(email_outbox::attempts + 1),
        email_outbox::claimed_by.eq(None::<String>),
        email_outbox::claimed_until.eq(None::<NaiveDateTime>),
        email_outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failed attempt and when to try again.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    claimant: &str,
    error: &str,
    retry_at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::claimed_by.eq(claimant)),
    )
    .set((
        email_outbox::attempts.eq(email_outbox::attempts + 1),
        email_outbox::last_error.eq(error),
        email_outbox::next_attempt_at.eq(retry_at),
        email_outbox::claimed_by.eq(None::<String>),
        email_outbox::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// An outbox row as operators and tests see it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: String,
    pub request_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<OutboxRow, StoreError> {
    email_outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

pub fn for_request(conn: &mut DbConnection, request_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(email_outbox::table
        .filter(email_outbox::request_id.eq(request_id))
        .order(email_outbox::created_at.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// How many emails are waiting to be sent.
pub fn queued_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(email_outbox::table
        .filter(email_outbox::status.eq("queued"))
        .count()
        .get_result(conn)?)
}
