//! Statutory due dates: the last day on which an answer is on time, counted
//! in the profile's time zone with its holiday calendar.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime};

use super::calendar::HolidayCalendar;
use super::profile::{Counting, Period, Profile, Unit};
use super::request::RequestKind;

/// The last day of `period` for a request received at `received_local`
/// (wall-clock time in the profile's zone), counted by `counting` with
/// `calendar`:
///
/// - The day of receipt is not counted — unless the profile counts it when
///   the request arrived at 00:00 (Korean Civil Act Art. 157; EU
///   Regulation 1182/71 Art. 3(1) and California Civil Code § 10 never do).
/// - Calendar days: the period ends that many days on; a last day that is
///   a Saturday, Sunday or public holiday moves to the next working day
///   (Civil Act Art. 161; Regulation 1182/71 Art. 3(4); Civil Code §§ 11–12a).
/// - Months: the same date that many months on, or that month's last day
///   when there is none (Regulation 1182/71 Art. 3(2)(c)); then the same
///   move past non-working days. Counted from a midnight receipt, the
///   period ends a day earlier (Civil Act Art. 160(2)).
/// - Business days: that many working days, the first the day after
///   receipt (or the day itself when it counts).
pub fn due_date(
    period: Period,
    counting: Counting,
    received_local: NaiveDateTime,
    calendar: &HolidayCalendar,
) -> NaiveDate {
    let received = received_local.date();
    let receipt_day_counts =
        counting == Counting::FromNextDayUnlessMidnight && received_local.time() == NaiveTime::MIN;
    let last = match period.unit {
        Unit::CalendarDays => {
            let days = if receipt_day_counts {
                period.amount.saturating_sub(1)
            } else {
                period.amount
            };
            received + Days::new(u64::from(days))
        }
        Unit::Months => {
            let same_date = received
                .checked_add_months(Months::new(period.amount))
                .unwrap_or(received);
            if receipt_day_counts {
                same_date.pred_opt().unwrap_or(same_date)
            } else {
                same_date
            }
        }
        Unit::BusinessDays => {
            let mut day = if receipt_day_counts {
                received
            } else {
                received.succ_opt().unwrap_or(received)
            };
            let mut counted = 0;
            loop {
                if calendar.is_working_day(day) {
                    counted += 1;
                    if counted >= period.amount {
                        break day;
                    }
                }
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break day,
                }
            }
        }
    };
    next_working_day(last, calendar)
}

/// When the answer to a request of `kind` received at `received_utc` is
/// due under `profile` (with its period `extended` or not), counted in `tz`
/// with `calendar`.
pub fn answer_due(
    profile: &Profile,
    kind: RequestKind,
    extended: bool,
    received_utc: NaiveDateTime,
    tz: chrono_tz::Tz,
    calendar: &HolidayCalendar,
) -> NaiveDate {
    due_date(
        profile.period(kind, extended),
        profile.counting,
        local(received_utc, tz),
        calendar,
    )
}

/// `day` itself when it is a working day, else the next one.
pub fn next_working_day(day: NaiveDate, calendar: &HolidayCalendar) -> NaiveDate {
    let mut due = day;
    while !calendar.is_working_day(due) {
        match due.succ_opt() {
            Some(next) => due = next,
            None => break,
        }
    }
    due
}

/// The local wall-clock time in `tz` of `at_utc`.
pub fn local(at_utc: NaiveDateTime, tz: chrono_tz::Tz) -> NaiveDateTime {
    at_utc.and_utc().with_timezone(&tz).naive_local()
}

/// The year `at_utc` falls in, in `tz`.
pub fn local_year(at_utc: NaiveDateTime, tz: chrono_tz::Tz) -> i32 {
    local(at_utc, tz).year()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarCode;
    use crate::jurisdiction::Jurisdiction;
    use crate::profile::{Lengthening, Profile, Prolongation};
    use crate::request::RequestKind;

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    fn calendar_of(j: Jurisdiction) -> &'static HolidayCalendar {
        match j {
            Jurisdiction::KrPipa => CalendarCode::KOREA.calendar(),
            Jurisdiction::Gdpr => CalendarCode::member_state("BE").unwrap().calendar(),
            Jurisdiction::Ccpa => CalendarCode::CALIFORNIA.calendar(),
        }
    }

    /// What is due: the answer, the answer once extended, or the
    /// confirmation of receipt.
    #[derive(Debug, Clone, Copy)]
    enum Due {
        Answer,
        Extended,
        Confirmation,
    }

    fn period(j: Jurisdiction, kind: RequestKind, due: Due) -> Period {
        let profile = Profile::of(j);
        let rule = profile.rule(kind);
        match due {
            Due::Answer => rule.period,
            Due::Confirmation => rule.confirmation.unwrap(),
            Due::Extended => match profile
                .prolongation(Prolongation::Extension, kind)
                .unwrap()
                .lengthening
            {
                Lengthening::By(more) => rule.period.lengthened_by(more).unwrap(),
                Lengthening::ToChosenDate => panic!("an extension lengthens by a period"),
            },
        }
    }

    #[test]
    fn due_dates_of_every_profile() {
        use Due::{Answer, Confirmation, Extended};
        use Jurisdiction::{Ccpa, Gdpr, KrPipa};
        use RequestKind::{Access, Correction, Deletion, Suspension};
        let table = [
            // PIPA: ten calendar days, receipt day counted only from 00:00.
            (
                KrPipa,
                Access,
                Answer,
                "2026-11-25 14:30",
                "2026-12-07",
                "day 10 a Saturday",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-11-26 00:00",
                "2026-12-07",
                "midnight: the day counts",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-11-26 00:01",
                "2026-12-07",
                "day 10 a Sunday",
            ),
            (
                KrPipa,
                Deletion,
                Answer,
                "2026-11-02 09:00",
                "2026-11-12",
                "day 10 a Thursday",
            ),
            (
                KrPipa,
                Deletion,
                Answer,
                "2026-11-02 00:00",
                "2026-11-11",
                "midnight moves it a day",
            ),
            (
                KrPipa,
                Deletion,
                Answer,
                "2026-11-02 00:01",
                "2026-11-12",
                "a minute later it does not",
            ),
            (
                KrPipa,
                Correction,
                Answer,
                "2026-02-07 10:00",
                "2026-02-19",
                "Seollal",
            ),
            (
                KrPipa,
                Correction,
                Answer,
                "2026-09-14 10:00",
                "2026-09-28",
                "Chuseok and a weekend",
            ),
            (
                KrPipa,
                Suspension,
                Answer,
                "2026-09-25 10:00",
                "2026-10-06",
                "substitute for 3 October",
            ),
            (
                KrPipa,
                Suspension,
                Answer,
                "2026-09-25 00:00",
                "2026-10-06",
                "from midnight on Chuseok",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2025-12-15 10:00",
                "2025-12-26",
                "Christmas",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-05-14 10:00",
                "2026-05-26",
                "substitute for Buddha's Birthday",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-08-05 10:00",
                "2026-08-18",
                "substitute for Liberation Day",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-05-24 10:00",
                "2026-06-04",
                "local election day",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-04-21 10:00",
                "2026-05-04",
                "Labour Day, then a weekend",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-12-22 10:00",
                "2027-01-04",
                "New Year's Day, then a weekend",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2026-12-22 00:00",
                "2026-12-31",
                "midnight: the year's last day",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2027-01-27 10:00",
                "2027-02-10",
                "Seollal on a Sunday: substitute",
            ),
            (
                KrPipa,
                Access,
                Answer,
                "2028-02-19 10:00",
                "2028-02-29",
                "29 February",
            ),
            // GDPR (Belgium): one month, the receipt day never counted.
            (
                Gdpr,
                Access,
                Answer,
                "2026-01-15 10:00",
                "2026-02-16",
                "15 February a Sunday",
            ),
            (
                Gdpr,
                Access,
                Answer,
                "2026-01-15 00:00",
                "2026-02-16",
                "midnight changes nothing",
            ),
            (
                Gdpr,
                Access,
                Answer,
                "2026-01-31 10:00",
                "2026-03-02",
                "31st into February, a Saturday",
            ),
            (
                Gdpr,
                Access,
                Answer,
                "2026-03-10 10:00",
                "2026-04-10",
                "a plain month",
            ),
            (
                Gdpr,
                Deletion,
                Answer,
                "2026-03-31 10:00",
                "2026-04-30",
                "31st into a 30-day month",
            ),
            (
                Gdpr,
                Deletion,
                Answer,
                "2028-01-29 10:00",
                "2028-02-29",
                "into 29 February",
            ),
            (
                Gdpr,
                Deletion,
                Answer,
                "2028-01-31 10:00",
                "2028-02-29",
                "31st into a leap February",
            ),
            (
                Gdpr,
                Correction,
                Answer,
                "2027-01-31 10:00",
                "2027-03-01",
                "28 February a Sunday",
            ),
            (
                Gdpr,
                Correction,
                Answer,
                "2026-10-11 10:00",
                "2026-11-12",
                "Armistice Day",
            ),
            (
                Gdpr,
                Suspension,
                Answer,
                "2026-06-21 10:00",
                "2026-07-22",
                "Belgian National Day",
            ),
            (
                Gdpr,
                Suspension,
                Answer,
                "2026-11-25 10:00",
                "2026-12-28",
                "Christmas, then a weekend",
            ),
            (
                Gdpr,
                Access,
                Extended,
                "2026-01-15 10:00",
                "2026-04-15",
                "three months",
            ),
            (
                Gdpr,
                Deletion,
                Extended,
                "2026-11-30 10:00",
                "2027-03-01",
                "three months to a Sunday",
            ),
            (
                Gdpr,
                Access,
                Extended,
                "2026-01-31 10:00",
                "2026-04-30",
                "31st into April",
            ),
            // CCPA (California): 45 calendar days; confirmation in 10
            // business days; opting out in 15 business days.
            (Ccpa, Access, Answer, "2026-11-02 10:00", "2026-12-17", "45 days"),
            (
                Ccpa,
                Access,
                Answer,
                "2026-11-05 10:00",
                "2026-12-21",
                "20 December a Sunday",
            ),
            (
                Ccpa,
                Deletion,
                Answer,
                "2026-11-10 00:00",
                "2026-12-28",
                "Christmas; midnight changes nothing",
            ),
            (
                Ccpa,
                Deletion,
                Answer,
                "2026-11-10 00:01",
                "2026-12-28",
                "Christmas, then a weekend",
            ),
            (
                Ccpa,
                Correction,
                Answer,
                "2026-10-12 10:00",
                "2026-11-30",
                "Thanksgiving and the day after",
            ),
            (
                Ccpa,
                Access,
                Answer,
                "2026-05-19 10:00",
                "2026-07-06",
                "Independence Day observed",
            ),
            (
                Ccpa,
                Access,
                Answer,
                "2028-01-15 10:00",
                "2028-02-29",
                "29 February",
            ),
            (
                Ccpa,
                Access,
                Extended,
                "2026-11-02 10:00",
                "2027-02-01",
                "90 days to a Sunday",
            ),
            (
                Ccpa,
                Deletion,
                Confirmation,
                "2026-11-20 10:00",
                "2026-12-08",
                "ten business days",
            ),
            (
                Ccpa,
                Deletion,
                Confirmation,
                "2026-11-20 00:00",
                "2026-12-08",
                "midnight changes nothing",
            ),
            (
                Ccpa,
                Suspension,
                Answer,
                "2026-12-18 10:00",
                "2027-01-12",
                "fifteen business days",
            ),
        ];
        assert!(table.len() >= 40);
        for (j, kind, due, received, expected, why) in table {
            let (date, time) = received.split_once(' ').unwrap();
            let profile = Profile::of(j);
            assert_eq!(
                due_date(
                    period(j, kind, due),
                    profile.counting,
                    at(date, time),
                    calendar_of(j)
                ),
                day(expected),
                "{j} {kind} {due:?} received {received}: {why}"
            );
        }
    }

    #[test]
    fn a_chosen_date_moves_past_non_working_days() {
        let kr = CalendarCode::KOREA.calendar();
        let table = [
            ("2026-12-07", "2026-12-07"),
            ("2026-12-05", "2026-12-07"),
            ("2026-09-24", "2026-09-28"),
            ("2026-10-03", "2026-10-06"),
        ];
        for (chosen, expected) in table {
            assert_eq!(next_working_day(day(chosen), kr), day(expected), "{chosen}");
        }
    }

    #[test]
    fn receipt_is_counted_in_the_profile_time_zone() {
        let kr = Profile::of(Jurisdiction::KrPipa);
        let ten_days = kr.rule(RequestKind::Access).period;
        let due = |utc| {
            due_date(
                ten_days,
                kr.counting,
                local(utc, chrono_tz::Asia::Seoul),
                calendar_of(Jurisdiction::KrPipa),
            )
        };
        // 16:00 UTC on 25 Nov is 01:00 on 26 Nov in Seoul.
        assert_eq!(due(at("2026-11-25", "16:00")), day("2026-12-07"));
        // Exactly midnight in Seoul.
        assert_eq!(due(at("2026-11-25", "15:00")), day("2026-12-07"));
        // 23:00 on Sunday 22 Nov in Seoul.
        assert_eq!(due(at("2026-11-22", "14:00")), day("2026-12-02"));
        assert_eq!(
            local_year(at("2026-12-31", "15:00"), chrono_tz::Asia::Seoul),
            2027
        );
        assert_eq!(
            local_year(at("2026-12-31", "14:59"), chrono_tz::Asia::Seoul),
            2026
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn jurisdiction() -> impl Strategy<Value = Jurisdiction> {
            prop_oneof![
                Just(Jurisdiction::KrPipa),
                Just(Jurisdiction::Gdpr),
                Just(Jurisdiction::Ccpa)
            ]
        }

        fn kind() -> impl Strategy<Value = RequestKind> {
            prop_oneof![
                Just(RequestKind::Access),
                Just(RequestKind::Correction),
                Just(RequestKind::Deletion),
                Just(RequestKind::Suspension)
            ]
        }

        proptest! {
            /// Whatever the profile, kind and moment of receipt (within
            /// the years the calendars cover), every due date — answer,
            /// extended answer, confirmation — is on or after the day of
            /// receipt and on a working day; an extension never shortens.
            #[test]
            fn a_due_date_is_never_before_receipt_nor_on_a_day_off(
                j in jurisdiction(),
                kind in kind(),
                minutes in 0i64..(6 * 366 * 24 * 60),
            ) {
                let received = at("2025-01-01", "00:00") + chrono::Duration::minutes(minutes);
                let profile = Profile::of(j);
                let calendar = calendar_of(j);
                let rule = profile.rule(kind);
                let answer = due_date(rule.period, profile.counting, received, calendar);
                let mut dues = vec![answer];
                if let Some(confirmation) = rule.confirmation {
                    dues.push(due_date(confirmation, profile.counting, received, calendar));
                }
                if let Some(p) = profile.prolongation(Prolongation::Extension, kind)
                    && let Lengthening::By(more) = p.lengthening
                {
                    let extended = due_date(rule.period.lengthened_by(more).unwrap(), profile.counting, received, calendar);
                    prop_assert!(extended > answer);
                    dues.push(extended);
                }
                for due in dues {
                    prop_assert!(due >= received.date(), "{due} before {received}");
                    prop_assert!(calendar.is_working_day(due), "{due} is not a working day");
                }
            }
        }
    }
}
