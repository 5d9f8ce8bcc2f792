//! The application layer: one module per thing a person or a timer can do
//! to a request, the background jobs that run them, and the configuration
//! and clock they run with. Every door — the public pages, the staff pages, the
//! command line and the background jobs — calls these functions and only
//! adapts its transport around them.
//!
//! A workflow takes typed input (domain types, never form strings) and a
//! [`Desk`]; it runs in one transaction whose time is read once from the
//! desk's clock; it returns a typed outcome or a [`WorkflowError`]. Its
//! decisions come from `domain/`.

// A request or a job never panics on a missing value: outside tests, `unwrap` and `expect` do not compile.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod add_information;
pub mod admin;
pub mod api_queries;
pub mod calendar;
pub mod case;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod decide;
pub mod demo;
mod error;
pub mod expire;
pub mod grants;
pub mod holds;
mod identity;
pub mod intake;
pub mod jobs;
pub mod letterhead;
pub mod new_code;
pub mod object;
pub mod prolong;
pub mod queue;
mod recipients;
pub mod register;
pub mod reminders;
pub mod review;
mod routing;
pub mod second_factor;
pub mod service_tokens;
pub mod signal;
pub mod signin;
pub mod staff;
pub mod status;
pub mod submit;
pub mod tasks;
pub mod track;
pub mod verify_code;
pub mod verify_link;
pub mod webhooks;
pub mod withdraw;

use domain::ids::RequestId;
use std::sync::Arc;

use chrono::NaiveDateTime;

pub use self::error::{Refusal, WorkflowError};
pub use self::submit::Submitted;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::signal::Signal;
use auth::keys::Keys;
use auth::tokens::{self, Purpose};
use domain::audit::AuditAction;
use domain::calendar::HolidayCalendar;
use domain::email::NewEmail;
use domain::letterhead::Letterhead;
use domain::lifecycle::{IdentityPolicy, RequestStatus};
use domain::limits::RecentEmails;
use mail::notices::{Notice, NoticeError};
/// Which database the desk runs on.
pub use store::Backend;
use store::audit::NewEvent;
use store::calendar_days;
use store::lifecycle::{self, Applied};
use store::outbox;
use store::{DbConnection, Store};

/// Renders a notice into the email to queue, signed with a letterhead.
pub type NoticeRenderer = fn(&Notice, &Letterhead) -> Result<NewEmail, NoticeError>;

/// Everything a workflow may use: the store, the configuration, the keys,
/// the clock, and the signals that wake email and webhook delivery. Cheap
/// to clone.
#[derive(Clone)]
pub struct Desk {
    pub store: Store,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub clock: SharedClock,
    pub mail: Signal,
    pub webhooks: Signal,
    /// The revoked service tokens, as this instance last read them.
    pub revocations: service_tokens::Revocations,
    /// The service tokens whose signature this instance has checked.
    pub verified: service_tokens::VerifiedTokens,
    /// Who the notices come from, as this instance last read it.
    pub letterheads: letterhead::Letterheads,
    render_notice: NoticeRenderer,
}

impl Desk {
    pub fn new(store: Store, config: Arc<Config>, keys: Arc<Keys>, clock: SharedClock) -> Self {
        Self {
            store,
            config,
            keys,
            clock,
            mail: Signal::default(),
            webhooks: Signal::default(),
            revocations: service_tokens::Revocations::default(),
            verified: service_tokens::VerifiedTokens::default(),
            letterheads: letterhead::Letterheads::default(),
            render_notice: Notice::render,
        }
    }

    /// The same desk with another way of rendering notices (to prove, in
    /// tests, that a notice that fails to render fails its transaction).
    pub fn with_notice_renderer(mut self, render: NoticeRenderer) -> Self {
        self.render_notice = render;
        self
    }

    /// The deployment's identity rules.
    pub fn identity_policy(&self) -> IdentityPolicy {
        IdentityPolicy {
            self_requests_need_review: self.config.self_requests_need_review,
        }
    }

    /// Runs `f` in one write transaction at one instant. Once it commits,
    /// email delivery is woken if `f` queued any, and webhook delivery if
    /// it queued a webhook event.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Tx<'_, '_>) -> Result<T, WorkflowError>,
    ) -> Result<T, WorkflowError> {
        let now = self.clock.now();
        let (value, effects) = self.store.write_with_effects::<T, WorkflowError>(|conn| {
            f(&mut Tx {
                conn,
                now,
                desk: self,
            })
        })?;
        if effects.mail_queued {
            self.mail.wake();
        }
        if effects.webhooks_queued {
            self.webhooks.wake();
        }
        Ok(value)
    }

    /// Runs `f` in one consistent read-only snapshot, at one instant.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection, NaiveDateTime) -> Result<T, WorkflowError>,
    ) -> Result<T, WorkflowError> {
        let now = self.clock.now();
        self.store.read_as(|conn| f(conn, now))
    }

    /// A link into the desk (`{base}{path}`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// A token of `purpose` for `subject`, issued `now`.
    pub fn token(
        &self,
        purpose: Purpose,
        subject: &str,
        now: NaiveDateTime,
    ) -> Result<String, WorkflowError> {
        Ok(tokens::issue(&self.keys, purpose, subject, now)?)
    }

    /// The subject a token of `purpose` is bound to, judged at `now`.
    pub fn token_subject(
        &self,
        purpose: Purpose,
        token: &str,
        now: NaiveDateTime,
    ) -> Result<String, tokens::TokenError> {
        tokens::verify(&self.keys, purpose, token, now)
    }
}

/// One write transaction of a workflow: the store's transaction (its
/// connection, and the audit events, hold changes and queued email and
/// webhook deliveries that commit with it), the instant it happens at, and
/// the desk.
pub struct Tx<'a, 'c> {
    pub conn: &'a mut store::Tx<'c>,
    /// The time of everything this transaction records.
    pub now: NaiveDateTime,
    pub desk: &'a Desk,
}

impl Tx<'_, '_> {
    /// Renders a notice; a notice that cannot be rendered fails the
    /// transaction.
    pub fn render(&self, notice: &Notice) -> Result<NewEmail, WorkflowError> {
        Ok((self.desk.render_notice)(
            notice,
            &self.desk.letterheads.current(),
        )?)
    }

    /// Renders and queues notices, in this transaction.
    pub fn send(&mut self, notices: &[Notice]) -> Result<(), WorkflowError> {
        let emails = notices
            .iter()
            .map(|n| self.render(n))
            .collect::<Result<Vec<_>, _>>()?;
        outbox::enqueue(self.conn, &emails, self.now)?;
        Ok(())
    }

    /// Appends an audit event about a request that changes no status.
    pub fn record(
        &mut self,
        request_id: &RequestId,
        actor: &domain::actor::Actor,
        action: AuditAction,
        payload: serde_json::Value,
    ) -> Result<(), WorkflowError> {
        self.conn
            .append(NewEvent::about(request_id, actor, action, payload), self.now);
        Ok(())
    }

    /// Moves a request through the lifecycle (the one place a status
    /// changes), with the notices the move implies.
    pub fn transition(
        &mut self,
        transition: lifecycle::Transition<'_>,
        notices: &[Notice],
    ) -> Result<Applied, WorkflowError> {
        let transition_id = transition.request_id;
        let emails = notices
            .iter()
            .map(|n| self.render(n))
            .collect::<Result<Vec<_>, _>>()?;
        let applied = lifecycle::apply(
            self.conn,
            lifecycle::Transition { emails, ..transition },
            self.now,
        )?;
        if applied.to == RequestStatus::InProgress {
            let row = store::requests::get(self.conn, transition_id)?;
            routing::route(self, &row)?;
        }
        Ok(applied)
    }

    /// Makes this transaction and every other one about `address` (as a
    /// requester) take turns until commit, so the limits checked on what
    /// the address was sent or tried hold under concurrent requests.
    pub fn serialise_address(&mut self, address: &str) -> Result<(), WorkflowError> {
        Ok(self.conn.serialise(&format!("requester:{address}"))?)
    }

    /// The calendar deadlines are counted with now: the profile's shipped
    /// calendar with the admins' changes (read after any change being
    /// made commits: see [`calendar_days`]).
    pub fn calendar(&mut self) -> Result<HolidayCalendar, WorkflowError> {
        let code = &self.desk.config.calendar;
        Ok(calendar_days::effective(
            self.conn,
            code.as_str(),
            code.calendar(),
        )?)
    }

    /// What `address` has been sent in the last hour and the last day
    /// (counted after taking the address's turn: see
    /// [`Tx::serialise_address`]).
    pub fn recent_emails(&mut self, address: &str) -> Result<RecentEmails, WorkflowError> {
        self.serialise_address(address)?;
        let (last_hour, last_day) = outbox::queued_for_recipient_since(
            self.conn,
            address,
            self.now - chrono::Duration::hours(1),
            self.now - chrono::Duration::hours(24),
        )?;
        Ok(RecentEmails { last_hour, last_day })
    }

    /// A link with a fresh token of `purpose` for `subject` (`{base}{prefix}{token}`).
    pub fn link(
        &self,
        prefix: &str,
        purpose: Purpose,
        subject: &str,
    ) -> Result<(String, String), WorkflowError> {
        let token = self.desk.token(purpose, subject, self.now)?;
        Ok((self.desk.url(&format!("{prefix}{token}")), token))
    }
}
