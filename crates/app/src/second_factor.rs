//! A member's second factor, set up and replaced. The first one needs a
//! code from the new app only (the member has just signed in with their
//! password). Replacing one needs more than a session — the password and a
//! code from the current app — or anyone at an unlocked screen could move
//! the account's second factor to their own phone. Wrong proofs count
//! towards the sign-in lockout. A replacement ends the member's other
//! sessions and tells them by email, in the same transaction as its audit
//! event.

use chrono::NaiveDateTime;

use super::signin::{
    self, EnrolmentOffer, SignInOutcome, SignedIn, failure_keys, offered, second_factor_aad, unix,
};
use super::{Desk, WorkflowError};
use auth::{password, totp};
use domain::audit::AuditAction;
use domain::login::locked_until;
use mail::notices::{self, Recipient};
use store::audit::NewEvent;
use store::{StoreError, documents, sessions, staff};

/// A new secret to set up, and whether it would replace the member's
/// current second factor (then the password and a current code are asked).
#[derive(Debug, Clone)]
pub struct Offer {
    pub offer: EnrolmentOffer,
    pub replaces: bool,
}

/// A new offer, or — after a mistake — the one made with `previous` again
/// while it is good.
pub fn offer(desk: &Desk, signed: &SignedIn, previous: Option<&str>) -> Result<Offer, WorkflowError> {
    let replaces = desk.read(|conn, _| Ok(staff::second_factor(conn, &signed.user.id)?.is_some()))?;
    let offer = match previous {
        Some(token) => signin::enrolment_offer_again(desk, signed, token)?,
        None => signin::enrolment_offer(desk, signed)?,
    };
    Ok(Offer { offer, replaces })
}

/// What the member sent to set up (or replace) their second factor.
#[derive(Debug, Clone)]
pub struct SetUp {
    /// The offer's token, from the page.
    pub offer: String,
    /// A code from the new app.
    pub code: String,
    /// For a replacement: the member's password…
    pub password: String,
    /// …and a code from the app set up now.
    pub current_code: String,
    /// The client's address (for the lockout), as text.
    pub client: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetUpOutcome {
    /// The first second factor is set up.
    Enrolled,
    /// The second factor is replaced; the member's other sessions ended.
    Replaced,
    /// The new app's code (or the offer) is not good.
    WrongCode,
    /// A replacement without the right password and a current code.
    WrongProof,
    /// Too many failures: try again after this time.
    Locked { until: NaiveDateTime },
}

/// Sets up the offered second factor, or replaces the current one when the
/// password and a code from it prove the member's hand.
pub fn set_up(desk: &Desk, signed: &SignedIn, input: SetUp) -> Result<SetUpOutcome, WorkflowError> {
    let id = &signed.user.id;
    let (current, hash) =
        desk.read(|conn, _| Ok((staff::second_factor(conn, id)?, staff::password_hash(conn, id)?)))?;
    let Some(current) = current else {
        return Ok(if signin::enrol(desk, signed, &input.offer, &input.code)? {
            SetUpOutcome::Enrolled
        } else {
            SetUpOutcome::WrongCode
        });
    };
    let (account_key, client_key) = failure_keys(desk, &signed.user.email, &input.client);
    let locked = desk.read(|conn, now| {
        let failures = sessions::recent_failures(conn, &account_key, &client_key, now)?;
        Ok(locked_until(&failures, now))
    })?;
    if let Some(until) = locked {
        return Ok(SetUpOutcome::Locked { until });
    }
    // The slow hash, outside any transaction.
    let now = desk.clock.now();
    let password_ok = hash.is_some_and(|h| password::verify(&input.password, &h));
    let secret = documents::open(
        &desk.keys.documents,
        &second_factor_aad(id),
        &current.nonce,
        &current.ciphertext,
    )?;
    let current_step = totp::accept(
        &secret,
        &input.current_code,
        unix(now),
        current.last_step.and_then(|s| u64::try_from(s).ok()),
    )
    .map_err(|e| WorkflowError::Store(StoreError::Corrupt(e.to_string())))?
    .and_then(|s| i64::try_from(s).ok());
    let proven = current_step.filter(|_| password_ok);
    let Some(current_step) = proven else {
        return desk.write(|tx| {
            Ok(match signin::failed(tx, &account_key, &client_key)? {
                SignInOutcome::Locked { until } => SetUpOutcome::Locked { until },
                _ => SetUpOutcome::WrongProof,
            })
        });
    };
    let Some((new_secret, new_step)) = offered(desk, signed, &input.offer, &input.code, now)? else {
        return Ok(SetUpOutcome::WrongCode);
    };
    desk.write(|tx| {
        // The factor proven is still the one in place, and its code is
        // spent here (a replayed or concurrent one is refused).
        let still = staff::second_factor(tx.conn, id)?.is_some_and(|f| f.ciphertext == current.ciphertext);
        if !still || !staff::use_second_factor_step(tx.conn, id, current_step)? {
            return Err(WorkflowError::Stale);
        }
        let sealed = documents::seal(&desk.keys.documents, &second_factor_aad(id), &new_secret)?;
        staff::set_second_factor(tx.conn, id, Some(sealed))?;
        staff::use_second_factor_step(tx.conn, id, new_step)?;
        let ended =
            sessions::end_all_except(tx.conn, id, &signed.session_id, "second factor replaced", tx.now)?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::SecondFactorReplaced,
                serde_json::json!({"other_sessions_ended": ended}),
            ),
            tx.now,
        );
        let user = &signed.user;
        tx.send(&[notices::second_factor_replaced(Recipient::staff_member(
            &user.name,
            &user.email,
            user.lang,
        ))])?;
        Ok(SetUpOutcome::Replaced)
    })
}
