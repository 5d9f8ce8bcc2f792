//! Staff sign-in, sessions, sign-out and the forced password change.
//!
//! The cookie holds a short-lived signed token naming a session row; the
//! row is checked on every request, so signing out, deactivating an account
//! or changing its role ends a copied cookie at once. Unknown addresses and
//! wrong passwords get the same answer; repeated failures lock the address
//! typed and the client address for a while, whether or not an account
//! exists (so a lockout reveals nothing either). Attempts on one address
//! (and from one client) take turns: each checks the lock and records its
//! outcome in one turn, so a burst of guesses counts like the same guesses
//! one after another.

use chrono::NaiveDateTime;
use domain::ids::StaffId;

use super::{Desk, Tx, WorkflowError};
use auth::password;
use auth::tokens::{self, Purpose};
use auth::totp;
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::identifier::keyed_hash;
use domain::lang::Lang;
use domain::login::{RENEW_WHEN_LEFT, SESSION_MAX_AGE, locked_until, second_factor_roles};
use domain::permission::StaffMember;
use domain::staff::StaffRole;
use store::audit::NewEvent;
use store::staff::StaffUser;
use store::{DbConnection, StoreError, catalog, sessions, settings, staff};

/// A sign-in attempt as typed.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// The client's address (for the per-client lockout), as text.
    pub client: String,
    /// The language of the page: the member's emails are written in it.
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Signed in: the session token for the cookie.
    SignedIn { token: String },
    /// The password was right; the second factor's code is needed next,
    /// within a few minutes, with this ticket.
    CodeNeeded { ticket: String },
    /// Unknown address, wrong password or inactive account: one answer.
    Rejected,
    /// Too many failures; try again after this time.
    Locked { until: NaiveDateTime },
}

/// A signed-in staff member, checked against the database.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub user: StaffUser,
    pub member: StaffMember,
    /// A fresh token when the old one was near its end.
    pub renewed_token: Option<String>,
    /// The member's role must use a second factor and they have none yet:
    /// they set one up before anything else.
    pub needs_second_factor: bool,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.user.id.clone().into(),
            role: self.user.role,
        }
    }
}

/// The keyed hashes failures are counted under: the address typed (the
/// same for a code entered after it) and the client's address.
pub(crate) fn failure_keys(desk: &Desk, email: &str, client: &str) -> (String, String) {
    let key = &desk.keys.identifier_index;
    let typed = email.trim().to_lowercase();
    (
        keyed_hash(key, &format!("sign-in-account:{typed}")),
        keyed_hash(key, &format!("sign-in-client:{client}")),
    )
}

/// Where the second factor is required, as the admin set it.
pub const SECOND_FACTOR_SETTING: &str = "security.second_factor_roles";

/// The staff member as the permission rules see them.
pub fn member_of(conn: &mut DbConnection, user: &StaffUser) -> Result<StaffMember, StoreError> {
    let privacy_department = match &user.department_id {
        Some(id) => catalog::list_departments(conn)?
            .iter()
            .any(|d| d.id == *id.as_str() && d.function == domain::catalog::DepartmentFunction::Privacy),
        None => false,
    };
    Ok(StaffMember {
        id: user.id.clone().into(),
        role: user.role,
        department_id: user.department_id.clone(),
        privacy_department,
    })
}

pub fn sign_in(desk: &Desk, input: SignIn) -> Result<SignInOutcome, WorkflowError> {
    let (account_key, client_key) = failure_keys(desk, &input.email, &input.client);
    // Look up first and verify the password outside any transaction: a
    // slow hash must not hold the database.
    let email = domain::identifier::Email::parse(&input.email).ok();
    let (locked, found) = desk.read(|conn, now| {
        let failures = sessions::recent_failures(conn, &account_key, &client_key, now)?;
        let found = match &email {
            Some(email) => match staff::by_email(conn, email)? {
                Some(user) => {
                    let hash = staff::password_hash(conn, &user.id)?;
                    Some((user, hash))
                }
                None => None,
            },
            None => None,
        };
        Ok((locked_until(&failures, now), found))
    })?;
    // Already locked: refused without the slow hash.
    if let Some(until) = locked {
        return desk.write(|tx| Ok(refused_while_locked(tx, until)));
    }
    let stored = found
        .as_ref()
        .and_then(|(_, hash)| hash.as_deref())
        .unwrap_or(password::UNMATCHABLE);
    let password_ok = password::verify(&input.password, stored);
    let user = found.map(|(user, _)| user).filter(|u| u.active && password_ok);
    desk.write(|tx| {
        // Guesses hashed meanwhile may have locked the address: judged
        // again in its turn, before this attempt counts.
        if let Some(until) = locked_in_turn(tx, &account_key, &client_key)? {
            return Ok(refused_while_locked(tx, until));
        }
        match &user {
            Some(user) if staff::second_factor(tx.conn, &user.id)?.is_some() => {
                let version = staff::password_version(tx.conn, &user.id)?;
                let ticket = tokens::issue_bound(
                    &desk.keys,
                    Purpose::SecondFactor,
                    user.id.as_str(),
                    Some(&version),
                    tx.now,
                )?;
                Ok(SignInOutcome::CodeNeeded { ticket })
            }
            Some(user) => signed_in(tx, user, &account_key, false, input.lang),
            None => failed(tx, &account_key, &client_key),
        }
    })
}

/// Takes the turn of the address typed, then of the client (always in
/// that order, so two attempts never wait on each other), and says
/// whether they are locked. Until this transaction commits no other
/// attempt on them can count a failure or sign in, so the answer holds
/// for what this attempt records.
fn locked_in_turn(
    tx: &mut Tx<'_, '_>,
    account_key: &str,
    client_key: &str,
) -> Result<Option<NaiveDateTime>, WorkflowError> {
    tx.conn.serialise(&format!("sign-in:{account_key}"))?;
    tx.conn.serialise(&format!("sign-in:{client_key}"))?;
    let failures = sessions::recent_failures(tx.conn, account_key, client_key, tx.now)?;
    Ok(locked_until(&failures, tx.now))
}

/// Records an attempt refused because sign-in is locked (it is not
/// counted as another failure).
fn refused_while_locked(tx: &mut Tx<'_, '_>, until: NaiveDateTime) -> SignInOutcome {
    tx.conn.append(
        NewEvent::general(
            &Actor::System,
            AuditAction::StaffSignInFailed,
            serde_json::json!({"locked": true}),
        ),
        tx.now,
    );
    SignInOutcome::Locked { until }
}

/// Starts a session: the failures of the account are forgotten, and the
/// sign-in is recorded.
fn signed_in(
    tx: &mut Tx<'_, '_>,
    user: &StaffUser,
    account_key: &str,
    second_factor: bool,
    lang: Lang,
) -> Result<SignInOutcome, WorkflowError> {
    let session_id = sessions::start(tx.conn, user, lang, tx.now)?;
    sessions::clear_failures(tx.conn, account_key)?;
    let actor = Actor::Staff {
        id: user.id.clone().into(),
        role: user.role,
    };
    tx.conn.append(
        NewEvent::general(
            &actor,
            AuditAction::StaffSignedIn,
            serde_json::json!({"session": session_id, "second_factor": second_factor}),
        ),
        tx.now,
    );
    let token = tokens::issue(&tx.desk.keys, Purpose::StaffSession, &session_id, tx.now)?;
    Ok(SignInOutcome::SignedIn { token })
}

/// Records a failure, and a lockout when it reaches the limit.
pub(crate) fn failed(
    tx: &mut Tx<'_, '_>,
    account_key: &str,
    client_key: &str,
) -> Result<SignInOutcome, WorkflowError> {
    sessions::record_failure(tx.conn, account_key, client_key, tx.now)?;
    tx.conn.append(
        NewEvent::general(
            &Actor::System,
            AuditAction::StaffSignInFailed,
            serde_json::json!({}),
        ),
        tx.now,
    );
    let failures = sessions::recent_failures(tx.conn, account_key, client_key, tx.now)?;
    match locked_until(&failures, tx.now) {
        Some(until) => {
            tx.conn.append(
                NewEvent::general(
                    &Actor::System,
                    AuditAction::StaffLockedOut,
                    serde_json::json!({"until": until.and_utc().to_rfc3339()}),
                ),
                tx.now,
            );
            Ok(SignInOutcome::Locked { until })
        }
        None => Ok(SignInOutcome::Rejected),
    }
}

/// The second step of a sign-in: the code from the member's app, with the
/// ticket the first step gave. Wrong codes count towards the lockout like
/// wrong passwords; a code is accepted once.
pub fn second_factor(
    desk: &Desk,
    ticket: &str,
    code: &str,
    client: &str,
    lang: Lang,
) -> Result<SignInOutcome, WorkflowError> {
    let now = desk.clock.now();
    let Ok((staff_id, version)) = tokens::verify_bound(&desk.keys, Purpose::SecondFactor, ticket, now) else {
        return Ok(SignInOutcome::Rejected);
    };
    let found = desk.read(|conn, _| {
        let user = match staff::get(conn, &StaffId::from(staff_id.clone())) {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let current = staff::password_version(conn, &user.id)?;
        let factor = staff::second_factor(conn, &user.id)?;
        Ok(Some((user, current, factor)))
    })?;
    let Some((user, current, Some(factor))) = found else {
        return Ok(SignInOutcome::Rejected);
    };
    if version.as_deref() != Some(current.as_str()) || !user.active {
        return Ok(SignInOutcome::Rejected);
    }
    let (account_key, client_key) = failure_keys(desk, &user.email, client);
    let secret = store::documents::open(
        &desk.keys.documents,
        &second_factor_aad(&user.id),
        &factor.nonce,
        &factor.ciphertext,
    )?;
    let step = totp::accept(
        &secret,
        code,
        unix(now),
        factor.last_step.and_then(|s| u64::try_from(s).ok()),
    )
    .map_err(|e| WorkflowError::Store(StoreError::Corrupt(e.to_string())))?;
    desk.write(|tx| {
        if let Some(until) = locked_in_turn(tx, &account_key, &client_key)? {
            return Ok(refused_while_locked(tx, until));
        }
        let fresh = match step.and_then(|s| i64::try_from(s).ok()) {
            Some(step) => staff::use_second_factor_step(tx.conn, &user.id, step)?,
            None => false,
        };
        if fresh {
            signed_in(tx, &user, &account_key, true, lang)
        } else {
            failed(tx, &account_key, &client_key)
        }
    })
}

pub(crate) fn unix(at: NaiveDateTime) -> u64 {
    u64::try_from(at.and_utc().timestamp()).unwrap_or(0)
}

/// What a second-factor secret is sealed to (so it opens for its account only).
pub(crate) fn second_factor_aad(staff_id: &StaffId) -> String {
    format!("second-factor:{staff_id}")
}

/// A new secret to set up, shown once on the enrolment page: as text for
/// the app, as an `otpauth://` address, and the token the confirming form
/// carries it back in.
#[derive(Debug, Clone)]
pub struct EnrolmentOffer {
    pub secret: String,
    pub url: String,
    pub token: String,
}

pub fn enrolment_offer(desk: &Desk, signed: &SignedIn) -> Result<EnrolmentOffer, WorkflowError> {
    offer_of(desk, signed, &totp::new_secret())
}

/// The offer made with `token` to `signed`, again, while it is good (a
/// page shown again after a mistake keeps the key the member may already
/// have added to their app); a new offer otherwise.
pub fn enrolment_offer_again(
    desk: &Desk,
    signed: &SignedIn,
    token: &str,
) -> Result<EnrolmentOffer, WorkflowError> {
    let still_good = tokens::verify_bound(
        &desk.keys,
        Purpose::SecondFactorEnrolment,
        token,
        desk.clock.now(),
    )
    .ok()
    .filter(|(staff_id, _)| signed.user.id == *staff_id.as_str())
    .and_then(|(_, text)| totp::from_base32(&text?));
    match still_good {
        Some(secret) => offer_of(desk, signed, &secret),
        None => enrolment_offer(desk, signed),
    }
}

fn offer_of(desk: &Desk, signed: &SignedIn, secret: &[u8]) -> Result<EnrolmentOffer, WorkflowError> {
    let text = totp::base32(secret);
    let url = totp::otpauth_url(secret, &signed.user.email)
        .map_err(|e| WorkflowError::Store(StoreError::Invalid(e.to_string())))?;
    let token = tokens::issue_bound(
        &desk.keys,
        Purpose::SecondFactorEnrolment,
        signed.user.id.as_str(),
        Some(&text),
        desk.clock.now(),
    )?;
    Ok(EnrolmentOffer {
        secret: text,
        url,
        token,
    })
}

/// The secret offered with `token` to `signed`, and the time step of
/// `code` from the app it was added to; none when the code (or the offer)
/// is not good.
pub(crate) fn offered(
    desk: &Desk,
    signed: &SignedIn,
    token: &str,
    code: &str,
    now: NaiveDateTime,
) -> Result<Option<(Vec<u8>, i64)>, WorkflowError> {
    let Ok((staff_id, Some(text))) =
        tokens::verify_bound(&desk.keys, Purpose::SecondFactorEnrolment, token, now)
    else {
        return Ok(None);
    };
    let Some(secret) = totp::from_base32(&text).filter(|_| signed.user.id == *staff_id.as_str()) else {
        return Ok(None);
    };
    let step = totp::accept(&secret, code, unix(now), None)
        .map_err(|e| WorkflowError::Store(StoreError::Invalid(e.to_string())))?;
    Ok(step
        .and_then(|s| i64::try_from(s).ok())
        .map(|step| (secret, step)))
}

/// Sets up the second factor offered with `token` once a code from the app
/// proves it was added there. False when the code (or the offer) is not good.
pub fn enrol(desk: &Desk, signed: &SignedIn, token: &str, code: &str) -> Result<bool, WorkflowError> {
    let Some((secret, step)) = offered(desk, signed, token, code, desk.clock.now())? else {
        return Ok(false);
    };
    desk.write(|tx| {
        let sealed =
            store::documents::seal(&desk.keys.documents, &second_factor_aad(&signed.user.id), &secret)?;
        staff::set_second_factor(tx.conn, &signed.user.id, Some(sealed))?;
        staff::use_second_factor_step(tx.conn, &signed.user.id, step)?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::SecondFactorEnrolled,
                serde_json::json!({}),
            ),
            tx.now,
        );
        Ok(true)
    })
}

/// Whether `user` must set up a second factor before anything else.
fn needs_second_factor(conn: &mut DbConnection, user: &StaffUser) -> Result<bool, StoreError> {
    let required = settings::get(conn, SECOND_FACTOR_SETTING)?
        .map(|s| second_factor_roles(&s))
        .unwrap_or_default();
    Ok(required.contains(&user.role) && staff::second_factor(conn, &user.id)?.is_none())
}

/// The session a cookie's token names, if it is still good: the token
/// verifies, the session is open and younger than the maximum age, the
/// account is active and its role unchanged. A token near its end is renewed.
pub fn session(desk: &Desk, token: &str) -> Result<Option<SignedIn>, WorkflowError> {
    let now = desk.clock.now();
    let Ok(verified) = tokens::verify_full(&desk.keys, Purpose::StaffSession, token, now) else {
        return Ok(None);
    };
    let session_id = verified.subject;
    let found = desk.read(|conn, now| {
        let Some((session, user)) = sessions::open_with_staff(conn, &session_id)? else {
            return Ok(None);
        };
        let good = user.active && session.role == user.role && session.created_at + SESSION_MAX_AGE > now;
        if !good {
            return Ok(None);
        }
        let member = member_of(conn, &user)?;
        let needs = needs_second_factor(conn, &user)?;
        Ok(Some((user, member, needs)))
    })?;
    let Some((user, member, needs_second_factor)) = found else {
        return Ok(None);
    };
    let renewed_token = if verified.expires_at - now < RENEW_WHEN_LEFT {
        Some(desk.write(|tx| {
            sessions::renew(tx.conn, &session_id, tx.now)?;
            Ok(tokens::issue(
                &desk.keys,
                Purpose::StaffSession,
                &session_id,
                tx.now,
            )?)
        })?)
    } else {
        None
    };
    Ok(Some(SignedIn {
        session_id,
        user,
        member,
        renewed_token,
        needs_second_factor,
    }))
}

/// Ends the session for good (a copy of the cookie stops working).
pub fn sign_out(desk: &Desk, signed: &SignedIn) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        sessions::end(tx.conn, &signed.session_id, "signed out", tx.now)?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::StaffSignedOut,
                serde_json::json!({"session": signed.session_id}),
            ),
            tx.now,
        );
        Ok(())
    })
}

/// Why a password change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    Changed,
    WrongCurrentPassword,
}

/// Changes the signed-in member's own password (checked against the
/// current one); other sessions of the account end.
pub fn change_password(
    desk: &Desk,
    signed: &SignedIn,
    current: &str,
    new_hash: &str,
) -> Result<PasswordChange, WorkflowError> {
    let stored = desk.read(|conn, _| Ok(staff::password_hash(conn, &signed.user.id)?))?;
    if !stored.is_some_and(|hash| password::verify(current, &hash)) {
        return Ok(PasswordChange::WrongCurrentPassword);
    }
    desk.write(|tx| {
        staff::set_password(tx.conn, &signed.user.id, new_hash)?;
        let ended = sessions::end_all_except(
            tx.conn,
            &signed.user.id,
            &signed.session_id,
            "password changed",
            tx.now,
        )?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::StaffPasswordChanged,
                serde_json::json!({"other_sessions_ended": ended}),
            ),
            tx.now,
        );
        Ok(PasswordChange::Changed)
    })
}

/// Whether a role change or deactivation must end the account's sessions.
pub fn ends_sessions(before: &StaffUser, role: StaffRole, active: bool) -> bool {
    before.role != role || (before.active && !active)
}
