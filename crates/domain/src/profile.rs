//! Legal profiles as data: for each request kind, how long the company has
//! to answer and how the days are counted, whether it must confirm receipt
//! first, and whether the answer may be postponed or the period extended —
//! for which kinds, by how much, how many times, with which notice.

use chrono::NaiveDate;

use super::citation::Citation;
use super::jurisdiction::Jurisdiction;
use super::lifecycle::RequestStatus;
use super::request::RequestKind;
use crate::wire::wire_enum;

/// What a period is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Every day counts; the last one moves past a non-working day.
    CalendarDays,
    /// Only working days count (not Saturday, Sunday or a holiday).
    BusinessDays,
    /// Ends on the same date so many months on (or that month's last day).
    Months,
}

/// A span of time the law gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
}

impl Period {
    pub const fn calendar_days(amount: u32) -> Self {
        Self {
            amount,
            unit: Unit::CalendarDays,
        }
    }

    pub const fn business_days(amount: u32) -> Self {
        Self {
            amount,
            unit: Unit::BusinessDays,
        }
    }

    pub const fn months(amount: u32) -> Self {
        Self {
            amount,
            unit: Unit::Months,
        }
    }

    /// This period lengthened by `more` of the same unit (an extension
    /// lengthens the period counted from receipt); `None` when the units
    /// differ.
    pub fn lengthened_by(self, more: Period) -> Option<Period> {
        (self.unit == more.unit).then(|| Period {
            amount: self.amount + more.amount,
            unit: self.unit,
        })
    }
}

/// How the first day is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// The day of receipt is not counted unless the request arrived at
    /// 00:00 (Korean Civil Act Art. 157).
    FromNextDayUnlessMidnight,
    /// The day of receipt is never counted (Regulation 1182/71 Art. 3(1);
    /// California Civil Code § 10).
    FromNextDay,
}

wire_enum! {
    /// The two ways the law lets a company take longer.
    Prolongation, "prolongation" {
        /// Access put off for good cause until the cause ends, to a date
        /// the company gives (PIPA Art. 35(3)).
        Postponement => "postponement",
        /// The period lengthened by a fixed span (GDPR Art. 12(3); 11 CCR
        /// § 7021(b)).
        Extension => "extension",
    }
}

/// How much longer a prolongation gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lengthening {
    /// A later date the company chooses (and must justify).
    ToChosenDate,
    /// The period counted from receipt, lengthened by this much.
    By(Period),
}

/// When and how a profile lets the company take longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProlongationRule {
    pub kind: Prolongation,
    /// The request kinds it is allowed for.
    pub kinds: &'static [RequestKind],
    pub lengthening: Lengthening,
    /// How many times a request may have it; `None` when the law sets no
    /// number.
    pub times: Option<u32>,
    /// Where the law says so, quoted in the notice.
    pub law: Citation,
}

/// One request kind under a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRule {
    pub kind: RequestKind,
    /// The time to answer, counted from receipt.
    pub period: Period,
    /// The time to confirm receipt, when the law asks for a confirmation.
    pub confirmation: Option<Period>,
    /// Where the law sets the period.
    pub law: Citation,
}

/// A legal profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub jurisdiction: Jurisdiction,
    pub counting: Counting,
    /// One rule per request kind.
    pub kinds: [KindRule; 4],
    /// The notice of a prolongation must reach the requester on or before
    /// the due date in force (within the original period).
    pub prolongations: &'static [ProlongationRule],
}

const ALL_KINDS: &[RequestKind] = &[
    RequestKind::Access,
    RequestKind::Correction,
    RequestKind::Deletion,
    RequestKind::Suspension,
];

const KR_PIPA: Profile = Profile {
    jurisdiction: Jurisdiction::KrPipa,
    counting: Counting::FromNextDayUnlessMidnight,
    kinds: [
        KindRule {
            kind: RequestKind::Access,
            period: Period::calendar_days(10),
            confirmation: None,
            law: Citation::new("PIPA Decree Art. 41(4)", "개인정보 보호법 시행령 제41조제4항"),
        },
        KindRule {
            kind: RequestKind::Correction,
            period: Period::calendar_days(10),
            confirmation: None,
            law: Citation::new("PIPA Decree Art. 43(3)", "개인정보 보호법 시행령 제43조제3항"),
        },
        KindRule {
            kind: RequestKind::Deletion,
            period: Period::calendar_days(10),
            confirmation: None,
            law: Citation::new("PIPA Decree Art. 43(3)", "개인정보 보호법 시행령 제43조제3항"),
        },
        KindRule {
            kind: RequestKind::Suspension,
            period: Period::calendar_days(10),
            confirmation: None,
            law: Citation::new("PIPA Decree Art. 44(2)", "개인정보 보호법 시행령 제44조제2항"),
        },
    ],
    prolongations: &[ProlongationRule {
        kind: Prolongation::Postponement,
        kinds: &[RequestKind::Access],
        lengthening: Lengthening::ToChosenDate,
        times: None,
        law: Citation::new(
            "PIPA Art. 35(3); Decree Art. 42(2)",
            "개인정보 보호법 제35조제3항, 같은 법 시행령 제42조제2항",
        ),
    }],
};

const GDPR: Profile = Profile {
    jurisdiction: Jurisdiction::Gdpr,
    counting: Counting::FromNextDay,
    kinds: [
        KindRule {
            kind: RequestKind::Access,
            period: Period::months(1),
            confirmation: None,
            law: Citation::new("GDPR Art. 12(3), 15", "GDPR 제12조제3항, 제15조"),
        },
        KindRule {
            kind: RequestKind::Correction,
            period: Period::months(1),
            confirmation: None,
            law: Citation::new("GDPR Art. 12(3), 16", "GDPR 제12조제3항, 제16조"),
        },
        KindRule {
            kind: RequestKind::Deletion,
            period: Period::months(1),
            confirmation: None,
            law: Citation::new("GDPR Art. 12(3), 17", "GDPR 제12조제3항, 제17조"),
        },
        KindRule {
            kind: RequestKind::Suspension,
            period: Period::months(1),
            confirmation: None,
            law: Citation::new("GDPR Art. 12(3), 18, 21", "GDPR 제12조제3항, 제18조, 제21조"),
        },
    ],
    prolongations: &[ProlongationRule {
        kind: Prolongation::Extension,
        kinds: ALL_KINDS,
        lengthening: Lengthening::By(Period::months(2)),
        times: Some(1),
        law: Citation::new("GDPR Art. 12(3)", "GDPR 제12조제3항"),
    }],
};

const CCPA: Profile = Profile {
    jurisdiction: Jurisdiction::Ccpa,
    counting: Counting::FromNextDay,
    kinds: [
        KindRule {
            kind: RequestKind::Access,
            period: Period::calendar_days(45),
            confirmation: Some(Period::business_days(10)),
            law: Citation::new("11 CCR § 7021", "캘리포니아 규정집 제11편 § 7021"),
        },
        KindRule {
            kind: RequestKind::Correction,
            period: Period::calendar_days(45),
            confirmation: Some(Period::business_days(10)),
            law: Citation::new("11 CCR § 7021", "캘리포니아 규정집 제11편 § 7021"),
        },
        KindRule {
            kind: RequestKind::Deletion,
            period: Period::calendar_days(45),
            confirmation: Some(Period::business_days(10)),
            law: Citation::new("11 CCR § 7021", "캘리포니아 규정집 제11편 § 7021"),
        },
        // Stopping processing is an opt-out of sale or sharing (or a limit
        // on sensitive data): as soon as feasible, within 15 business days,
        // with no extension.
        KindRule {
            kind: RequestKind::Suspension,
            period: Period::business_days(15),
            confirmation: None,
            law: Citation::new(
                "11 CCR §§ 7026(f), 7027(g)",
                "캘리포니아 규정집 제11편 §§ 7026(f), 7027(g)",
            ),
        },
    ],
    prolongations: &[ProlongationRule {
        kind: Prolongation::Extension,
        kinds: &[
            RequestKind::Access,
            RequestKind::Correction,
            RequestKind::Deletion,
        ],
        lengthening: Lengthening::By(Period::calendar_days(45)),
        times: Some(1),
        law: Citation::new("11 CCR § 7021(b)", "캘리포니아 규정집 제11편 § 7021(b)"),
    }],
};

impl Profile {
    pub const fn of(jurisdiction: Jurisdiction) -> &'static Profile {
        match jurisdiction {
            Jurisdiction::KrPipa => &KR_PIPA,
            Jurisdiction::Gdpr => &GDPR,
            Jurisdiction::Ccpa => &CCPA,
        }
    }

    /// The rule for `kind` (every profile has one for every kind: a unit
    /// test checks).
    pub fn rule(&self, kind: RequestKind) -> &KindRule {
        let [first, ..] = &self.kinds;
        self.kinds.iter().find(|r| r.kind == kind).unwrap_or(first)
    }

    /// The period a request of `kind` has: its kind's, or (`extended`)
    /// that lengthened by the profile's extension.
    pub fn period(&self, kind: RequestKind, extended: bool) -> Period {
        let base = self.rule(kind).period;
        match self
            .prolongation(Prolongation::Extension, kind)
            .map(|p| p.lengthening)
        {
            Some(Lengthening::By(more)) if extended => base.lengthened_by(more).unwrap_or(base),
            _ => base,
        }
    }

    /// The prolongation `kind` of a request of `request_kind`, when allowed.
    pub fn prolongation(
        &self,
        kind: Prolongation,
        request_kind: RequestKind,
    ) -> Option<&'static ProlongationRule> {
        self.prolongations
            .iter()
            .find(|p| p.kind == kind && p.kinds.contains(&request_kind))
    }

    /// The prolongations a request of `request_kind` that has had `taken`
    /// already may still have.
    pub fn prolongations_open(
        &self,
        request_kind: RequestKind,
        taken: u32,
    ) -> impl Iterator<Item = &'static ProlongationRule> {
        self.prolongations
            .iter()
            .filter(move |p| p.kinds.contains(&request_kind) && p.times.is_none_or(|n| taken < n))
    }

    /// The prolongation a request may have now, if any: its kind allows
    /// one it has not used up, work is under way (no decision yet), and
    /// the due date in force has not passed (the notice must go within the
    /// period).
    pub fn prolongation_now(
        &self,
        request_kind: RequestKind,
        status: RequestStatus,
        taken: u32,
        due: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<&'static ProlongationRule> {
        if status != RequestStatus::InProgress || due.is_none_or(|due| today > due) {
            return None;
        }
        self.prolongations_open(request_kind, taken).next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_has_a_rule_for_every_kind() {
        for j in [Jurisdiction::KrPipa, Jurisdiction::Gdpr, Jurisdiction::Ccpa] {
            let profile = Profile::of(j);
            assert_eq!(profile.jurisdiction, j);
            for kind in ALL_KINDS {
                assert_eq!(profile.rule(*kind).kind, *kind, "{j}");
            }
            for p in profile.prolongations {
                if let Lengthening::By(more) = p.lengthening {
                    for kind in p.kinds {
                        let base = profile.rule(*kind).period;
                        assert!(base.lengthened_by(more).is_some(), "{j} {kind}: units differ");
                    }
                }
            }
        }
    }

    #[test]
    fn what_each_profile_allows() {
        use Prolongation::{Extension, Postponement};
        use RequestKind::{Access, Correction, Deletion, Suspension};
        let table = [
            (Jurisdiction::KrPipa, Postponement, Access, true),
            (Jurisdiction::KrPipa, Postponement, Correction, false),
            (Jurisdiction::KrPipa, Extension, Access, false),
            (Jurisdiction::KrPipa, Extension, Deletion, false),
            (Jurisdiction::Gdpr, Extension, Access, true),
            (Jurisdiction::Gdpr, Extension, Suspension, true),
            (Jurisdiction::Gdpr, Postponement, Access, false),
            (Jurisdiction::Ccpa, Extension, Deletion, true),
            (Jurisdiction::Ccpa, Extension, Suspension, false),
            (Jurisdiction::Ccpa, Postponement, Access, false),
        ];
        for (j, prolongation, kind, allowed) in table {
            assert_eq!(
                Profile::of(j).prolongation(prolongation, kind).is_some(),
                allowed,
                "{j} {prolongation} {kind}"
            );
        }
    }

    #[test]
    fn extensions_once_postponements_as_the_cause_requires() {
        let gdpr = Profile::of(Jurisdiction::Gdpr);
        assert_eq!(gdpr.prolongations_open(RequestKind::Access, 0).count(), 1);
        assert_eq!(gdpr.prolongations_open(RequestKind::Access, 1).count(), 0);
        let ccpa = Profile::of(Jurisdiction::Ccpa);
        assert_eq!(ccpa.prolongations_open(RequestKind::Deletion, 1).count(), 0);
        assert_eq!(ccpa.prolongations_open(RequestKind::Suspension, 0).count(), 0);
        let kr = Profile::of(Jurisdiction::KrPipa);
        assert_eq!(kr.prolongations_open(RequestKind::Access, 3).count(), 1);
        assert_eq!(kr.prolongations_open(RequestKind::Deletion, 0).count(), 0);
    }

    #[test]
    fn a_prolongation_only_while_work_is_under_way_and_the_period_runs() {
        use RequestStatus::{AwaitingApproval, InProgress, Postponed, Verifying};
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let due = Some(day("2026-12-07"));
        let table = [
            (
                Jurisdiction::KrPipa,
                RequestKind::Access,
                InProgress,
                0,
                "2026-12-07",
                Some(Prolongation::Postponement),
            ),
            (
                Jurisdiction::KrPipa,
                RequestKind::Access,
                InProgress,
                0,
                "2026-12-08",
                None,
            ),
            (
                Jurisdiction::KrPipa,
                RequestKind::Access,
                Postponed,
                1,
                "2026-12-01",
                None,
            ),
            (
                Jurisdiction::KrPipa,
                RequestKind::Access,
                InProgress,
                1,
                "2026-12-01",
                Some(Prolongation::Postponement),
            ),
            (
                Jurisdiction::KrPipa,
                RequestKind::Deletion,
                InProgress,
                0,
                "2026-12-01",
                None,
            ),
            (
                Jurisdiction::Gdpr,
                RequestKind::Deletion,
                InProgress,
                0,
                "2026-12-01",
                Some(Prolongation::Extension),
            ),
            (
                Jurisdiction::Gdpr,
                RequestKind::Deletion,
                InProgress,
                1,
                "2026-12-01",
                None,
            ),
            (
                Jurisdiction::Gdpr,
                RequestKind::Access,
                Verifying,
                0,
                "2026-12-01",
                None,
            ),
            (
                Jurisdiction::Ccpa,
                RequestKind::Access,
                AwaitingApproval,
                0,
                "2026-12-01",
                None,
            ),
            (
                Jurisdiction::Ccpa,
                RequestKind::Access,
                InProgress,
                0,
                "2026-12-01",
                Some(Prolongation::Extension),
            ),
        ];
        for (j, kind, status, taken, today, expected) in table {
            let got = Profile::of(j)
                .prolongation_now(kind, status, taken, due, day(today))
                .map(|p| p.kind);
            assert_eq!(got, expected, "{j} {kind} {status} taken {taken} on {today}");
        }
        assert!(
            Profile::of(Jurisdiction::Gdpr)
                .prolongation_now(RequestKind::Access, InProgress, 0, None, day("2026-12-01"))
                .is_none(),
            "no due date, no prolongation"
        );
    }

    #[test]
    fn confirmation_of_receipt_only_where_the_law_asks() {
        let table = [
            (
                Jurisdiction::Ccpa,
                RequestKind::Access,
                Some(Period::business_days(10)),
            ),
            (Jurisdiction::Ccpa, RequestKind::Suspension, None),
            (Jurisdiction::KrPipa, RequestKind::Access, None),
            (Jurisdiction::Gdpr, RequestKind::Deletion, None),
        ];
        for (j, kind, confirmation) in table {
            assert_eq!(Profile::of(j).rule(kind).confirmation, confirmation, "{j} {kind}");
        }
        let gdpr = Profile::of(Jurisdiction::Gdpr);
        assert_eq!(gdpr.period(RequestKind::Access, false), Period::months(1));
        assert_eq!(gdpr.period(RequestKind::Access, true), Period::months(3));
        let ccpa = Profile::of(Jurisdiction::Ccpa);
        assert_eq!(
            ccpa.period(RequestKind::Deletion, true),
            Period::calendar_days(90)
        );
        assert_eq!(
            ccpa.period(RequestKind::Suspension, true),
            Period::business_days(15)
        );
        let kr = Profile::of(Jurisdiction::KrPipa);
        assert_eq!(kr.period(RequestKind::Access, true), Period::calendar_days(10));
        assert_eq!(
            Period::months(1).lengthened_by(Period::months(2)),
            Some(Period::months(3))
        );
        assert_eq!(Period::months(1).lengthened_by(Period::calendar_days(2)), None);
    }
}
