//! Which identifier keys may have an active hold, kept in memory so that
//! the holds check answers "not frozen" without the database for the
//! people nobody has asked about — most of them.
//!
//! The set is a superset of the keys with an active hold, and it never
//! misses one:
//!
//! - a write that places holds adds their keys *before* it commits (at
//!   the end of its transaction, in [`super::Store::write_as`]), marked as
//!   being placed until it has committed or failed;
//! - the holds other processes place are learned from the database: on
//!   PostgreSQL by `LISTEN` (each placing transaction sends its keys with
//!   `pg_notify`, delivered when it commits), on SQLite by reading the
//!   rows added since the last look ([`follow`]); on (re)connecting, the
//!   follower first reads every active hold's key and the holds on it;
//! - a key leaves only when a lookup found no active hold for it, and
//!   nothing was placed on it meanwhile (its generation is unchanged and
//!   no placement is in flight) — so a lifted hold costs one lookup more,
//!   never a wrong answer.
//!
//! The set also keeps each key's active holds, so a question about a held
//! person is answered from memory too. Other processes' lifts are learned
//! like their placements — on PostgreSQL every transaction that places or
//! lifts a hold announces its keys; on SQLite a trigger adds a row to
//! `hold_lifts` for each lift, followed like the new rows of `holds` — and
//! a key whose holds change, here or elsewhere, has its holds dropped
//! until a lookup that began after the change reads them again
//! ([`HeldKeys::know`]). A store with no follower (a command, a second
//! store in a test) keeps keys only.
//!
//! Until the follower has read the database, or while it has lost its
//! connection, [`HeldKeys::sift`] answers `None` and every question goes
//! to the database.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::holds::ActiveHold;
use super::prepared::prepared;
use super::schema::holds;
use super::{DatabaseUrl, DbConnection, StoreError};
use domain::hold::{HoldReason, HoldScope};
use domain::reference::Reference;

/// The channel a placing transaction announces its keys on (PostgreSQL).
pub const CHANNEL: &str = "rightsdesk_holds";

/// How often the follower looks for holds placed by other processes.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(5);

/// Where the PostgreSQL follower pings itself, and how often.
const PING_CHANNEL: &str = "rightsdesk_holds_ping";
const PING_EVERY: Duration = Duration::from_millis(500);

/// A key as the set keeps it: the first 16 bytes of the HMAC its hex
/// stands for. Two people's keys agreeing in 128 bits of HMAC-SHA256 is as
/// likely as guessing the key; half the bytes keep the set small (about
/// 4 MB for 100,000 people).
type Slot = [u8; 16];

fn slot(key: &str) -> Slot {
    let mut slot = [0u8; 16];
    let decoded = key
        .get(..32)
        .is_some_and(|hex| hex::decode_to_slice(hex, &mut slot).is_ok());
    if !decoded {
        // Keys are HMAC-SHA256 in hex; anything else (only ever written by
        // hand) is kept by its own digest, so it still has one slot.
        slot.copy_from_slice(&Sha256::digest(key.as_bytes())[..16]);
    }
    slot
}

#[derive(Debug, Clone)]
struct Entry {
    /// Changes whenever a hold is placed or lifted on the key.
    generation: u64,
    /// Transactions placing or lifting holds on it, not yet settled.
    changing: u32,
    /// Its active holds, when a lookup that no change has overtaken read
    /// them.
    holds: Option<Box<[KeptHold]>>,
}

/// A text kept small: as the value it stands for when it reads back the
/// same (a hold's id, a reference), as text otherwise.
#[derive(Debug, Clone)]
enum Compact<T> {
    Parsed(T),
    Text(Box<str>),
}

impl<T: std::str::FromStr + std::fmt::Display> Compact<T> {
    fn of(text: &str) -> Self {
        match text.parse::<T>() {
            Ok(value) if value.to_string() == text => Compact::Parsed(value),
            _ => Compact::Text(text.into()),
        }
    }

    fn text(&self) -> String {
        match self {
            Compact::Parsed(value) => value.to_string(),
            Compact::Text(text) => text.to_string(),
        }
    }
}

/// A hold's scope and, for each of its categories, the category's system.
type KeptScope = (HoldScope, Vec<(String, String)>);

/// An active hold as the set keeps it: without its key (the entry's), its
/// id and reference as numbers, its scope boxed (most cover everything).
/// About 100 bytes a key with one hold, a fifth of an [`ActiveHold`].
#[derive(Debug, Clone)]
struct KeptHold {
    id: Compact<uuid::Uuid>,
    reference: Compact<Reference>,
    placed_at: chrono::NaiveDateTime,
    reason: HoldReason,
    /// The scope and its categories' systems, unless it is all the data.
    scope: Option<Box<KeptScope>>,
    /// For data retained by law: the last day it is kept.
    until: Option<chrono::NaiveDate>,
}

impl KeptHold {
    fn of(hold: &ActiveHold) -> Self {
        KeptHold {
            id: Compact::of(&hold.id),
            reference: Compact::of(&hold.reference),
            placed_at: hold.placed_at,
            reason: hold.reason,
            until: hold.until,
            scope: match hold.scope {
                HoldScope::All if hold.category_systems.is_empty() => None,
                _ => Some(Box::new((hold.scope.clone(), hold.category_systems.clone()))),
            },
        }
    }

    fn on(&self, key: &str) -> ActiveHold {
        let (scope, category_systems) = match &self.scope {
            Some(scope) => (scope.0.clone(), scope.1.clone()),
            None => (HoldScope::All, Vec::new()),
        };
        ActiveHold {
            identifier_key: key.to_owned(),
            id: self.id.text(),
            reason: self.reason,
            placed_at: self.placed_at,
            reference: self.reference.text(),
            scope,
            category_systems,
            until: self.until,
        }
    }
}

impl Entry {
    fn new(generation: u64) -> Self {
        Entry {
            generation,
            changing: 0,
            holds: None,
        }
    }

    /// A change began or was learned: what was known of its holds is not.
    fn changed(&mut self, generation: u64) {
        self.generation = generation;
        self.holds = None;
    }
}

/// What the set says of one key.
#[derive(Debug, Clone, PartialEq)]
pub enum Sifted {
    /// It has no active hold (certain).
    Clear,
    /// Its active holds, each with the key.
    Known(Vec<ActiveHold>),
    /// It may have one: look it up, then tell the set what was found with
    /// this generation ([`HeldKeys::forget`], [`HeldKeys::know`]).
    Ask(u64),
}

#[derive(Default)]
struct Inner {
    keys: RwLock<HashMap<Slot, Entry>>,
    generation: AtomicU64,
    /// Whether lifts made by other processes reach the set (its follower
    /// has begun a session), so that holds read may be kept.
    hears_lifts: AtomicBool,
    /// When the follower last looked ([`now_ms`]); 0 while it is not
    /// following.
    followed_at: AtomicU64,
    stopped: AtomicBool,
}

/// A follower that has not looked for this long is taken to be stuck (a
/// connection that hangs rather than fails): the database answers.
const STUCK_AFTER_MS: u64 = 2_000;

/// Milliseconds on a monotonic clock, from 1 (0 means "never").
fn now_ms() -> u64 {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
}

/// The keys that may have an active hold. Cheap to clone.
#[derive(Clone, Default)]
pub struct HeldKeys(Arc<Inner>);

impl HeldKeys {
    /// Whether the set may answer (the follower has read the database and
    /// is following it).
    pub fn ready(&self) -> bool {
        let at = self.0.followed_at.load(Ordering::Acquire);
        at != 0 && now_ms().saturating_sub(at) < STUCK_AFTER_MS
    }

    /// What the set says of each key, in order; `None` for all when the
    /// set cannot answer yet.
    pub fn sift<S: AsRef<str>>(&self, keys: &[S]) -> Option<Vec<Sifted>> {
        self.ready().then(|| self.sift_now(keys))
    }

    /// [`HeldKeys::sift`], ready or not (the follower reading the holds).
    fn sift_now<S: AsRef<str>>(&self, keys: &[S]) -> Vec<Sifted> {
        let map = self.0.keys.read().unwrap_or_else(PoisonError::into_inner);
        keys.iter()
            .map(|k| match map.get(&slot(k.as_ref())) {
                None => Sifted::Clear,
                Some(Entry {
                    holds: Some(holds), ..
                }) => Sifted::Known(holds.iter().map(|h| h.on(k.as_ref())).collect()),
                Some(entry) => Sifted::Ask(entry.generation),
            })
            .collect()
    }

    /// A lookup begun after [`HeldKeys::sift`] gave `generation` found no
    /// active hold on `key`: drop it, unless a hold was placed on it since
    /// or is being placed.
    pub fn forget(&self, key: &str, generation: u64) {
        let slot = slot(key);
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        if map
            .get(&slot)
            .is_some_and(|e| e.generation == generation && e.changing == 0)
        {
            map.remove(&slot);
        }
    }

    /// A lookup begun after [`HeldKeys::sift`] gave `generation` found
    /// `holds` (all active, on `key`): keep them, unless its holds changed
    /// since or are changing, or lifts made elsewhere would not reach the
    /// set (no follower).
    pub fn know(&self, key: &str, generation: u64, holds: &[&ActiveHold]) {
        if !self.0.hears_lifts.load(Ordering::Acquire) || holds.is_empty() {
            return;
        }
        let kept: Box<[KeptHold]> = holds.iter().map(|h| KeptHold::of(h)).collect();
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = map.get_mut(&slot(key))
            && entry.generation == generation
            && entry.changing == 0
        {
            entry.holds = Some(kept);
        }
    }

    /// What a lookup begun after [`HeldKeys::sift`] gave `generation`
    /// found on `key`: its holds are kept ([`HeldKeys::know`]), or, with
    /// none, the key leaves ([`HeldKeys::forget`]).
    pub fn found(&self, key: &str, generation: u64, holds: Option<&Vec<&ActiveHold>>) {
        match holds {
            Some(holds) if !holds.is_empty() => self.know(key, generation, holds),
            _ => self.forget(key, generation),
        }
    }

    /// Drops every key's holds read so far and says whether the ones read
    /// from now on may be kept (a new session of the follower: what
    /// changed while it was away was not heard).
    fn hear_lifts(&self, hears: bool) {
        self.0.hears_lifts.store(hears, Ordering::Release);
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        // A lookup begun before may have read a hold lifted while no one
        // listened: it must not keep what it read either.
        for entry in map.values_mut() {
            entry.changed(self.next_generation());
        }
    }

    fn next_generation(&self) -> u64 {
        self.0.generation.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Holds are being placed or lifted on `keys` by a transaction about
    /// to commit.
    pub(super) fn changing(&self, keys: &[String]) {
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        for key in keys {
            let generation = self.next_generation();
            let entry = map.entry(slot(key)).or_insert_with(|| Entry::new(generation));
            entry.changed(generation);
            entry.changing += 1;
        }
    }

    /// The transaction that was changing holds on `keys` committed or
    /// failed. The keys stay (one without holds leaves at its next lookup).
    pub(super) fn settled(&self, keys: &[String]) {
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        for key in keys {
            let generation = self.next_generation();
            if let Some(entry) = map.get_mut(&slot(key)) {
                entry.changed(generation);
                entry.changing = entry.changing.saturating_sub(1);
            }
        }
    }

    /// Holds committed on `keys`, or changed there (read from the database
    /// or announced).
    pub fn learn<'k>(&self, keys: impl IntoIterator<Item = &'k str>) {
        let mut map = self.0.keys.write().unwrap_or_else(PoisonError::into_inner);
        for key in keys {
            let generation = self.next_generation();
            map.entry(slot(key))
                .and_modify(|e| e.changed(generation))
                .or_insert_with(|| Entry::new(generation));
        }
    }

    fn reserve(&self, more: usize) {
        self.0
            .keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .reserve(more);
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.0.keys.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The follower is up to date (`true`, each time it has looked) or
    /// has stopped following (`false`). Once stopped, never ready again:
    /// a look that was under way when [`HeldKeys::stop`] came must not make
    /// the set answer from what it knew then.
    fn set_ready(&self, ready: bool) {
        let at = if ready { now_ms() } else { 0 };
        self.0.followed_at.store(at, Ordering::SeqCst);
        // After the store: whichever of this and `stop` comes second
        // leaves the set not ready.
        if ready && self.0.stopped.load(Ordering::SeqCst) {
            self.0.followed_at.store(0, Ordering::SeqCst);
        }
    }

    /// Stops the follower (at its next look).
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.followed_at.store(0, Ordering::SeqCst);
    }

    /// Starts following the database at `url` on a thread of its own; it
    /// ends with [`HeldKeys::stop`] or when the last clone is dropped.
    pub fn follow(&self, url: DatabaseUrl) -> std::io::Result<()> {
        let weak = Arc::downgrade(&self.0);
        std::thread::Builder::new()
            .name("held-keys".into())
            .spawn(move || follow(weak, url))
            .map(|_| ())
    }
}

/// Tells the other instances, when the transaction commits, which keys
/// it placed or lifted holds on (PostgreSQL; SQLite's followers read the
/// rows it adds).
pub(super) fn announce(conn: &mut DbConnection, keys: &[String]) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        // A notification carries at most 8,000 bytes: 64 keys of 64.
        for chunk in keys.chunks(64) {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<diesel::sql_types::Text, _>(CHANNEL)
                .bind::<diesel::sql_types::Text, _>(chunk.join(","))
                .execute(pg)?;
        }
    }
    Ok(())
}

/// Reads every key with an active hold into `set`, a page at a time (in
/// the order of the index of active holds, so memory stays small however
/// many there are); and their holds, when the set keeps them.
fn learn_active(conn: &mut DbConnection, set: &HeldKeys) -> Result<(), StoreError> {
    const PAGE: i64 = 2_000;
    // Room for them all at once: growing the set step by step would leave
    // its smaller tables behind in the allocator.
    let active: i64 = holds::table
        .filter(holds::lifted_at.is_null())
        .count()
        .get_result(conn)?;
    set.reserve(usize::try_from(active).unwrap_or(0));
    let mut after = String::new();
    loop {
        let page: Vec<String> = holds::table
            .filter(holds::lifted_at.is_null())
            .filter(holds::identifier_key.gt(&after))
            .order(holds::identifier_key.asc())
            .select(holds::identifier_key)
            .limit(PAGE)
            .load(conn)?;
        set.learn(page.iter().map(String::as_str));
        if set.0.hears_lifts.load(Ordering::Acquire) {
            read_holds(conn, set, &page)?;
        }
        match page.into_iter().last() {
            Some(last) => after = last,
            None => return Ok(()),
        }
    }
}

/// Looks up the holds on `keys` and keeps them, each as of the generation
/// it had before the lookup began.
fn read_holds(conn: &mut DbConnection, set: &HeldKeys, keys: &[String]) -> Result<(), StoreError> {
    for chunk in keys.chunks(1_000) {
        let sifted = set.sift_now(chunk);
        let asked: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let found = super::holds::lookup(conn, &asked)?;
        let by_key = super::holds::by_key(&found);
        for (key, seen) in chunk.iter().zip(sifted) {
            if let Sifted::Ask(generation) = seen {
                set.found(key, generation, by_key.get(key.as_str()));
            }
        }
    }
    Ok(())
}

/// Where the follower has read up to: SQLite's last row id of `holds`
/// (rows are never deleted, and writers take turns, so later commits have
/// larger ids) and of `hold_lifts` (filled by a trigger on every lift; its
/// ids only grow).
#[derive(QueryableByName)]
struct Added {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    rowid: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    identifier_key: String,
}

/// How long SQLite keeps the rows of `hold_lifts`, and how long a follower
/// may go without looking before it must read everything again (it could
/// have missed rows pruned meanwhile).
const LIFTS_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(1);
const LOOK_AT_LEAST_EVERY: Duration = Duration::from_secs(3600);

/// SQLite's last id in `table` (`holds` by rowid, `hold_lifts` by id).
fn last_id(conn: &mut DbConnection, table: &str) -> Result<i64, StoreError> {
    Ok(diesel::sql_query(format!(
        "SELECT COALESCE(MAX(rowid), 0) AS rowid, '' AS identifier_key FROM {table}"
    ))
    .get_result::<Added>(conn)?
    .rowid)
}

/// One session of following: connect, read every active key, then take
/// in what others place and lift until the connection fails or the set is
/// gone. `ready_since` is set when the session first makes the set ready.
fn session(
    held: &Weak<Inner>,
    url: &DatabaseUrl,
    ready_since: &mut Option<Instant>,
) -> Result<(), StoreError> {
    let mut conn = url.connect()?;
    let (mut last_row, mut last_lift): (i64, i64) = (0, 0);
    let mut looked_at = Instant::now();
    let mut pruned_at = Instant::now();
    {
        let Some(inner) = held.upgrade() else {
            return Ok(());
        };
        let set = HeldKeys(inner);
        match &mut conn {
            DbConnection::Pg(pg) => {
                // Listening first: what is placed while the keys are read
                // is announced too.
                diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(pg)?;
                diesel::sql_query(format!("LISTEN {PING_CHANNEL}")).execute(pg)?;
                // From here on every change is heard: holds read may be
                // kept (those kept before are dropped).
                set.hear_lifts(true);
                learn_active(&mut conn, &set)?;
            }
            // Where to follow from first; what is placed while the keys are
            // read has later rows.
            DbConnection::Sqlite(sqlite) => {
                // It reads few pages again and again: a small cache will do.
                sqlite.batch_execute("PRAGMA cache_size = -256")?;
                set.hear_lifts(true);
                last_row = last_id(&mut conn, "holds")?;
                last_lift = last_id(&mut conn, "hold_lifts")?;
                learn_active(&mut conn, &set)?;
            }
        }
        // PostgreSQL's follower is ready once its own ping has come back.
        if matches!(conn, DbConnection::Sqlite(_)) {
            set.set_ready(true);
            ready_since.get_or_insert_with(Instant::now);
        }
    }
    // This session's pings, on PostgreSQL: one that comes back proves the
    // connection hears what is announced (a pooler in transaction mode, for
    // one, would not pass notifications on); the set is ready only while
    // they do.
    let nonce = super::new_id();
    let mut pings: u64 = 0;
    let mut sent_at = Instant::now();
    let mut answered = true;
    loop {
        std::thread::sleep(FOLLOW_INTERVAL);
        let Some(inner) = held.upgrade() else {
            return Ok(());
        };
        if inner.stopped.load(Ordering::Acquire) {
            return Ok(());
        }
        let set = HeldKeys(inner);
        match &mut conn {
            DbConnection::Pg(pg) => {
                let awaited = format!("{nonce}:{pings}");
                let mut payloads = Vec::new();
                let mut pinged = false;
                for notification in pg.notifications_iter() {
                    let notification = notification?;
                    if notification.channel == PING_CHANNEL {
                        pinged |= notification.payload == awaited;
                    } else {
                        payloads.push(notification.payload);
                    }
                }
                // What was announced before the ping is taken in before
                // the set answers.
                set.learn(
                    payloads
                        .iter()
                        .flat_map(|p| p.split(','))
                        .filter(|k| !k.is_empty()),
                );
                if pinged && !answered {
                    answered = true;
                    set.set_ready(true);
                    ready_since.get_or_insert_with(Instant::now);
                }
                if answered && (pings == 0 || sent_at.elapsed() >= PING_EVERY) {
                    pings += 1;
                    diesel::sql_query("SELECT pg_notify($1, $2)")
                        .bind::<diesel::sql_types::Text, _>(PING_CHANNEL)
                        .bind::<diesel::sql_types::Text, _>(format!("{nonce}:{pings}"))
                        .execute(pg)?;
                    sent_at = Instant::now();
                    answered = false;
                } else if !answered && sent_at.elapsed() > Duration::from_millis(STUCK_AFTER_MS) {
                    return Err(StoreError::Invalid(
                        "the notifications of held keys stopped arriving".into(),
                    ));
                }
            }
            DbConnection::Sqlite(sqlite) => {
                if looked_at.elapsed() > LOOK_AT_LEAST_EVERY {
                    return Err(StoreError::Invalid(
                        "the follower of held keys fell an hour behind".into(),
                    ));
                }
                // Prepared prepared: they run every few milliseconds.
                let added: Vec<Added> = prepared(
                    "SELECT rowid, identifier_key FROM holds WHERE rowid > ? ORDER BY rowid",
                    ((diesel::sql_types::BigInt, last_row),),
                )
                .load(sqlite)?;
                let lifted: Vec<Added> = prepared(
                    "SELECT id AS rowid, identifier_key FROM hold_lifts WHERE id > ? ORDER BY id",
                    ((diesel::sql_types::BigInt, last_lift),),
                )
                .load(sqlite)?;
                if let Some(last) = added.last() {
                    last_row = last.rowid;
                }
                if let Some(last) = lifted.last() {
                    last_lift = last.rowid;
                }
                set.learn(added.iter().chain(&lifted).map(|a| a.identifier_key.as_str()));
                looked_at = Instant::now();
                set.set_ready(true);
                if pruned_at.elapsed() > LOOK_AT_LEAST_EVERY {
                    pruned_at = Instant::now();
                    // Any process may prune; a failure (the writer busy)
                    // waits for the next hour.
                    let before = chrono::Utc::now().naive_utc() - LIFTS_KEPT;
                    if let Err(error) = diesel::sql_query("DELETE FROM hold_lifts WHERE lifted_at < ?")
                        .bind::<diesel::sql_types::Timestamp, _>(before)
                        .execute(sqlite)
                    {
                        tracing::warn!(%error, "pruning old hold lifts failed");
                    }
                }
            }
        }
    }
}

/// The follower's first wait before it connects again.
const FIRST_WAIT: Duration = Duration::from_millis(100);
/// Its longest wait.
const LONGEST_WAIT: Duration = Duration::from_secs(5);
/// A session that kept the set ready this long had worked: its end is a
/// new outage, and the waits start again from the first.
const GOOD_SESSION: Duration = Duration::from_secs(10);

/// How long the follower waits before it connects again: [`FIRST_WAIT`],
/// doubling after each session that ended before it had worked for
/// [`GOOD_SESSION`], up to [`LONGEST_WAIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reconnect {
    next: Duration,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self { next: FIRST_WAIT }
    }
}

impl Reconnect {
    /// The wait after a session that kept the set ready for `worked`
    /// (none: it never did).
    fn wait_after(&mut self, worked: Option<Duration>) -> Duration {
        if worked.is_some_and(|w| w >= GOOD_SESSION) {
            self.next = FIRST_WAIT;
        }
        let wait = self.next;
        self.next = (self.next * 2).min(LONGEST_WAIT);
        wait
    }
}

fn follow(held: Weak<Inner>, url: DatabaseUrl) {
    let mut reconnect = Reconnect::default();
    loop {
        let mut ready_since = None;
        let result = session(&held, &url, &mut ready_since);
        let Some(inner) = held.upgrade() else { return };
        let set = HeldKeys(inner);
        set.set_ready(false);
        if set.0.stopped.load(Ordering::Acquire) {
            return;
        }
        if let Err(error) = result {
            tracing::warn!(%error, "following the holds placed elsewhere failed; the database answers every holds question until it resumes");
        }
        drop(set);
        std::thread::sleep(reconnect.wait_after(ready_since.map(|since| since.elapsed())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reconnect_wait_doubles_while_sessions_fail_and_starts_again_after_one_that_worked() {
        let ms = Duration::from_millis;
        // Each session in turn: how long it kept the set ready (none: it
        // never did), and the wait after it.
        let table = [
            (None, ms(100)),
            (None, ms(200)),
            (Some(ms(50)), ms(400)),
            (None, ms(800)),
            (None, ms(1600)),
            (None, ms(3200)),
            (None, ms(5000)),
            (None, ms(5000)),
            // It worked for an hour: the next failure is a new outage.
            (Some(Duration::from_secs(3600)), ms(100)),
            (None, ms(200)),
            (Some(GOOD_SESSION - ms(1)), ms(400)),
            (Some(GOOD_SESSION), ms(100)),
            (None, ms(200)),
        ];
        let mut reconnect = Reconnect::default();
        for (n, (worked, wait)) in table.into_iter().enumerate() {
            assert_eq!(reconnect.wait_after(worked), wait, "session {n}: {worked:?}");
        }
    }

    fn key(n: u8) -> String {
        hex::encode([n; 32])
    }

    fn ready() -> HeldKeys {
        let set = HeldKeys::default();
        set.set_ready(true);
        set
    }

    #[test]
    fn a_look_that_ends_after_the_stop_leaves_the_set_not_ready() {
        let set = ready();
        assert!(set.ready());
        set.stop();
        // The follower's look under way when the stop came ends now.
        set.set_ready(true);
        assert!(!set.ready());
        assert!(set.sift(&[key(1)]).is_none(), "the database answers");
    }

    /// The generation to look `k` up with, when the set says to.
    fn asked(set: &HeldKeys, k: &str) -> Option<u64> {
        match set.sift(&[k])?.pop()? {
            Sifted::Ask(generation) => Some(generation),
            _ => None,
        }
    }

    fn hold(id: &str) -> ActiveHold {
        ActiveHold {
            identifier_key: "as read".into(),
            id: id.into(),
            reason: HoldReason::LegalHold,
            placed_at: chrono::NaiveDateTime::default(),
            reference: "DSR-2026-000001".into(),
            scope: HoldScope::All,
            category_systems: Vec::new(),
            until: None,
        }
    }

    #[test]
    fn keeps_holds_read_only_when_nothing_changed_since_the_lookup_began() {
        // (what happens between sift and know, whether the holds are kept)
        type Between = fn(&HeldKeys, &str);
        let cases: [(&str, Between, bool); 6] = [
            ("nothing", |_, _| {}, true),
            ("a change announced", |s, k| s.learn([k]), false),
            ("a change in flight", |s, k| s.changing(&[k.to_owned()]), false),
            (
                "a change made here",
                |s, k| {
                    s.changing(&[k.to_owned()]);
                    s.settled(&[k.to_owned()]);
                },
                false,
            ),
            ("another key changed", |s, _| s.changing(&[key(9)]), true),
            ("a new session of the follower", |s, _| s.hear_lifts(true), false),
        ];
        for (case, between, kept) in cases {
            let set = ready();
            set.hear_lifts(true);
            let k = key(1);
            set.learn([k.as_str()]);
            let Some(generation) = asked(&set, &k) else {
                panic!("{case}: the key was not there");
            };
            between(&set, &k);
            set.know(&k, generation, &[&hold("h1")]);
            let known = match set.sift(&[&k]).and_then(|mut s| s.pop()) {
                Some(Sifted::Known(holds)) => {
                    let ids: Vec<&str> = holds.iter().map(|h| h.id.as_str()).collect();
                    assert_eq!(ids, ["h1"], "{case}");
                    assert_eq!(holds[0].identifier_key, k, "{case}: answered with the key asked");
                    true
                }
                _ => false,
            };
            assert_eq!(known, kept, "{case}");
        }
    }

    #[test]
    fn holds_kept_are_dropped_by_a_later_change_or_session() {
        type Then = fn(&HeldKeys, &str);
        let cases: [(&str, Then); 3] = [
            ("announced", |s, k| s.learn([k])),
            ("changed here", |s, k| s.changing(&[k.to_owned()])),
            ("a new session", |s, _| s.hear_lifts(true)),
        ];
        for (case, then) in cases {
            let set = ready();
            set.hear_lifts(true);
            let k = key(2);
            set.learn([k.as_str()]);
            let generation = asked(&set, &k).unwrap_or_default();
            set.know(&k, generation, &[&hold("h1")]);
            assert!(
                matches!(set.sift(&[&k]).and_then(|mut s| s.pop()), Some(Sifted::Known(_))),
                "{case}: kept first"
            );
            then(&set, &k);
            assert!(
                matches!(set.sift(&[&k]).and_then(|mut s| s.pop()), Some(Sifted::Ask(_))),
                "{case}: asked again"
            );
        }
    }

    #[test]
    fn a_kept_hold_reads_back_as_it_was_read() {
        let scoped = ActiveHold {
            scope: HoldScope::of(vec!["contact".into()], vec!["crm".into()]),
            category_systems: vec![("contact".into(), "mail".into())],
            ..hold("01a21cd2-3676-7655-a5a3-13d9295ded43")
        };
        // (the hold, whether its id and reference are kept as numbers)
        let cases = [
            (hold("01a21cd2-3676-7655-a5a3-13d9295ded43"), true, true),
            (scoped, true, true),
            // Text that would not read back the same stays text.
            (hold("01A21CD2-3676-7655-A5A3-13D9295DED43"), false, true),
            (hold("legacy-7"), false, true),
            (
                ActiveHold {
                    reference: "dsr-2026-000001".into(),
                    ..hold("01a21cd2-3676-7655-a5a3-13d9295ded43")
                },
                true,
                false,
            ),
        ];
        for (original, id_parsed, reference_parsed) in cases {
            let kept = KeptHold::of(&original);
            assert_eq!(
                matches!(kept.id, Compact::Parsed(_)),
                id_parsed,
                "{}",
                original.id
            );
            assert_eq!(
                matches!(kept.reference, Compact::Parsed(_)),
                reference_parsed,
                "{}",
                original.reference
            );
            assert_eq!(kept.on("as read"), original);
        }
    }

    #[test]
    fn keeps_no_holds_where_lifts_elsewhere_are_not_heard() {
        let set = ready();
        set.hear_lifts(false);
        let k = key(5);
        set.learn([k.as_str()]);
        let generation = asked(&set, &k).unwrap_or_default();
        set.know(&k, generation, &[&hold("h1")]);
        assert_eq!(asked(&set, &k), Some(generation), "still asked");
    }

    #[test]
    fn a_key_is_kept_by_the_first_half_of_its_hmac() {
        let digest = |text: &str| {
            let mut d = [0u8; 16];
            d.copy_from_slice(&Sha256::digest(text.as_bytes())[..16]);
            d
        };
        let hmac = format!("{}{}", "ab".repeat(16), "cd".repeat(16));
        let cases: [(&str, Slot); 4] = [
            (&hmac, [0xab; 16]),
            (
                "not hex at all, and long enough to be cut at 32",
                digest("not hex at all, and long enough to be cut at 32"),
            ),
            ("abab", digest("abab")),
            ("", digest("")),
        ];
        for (key, expected) in cases {
            assert_eq!(slot(key), expected, "{key:?}");
        }
    }

    #[test]
    fn answers_nothing_until_ready() {
        let set = HeldKeys::default();
        set.learn([key(1).as_str()]);
        assert_eq!(set.sift(&[key(1)]), None);
        set.set_ready(true);
        assert!(set.sift(&[key(1)]).is_some_and(|s| s[0] != Sifted::Clear));
        set.stop();
        assert_eq!(set.sift(&[key(1)]), None);
    }

    #[test]
    fn sifts_known_from_unknown_keys() {
        let set = ready();
        set.learn([key(1).as_str(), "not hex"]);
        let sifted = set.sift(&[key(1), key(2), "not hex".to_owned(), "other".to_owned()]);
        let present: Vec<bool> = sifted
            .unwrap_or_default()
            .iter()
            .map(|s| *s != Sifted::Clear)
            .collect();
        assert_eq!(present, [true, false, true, false]);
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn forgets_only_what_did_not_change_since_the_lookup_began() {
        // (what happens between sift and forget, whether the key stays)
        type Between = fn(&HeldKeys, &str);
        let cases: [(&str, Between, bool); 5] = [
            ("nothing", |_, _| {}, false),
            ("learned again", |s, k| s.learn([k]), true),
            ("being placed", |s, k| s.changing(&[k.to_owned()]), true),
            (
                "placed and settled",
                |s, k| {
                    s.changing(&[k.to_owned()]);
                    s.settled(&[k.to_owned()]);
                },
                true,
            ),
            ("another key placed", |s, _| s.changing(&[key(9)]), false),
        ];
        for (case, between, stays) in cases {
            let set = ready();
            let k = key(1);
            set.learn([k.as_str()]);
            let Some(generation) = asked(&set, &k) else {
                panic!("{case}: the key was not there");
            };
            between(&set, &k);
            set.forget(&k, generation);
            let present = set.sift(&[&k]).is_some_and(|s| s[0] != Sifted::Clear);
            assert_eq!(present, stays, "{case}");
        }
    }

    #[test]
    fn a_key_being_placed_is_never_forgotten_until_settled() {
        let set = ready();
        let k = key(3);
        set.changing(std::slice::from_ref(&k));
        let generation = asked(&set, &k).unwrap_or_default();
        set.forget(&k, generation);
        assert!(
            set.sift(&[&k]).is_some_and(|s| s[0] != Sifted::Clear),
            "in flight"
        );
        set.settled(std::slice::from_ref(&k));
        let generation = asked(&set, &k).unwrap_or_default();
        set.forget(&k, generation);
        assert!(
            set.sift(&[&k]).is_some_and(|s| s[0] == Sifted::Clear),
            "settled and found empty"
        );
    }

    #[test]
    fn two_placements_on_one_key_both_settle() {
        let set = ready();
        let k = key(4);
        set.changing(std::slice::from_ref(&k));
        set.changing(std::slice::from_ref(&k));
        set.settled(std::slice::from_ref(&k));
        let generation = asked(&set, &k).unwrap_or_default();
        set.forget(&k, generation);
        assert!(
            set.sift(&[&k]).is_some_and(|s| s[0] != Sifted::Clear),
            "one still in flight"
        );
    }
}
