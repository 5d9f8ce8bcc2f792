//! The email outbox: rows written in the same transaction as the change that
//! causes them, then claimed, sent and marked by the delivery job.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use domain::ids::RequestId;

use super::prepared::prepared;
use super::schema::email_outbox;
use super::{DbConnection, StoreError, Tx, new_id};
use crate::types::{Wire, WireText};
use domain::email::{EmailStatus, NewEmail};

/// Queues emails; call inside the transaction of the change that causes them.
pub fn enqueue(tx: &mut Tx<'_>, emails: &[NewEmail], now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
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
                email_outbox::status.eq(Wire(EmailStatus::Queued)),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(now),
                email_outbox::created_at.eq(now),
            ))
            .execute(tx.connection())?;
        ids.push(id);
    }
    if !ids.is_empty() {
        tx.note_mail_queued();
    }
    Ok(ids)
}

/// A claimed email, ready to send.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedEmail {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub request_id: Option<String>,
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

/// The claim, with the row lock PostgreSQL needs (`$lock`) so that
/// concurrent claimants skip each other's rows. SQLite runs one writer at a
/// time, so the single statement is the only claimant while it runs.
macro_rules! claim {
    ($lock:literal) => {
        concat!(
            "UPDATE email_outbox SET claimed_by = ?, claimed_until = ? \
             WHERE id IN (SELECT id FROM email_outbox \
             WHERE status = 'queued' AND next_attempt_at <= ? \
             AND (claimed_until IS NULL OR claimed_until < ?) \
             ORDER BY next_attempt_at LIMIT ?",
            $lock,
            ") RETURNING id, request_id, recipient, subject, body_text, body_html, message_id, attempts"
        )
    };
}

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
    let sql = match conn {
        DbConnection::Pg(_) => claim!(" FOR UPDATE SKIP LOCKED"),
        DbConnection::Sqlite(_) => claim!(""),
    };
    let binds = (
        (Text, claimant),
        (Timestamp, now + lease),
        (Timestamp, now),
        (Timestamp, now),
        (BigInt, limit),
    );
    Ok(prepared(sql, binds).load(conn)?)
}

/// How a send attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt<'a> {
    Sent {
        at: NaiveDateTime,
    },
    /// Failed; try again at `retry_at`.
    Failed {
        error: &'a str,
        retry_at: NaiveDateTime,
    },
    /// Failed for the last time: the email is given up (record its audit
    /// event in the same transaction).
    GaveUp {
        error: &'a str,
    },
}

/// Records the outcome of a send attempt and releases the claim. Only the
/// claimant may mark its row; returns whether it did.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    claimant: &str,
    attempt: Attempt<'_>,
) -> Result<bool, StoreError> {
    let (status, sent_at, error, next_attempt_at) = match attempt {
        Attempt::Sent { at } => (EmailStatus::Sent, Some(at), None, None),
        Attempt::Failed { error, retry_at } => (EmailStatus::Queued, None, Some(error), Some(retry_at)),
        Attempt::GaveUp { error } => (EmailStatus::Failed, None, Some(error), None),
    };
    // An attempt with no next one keeps the row's time as it was.
    let n = prepared(
        "UPDATE email_outbox SET status = ?, sent_at = ?, attempts = attempts + 1, \
         last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at), \
         claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
        (
            (WireText, Wire(status)),
            (Nullable::<Timestamp>::default(), sent_at),
            (Nullable::<Text>::default(), error),
            (Nullable::<Timestamp>::default(), next_attempt_at),
            (Text, id),
            (Text, claimant),
        ),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// `finish_sent`'s statement: the claimant's rows among the listed ids
/// (one JSON array, so the text is the same for any number of them).
macro_rules! finish_sent {
    ($listed:literal) => {
        concat!(
            "UPDATE email_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, \
             last_error = NULL, claimed_by = NULL, claimed_until = NULL \
             WHERE claimed_by = ? AND id IN (",
            $listed,
            ")"
        )
    };
}

/// Records emails sent at `at` and releases their claims: what
/// [`finish`] does for [`Attempt::Sent`], for a whole batch in one
/// statement. Only the claimant's rows are marked; returns how many.
pub fn finish_sent(
    conn: &mut DbConnection,
    ids: &[&str],
    claimant: &str,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = match conn {
        DbConnection::Pg(_) => finish_sent!("SELECT json_array_elements_text(?::json)"),
        DbConnection::Sqlite(_) => finish_sent!("SELECT value FROM json_each(?)"),
    };
    let listed = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(format!("email ids: {e}")))?;
    Ok(prepared(sql, ((Timestamp, at), (Text, claimant), (Text, listed))).execute(conn)?)
}

/// An outbox row as operators and tests see it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxRow {
    pub id: String,
    pub request_id: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub status: EmailStatus,
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

pub fn for_request(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(email_outbox::table
        .filter(email_outbox::request_id.eq(request_id.as_str()))
        .order(email_outbox::created_at.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// How many emails were queued for `recipient` since each of `recent` and
/// `since` (whatever became of them), counted in one query: what a
/// stranger can make the desk send to one address is capped on these.
pub fn queued_for_recipient_since(
    conn: &mut DbConnection,
    recipient: &str,
    recent: NaiveDateTime,
    since: NaiveDateTime,
) -> Result<(i64, i64), StoreError> {
    use diesel::dsl::{case_when, count_star, sum};
    use diesel::sql_types::Integer;
    let (recent_count, all): (Option<i64>, i64) = email_outbox::table
        .filter(email_outbox::recipient.eq(recipient))
        .filter(email_outbox::created_at.ge(since))
        .select((
            sum(
                case_when(email_outbox::created_at.ge(recent), 1_i32.into_sql::<Integer>())
                    .otherwise(0_i32.into_sql::<Integer>()),
            ),
            count_star(),
        ))
        .get_result(conn)?;
    Ok((recent_count.unwrap_or(0), all))
}

/// An email given up, as operators see it.
#[derive(Debug, Clone, Queryable)]
pub struct FailedEmail {
    pub id: String,
    pub reference: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The emails given up, newest first (at most 1000).
pub fn failed(conn: &mut DbConnection) -> Result<Vec<FailedEmail>, StoreError> {
    use super::schema::requests;
    Ok(email_outbox::table
        .left_join(requests::table)
        .filter(email_outbox::status.eq(Wire(EmailStatus::Failed)))
        .order(email_outbox::created_at.desc())
        .limit(1000)
        .select((
            email_outbox::id,
            requests::reference.nullable(),
            email_outbox::attempts,
            email_outbox::last_error,
            email_outbox::created_at,
        ))
        .load(conn)?)
}

/// How many emails are waiting to be sent.
pub fn queued_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(email_outbox::table
        .filter(email_outbox::status.eq(Wire(EmailStatus::Queued)))
        .count()
        .get_result(conn)?)
}
