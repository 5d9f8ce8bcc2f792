//! Service tokens: issued to another system by an operator on the command
//! line or an admin on the admin pages, listed, and revoked. A token is
//! shown once, when it is issued; only its id is stored.
//!
//! Each instance keeps the ids of revoked tokens in memory
//! ([`Revocations`]), refreshed from the database every job interval, so a
//! call with a token costs no database round-trip and a revocation takes
//! effect everywhere within one interval (at once on the instance that
//! revoked it). An instance that cannot refresh its list for
//! [`STALE_AFTER_INTERVALS`] intervals refuses every token rather than
//! honour one that may have been revoked. It also remembers the tokens
//! whose signature it has checked ([`VerifiedTokens`]), so a system calling
//! again with the same token is not checked again for what cannot have
//! changed; expiry and revocation are judged on every call.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use auth::tokens::{self, ServiceToken, TokenError};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::service;
use store::audit::NewEvent;
use store::new_id;
use store::service_tokens;

/// A service token as the integrations page lists it.
pub use store::service_tokens::TokenRow;

/// Who issues or revokes: the operator at the command line, or an admin.
#[derive(Clone, Copy)]
pub enum Issuer<'a> {
    Operator,
    Staff(&'a SignedIn),
}

impl Issuer<'_> {
    fn actor(self) -> Actor {
        match self {
            Issuer::Operator => Actor::System,
            Issuer::Staff(signed) => signed.actor(),
        }
    }

    fn check(self) -> Result<(), WorkflowError> {
        match self {
            Issuer::Operator => Ok(()),
            Issuer::Staff(signed) => require(signed.member.may_administer()),
        }
    }
}

/// A token to issue, as typed.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub system: String,
    pub scopes: String,
    pub expires_days: Option<i64>,
}

/// A token just issued: the only time its text exists.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: String,
    pub token: String,
}

pub fn issue(desk: &Desk, by: Issuer<'_>, new: &NewToken) -> Result<Issued, WorkflowError> {
    by.check()?;
    let system = service::system_name(&new.system).map_err(Refusal::from)?;
    let scopes = service::parse_scopes(&new.scopes).map_err(Refusal::from)?;
    let days = service::expiry_days(new.expires_days).map_err(Refusal::from)?;
    let actor = by.actor();
    desk.write(|tx| {
        let token = ServiceToken {
            id: new_id(),
            system,
            scopes,
            expires_at: days.map(|d| tx.now + chrono::Duration::days(d)),
        };
        service_tokens::insert(
            tx.conn,
            &TokenRow {
                id: token.id.clone(),
                system_name: token.system.clone(),
                scopes: service::scopes_text(&token.scopes),
                created_at: tx.now,
                expires_at: token.expires_at,
                revoked_at: None,
            },
        )?;
        tx.conn.append(
            NewEvent::general(
                &actor,
                AuditAction::TokenIssued,
                serde_json::json!({
                    "token_id": token.id,
                    "system": token.system,
                    "scopes": token.scopes,
                    "expires_at": token.expires_at.map(|at| at.and_utc().to_rfc3339()),
                }),
            ),
            tx.now,
        );
        let text = tokens::issue_service(&desk.keys, &token, tx.now)?;
        Ok(Issued {
            id: token.id,
            token: text,
        })
    })
}

pub fn list(desk: &Desk, by: Issuer<'_>) -> Result<Vec<TokenRow>, WorkflowError> {
    by.check()?;
    desk.read(|conn, _| Ok(service_tokens::list(conn)?))
}

/// Revokes a token (a second revocation changes nothing and records
/// nothing). This instance refuses it at once; others within an interval.
pub fn revoke(desk: &Desk, by: Issuer<'_>, id: &str) -> Result<(), WorkflowError> {
    by.check()?;
    let actor = by.actor();
    let revoked = desk.write(|tx| {
        service_tokens::get(tx.conn, id)?;
        let revoked = service_tokens::revoke(tx.conn, id, actor.id(), tx.now)?;
        if revoked {
            tx.conn.append(
                NewEvent::general(
                    &actor,
                    AuditAction::TokenRevoked,
                    serde_json::json!({"token_id": id}),
                ),
                tx.now,
            );
        }
        Ok(revoked)
    })?;
    if revoked {
        desk.revocations.add(id);
    }
    Ok(())
}

/// How many job intervals an instance may go without refreshing its list
/// of revoked tokens before it refuses every token.
pub const STALE_AFTER_INTERVALS: u32 = 3;

#[derive(Debug, Default)]
struct RevokedSet {
    ids: HashSet<String>,
    refreshed: Option<Instant>,
}

/// The ids of revoked tokens, as this instance last read them.
#[derive(Debug, Clone, Default)]
pub struct Revocations(Arc<RwLock<RevokedSet>>);

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Malformed, signed with another key or for another purpose, tampered.
    Invalid,
    Expired,
    Revoked,
    /// The list of revoked tokens is too old to trust.
    Unavailable,
}

impl Revocations {
    /// Reads the list again from the database.
    pub fn refresh(&self, desk: &Desk) -> Result<usize, WorkflowError> {
        let ids: HashSet<String> = desk
            .read(|conn, now| Ok(service_tokens::revoked_ids(conn, now)?))?
            .into_iter()
            .collect();
        let count = ids.len();
        let mut set = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        set.ids = ids;
        set.refreshed = Some(Instant::now());
        Ok(count)
    }

    fn add(&self, id: &str) {
        let mut set = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        set.ids.insert(id.to_owned());
    }

    fn is_revoked(&self, id: &str, interval: Duration) -> Result<bool, Rejected> {
        let set = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        match set.refreshed {
            Some(at) if at.elapsed() <= interval * STALE_AFTER_INTERVALS + Duration::from_secs(1) => {
                Ok(set.ids.contains(id))
            }
            _ => Err(Rejected::Unavailable),
        }
    }
}

/// How many verified tokens an instance remembers; past it, it forgets
/// them all and checks each again on its next call. A deployment has a
/// handful of calling systems, each with a token or two.
const VERIFIED_KEPT: usize = 1024;

/// The service tokens whose signature, purpose and audience this instance
/// has checked, by their exact text, with what they say. A token's text
/// cannot change what it says, so a call with a remembered token skips
/// decoding it and checking its signature (a tenth of the holds check's
/// time in a profile); only tokens that verified are remembered, so a
/// caller sending garbage cannot fill it.
#[derive(Debug, Clone, Default)]
pub struct VerifiedTokens(Arc<RwLock<HashMap<String, ServiceToken>>>);

impl VerifiedTokens {
    fn get(&self, bearer: &str) -> Option<ServiceToken> {
        let known = self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        known.get(bearer).cloned()
    }

    fn remember(&self, bearer: &str, token: &ServiceToken) {
        let mut known = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() >= VERIFIED_KEPT {
            known.clear();
        }
        known.insert(bearer.to_owned(), token.clone());
    }
}

/// Checks a bearer token: signature, purpose and audience (once per token
/// text), then expiry and revocation on every call, all in memory.
pub fn authenticate(desk: &Desk, bearer: &str) -> Result<ServiceToken, Rejected> {
    let now = desk.clock.now();
    let token = match desk.verified.get(bearer) {
        Some(token) => token,
        None => {
            let token = tokens::verify_service(&desk.keys, bearer, now).map_err(|e| match e {
                TokenError::Expired => Rejected::Expired,
                TokenError::Invalid => Rejected::Invalid,
            })?;
            desk.verified.remember(bearer, &token);
            token
        }
    };
    if tokens::service_token_expired(&token, now) {
        return Err(Rejected::Expired);
    }
    if desk.revocations.is_revoked(&token.id, desk.config.job_interval)? {
        return Err(Rejected::Revoked);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str) -> ServiceToken {
        ServiceToken {
            id: id.to_owned(),
            system: "CRM".into(),
            scopes: Vec::new(),
            expires_at: None,
        }
    }

    #[test]
    fn verified_tokens_are_remembered_by_their_text_and_bounded() {
        let verified = VerifiedTokens::default();
        assert_eq!(verified.get("a.b.c"), None);
        verified.remember("a.b.c", &token("t1"));
        assert_eq!(verified.get("a.b.c"), Some(token("t1")));
        assert_eq!(verified.get("a.b.d"), None, "only the exact text");
        for i in 0..VERIFIED_KEPT * 2 {
            verified.remember(&format!("token-{i}"), &token("t"));
            let kept = verified.0.read().map(|k| k.len()).unwrap_or(usize::MAX);
            assert!(kept <= VERIFIED_KEPT, "{kept} kept");
        }
    }
}
