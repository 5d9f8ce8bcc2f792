//! Requests logged by staff (or another system) for a requester who asked
//! by phone, email, fax or letter: when it was received, as they say.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// A receipt time may lie this far ahead of the desk's clock (clocks of
/// different machines differ a little); further is "in the future".
pub const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(2);

/// How far back a receipt time may lie: a year. The longest answer period
/// of any profile, extension included, is three months (GDPR Art. 12(3);
/// CCPA 45 + 45 days), so a receipt further back is a typing mistake (1899
/// for 2026, a wrong year), not a late log — and it would start a request
/// long overdue, counted with a holiday calendar that may not cover it.
pub const OLDEST_RECEIPT: chrono::Duration = chrono::Duration::days(366);

/// Why a receipt time is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptTimeError {
    #[error("the time of receipt is in the future")]
    InFuture,
    #[error("the time of receipt is more than a year ago")]
    TooLongAgo,
}

impl ReceiptTimeError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::InFuture => "form.errors.received_in_future",
            Self::TooLongAgo => "form.errors.received_too_long_ago",
        }
    }
}

/// Checks a receipt time against now: within the last year, not in the
/// future.
pub fn check_received_at(at: NaiveDateTime, now: NaiveDateTime) -> Result<NaiveDateTime, ReceiptTimeError> {
    if at > now + CLOCK_SKEW {
        return Err(ReceiptTimeError::InFuture);
    }
    if at < now - OLDEST_RECEIPT {
        return Err(ReceiptTimeError::TooLongAgo);
    }
    Ok(at)
}

/// Reads a local date and time as a `datetime-local` field sends it
/// (`2026-11-20T14:30`) in `tz`, as UTC. Empty means now.
pub fn parse_local(raw: &str, tz: Tz, now: NaiveDateTime) -> Result<NaiveDateTime, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(now);
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "form.errors.received_at_invalid")?;
    // A local time skipped by a daylight-saving change does not exist; one
    // repeated by it is read as the earlier.
    let at = tz
        .from_local_datetime(&local)
        .earliest()
        .ok_or("form.errors.received_at_invalid")?
        .naive_utc();
    check_received_at(at, now).map_err(ReceiptTimeError::message_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn receipt_times_are_local_within_the_last_year_and_never_in_the_future() {
        let now = utc("2026-11-26 06:00");
        let seoul = chrono_tz::Asia::Seoul;
        let table = [
            ("", Ok(now)),
            ("2026-11-20T14:30", Ok(utc("2026-11-20 05:30"))),
            ("2026-11-26T15:00", Ok(utc("2026-11-26 06:00"))),
            ("2026-11-26T15:01", Ok(utc("2026-11-26 06:01"))),
            ("2026-11-26T15:03", Err("form.errors.received_in_future")),
            ("2027-01-01T00:00", Err("form.errors.received_in_future")),
            ("2025-11-26T15:00", Ok(utc("2025-11-26 06:00"))),
            ("2025-11-25T14:59", Err("form.errors.received_too_long_ago")),
            ("1899-12-31T10:00", Err("form.errors.received_too_long_ago")),
            ("0999-01-01T00:00", Err("form.errors.received_too_long_ago")),
            ("yesterday", Err("form.errors.received_at_invalid")),
            ("2026-02-30T10:00", Err("form.errors.received_at_invalid")),
        ];
        for (raw, expected) in table {
            assert_eq!(parse_local(raw, seoul, now), expected, "{raw:?}");
        }
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_refused() {
        let la = chrono_tz::America::Los_Angeles;
        let now = utc("2026-11-26 06:00");
        assert_eq!(
            parse_local("2026-03-08T02:30", la, now),
            Err("form.errors.received_at_invalid")
        );
        assert_eq!(
            parse_local("2026-11-01T01:30", la, now),
            Ok(utc("2026-11-01 08:30"))
        );
    }
}
