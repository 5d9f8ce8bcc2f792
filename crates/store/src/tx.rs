//! One write transaction as a value: its connection, and everything it did
//! that must follow it — the audit events to chain when it commits, the
//! hold keys it placed or lifted holds on (told to the in-memory set and,
//! on PostgreSQL, to the other instances), and whether it queued email or
//! webhook deliveries (so their jobs are woken once it commits). Every
//! store function that writes one of these takes the `Tx`, so none can be
//! forgotten, and they travel with the transaction to whatever thread
//! runs its statements.

use std::ops::{Deref, DerefMut};

use chrono::NaiveDateTime;

use super::audit::{self, NewEvent};
use super::{DbConnection, StoreError};
use domain::audit::AuditContent;

/// A write transaction in progress (see [`super::Store::write`]). It
/// dereferences to its connection for the statements that need nothing
/// more.
pub struct Tx<'c> {
    conn: &'c mut DbConnection,
    events: Vec<AuditContent>,
    hold_keys: Vec<String>,
    mail_queued: bool,
    webhooks_queued: bool,
    turns: Vec<String>,
}

/// What a committed write transaction leaves for the jobs to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    /// It queued at least one email.
    pub mail_queued: bool,
    /// It queued at least one webhook delivery.
    pub webhooks_queued: bool,
}

impl<'c> Tx<'c> {
    pub(super) fn new(conn: &'c mut DbConnection) -> Self {
        Self {
            conn,
            events: Vec::new(),
            hold_keys: Vec::new(),
            mail_queued: false,
            webhooks_queued: false,
            turns: Vec::new(),
        }
    }

    /// The connection, for diesel's statements (which take a connection of
    /// any type, so the `Tx` does not stand in for it by itself).
    pub fn connection(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// Appends an audit event: it joins the chain in this transaction's
    /// commit, after the events appended before it.
    pub fn append(&mut self, event: NewEvent<'_>, at: NaiveDateTime) {
        self.events.push(audit::content(event, at));
    }

    /// Makes this transaction and every other one that takes the same
    /// `key` take turns until commit, on every instance (see
    /// [`super::serialise`]); taking a key twice costs nothing.
    pub fn serialise(&mut self, key: &str) -> Result<(), StoreError> {
        if self.turns.iter().any(|k| k == key) {
            return Ok(());
        }
        super::serialise(self.conn, key)?;
        self.turns.push(key.to_owned());
        Ok(())
    }

    /// Notes that this transaction places or lifts a hold on `key`.
    pub(super) fn note_hold_key(&mut self, key: &str) {
        self.hold_keys.push(key.to_owned());
    }

    pub(super) fn note_mail_queued(&mut self) {
        self.mail_queued = true;
    }

    pub(super) fn note_webhooks_queued(&mut self) {
        self.webhooks_queued = true;
    }

    /// The audit events appended so far, leaving none.
    pub(super) fn take_events(&mut self) -> Vec<AuditContent> {
        std::mem::take(&mut self.events)
    }

    /// The keys noted so far, each once, leaving none.
    pub(super) fn take_hold_keys(&mut self) -> Vec<String> {
        let mut keys = std::mem::take(&mut self.hold_keys);
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    pub(super) fn effects(&self) -> Effects {
        Effects {
            mail_queued: self.mail_queued,
            webhooks_queued: self.webhooks_queued,
        }
    }
}

impl Deref for Tx<'_> {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}
