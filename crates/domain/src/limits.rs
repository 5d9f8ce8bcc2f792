//! What a stranger may make the desk do. Anyone can post the public forms
//! naming anyone's address, so what they can make the desk send to one
//! address, open for one address, and try against one address is capped
//! here. The counts are stored facts (emails queued, requests open, wrong
//! codes recorded), so the caps hold across every instance.

/// Emails to one address in any hour, counting every email to it; past
/// this, nothing a stranger can trigger is sent to it.
pub const EMAILS_PER_ADDRESS_PER_HOUR: i64 = 5;
/// Emails to one address in any 24 hours.
pub const EMAILS_PER_ADDRESS_PER_DAY: i64 = 20;
/// Status links one request may be sent in any 24 hours.
pub const STATUS_LINKS_PER_REQUEST_PER_DAY: i64 = 3;
/// Requests one address may have waiting for confirmation at once.
pub const UNCONFIRMED_PER_ADDRESS: i64 = 3;
/// Wrong codes counted against one address in any 24 hours, across all its
/// requests; past this, codes for that address are not checked at all (the
/// link in the email still confirms).
pub const WRONG_CODES_PER_ADDRESS_PER_DAY: i64 = 10;

/// How many emails an address has been sent recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentEmails {
    pub last_hour: i64,
    pub last_day: i64,
}

impl RecentEmails {
    /// Whether one more email a stranger could have caused may go.
    pub fn may_send_another(self) -> bool {
        self.last_hour < EMAILS_PER_ADDRESS_PER_HOUR && self.last_day < EMAILS_PER_ADDRESS_PER_DAY
    }
}

/// Whether a status link may be emailed for a request that was sent
/// `sent_today` in the last 24 hours.
pub fn may_send_status_link(sent_today: i64, recent: RecentEmails) -> bool {
    sent_today < STATUS_LINKS_PER_REQUEST_PER_DAY && recent.may_send_another()
}

/// Whether an address with `unconfirmed` requests waiting may open another.
pub fn may_open_another(unconfirmed: i64) -> bool {
    unconfirmed < UNCONFIRMED_PER_ADDRESS
}

/// Whether a code entered for an address with `wrong_today` wrong codes in
/// the last 24 hours is checked at all.
pub fn may_try_a_code(wrong_today: i64) -> bool {
    wrong_today < WRONG_CODES_PER_ADDRESS_PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps() {
        let recent = |last_hour, last_day| RecentEmails { last_hour, last_day };
        let table = [
            (recent(0, 0), true),
            (recent(4, 4), true),
            (recent(5, 5), false),
            (recent(0, 19), true),
            (recent(0, 20), false),
        ];
        for (recent, ok) in table {
            assert_eq!(recent.may_send_another(), ok, "{recent:?}");
        }
        assert!(may_send_status_link(2, recent(0, 0)));
        assert!(!may_send_status_link(3, recent(0, 0)));
        assert!(!may_send_status_link(0, recent(5, 5)));
        assert!(may_open_another(2));
        assert!(!may_open_another(3));
        assert!(may_try_a_code(9));
        assert!(!may_try_a_code(10));
    }

    #[test]
    fn a_guess_is_worth_little() {
        // At most this many guesses at a six-digit code per address a day.
        let per_day = WRONG_CODES_PER_ADDRESS_PER_DAY as f64;
        assert!(per_day / 1_000_000.0 <= 1e-5);
    }
}
