//! The audit hash chain: each event's hash covers the previous event's hash
//! and the event's own canonical content, so that altering, removing or
//! reordering any event breaks every hash after it.

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::wire::wire_enum;

wire_enum! {
    /// What an audit event records. The database keeps the same list (the
    /// `audit_actions` table every event refers to), so an action outside
    /// it cannot be stored.
    AuditAction, "audit action" {
        /// A request was received, on any channel.
        RequestReceived => "request.received",
        /// A request changed status (from, to and reason on the event).
        RequestTransition => "request.transition",
        /// The requester sent a message or a document.
        InformationAdded => "requester.information_added",
        /// A status link was emailed from the tracking page.
        StatusLinkSent => "requester.status_link_sent",
        /// A verification code was made and emailed.
        CodeSent => "verification.code_sent",
        /// A wrong verification code was entered.
        CodeRejected => "verification.code_rejected",
        /// A staff account was created.
        StaffCreated => "staff.created",
        /// A staff member set their password.
        StaffPasswordSet => "staff.password_set",
        /// An email was given up after its last attempt, or refused for good.
        EmailFailed => "email.failed",
        /// A staff member signed in.
        StaffSignedIn => "staff.signed_in",
        /// A sign-in failed (unknown address or wrong password alike).
        StaffSignInFailed => "staff.sign_in_failed",
        /// Repeated failures locked an account or a client address.
        StaffLockedOut => "staff.locked_out",
        /// A staff member signed out.
        StaffSignedOut => "staff.signed_out",
        /// A staff member changed their own password.
        StaffPasswordChanged => "staff.password_changed",
        /// An admin changed a staff account (role, department, active).
        StaffUpdated => "staff.updated",
        /// An admin asked to make someone privacy officer or admin; it
        /// waits for a second admin.
        StaffGrantRequested => "staff.grant_requested",
        /// A second admin confirmed a grant: it took effect.
        StaffGrantConfirmed => "staff.grant_confirmed",
        /// An admin cancelled a grant that was waiting.
        StaffGrantCancelled => "staff.grant_cancelled",
        /// Staff revealed a request's full subject identifiers.
        IdentifiersRevealed => "request.identifiers_revealed",
        /// Staff downloaded a document of a request.
        DocumentDownloaded => "document.downloaded",
        /// Staff added an internal note.
        NoteAdded => "request.note_added",
        /// Staff sent the requester a message.
        MessageSent => "request.message_sent",
        /// A department task was made by routing.
        TaskCreated => "task.created",
        /// A task was assigned to a handler.
        TaskAssigned => "task.assigned",
        /// A task was completed with an outcome.
        TaskCompleted => "task.completed",
        /// A task was reopened after an objection.
        TaskReopened => "task.reopened",
        /// An admin changed departments, systems, categories or routing.
        CatalogChanged => "catalog.changed",
        /// A staff member set up their second factor.
        SecondFactorEnrolled => "staff.second_factor_enrolled",
        /// A staff member replaced their second factor (proven with their
        /// password and a current code); their other sessions ended.
        SecondFactorReplaced => "staff.second_factor_replaced",
        /// An admin removed a staff member's second factor (a lost device).
        SecondFactorReset => "staff.second_factor_reset",
        /// An admin changed a setting (where a second factor is required, the letterhead).
        SettingsChanged => "settings.changed",
        /// A service token was issued to another system.
        TokenIssued => "token.issued",
        /// A service token was revoked.
        TokenRevoked => "token.revoked",
        /// A privacy officer placed a hold by hand (a legal hold).
        HoldPlaced => "hold.placed",
        /// A privacy officer ended a hold by hand, with a reason.
        HoldLifted => "hold.lifted",
        /// An admin set or removed a data system's webhook.
        WebhookChanged => "webhook.changed",
        /// An admin added a one-off day to the holiday calendar, took a
        /// listed day off it, or undid such a change.
        CalendarChanged => "calendar.changed",
        /// A request's due date moved (the calendar changed, or the period
        /// was extended or postponed); the payload has both dates.
        DueDateChanged => "request.due_date_changed",
        /// A reminder or escalation about a request was emailed (staff
        /// before and after the due date, or a requester who has not
        /// confirmed their address).
        ReminderSent => "request.reminder_sent",
    }
}

/// The hash the first event of a chain links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit event says, in the order it is hashed. Payloads never hold
/// personal data, so events survive the purge of the request they describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditContent {
    pub seq: i64,
    pub id: String,
    pub request_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    /// UTC, microsecond precision (what every backend stores exactly).
    #[serde(serialize_with = "micros")]
    pub at: NaiveDateTime,
    /// A JSON document; hashed in its canonical form (keys sorted).
    pub payload: serde_json::Value,
}

fn micros<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
}

/// The hash of an event that follows `prev_hash`. An event whose content
/// cannot be encoded has no hash: that is an error, never a hash of less.
pub fn chain_hash(prev_hash: &str, content: &AuditContent) -> Result<String, serde_json::Error> {
    // serde_json sorts object keys (no preserve_order), and struct fields
    // serialise in declaration order: the encoding is canonical.
    let canonical = serde_json::to_vec(content)?;
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(&canonical);
    Ok(hex::encode(hasher.finalize()))
}

/// An event as stored: its content plus the two hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub content: AuditContent,
    pub prev_hash: String,
    pub hash: String,
}

/// Why a chain failed verification, naming the first bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event #{seq} ({id}): expected sequence number {expected}; events are missing or reordered")]
    Gap { seq: i64, id: String, expected: i64 },
    #[error("event #{seq} ({id}): does not link to the hash of the event before it")]
    BrokenLink { seq: i64, id: String },
    #[error("event #{seq} ({id}): its content does not match its hash; it was altered")]
    Altered { seq: i64, id: String },
    #[error(
        "the chain ends at event #{last_seq} but the recorded head is event #{head_seq}; events were removed from the end"
    )]
    Truncated { last_seq: i64, head_seq: i64 },
    #[error("the chain's last hash does not match the recorded head")]
    HeadMismatch,
}

/// Walks a chain in order, event by event, keeping only the last hash, so
/// that chains of any length verify in constant memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            last_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, event: &StoredEvent) -> Result<(), ChainBreak> {
        let c = &event.content;
        if c.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq: c.seq,
                id: c.id.clone(),
                expected: self.expected_seq,
            });
        }
        if event.prev_hash != self.last_hash {
            return Err(ChainBreak::BrokenLink {
                seq: c.seq,
                id: c.id.clone(),
            });
        }
        if chain_hash(&event.prev_hash, c).ok().as_deref() != Some(event.hash.as_str()) {
            return Err(ChainBreak::Altered {
                seq: c.seq,
                id: c.id.clone(),
            });
        }
        self.expected_seq += 1;
        self.last_hash.clone_from(&event.hash);
        Ok(())
    }

    /// Compares the end of the walk with the recorded head of the chain.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if last_seq != head_seq {
            return Err(ChainBreak::Truncated { last_seq, head_seq });
        }
        if self.last_hash != head_hash {
            return Err(ChainBreak::HeadMismatch);
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn content(seq: i64, action: &str) -> AuditContent {
        AuditContent {
            seq,
            id: format!("e{seq}"),
            request_id: Some("r1".into()),
            actor_kind: "system".into(),
            actor_id: None,
            action: action.into(),
            from_status: Some("unverified".into()),
            to_status: Some("in_progress".into()),
            reason: None,
            at: NaiveDate::from_ymd_opt(2026, 3, 4)
                .and_then(|d| d.and_hms_micro_opt(5, 6, 7, 890_123))
                .unwrap(),
            payload: serde_json::json!({"b": 1, "a": [1, 2]}),
        }
    }

    fn chain(n: i64) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let content = content(seq, "request.transition");
                let hash = chain_hash(&prev, &content).unwrap();
                let event = StoredEvent {
                    content,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                event
            })
            .collect()
    }

    fn verify(events: &[StoredEvent], head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let mut verifier = ChainVerifier::default();
        for e in events {
            verifier.check(e)?;
        }
        verifier.finish(head_seq, head_hash)
    }

    #[test]
    fn a_good_chain_verifies() {
        let events = chain(5);
        let head = events.last().unwrap().hash.clone();
        assert_eq!(verify(&events, 5, &head), Ok(5));
        assert_eq!(verify(&[], 0, GENESIS_HASH), Ok(0));
    }

    #[test]
    fn the_hash_is_stable_and_ignores_payload_key_order() {
        let a = content(1, "x");
        let mut b = content(1, "x");
        b.payload = serde_json::json!({"a": [1, 2], "b": 1});
        assert_eq!(
            chain_hash(GENESIS_HASH, &a).unwrap(),
            chain_hash(GENESIS_HASH, &b).unwrap()
        );
        assert_ne!(
            chain_hash(GENESIS_HASH, &a).unwrap(),
            chain_hash(GENESIS_HASH, &content(1, "y")).unwrap()
        );
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_event() {
        let events = chain(5);
        let head = events.last().unwrap().hash.clone();

        let mut altered = events.clone();
        altered[2].content.reason = Some("edited".into());
        assert_eq!(
            verify(&altered, 5, &head),
            Err(ChainBreak::Altered {
                seq: 3,
                id: "e3".into()
            })
        );

        let mut removed = events.clone();
        removed.remove(1);
        assert_eq!(
            verify(&removed, 5, &head),
            Err(ChainBreak::Gap {
                seq: 3,
                id: "e3".into(),
                expected: 2
            })
        );

        let mut rehashed = events.clone();
        rehashed[3].content.action = "forged".into();
        rehashed[3].hash = chain_hash(&rehashed[3].prev_hash, &rehashed[3].content).unwrap();
        assert_eq!(
            verify(&rehashed, 5, &head),
            Err(ChainBreak::BrokenLink {
                seq: 5,
                id: "e5".into()
            })
        );

        assert_eq!(
            verify(&events[..4], 5, &head),
            Err(ChainBreak::Truncated {
                last_seq: 4,
                head_seq: 5
            })
        );
        assert_eq!(verify(&events, 5, GENESIS_HASH), Err(ChainBreak::HeadMismatch));
    }
}
