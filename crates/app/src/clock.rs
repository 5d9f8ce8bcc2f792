//! Where the desk's idea of "now" comes from. Workflows and jobs read it
//! once per transaction from the [`Clock`] they are given, so tests can move
//! time (expiry, link and code lifetimes, due dates) without sleeping.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Duration, NaiveDateTime, SubsecRound, Utc};

/// A source of the current time, as stored: UTC, truncated to microseconds,
/// which both backends keep exactly (the audit hash depends on exact round
/// trips).
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> NaiveDateTime;
}

/// A stored moment as the desk writes it for other systems: RFC 3339 in
/// UTC, to the second (`2026-11-26T09:30:00Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The shared clock of a running desk.
pub type SharedClock = Arc<dyn Clock>;

/// The real time of the machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        Utc::now().naive_utc().trunc_subsecs(6)
    }
}

/// A clock that runs with the machine's time plus an offset that can be
/// moved forward (or set), for tests and rehearsals.
#[derive(Debug, Default)]
pub struct ManualClock {
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by` (backward if negative).
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(PoisonError::into_inner);
        *offset += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        let offset = *self.offset.lock().unwrap_or_else(PoisonError::into_inner);
        SystemClock.now() + offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new();
        let before = clock.now();
        clock.advance(Duration::days(8));
        let after = clock.now();
        assert!(after - before >= Duration::days(8));
        assert!(after - before < Duration::days(8) + Duration::minutes(1));
        assert_eq!(SystemClock.now().and_utc().timestamp_subsec_nanos() % 1000, 0);
    }
}
