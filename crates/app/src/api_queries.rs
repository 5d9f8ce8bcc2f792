//! What other systems ask of the desk through the JSON API: whether a
//! person's data is frozen, and the requests logged and their state. (A
//! request logged by another system goes through [`super::intake`].)

use super::{Desk, Refusal, WorkflowError};
use domain::hold::Question;
use domain::identifier::Identifier;
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use domain::request::RequestKind;
use store::audit::{self, EventRow};
use store::held_keys::Sifted;
use store::holds::{self, Hold};
use store::requests::{self, RequestRow};
use store::{DbConnection, StoreError, catalog};

/// A hold as other systems are told of it.
pub use store::holds::ActiveHold;

/// The most identifiers one batch may ask about.
pub const MAX_BATCH: usize = 1000;

/// What part of the data the caller asks about, by codes as sent.
#[derive(Debug, Clone, Default)]
pub struct HoldQuestion {
    pub category: Option<String>,
    pub system: Option<String>,
}

impl HoldQuestion {
    /// Whether it names a category or system, whose code the catalog in
    /// the database must confirm.
    fn names_a_code(&self) -> bool {
        self.category.is_some() || self.system.is_some()
    }
}

fn resolve(conn: &mut DbConnection, asked: &HoldQuestion) -> Result<Question, WorkflowError> {
    if let Some(code) = &asked.category {
        let system = catalog::system_of_category(conn, code)?.ok_or(Refusal::UnknownCategory)?;
        if asked.system.as_ref().is_some_and(|s| *s != system) {
            return Err(Refusal::UnknownCategory.into());
        }
        return Ok(Question::Category {
            code: code.clone(),
            system,
        });
    }
    if let Some(code) = &asked.system {
        if !catalog::system_exists(conn, code)? {
            return Err(Refusal::UnknownSystem.into());
        }
        return Ok(Question::System(code.clone()));
    }
    Ok(Question::Everything)
}

/// The keyed hashes the holds index identifiers by, in order.
pub fn identifier_keys(desk: &Desk, identifiers: &[Identifier]) -> Vec<String> {
    let hmac_key = &desk.keys.identifier_index;
    identifiers
        .iter()
        .map(|i| i.key(hmac_key).into_string())
        .collect()
}

/// The answer without the database, when this instance's set of held keys
/// ([`store::held_keys`]) knows the active holds of every one of
/// `keys` (none, for most people) and the question names no category or
/// system (whose codes the database checks): the holds per key. `None`
/// when the database must answer.
pub fn answer_from_memory(
    desk: &Desk,
    keys: &[String],
    asked: &HoldQuestion,
) -> Option<Vec<Vec<ActiveHold>>> {
    if asked.names_a_code() {
        return None;
    }
    desk.store
        .held
        .sift(keys)?
        .into_iter()
        .map(|sifted| match sifted {
            Sifted::Clear => Some(Vec::new()),
            // Every hold covers a question about all of the data.
            Sifted::Known(holds) => Some(holds),
            Sifted::Ask(_) => None,
        })
        .collect()
}

/// Several callers' questions (each the keys of its identifiers, from
/// [`identifier_keys`], and what it asks about) answered together: for
/// each identifier, in order, the active holds that cover what is asked —
/// frozen when there is at least one. One statement looks up every key
/// of them all that may have a hold (in chunks of [`MAX_BATCH`]), so
/// concurrent calls share one connection, one blocking thread and one
/// round trip; the keys this instance knows to have none are not looked
/// up. A question with an unknown category or system gets its refusal;
/// the others are not affected.
pub fn holds_for_many(
    desk: &Desk,
    questions: &[(Vec<String>, HoldQuestion)],
) -> Vec<Result<Vec<Vec<ActiveHold>>, WorkflowError>> {
    holds_for_many_on(desk, questions, None)
}

/// One question answered at once on the calling thread, on SQLite (a
/// lookup in this process, shorter than a hop to a blocking thread) when
/// the pool has an idle connection; `None` otherwise.
pub fn holds_in_place(
    desk: &Desk,
    keys: &[String],
    asked: &HoldQuestion,
) -> Option<Result<Vec<Vec<ActiveHold>>, WorkflowError>> {
    if desk.store.backend() != store::Backend::Sqlite {
        return None;
    }
    let conn = desk.store.try_conn()?;
    holds_for_many_on(desk, &[(keys.to_vec(), asked.clone())], Some(conn)).pop()
}

fn holds_for_many_on(
    desk: &Desk,
    questions: &[(Vec<String>, HoldQuestion)],
    conn: Option<store::PooledConnection>,
) -> Vec<Result<Vec<Vec<ActiveHold>>, WorkflowError>> {
    match answer_many(desk, questions, conn) {
        Ok(answers) => answers,
        // The lookup itself failed: every caller gets the failure (the
        // database's absence as such, so that it is answered 503).
        Err(error) => {
            let unavailable = matches!(error, WorkflowError::Unavailable(_));
            let text = error.to_string();
            questions
                .iter()
                .map(|_| {
                    Err(if unavailable {
                        WorkflowError::Unavailable(StoreError::unavailable(text.clone()))
                    } else {
                        WorkflowError::Store(StoreError::Invalid(text.clone()))
                    })
                })
                .collect()
        }
    }
}

type Answers = Vec<Result<Vec<Vec<ActiveHold>>, WorkflowError>>;

fn answer_many(
    desk: &Desk,
    questions: &[(Vec<String>, HoldQuestion)],
    conn: Option<store::PooledConnection>,
) -> Result<Answers, WorkflowError> {
    let mut unique: Vec<&str> = questions
        .iter()
        .flat_map(|(keys, _)| keys.iter().map(String::as_str))
        .collect();
    unique.sort_unstable();
    unique.dedup();
    // Only the keys that may have a hold and whose holds this instance
    // does not know, each with the generation it had before the lookup
    // began; the holds it knows.
    let mut known: Vec<ActiveHold> = Vec::new();
    let candidates: Vec<(&str, Option<u64>)> = match desk.store.held.sift(&unique) {
        Some(sifted) => unique
            .iter()
            .zip(sifted)
            .filter_map(|(key, seen)| match seen {
                Sifted::Clear => None,
                Sifted::Known(holds) => {
                    known.extend(holds);
                    None
                }
                Sifted::Ask(generation) => Some((*key, Some(generation))),
            })
            .collect(),
        None => unique.iter().map(|key| (*key, None)).collect(),
    };
    let to_look_up: Vec<&str> = candidates.iter().map(|(key, _)| *key).collect();
    let needs_catalog = questions.iter().any(|(_, asked)| asked.names_a_code());
    // No transaction around it: each statement reads committed holds, and
    // the hot path saves the round trips of opening and closing one.
    let mut conn = match (conn, to_look_up.is_empty() && !needs_catalog) {
        (_, true) => None,
        (Some(conn), false) => Some(conn),
        (None, false) => Some(desk.store.conn()?),
    };
    let mut found = Vec::new();
    if let Some(conn) = conn.as_mut() {
        for chunk in to_look_up.chunks(MAX_BATCH) {
            found.extend(holds::lookup(conn, chunk)?);
        }
    }
    let mut by_key = holds::by_key(&found);
    for (key, generation) in &candidates {
        if let Some(generation) = generation {
            desk.store.held.found(key, *generation, by_key.get(key));
        }
    }
    for hold in &known {
        by_key.entry(hold.identifier_key.as_str()).or_default().push(hold);
    }
    let mut answers = Vec::with_capacity(questions.len());
    for (keys, asked) in questions {
        let question = match conn.as_mut() {
            Some(conn) => resolve(conn, asked),
            None => Ok(Question::Everything),
        };
        let question = match question {
            Ok(question) => question,
            Err(refused) => {
                answers.push(Err(refused));
                continue;
            }
        };
        answers.push(Ok(keys
            .iter()
            .map(|key| {
                by_key
                    .get(key.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|h| h.scope.covers(&h.category_systems, &question))
                    .map(|h| (*h).clone())
                    .collect()
            })
            .collect()));
    }
    Ok(answers)
}

/// A request as the API shows it: its row (of which only non-personal
/// fields are sent), its holds and its history.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub row: RequestRow,
    pub holds: Vec<Hold>,
    pub events: Vec<EventRow>,
}

fn view(conn: &mut DbConnection, row: RequestRow) -> Result<RequestView, StoreError> {
    Ok(RequestView {
        holds: holds::for_request(conn, &row.id)?,
        events: audit::for_request(conn, &row.id)?,
        row,
    })
}

pub fn request(desk: &Desk, reference: &Reference) -> Result<RequestView, WorkflowError> {
    desk.read(|conn, _| {
        let row = requests::get_by_reference(conn, reference)?;
        Ok(view(conn, row)?)
    })
}

/// A page of requests (1-based), newest received first.
#[derive(Debug, Clone)]
pub struct RequestsPage {
    pub requests: Vec<RequestView>,
    pub total: i64,
}

pub fn requests_page(
    desk: &Desk,
    status: Option<RequestStatus>,
    kind: Option<RequestKind>,
    page: u32,
    per_page: u32,
) -> Result<RequestsPage, WorkflowError> {
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    desk.read(|conn, _| {
        let (rows, total) = requests::api_page(conn, status, kind, offset, i64::from(per_page))?;
        let requests = rows
            .into_iter()
            .map(|row| view(conn, row))
            .collect::<Result<_, _>>()?;
        Ok(RequestsPage { requests, total })
    })
}
