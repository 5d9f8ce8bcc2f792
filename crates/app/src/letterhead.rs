//! Who the notices come from (the company, its privacy office's contact,
//! the outside bodies a requester may turn to): kept as a setting, read by
//! each instance at start and every job interval, changed by an admin (an
//! audit event that names what changed).

use std::sync::{Arc, RwLock};

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use domain::audit::AuditAction;
use domain::letterhead::Letterhead;
use store::audit::NewEvent;
use store::{DbConnection, StoreError, settings};

/// The setting it is kept under (JSON).
pub const SETTING: &str = "letterhead";

/// This instance's copy of the letterhead. Cheap to clone.
#[derive(Clone, Default)]
pub struct Letterheads(Arc<RwLock<Letterhead>>);

impl Letterheads {
    /// The letterhead as this instance last read it.
    pub fn current(&self) -> Letterhead {
        match self.0.read() {
            Ok(letterhead) => letterhead.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, letterhead: Letterhead) {
        match self.0.write() {
            Ok(mut current) => *current = letterhead,
            Err(poisoned) => *poisoned.into_inner() = letterhead,
        }
    }

    /// Reads the setting again.
    pub fn refresh(&self, desk: &Desk) -> Result<(), WorkflowError> {
        let letterhead = desk.read(|conn, _| Ok(load(conn)?))?;
        self.replace(letterhead);
        Ok(())
    }
}

/// The stored letterhead (the default until one is set).
pub fn load(conn: &mut DbConnection) -> Result<Letterhead, StoreError> {
    match settings::get(conn, SETTING)? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("the {SETTING} setting: {e}"))),
        None => Ok(Letterhead::default()),
    }
}

/// Stores `letterhead` (in the caller's transaction).
pub fn store(
    conn: &mut DbConnection,
    letterhead: &Letterhead,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(letterhead)
        .map_err(|e| StoreError::Invalid(format!("the {SETTING} setting: {e}")))?;
    settings::set(conn, SETTING, &json, now)
}

pub fn view(desk: &Desk, signed: &SignedIn) -> Result<Letterhead, WorkflowError> {
    require(signed.member.may_administer())?;
    desk.read(|conn, _| Ok(load(conn)?))
}

/// What the admin typed.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub company: String,
    pub contact: String,
    /// One body per line.
    pub remedies: String,
}

pub fn change(desk: &Desk, signed: &SignedIn, typed: &Typed) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    let letterhead =
        Letterhead::parse(&typed.company, &typed.contact, &typed.remedies).map_err(Refusal::from)?;
    let actor = signed.actor();
    desk.write(|tx| {
        store(tx.conn, &letterhead, tx.now)?;
        tx.conn.append(
            NewEvent::general(
                &actor,
                AuditAction::SettingsChanged,
                serde_json::json!({
                    "setting": SETTING,
                    "company": letterhead.company,
                    "contact": letterhead.contact,
                    "remedies": letterhead.remedies.len(),
                }),
            ),
            tx.now,
        );
        Ok(())
    })?;
    desk.letterheads.replace(letterhead);
    Ok(())
}
