//! Reminders and escalations: which step a request is at as its due date
//! nears and passes, and who hears of it.

use chrono::NaiveDate;

use super::lifecycle::RequestStatus;

/// How long a requester has to confirm their address before one reminder.
pub const VERIFY_REMINDER_HOURS: i64 = 24;

/// A step of the deadline's reminders. Each is sent at most once per
/// request (overdue: once per day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Three days (or two, if the third was missed) before the due date.
    DueIn3,
    /// The day before.
    DueIn1,
    /// On the due date.
    DueToday,
    /// Each day after it, this day.
    Overdue(NaiveDate),
}

/// Who a step goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The assignees of the open tasks and their departments' mailboxes
    /// (the privacy officers, when no task is open).
    Workers,
    /// The leads of those departments and the privacy officers.
    Escalation,
}

impl Step {
    /// The step a request with `days_left` until its due date is at on
    /// `today`, if any.
    pub fn at(days_left: i64, today: NaiveDate) -> Option<Step> {
        match days_left {
            2..=3 => Some(Step::DueIn3),
            1 => Some(Step::DueIn1),
            0 => Some(Step::DueToday),
            d if d < 0 => Some(Step::Overdue(today)),
            _ => None,
        }
    }

    /// How the step is recorded: `due_in_3`, `overdue:2026-12-08`.
    pub fn key(self) -> String {
        match self {
            Step::DueIn3 => "due_in_3".to_owned(),
            Step::DueIn1 => "due_in_1".to_owned(),
            Step::DueToday => "due_today".to_owned(),
            Step::Overdue(day) => format!("overdue:{day}"),
        }
    }

    pub fn audience(self) -> Audience {
        match self {
            Step::DueIn3 | Step::DueIn1 => Audience::Workers,
            Step::DueToday | Step::Overdue(_) => Audience::Escalation,
        }
    }
}

/// The step key of the one reminder an unconfirmed requester gets.
pub const VERIFY_STEP: &str = "verify";

/// Whether a request in `status` has a deadline staff are reminded of: it
/// was confirmed and no decision ended it.
pub const fn is_reminded(status: RequestStatus) -> bool {
    !status.is_closed() && !matches!(status, RequestStatus::Unverified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_as_the_due_date_nears_and_passes() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let table = [
            (10, None, None),
            (4, None, None),
            (3, Some("due_in_3"), Some(Audience::Workers)),
            (2, Some("due_in_3"), Some(Audience::Workers)),
            (1, Some("due_in_1"), Some(Audience::Workers)),
            (0, Some("due_today"), Some(Audience::Escalation)),
            (-1, Some("overdue:2026-12-08"), Some(Audience::Escalation)),
            (-30, Some("overdue:2026-12-08"), Some(Audience::Escalation)),
        ];
        for (days_left, key, audience) in table {
            let step = Step::at(days_left, today);
            assert_eq!(step.map(Step::key).as_deref(), key, "{days_left}");
            assert_eq!(step.map(Step::audience), audience, "{days_left}");
        }
    }

    #[test]
    fn reminded_statuses() {
        use RequestStatus::*;
        for (status, reminded) in [
            (Unverified, false),
            (Verifying, true),
            (InProgress, true),
            (AwaitingRequester, true),
            (AwaitingApproval, true),
            (Postponed, true),
            (Objection, true),
            (Completed, false),
            (Refused, false),
            (Withdrawn, false),
            (Expired, false),
        ] {
            assert_eq!(is_reminded(status), reminded, "{status}");
        }
    }
}
