//! Statutory due dates: the last day on which an answer is on time, counted
//! in the profile's time zone with its holiday calendar.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::jurisdiction::{Jurisdiction, ResponsePeriod};

/// Public holidays of one country, from a data file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    days: BTreeSet<NaiveDate>,
    /// The last day the source was asked about (a `# covers: FROM TO`
    /// header line), when the file says.
    covers_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: expected YYYY-MM-DD and a name, found {text:?}")]
pub struct CalendarError {
    pub line: usize,
    pub text: String,
}

impl HolidayCalendar {
    /// Parses `YYYY-MM-DD  name` lines; `#` starts a comment, and a
    /// `# covers: FROM TO` comment says which days the source covered.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let mut days = BTreeSet::new();
        let mut covers_until = None;
        for (i, raw) in text.lines().enumerate() {
            if let Some(range) = raw.trim().strip_prefix("# covers:") {
                covers_until = range
                    .split_whitespace()
                    .nth(1)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                if covers_until.is_none() {
                    return Err(CalendarError {
                        line: i + 1,
                        text: raw.to_owned(),
                    });
                }
                continue;
            }
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let date = line
                .split_whitespace()
                .next()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(|| CalendarError {
                    line: i + 1,
                    text: raw.to_owned(),
                })?;
            days.insert(date);
        }
        Ok(Self { days, covers_until })
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.days.contains(&date)
    }

    /// The last year the calendar lists any day of.
    pub fn last_year(&self) -> Option<i32> {
        self.days.last().map(Datelike::year)
    }

    /// The last day the calendar can be trusted for: its `covers` header,
    /// or else the end of the last year it lists a day of. After it, only
    /// weekends would move a deadline.
    pub fn covered_until(&self) -> Option<NaiveDate> {
        self.covers_until
            .or_else(|| self.last_year().and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)))
    }
}

/// How soon before a calendar ends the desk warns at start.
pub const CALENDAR_WARNING_DAYS: i64 = 90;

/// Whether a calendar ending on `until` (or of unknown end) needs renewing
/// as of `today`: it ends within [`CALENDAR_WARNING_DAYS`].
pub fn calendar_ends_soon(until: Option<NaiveDate>, today: NaiveDate) -> bool {
    until.is_none_or(|until| (until - today).num_days() < CALENDAR_WARNING_DAYS)
}

/// The Korean calendar shipped with the desk (`calendars/kr.txt`).
pub fn korean_holidays() -> &'static HolidayCalendar {
    static CALENDAR: OnceLock<HolidayCalendar> = OnceLock::new();
    CALENDAR.get_or_init(|| {
        // The file is part of the build and checked by a unit test.
        HolidayCalendar::parse(include_str!("../../calendars/kr.txt")).unwrap_or_default()
    })
}

/// The calendar a profile counts with. GDPR and CCPA profiles ship no
/// calendar yet: only weekends move their deadlines.
pub fn calendar_for(jurisdiction: Jurisdiction) -> &'static HolidayCalendar {
    static EMPTY: OnceLock<HolidayCalendar> = OnceLock::new();
    match jurisdiction {
        Jurisdiction::KrPipa => korean_holidays(),
        Jurisdiction::Gdpr | Jurisdiction::Ccpa => EMPTY.get_or_init(HolidayCalendar::default),
    }
}

fn is_working_day(date: NaiveDate, calendar: &HolidayCalendar) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !calendar.is_holiday(date)
}

/// The due date of a request received at `received_local` (wall-clock time
/// in the profile's zone).
///
/// - The day of receipt is not counted unless the request arrived at 00:00
///   (Korean Civil Act Art. 157; likewise EU Regulation 1182/71 Art. 3(1)).
/// - A month-long period ends on the same date of the next month, or its
///   last day when there is none (Regulation 1182/71 Art. 3(2)(c)).
/// - A period whose last day is a Saturday, Sunday or public holiday ends on
///   the next working day (Civil Act Art. 161; Regulation 1182/71 Art.
///   3(4); California Civil Code §§ 11–12a).
pub fn due_date(
    jurisdiction: Jurisdiction,
    received_local: NaiveDateTime,
    calendar: &HolidayCalendar,
) -> NaiveDate {
    let received = received_local.date();
    let at_midnight = received_local.time() == NaiveTime::MIN;
    let last = match jurisdiction.response_period() {
        ResponsePeriod::CalendarDays(n) => {
            let days = if at_midnight { n.saturating_sub(1) } else { n };
            received + Days::new(u64::from(days))
        }
        ResponsePeriod::Months(n) => received.checked_add_months(Months::new(n)).unwrap_or(received),
    };
    let mut due = last;
    while !is_working_day(due, calendar) {
        due = due.succ_opt().unwrap_or(due);
    }
    due
}

/// The due date of a request received at `received_utc`, counted in `tz`
/// with the profile's calendar.
pub fn due_date_at(jurisdiction: Jurisdiction, received_utc: NaiveDateTime, tz: chrono_tz::Tz) -> NaiveDate {
    let local = received_utc.and_utc().with_timezone(&tz).naive_local();
    due_date(jurisdiction, local, calendar_for(jurisdiction))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_korean_calendar_parses_and_holds_the_known_days() {
        let calendar = HolidayCalendar::parse(include_str!("../../calendars/kr.txt")).unwrap();
        for d in [
            "2025-01-27",
            "2025-10-08",
            "2026-02-17",
            "2026-06-03",
            "2026-10-05",
            "2026-12-25",
            // Labour Day, a public holiday from 2026 (missing from the
            // hand-typed list the generated file replaced).
            "2026-05-01",
        ] {
            assert!(calendar.is_holiday(day(d)), "{d}");
        }
        assert!(!calendar.is_holiday(day("2026-11-25")));
        assert_eq!(calendar.covered_until(), Some(day("2030-12-31")));
        assert_eq!(korean_holidays(), &calendar);
    }

    /// Fails once the shipped calendar no longer covers next year: run
    /// `scripts/calendars` and commit the files.
    #[test]
    fn the_shipped_calendar_covers_next_year() {
        let next_year = chrono::Utc::now().year() + 1;
        let until = korean_holidays().covered_until().expect("a calendar");
        assert!(until.year() >= next_year, "calendars/kr.txt ends on {until}");
    }

    #[test]
    fn a_calendar_ending_within_ninety_days_needs_renewing() {
        let table = [
            (Some("2030-12-31"), "2026-11-26", false),
            (Some("2027-02-24"), "2026-11-26", false),
            (Some("2027-02-23"), "2026-11-26", true),
            (Some("2026-12-31"), "2026-11-26", true),
            (Some("2026-01-01"), "2026-11-26", true),
            (None, "2026-11-26", true),
        ];
        for (until, today, soon) in table {
            assert_eq!(
                calendar_ends_soon(until.map(day), day(today)),
                soon,
                "{until:?} {today}"
            );
        }
        let header = HolidayCalendar::parse("# covers: 2025-01-01 2027-12-31\n2025-01-01  신정\n").unwrap();
        assert_eq!(header.covered_until(), Some(day("2027-12-31")));
        let no_header = HolidayCalendar::parse("2025-01-01  신정\n").unwrap();
        assert_eq!(no_header.covered_until(), Some(day("2025-12-31")));
        assert_eq!(HolidayCalendar::parse("# covers: soon\n").unwrap_err().line, 1);
    }

    #[test]
    fn bad_calendar_lines_are_named() {
        let err = HolidayCalendar::parse("2026-01-01 신정\n2026-13-01 nope\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn pipa_due_dates() {
        let kr = korean_holidays();
        let table = [
            // A Wednesday: day 10 is Saturday 5 Dec, so Monday 7 Dec.
            (at("2026-11-25", "14:30"), "2026-12-07"),
            // Received at midnight: the day itself counts.
            (at("2026-11-26", "00:00"), "2026-12-07"),
            // A Monday: day 10 is Thursday.
            (at("2026-11-02", "09:00"), "2026-11-12"),
            // Day 10 on Seollal (17 Feb 2026): past the three days.
            (at("2026-02-07", "10:00"), "2026-02-19"),
            // Day 10 on Chuseok and its weekend: 24–27 Sep, then Monday.
            (at("2026-09-14", "10:00"), "2026-09-28"),
            // Day 10 on the substitute holiday for 3 October: Tuesday.
            (at("2026-09-25", "10:00"), "2026-10-06"),
            // Day 10 on Christmas 2025 (Thursday): Friday.
            (at("2025-12-15", "10:00"), "2025-12-26"),
        ];
        for (received, expected) in table {
            assert_eq!(
                due_date(Jurisdiction::KrPipa, received, kr),
                day(expected),
                "{received}"
            );
        }
    }

    #[test]
    fn receipt_is_counted_in_the_profile_time_zone() {
        // 16:00 UTC on 25 Nov is 01:00 on 26 Nov in Seoul.
        let utc = at("2026-11-25", "16:00");
        assert_eq!(
            due_date_at(Jurisdiction::KrPipa, utc, chrono_tz::Asia::Seoul),
            day("2026-12-07")
        );
        let utc = at("2026-11-25", "15:00"); // exactly midnight in Seoul
        assert_eq!(
            due_date_at(Jurisdiction::KrPipa, utc, chrono_tz::Asia::Seoul),
            day("2026-12-07")
        );
        let utc = at("2026-11-22", "14:00"); // 23:00 on Sunday 22 Nov in Seoul
        assert_eq!(
            due_date_at(Jurisdiction::KrPipa, utc, chrono_tz::Asia::Seoul),
            day("2026-12-02")
        );
    }

    #[test]
    fn gdpr_months_and_ccpa_days() {
        let none = HolidayCalendar::default();
        let table = [
            (Jurisdiction::Gdpr, at("2026-01-15", "10:00"), "2026-02-16"), // 15 Feb is a Sunday
            (Jurisdiction::Gdpr, at("2026-01-31", "10:00"), "2026-03-02"), // 28 Feb is a Saturday
            (Jurisdiction::Gdpr, at("2026-03-10", "10:00"), "2026-04-10"),
            (Jurisdiction::Ccpa, at("2026-11-02", "10:00"), "2026-12-17"),
            (Jurisdiction::Ccpa, at("2026-11-05", "10:00"), "2026-12-21"), // 20 Dec is a Sunday
        ];
        for (j, received, expected) in table {
            assert_eq!(due_date(j, received, &none), day(expected), "{j} {received}");
        }
    }
}
