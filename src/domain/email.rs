//! Outgoing email as a state: queued until a transport accepts it.

use super::request::wire_enum;

wire_enum! {
    /// Where an outbox email stands.
    EmailStatus, "email status" {
        /// Waiting to be sent (or to be retried after a failure).
        Queued => "queued",
        /// Accepted by the transport.
        Sent => "sent",
    }
}
