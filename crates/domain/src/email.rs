//! Outgoing email as a state: queued until a transport accepts it.

use crate::wire::wire_enum;

wire_enum! {
    /// Where an outbox email stands.
    EmailStatus, "email status" {
        /// Waiting to be sent (or to be retried after a failure).
        Queued => "queued",
        /// Accepted by the transport.
        Sent => "sent",
        /// Given up: refused for good, or still failing after the last
        /// attempt allowed.
        Failed => "failed",
    }
}

/// Attempts at sending one email before it is given up (with the backoff
/// doubling from its base to at most six hours, about a day of trying).
pub const MAX_ATTEMPTS: i32 = 12;

/// An email to queue: the rendered notice, addressed. `to` must be a valid
/// address (parsed by whoever made it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    /// The request it is about, if any (its audit events name it).
    pub request_id: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}
