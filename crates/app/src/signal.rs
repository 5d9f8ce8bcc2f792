//! How a transaction wakes a background loop: once a transaction that
//! queued an email or a webhook delivery commits, the loop that sends it
//! starts a pass at once rather than at its next periodic one.

use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct Signal(Arc<tokio::sync::Notify>);

impl Signal {
    /// Asks for a pass (kept until one starts, if none is waiting).
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for the next [`Signal::wake`].
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}
