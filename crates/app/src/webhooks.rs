//! An admin gives a data system a webhook (a URL; the desk makes the
//! signing secret and shows it once), gives it a new secret, or removes it
//! (its queued deliveries go with it). Each change is an audit event that
//! names the system and the URL, never the secret.

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, Refusal, WorkflowError};
use auth::webhooks::WebhookSecret;
use domain::audit::AuditAction;
use domain::webhook::{literal_host_allowed, webhook_url};
use store::audit::NewEvent;
use store::documents;
use store::webhooks::{self, DeliveryState, Endpoint, SystemHook};

/// A system's webhook and how its deliveries stand.
#[derive(Debug, Clone)]
pub struct HookLine {
    pub system: SystemHook,
    pub state: DeliveryState,
}

pub fn list(desk: &Desk, signed: &SignedIn) -> Result<Vec<HookLine>, WorkflowError> {
    require(signed.member.may_administer())?;
    desk.read(|conn, _| {
        let mut lines = Vec::new();
        for system in webhooks::systems(conn)? {
            let state = if system.url.is_some() {
                webhooks::state(conn, &system.id)?
            } else {
                DeliveryState::default()
            };
            lines.push(HookLine { system, state });
        }
        Ok(lines)
    })
}

/// What to do to a system's webhook.
#[derive(Debug, Clone)]
pub enum HookChange {
    /// Post to this URL (as typed); a system without a secret gets one,
    /// and `new_secret` replaces the one it has.
    Set {
        url: String,
        new_secret: bool,
    },
    Remove,
}

/// Applies a change to the webhook of the system with code `code`; returns
/// the new secret when one was made (the only time it is shown).
pub fn change(
    desk: &Desk,
    signed: &SignedIn,
    code: &str,
    change: HookChange,
) -> Result<Option<String>, WorkflowError> {
    require(signed.member.may_administer())?;
    let url = match &change {
        HookChange::Set { url, .. } => {
            let url = webhook_url(url).map_err(Refusal::from)?;
            literal_host_allowed(&url, &desk.config.webhook_allow).map_err(Refusal::from)?;
            Some(url)
        }
        HookChange::Remove => None,
    };
    let actor = signed.actor();
    desk.write(|tx| {
        let system = webhooks::systems(tx.conn)?
            .into_iter()
            .find(|s| s.code == code)
            .ok_or(Refusal::UnknownSystem)?;
        let current = webhooks::endpoint(tx.conn, &system.id)?;
        let (endpoint, shown, dropped) = match (&change, url, current) {
            (HookChange::Set { new_secret, .. }, Some(url), Some(current)) if !new_secret => {
                let endpoint = Endpoint {
                    url: url.to_string(),
                    ..current
                };
                webhooks::set_endpoint(tx.conn, &system.id, Some(&endpoint))?;
                (Some(endpoint), None, 0)
            }
            (HookChange::Set { .. }, Some(url), _) => {
                let secret = WebhookSecret::generate().to_text();
                let (nonce, sealed) =
                    documents::seal(&desk.keys.webhooks, system.id.as_str(), secret.as_bytes())?;
                let endpoint = Endpoint {
                    url: url.to_string(),
                    secret_nonce: nonce.to_vec(),
                    secret: sealed,
                };
                webhooks::set_endpoint(tx.conn, &system.id, Some(&endpoint))?;
                (Some(endpoint), Some(secret), 0)
            }
            _ => {
                let dropped = webhooks::set_endpoint(tx.conn, &system.id, None)?;
                (None, None, dropped)
            }
        };
        tx.conn.append(
            NewEvent::general(
                &actor,
                AuditAction::WebhookChanged,
                serde_json::json!({
                    "system": system.code,
                    "url": endpoint.as_ref().map(|e| e.url.clone()),
                    "new_secret": shown.is_some(),
                    "queued_dropped": dropped,
                }),
            ),
            tx.now,
        );
        Ok(shown)
    })
}
