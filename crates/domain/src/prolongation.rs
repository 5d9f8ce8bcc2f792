//! Putting off an answer: the new due date a postponement or an extension
//! gives, checked before anything is stored.

use chrono::{Days, NaiveDate, NaiveDateTime};

use super::calendar::HolidayCalendar;
use super::deadline::{due_date, next_working_day};
use super::profile::{Lengthening, Period, Profile, ProlongationRule};

/// The most characters the reasons may have.
pub const MAX_REASONS_CHARS: usize = 2000;

/// How far ahead a postponement may reach.
pub const MAX_POSTPONEMENT_DAYS: u64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProlongationError {
    #[error("the requester must be told why (1 to 2000 characters)")]
    ReasonsMissing,
    #[error("a postponement needs the date access will be given")]
    DateMissing,
    #[error("the new date must be after the current due date")]
    DateNotLater,
    #[error("a postponement reaches at most a year ahead")]
    DateTooFar,
}

impl ProlongationError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::ReasonsMissing => "refusal.prolongation.reasons",
            Self::DateMissing => "refusal.prolongation.date_missing",
            Self::DateNotLater => "refusal.prolongation.date_not_later",
            Self::DateTooFar => "refusal.prolongation.date_too_far",
        }
    }
}

/// A checked prolongation: the new due date and the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub new_due: NaiveDate,
    pub reasons: String,
}

/// A request's deadline as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Deadline<'a> {
    pub profile: &'a Profile,
    /// The period its kind has.
    pub period: Period,
    /// When it was received, in the profile's zone.
    pub received_local: NaiveDateTime,
    /// The due date in force.
    pub current: NaiveDate,
}

/// Checks a prolongation under `rule` of a request whose deadline is
/// `deadline`, and gives its new due date: for an extension the lengthened
/// period counted from receipt; for a postponement the date staff chose
/// (moved past a day off), after the current due date and within a year.
pub fn plan(
    deadline: &Deadline<'_>,
    rule: &ProlongationRule,
    chosen: Option<NaiveDate>,
    reasons: &str,
    calendar: &HolidayCalendar,
) -> Result<Plan, ProlongationError> {
    let Deadline {
        profile,
        period,
        received_local,
        current,
    } = *deadline;
    let reasons = reasons.trim();
    if reasons.is_empty() || reasons.chars().count() > MAX_REASONS_CHARS {
        return Err(ProlongationError::ReasonsMissing);
    }
    let new_due = match rule.lengthening {
        Lengthening::By(more) => {
            // Every profile's extension is in its periods' unit (a unit
            // test checks); were it not, the period would stand.
            let lengthened = period.lengthened_by(more).unwrap_or(period);
            due_date(lengthened, profile.counting, received_local, calendar)
        }
        Lengthening::ToChosenDate => {
            let chosen = chosen.ok_or(ProlongationError::DateMissing)?;
            if chosen <= current {
                return Err(ProlongationError::DateNotLater);
            }
            if chosen > current + Days::new(MAX_POSTPONEMENT_DAYS) {
                return Err(ProlongationError::DateTooFar);
            }
            next_working_day(chosen, calendar)
        }
    };
    Ok(Plan {
        new_due,
        reasons: reasons.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarCode;
    use crate::jurisdiction::Jurisdiction;
    use crate::profile::Prolongation;
    use crate::request::RequestKind;

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    fn received(d: &str) -> NaiveDateTime {
        day(d).and_hms_opt(10, 0, 0).unwrap()
    }

    #[test]
    fn new_due_dates_and_refusals() {
        let kr = CalendarCode::KOREA.calendar();
        let ca = CalendarCode::CALIFORNIA.calendar();
        let be = CalendarCode::member_state("BE").unwrap().calendar();
        type Case = (
            Jurisdiction,
            &'static str,
            &'static str,
            Option<&'static str>,
            &'static str,
            Result<&'static str, ProlongationError>,
        );
        let table: [Case; 9] = [
            // PIPA postponement: the chosen date, moved past a day off.
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                Some("2026-12-20"),
                "Records are with an outside auditor.",
                Ok("2026-12-21"),
            ),
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                Some("2026-12-15"),
                "Cause",
                Ok("2026-12-15"),
            ),
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                Some("2026-12-07"),
                "Cause",
                Err(ProlongationError::DateNotLater),
            ),
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                None,
                "Cause",
                Err(ProlongationError::DateMissing),
            ),
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                Some("2028-01-10"),
                "Cause",
                Err(ProlongationError::DateTooFar),
            ),
            (
                Jurisdiction::KrPipa,
                "2026-11-25",
                "2026-12-07",
                Some("2026-12-15"),
                "   ",
                Err(ProlongationError::ReasonsMissing),
            ),
            // GDPR: three months from receipt, whatever date is typed.
            (
                Jurisdiction::Gdpr,
                "2026-01-15",
                "2026-02-16",
                Some("2026-02-20"),
                "Many requests at once.",
                Ok("2026-04-15"),
            ),
            (
                Jurisdiction::Gdpr,
                "2026-11-30",
                "2026-12-30",
                None,
                "Complex request.",
                Ok("2027-03-01"),
            ),
            // CCPA: 90 days from receipt.
            (
                Jurisdiction::Ccpa,
                "2026-11-02",
                "2026-12-17",
                None,
                "Several systems to search.",
                Ok("2027-02-01"),
            ),
        ];
        for (j, at, current, chosen, reasons, expected) in table {
            let profile = Profile::of(j);
            let prolongation = match j {
                Jurisdiction::KrPipa => Prolongation::Postponement,
                Jurisdiction::Gdpr | Jurisdiction::Ccpa => Prolongation::Extension,
            };
            let rule = profile.prolongation(prolongation, RequestKind::Access).unwrap();
            let calendar = match j {
                Jurisdiction::KrPipa => kr,
                Jurisdiction::Gdpr => be,
                Jurisdiction::Ccpa => ca,
            };
            let deadline = Deadline {
                profile,
                period: profile.rule(RequestKind::Access).period,
                received_local: received(at),
                current: day(current),
            };
            let got = plan(&deadline, rule, chosen.map(day), reasons, calendar).map(|p| p.new_due);
            assert_eq!(got, expected.map(day), "{j} received {at} chosen {chosen:?}");
        }
        let long = "x".repeat(MAX_REASONS_CHARS + 1);
        let profile = Profile::of(Jurisdiction::Gdpr);
        let rule = profile
            .prolongation(Prolongation::Extension, RequestKind::Access)
            .unwrap();
        let deadline = Deadline {
            profile,
            period: profile.rule(RequestKind::Access).period,
            received_local: received("2026-01-15"),
            current: day("2026-02-16"),
        };
        assert_eq!(
            plan(&deadline, rule, None, &long, be),
            Err(ProlongationError::ReasonsMissing)
        );
        let ok = plan(&deadline, rule, None, "  Complex.  ", be).unwrap();
        assert_eq!(ok.reasons, "Complex.");
    }
}
