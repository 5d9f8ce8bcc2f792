//! How the desk writes a stored moment for other systems.

use chrono::NaiveDateTime;

/// A stored moment (UTC) as RFC 3339, to the second
/// (`2026-11-26T09:30:00Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
