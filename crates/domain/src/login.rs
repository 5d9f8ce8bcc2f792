//! Staff sign-in: when repeated failures lock an account or a client
//! address out, until when, and how long a session lives.

use chrono::{Duration, NaiveDateTime};

use super::staff::StaffRole;

/// Failures counted over this window.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Failed sign-ins for one account (by the address typed) before it locks.
pub const ACCOUNT_FAILURES: usize = 5;
/// Failed sign-ins from one client address before it locks.
pub const CLIENT_FAILURES: usize = 20;

/// A session token lives this long; it is renewed while the person is active.
pub const SESSION_TOKEN_LIFETIME: Duration = Duration::minutes(30);
/// A token is renewed once less than this remains.
pub const RENEW_WHEN_LEFT: Duration = Duration::minutes(20);
/// However active, a session ends this long after sign-in.
pub const SESSION_MAX_AGE: Duration = Duration::hours(12);

/// A sign-in that passed the password waits this long for its code.
pub const SECOND_FACTOR_WAIT: Duration = Duration::minutes(5);

/// The roles an admin may require a second factor of.
pub const SECOND_FACTOR_ROLES: &[StaffRole] = &[StaffRole::PrivacyOfficer, StaffRole::Admin];

/// The roles that must use a second factor, as the setting stores them
/// (comma-separated role names); anything else in it is ignored.
pub fn second_factor_roles(setting: &str) -> Vec<StaffRole> {
    setting
        .split(',')
        .filter_map(|r| r.trim().parse::<StaffRole>().ok())
        .filter(|r| SECOND_FACTOR_ROLES.contains(r))
        .collect()
}

/// Recent failures, oldest first, within [`FAILURE_WINDOW`] of now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub account: Vec<NaiveDateTime>,
    pub client: Vec<NaiveDateTime>,
}

/// Whether sign-in is locked now, and until when: a lock lifts when enough
/// of the failures that caused it leave the window.
pub fn locked_until(failures: &RecentFailures, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let lift = |times: &[NaiveDateTime], limit: usize| {
        if times.len() < limit {
            return None;
        }
        // The lock lifts when the failure that makes the count reach the
        // limit leaves the window: the (len - limit)-th oldest.
        let until = times[times.len() - limit] + FAILURE_WINDOW;
        (until > now).then_some(until)
    };
    [
        lift(&failures.account, ACCOUNT_FAILURES),
        lift(&failures.client, CLIENT_FAILURES),
    ]
    .into_iter()
    .flatten()
    .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
            + Duration::minutes(minute)
    }

    #[test]
    fn locks_after_the_limit_and_lifts_after_the_window() {
        let four = (0..4).map(at).collect::<Vec<_>>();
        let five = (0..5).map(at).collect::<Vec<_>>();
        let twenty = (0..20).map(|_| at(1)).collect::<Vec<_>>();
        let table = [
            (RecentFailures::default(), at(5), None),
            (
                RecentFailures {
                    account: four.clone(),
                    client: vec![],
                },
                at(5),
                None,
            ),
            (
                RecentFailures {
                    account: five.clone(),
                    client: vec![],
                },
                at(5),
                Some(at(15)),
            ),
            (
                RecentFailures {
                    account: five.clone(),
                    client: vec![],
                },
                at(15),
                None,
            ),
            (
                RecentFailures {
                    account: vec![],
                    client: twenty.clone(),
                },
                at(2),
                Some(at(16)),
            ),
            (
                RecentFailures {
                    account: vec![],
                    client: twenty[1..].to_vec(),
                },
                at(2),
                None,
            ),
            // Both: the later lift wins.
            (
                RecentFailures {
                    account: five,
                    client: twenty,
                },
                at(5),
                Some(at(16)),
            ),
        ];
        for (failures, now, expected) in table {
            assert_eq!(locked_until(&failures, now), expected, "{failures:?} at {now}");
        }
    }

    #[test]
    fn a_second_factor_can_be_required_of_officers_and_admins_only() {
        let table = [
            ("", vec![]),
            ("privacy_officer", vec![StaffRole::PrivacyOfficer]),
            (
                "privacy_officer,admin",
                vec![StaffRole::PrivacyOfficer, StaffRole::Admin],
            ),
            (" admin , handler,nonsense", vec![StaffRole::Admin]),
        ];
        for (setting, roles) in table {
            assert_eq!(second_factor_roles(setting), roles, "{setting:?}");
        }
    }

    #[test]
    fn sessions_renew_before_they_expire() {
        assert!(RENEW_WHEN_LEFT < SESSION_TOKEN_LIFETIME);
        assert!(SESSION_TOKEN_LIFETIME < SESSION_MAX_AGE);
    }
}
