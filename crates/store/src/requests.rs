//! Requests: creation (reference, holds, audit event) and reading.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use domain::ids::RequestId;

use super::audit::NewEvent;
use super::holds::{self, HoldTarget, ScopeIds};
use super::prepared::prepared_returning;
use super::schema::{data_categories, prolongations, request_categories, request_search_terms, requests};
use super::{DbConnection, StoreError, Tx, new_id};
use crate::types::Wire;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::hold::HoldScope;
use domain::identifier::{Email, Identifier, IdentifierKey, Phone};
use domain::jurisdiction::Jurisdiction;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::profile::Prolongation;
use domain::reference::{MAX_PER_YEAR, Reference};
use domain::request::{Channel, OnBehalf, RequestKind, VerificationState};

/// A request ready to be stored: every field already parsed and normalised.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub channel: Channel,
    pub jurisdiction: Jurisdiction,
    pub on_behalf: OnBehalf,
    pub received_at: NaiveDateTime,
    /// The year the reference is numbered in (the profile's local year).
    pub reference_year: i32,
    /// The last day on which an answer is on time.
    pub due_date: NaiveDate,
    pub requester_name: String,
    pub requester_email: Email,
    pub requester_phone: Option<Phone>,
    pub subject_name: String,
    pub subject_email: Email,
    pub subject_phone: Option<Phone>,
    pub details: String,
    pub correction: Option<String>,
    /// Ids of the data categories concerned; empty means all.
    pub category_ids: Vec<String>,
    /// The subject's id in the company's own systems, when the channel
    /// that logged the request gave one: holds bind to it too (only its
    /// keyed hash is indexed; the id itself is kept to name the subject to
    /// the company's systems in webhooks).
    pub subject_id: Option<String>,
    /// The holiday calendar `due_date` was counted with, and its source.
    pub calendar: String,
    /// The language notices to the requester are written in.
    pub lang: Lang,
}

/// What [`create`] made.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: RequestId,
    pub reference: Reference,
    pub status: RequestStatus,
    pub holds: Vec<String>,
    /// The earlier request of the same kind about the same person, received
    /// within the duplicate window, that this one is linked to.
    pub duplicate_of: Option<Reference>,
    /// The row as inserted.
    pub row: RequestRow,
}

/// Requests of the same kind about the same person within this many hours
/// of each other are linked as duplicates.
pub const DUPLICATE_WINDOW_HOURS: i64 = 24;

/// The earliest open request of `kind` about `subject_email_key` received
/// within the duplicate window before `received_at`.
fn find_duplicate(
    conn: &mut DbConnection,
    kind: RequestKind,
    subject_email_key: &str,
    received_at: NaiveDateTime,
) -> Result<Option<(String, String)>, StoreError> {
    let since = received_at - chrono::Duration::hours(DUPLICATE_WINDOW_HOURS);
    Ok(requests::table
        .filter(requests::subject_email_key.eq(subject_email_key))
        .filter(requests::kind.eq(Wire(kind)))
        .filter(requests::received_at.ge(since))
        .filter(requests::received_at.le(received_at))
        .filter(requests::duplicate_of.is_null())
        // Two comparisons rather than NOT IN (…): a list of values keeps a
        // statement from being prepared once and reused.
        .filter(requests::status.ne(Wire(RequestStatus::Expired)))
        .filter(requests::status.ne(Wire(RequestStatus::Withdrawn)))
        .order(requests::received_at.asc())
        .select((requests::id, requests::reference))
        .first(conn)
        .optional()?)
}

/// Allocates the next reference of `year`.
///
/// - On SQLite, which writes one transaction at a time anyway, one
///   statement creates the year's counter or moves it on, holding its row
///   until commit: numbers are never handed out twice and never skipped (a
///   rolled-back request gives its number back).
/// - On PostgreSQL each year has its own sequence (`reference_numbers_YYYY`):
///   taking a number locks nothing, so concurrent submissions do not queue
///   behind each other until commit. Numbers are never handed out twice; a
///   request whose transaction fails after taking its number leaves a gap
///   (refusals are decided before the number is taken, so only errors do).
fn next_reference(conn: &mut DbConnection, year: i32) -> Result<Reference, StoreError> {
    let number = match conn {
        DbConnection::Pg(pg) => match next_in_sequence(pg, year)? {
            Some(number) => number,
            None => {
                create_reference_sequence(pg, year)?;
                next_in_sequence(pg, year)?.ok_or_else(|| {
                    StoreError::Corrupt(format!("the reference sequence of {year} is missing"))
                })?
            }
        },
        // One statement, kept prepared.
        DbConnection::Sqlite(lite) => prepared_returning::<BigInt, _>(
            "INSERT INTO reference_counters (year, last_number) VALUES (?, 1) \
             ON CONFLICT (year) DO UPDATE SET last_number = last_number + 1 \
             RETURNING last_number",
            ((Integer, year),),
        )
        .get_result::<i64>(lite)?,
    };
    if number > MAX_PER_YEAR {
        return Err(StoreError::Invalid(format!(
            "the references of {year} are exhausted"
        )));
    }
    Reference::new(year, number).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The PostgreSQL sequence that numbers the references of `year`.
fn reference_sequence(year: i32) -> String {
    format!("reference_numbers_{year}")
}

/// The next number of `year`'s sequence, or `None` when it does not exist yet.
fn next_in_sequence(pg: &mut diesel::PgConnection, year: i32) -> Result<Option<i64>, StoreError> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        number: Option<i64>,
    }
    // Prepared prepared: every request created runs it.
    Ok(super::prepared::prepared(
        "SELECT nextval(to_regclass(?)) AS number",
        ((diesel::sql_types::Text, reference_sequence(year)),),
    )
    .get_result::<Next>(pg)?
    .number)
}

/// Creates `year`'s sequence unless it exists, starting after the highest
/// number the year already has (in the requests or in the counter SQLite
/// and earlier versions kept). Creators take turns on an advisory lock, so
/// two never race; runs in the caller's transaction.
fn create_reference_sequence(pg: &mut diesel::PgConnection, year: i32) -> Result<(), StoreError> {
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let name = reference_sequence(year);
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('reference-sequences', 0))")
        .execute(pg)?;
    let exists = diesel::sql_query("SELECT to_regclass($1) IS NOT NULL AS exists")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result::<Exists>(pg)?
        .exists;
    if exists {
        return Ok(());
    }
    // `year` is an integer: the name cannot carry anything but digits.
    diesel::connection::SimpleConnection::batch_execute(
        pg,
        &format!("CREATE SEQUENCE {name} AS bigint MINVALUE 1"),
    )?;
    diesel::sql_query(
        "SELECT setval($1::regclass, GREATEST( \
             (SELECT COALESCE(MAX(ref_number), 0) FROM requests WHERE ref_year = $2), \
             (SELECT COALESCE(MAX(last_number), 0) FROM reference_counters WHERE year = $2) \
         ) + 1, false)",
    )
    .bind::<diesel::sql_types::Text, _>(&name)
    .bind::<diesel::sql_types::Integer, _>(year)
    .execute(pg)?;
    Ok(())
}

/// Makes sure the reference sequences of `years` exist (PostgreSQL; SQLite
/// needs nothing), each in its own short transaction: run at start and
/// hourly for this year and the next, so the first request of a year never
/// has to create one.
pub fn prepare_references(conn: &mut DbConnection, years: &[i32]) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        for &year in years {
            pg.transaction(|pg| create_reference_sequence(pg, year))?;
        }
    }
    Ok(())
}

/// Stores a new request in status `unverified`, with its categories, its
/// holds (for kinds that freeze data, from this moment) and its
/// `request.received` audit event. Call inside [`super::Store::write`];
/// queue the emails it implies in the same transaction.
pub fn create(
    tx: &mut Tx<'_>,
    new: &NewRequest,
    hmac_key: &[u8],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, StoreError> {
    create_with_code(tx, new, hmac_key, actor, now, None)
}

/// The first verification code of a new request, stored with its row (as
/// [`super::verification::set_code`] would store it: its keyed hash, no
/// tries yet, one code sent now) rather than by an update after it. The
/// caller appends the code's audit event and queues the email carrying it.
#[derive(Clone, Copy)]
pub struct FirstCode<'a> {
    /// The code's stored form for a request id (its keyed hash: a code is
    /// bound to its request, whose id is chosen here).
    pub hash_for: &'a dyn Fn(&RequestId) -> String,
}

/// [`create`], with the first verification code stored in the same row.
pub fn create_with_code(
    tx: &mut Tx<'_>,
    new: &NewRequest,
    hmac_key: &[u8],
    actor: &Actor,
    now: NaiveDateTime,
    code: Option<FirstCode<'_>>,
) -> Result<Created, StoreError> {
    let id = RequestId::from(new_id());
    let code_hash = code.map(|c| (c.hash_for)(&id));
    let reference = next_reference(tx, new.reference_year)?;
    let status = RequestStatus::Unverified;
    let subject_email = Identifier::Email(new.subject_email.clone());
    let subject_phone = new.subject_phone.clone().map(Identifier::Phone);
    let requester_email_key = Identifier::Email(new.requester_email.clone()).key(hmac_key);
    let subject_email_key = subject_email.key(hmac_key);
    let subject_phone_key = subject_phone.as_ref().map(|p| p.key(hmac_key));
    let duplicate = find_duplicate(tx, new.kind, subject_email_key.as_str(), new.received_at)?;

    let row = diesel::insert_into(requests::table)
        .values((
            requests::id.eq(id.as_str()),
            requests::reference.eq(reference.to_string()),
            requests::ref_year.eq(reference.year()),
            requests::ref_number.eq(reference.number()),
            requests::kind.eq(Wire(new.kind)),
            requests::status.eq(Wire(status)),
            requests::jurisdiction.eq(Wire(new.jurisdiction)),
            requests::channel.eq(Wire(new.channel)),
            requests::received_at.eq(new.received_at),
            requests::due_date.eq(new.due_date),
            requests::original_due_date.eq(new.due_date),
            requests::on_behalf.eq(Wire(new.on_behalf)),
            requests::requester_name.eq(&new.requester_name),
            requests::requester_email.eq(new.requester_email.as_str()),
            requests::requester_email_key.eq(requester_email_key.as_str()),
            requests::requester_phone.eq(new.requester_phone.as_ref().map(Phone::as_str)),
            requests::subject_name.eq(&new.subject_name),
            requests::subject_email.eq(new.subject_email.as_str()),
            requests::subject_email_key.eq(subject_email_key.as_str()),
            requests::subject_phone.eq(new.subject_phone.as_ref().map(Phone::as_str)),
            requests::subject_phone_key.eq(subject_phone_key.as_ref().map(|k| k.as_str())),
            requests::subject_id.eq(&new.subject_id),
            requests::calendar.eq(&new.calendar),
            requests::details.eq(&new.details),
            requests::correction.eq(&new.correction),
            requests::verification_state.eq(Wire(VerificationState::Pending)),
            requests::verification_code_hash.eq(&code_hash),
            requests::verification_codes_sent.eq(i32::from(code_hash.is_some())),
            requests::verification_sent_at.eq(code_hash.as_ref().map(|_| now)),
            requests::duplicate_of.eq(duplicate.as_ref().map(|(id, _)| id)),
            requests::lang.eq(Wire(new.lang)),
            requests::version.eq(1),
            requests::created_at.eq(now),
            requests::updated_at.eq(now),
        ))
        // The row's own columns, in its order (what `as_select` reads).
        .returning(<RequestRow as Selectable<
            <DbConnection as Connection>::Backend,
        >>::construct_selection())
        .get_result::<RequestRow>(tx.connection())?;

    let mut category_codes = Vec::with_capacity(new.category_ids.len());
    for category_id in &new.category_ids {
        let code: Option<String> = data_categories::table
            .find(category_id)
            .select(data_categories::code)
            .first(tx.connection())
            .optional()?;
        let code = code.ok_or_else(|| StoreError::Invalid(format!("unknown data category {category_id}")))?;
        diesel::insert_into(request_categories::table)
            .values((
                request_categories::request_id.eq(id.as_str()),
                request_categories::category_id.eq(category_id),
            ))
            .execute(tx.connection())?;
        category_codes.push(code);
    }

    index_names(tx, &id, [new.requester_name.as_str(), new.subject_name.as_str()])?;

    let mut hold_ids = Vec::new();
    if let Some(reason) = new.kind.hold_reason() {
        let mut targets = vec![HoldTarget {
            scheme: subject_email.scheme(),
            key: subject_email_key,
        }];
        if let (Some(phone), Some(key)) = (&subject_phone, subject_phone_key) {
            targets.push(HoldTarget {
                scheme: phone.scheme(),
                key,
            });
        }
        if let Some(subject_id) = &new.subject_id {
            let subject = Identifier::Subject(subject_id.clone());
            targets.push(HoldTarget {
                scheme: subject.scheme(),
                key: subject.key(hmac_key),
            });
        }
        let scope = ScopeIds {
            category_ids: new.category_ids.clone(),
            system_ids: Vec::new(),
        };
        hold_ids = holds::place_for_request(tx, &id, &targets, &scope, reason, now)?;
    }

    tx.append(
        NewEvent {
            request_id: Some(id.as_str()),
            actor,
            action: AuditAction::RequestReceived,
            from_status: None,
            to_status: Some(status),
            reason: None,
            payload: serde_json::json!({
                "reference": reference.to_string(),
                "kind": new.kind,
                "channel": new.channel,
                "on_behalf": new.on_behalf,
                "categories": category_codes,
                "scope": HoldScope::of_categories(&category_codes).to_string(),
                "holds_placed": hold_ids,
                "duplicate_of": duplicate.as_ref().map(|(_, reference)| reference),
            }),
        },
        now,
    );

    let duplicate_of = duplicate
        .map(|(_, r)| {
            r.parse()
                .map_err(|e| StoreError::Corrupt(format!("stored reference {r:?}: {e}")))
        })
        .transpose()?;
    Ok(Created {
        id,
        reference,
        status,
        holds: hold_ids,
        duplicate_of,
        row,
    })
}

/// A request as stored (without its secrets).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct RequestRow {
    #[diesel(deserialize_as = String)]
    pub id: RequestId,
    pub reference: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub jurisdiction: Jurisdiction,
    pub channel: Channel,
    pub received_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    pub on_behalf: OnBehalf,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: Option<String>,
    pub subject_name: String,
    pub subject_email: String,
    pub subject_phone: Option<String>,
    pub details: String,
    pub correction: Option<String>,
    pub verification_state: VerificationState,
    pub verified_at: Option<NaiveDateTime>,
    pub duplicate_of: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub lang: Lang,
    pub verification_attempts: i32,
    pub verification_codes_sent: i32,
    pub verification_sent_at: Option<NaiveDateTime>,
    /// The holiday calendar `due_date` was counted with, and its source
    /// (none on requests stored before it was recorded).
    pub calendar: Option<String>,
    /// The due date counted at receipt (`due_date` is the one in force).
    pub original_due_date: Option<NaiveDate>,
}

pub fn get(conn: &mut DbConnection, id: &RequestId) -> Result<RequestRow, StoreError> {
    requests::table
        .find(id.as_str())
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

pub fn get_by_reference(conn: &mut DbConnection, reference: &Reference) -> Result<RequestRow, StoreError> {
    requests::table
        .filter(requests::reference.eq(reference.to_string()))
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// How many requests are in each status.
pub fn count_by_status(conn: &mut DbConnection) -> Result<Vec<(RequestStatus, i64)>, StoreError> {
    Ok(requests::table
        .group_by(requests::status)
        .select((requests::status, diesel::dsl::count_star()))
        .order(requests::status.asc())
        .load(conn)?)
}

/// Ids of requests still unverified that were received before `cutoff`.
pub fn unverified_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    limit: i64,
) -> Result<Vec<RequestId>, StoreError> {
    let ids: Vec<String> = requests::table
        .filter(requests::status.eq(Wire(RequestStatus::Unverified)))
        .filter(requests::received_at.lt(cutoff))
        .order(requests::received_at.asc())
        .limit(limit)
        .select(requests::id)
        .load(conn)?;
    Ok(ids.into_iter().map(RequestId::from).collect())
}

/// How many requests made from the address with this keyed hash are still
/// waiting for confirmation.
pub fn unconfirmed_for_requester(
    conn: &mut DbConnection,
    email_key: &IdentifierKey,
) -> Result<i64, StoreError> {
    Ok(requests::table
        .filter(requests::requester_email_key.eq(email_key.as_str()))
        .filter(requests::status.eq(Wire(RequestStatus::Unverified)))
        .count()
        .get_result(conn)?)
}

/// How many wrong codes were entered since `since` for all the requests
/// made from the same address as `request_id` (from the audit trail).
pub fn wrong_codes_for_requester_of(
    conn: &mut DbConnection,
    request_id: &RequestId,
    since: NaiveDateTime,
) -> Result<i64, StoreError> {
    use super::schema::audit_events;
    let key: String = requests::table
        .find(request_id.as_str())
        .select(requests::requester_email_key)
        .first(conn)?;
    let same_requester = requests::table
        .filter(requests::requester_email_key.eq(key))
        .select(requests::id.nullable());
    Ok(audit_events::table
        .filter(audit_events::request_id.eq_any(same_requester))
        .filter(audit_events::action.eq(Wire(AuditAction::CodeRejected)))
        .filter(audit_events::at.ge(since))
        .count()
        .get_result(conn)?)
}

/// The ids of the data categories a request names (empty: all of them).
pub fn category_ids(conn: &mut DbConnection, request_id: &RequestId) -> Result<Vec<String>, StoreError> {
    Ok(request_categories::table
        .filter(request_categories::request_id.eq(request_id.as_str()))
        .select(request_categories::category_id)
        .load(conn)?)
}

/// Stores the words a request's names are searched by.
fn index_names<'a>(
    conn: &mut DbConnection,
    request_id: &RequestId,
    names: impl IntoIterator<Item = &'a str>,
) -> Result<usize, StoreError> {
    let terms = domain::text::search_terms(names);
    let rows: Vec<_> = terms
        .iter()
        .map(|term| {
            (
                request_search_terms::term.eq(term),
                request_search_terms::request_id.eq(request_id.as_str()),
            )
        })
        .collect();
    match conn {
        // One statement for all of them.
        DbConnection::Pg(pg) if !rows.is_empty() => {
            diesel::insert_into(request_search_terms::table)
                .values(&rows)
                .execute(pg)?;
        }
        DbConnection::Pg(_) => {}
        // In-process: a statement per term costs no round trip.
        DbConnection::Sqlite(_) => {
            for row in &rows {
                diesel::insert_into(request_search_terms::table)
                    .values(*row)
                    .execute(conn)?;
            }
        }
    }
    Ok(terms.len())
}

/// Indexes the names of requests received before names were indexed (run
/// at start, after the migrations); returns how many it indexed.
pub fn index_unindexed_names(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let mut done = 0;
    loop {
        let batch: Vec<(String, String, String)> = requests::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                request_search_terms::table.filter(request_search_terms::request_id.eq(requests::id)),
            )))
            .select((requests::id, requests::requester_name, requests::subject_name))
            .limit(1000)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut indexed_any = false;
        for (id, requester, subject) in &batch {
            if index_names(
                conn,
                &RequestId::from(id.clone()),
                [requester.as_str(), subject.as_str()],
            )? > 0
            {
                done += 1;
                indexed_any = true;
            }
        }
        // Requests whose names have no word at all get no terms: stop
        // rather than read them again.
        if !indexed_any {
            return Ok(done);
        }
    }
}

/// A page of requests for the requests API, newest received first, with
/// the total that match.
pub fn api_page(
    conn: &mut DbConnection,
    status: Option<RequestStatus>,
    kind: Option<RequestKind>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<RequestRow>, i64), StoreError> {
    let filtered = || {
        let mut q = requests::table.into_boxed();
        if let Some(status) = status {
            q = q.filter(requests::status.eq(Wire(status)));
        }
        if let Some(kind) = kind {
            q = q.filter(requests::kind.eq(Wire(kind)));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((requests::received_at.desc(), requests::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(RequestRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// A request whose due date a calendar change may move.
#[derive(Debug, Clone, Queryable)]
pub struct Recount {
    #[diesel(deserialize_as = String)]
    pub id: RequestId,
    pub reference: String,
    pub kind: RequestKind,
    pub received_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    /// Its period was extended: counted with the lengthened period.
    pub extended: bool,
    /// The version read (a due date moved is guarded by it).
    pub version: i32,
}

/// The requests of `jurisdiction` counted with the calendar `code` (or
/// stored before calendars were recorded) whose due date is still counted
/// from receipt: no decision yet, never postponed to a chosen date.
pub fn to_recount(
    conn: &mut DbConnection,
    jurisdiction: Jurisdiction,
    code: &str,
) -> Result<Vec<Recount>, StoreError> {
    let counted: Vec<RequestStatus> = RequestStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.due_date_is_counted())
        .collect();
    Ok(requests::table
        .filter(requests::jurisdiction.eq(Wire(jurisdiction)))
        .filter(requests::status.eq_any(counted.into_iter().map(Wire)))
        .filter(
            requests::calendar
                .is_null()
                .or(requests::calendar.eq(code))
                .or(requests::calendar.like(format!("{code} (%"))),
        )
        .filter(diesel::dsl::not(diesel::dsl::exists(
            prolongations::table
                .filter(prolongations::request_id.eq(requests::id))
                .filter(prolongations::kind.eq(Wire(Prolongation::Postponement))),
        )))
        .order(requests::received_at.asc())
        .select((
            requests::id,
            requests::reference,
            requests::kind,
            requests::received_at,
            requests::due_date,
            diesel::dsl::exists(
                prolongations::table
                    .filter(prolongations::request_id.eq(requests::id))
                    .filter(prolongations::kind.eq(Wire(Prolongation::Extension))),
            ),
            requests::version,
        ))
        .load(conn)?)
}

/// Moves a request's due date, if the request is still at `version` (the
/// one the caller read); returns the new version. A request changed
/// meanwhile is a [`StoreError::Conflict`] and is left alone: on
/// PostgreSQL the UPDATE waits for a concurrent change to commit and then
/// finds the version moved on.
pub fn set_due_date(
    conn: &mut DbConnection,
    id: &RequestId,
    version: i32,
    due_date: NaiveDate,
    now: NaiveDateTime,
) -> Result<i32, StoreError> {
    let updated = diesel::update(
        requests::table
            .filter(requests::id.eq(id.as_str()))
            .filter(requests::version.eq(version)),
    )
    .set((
        requests::due_date.eq(due_date),
        requests::version.eq(version + 1),
        requests::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(StoreError::Conflict);
    }
    Ok(version + 1)
}
