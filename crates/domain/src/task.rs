//! Department tasks: the work a request makes for each data system, and how
//! a deletion's outcome depends on the data's statutory retention.

use chrono::{Months, NaiveDate};

use super::request::RequestKind;
use super::retention::{RetentionBasis, RetentionRule};
use crate::wire::wire_enum;

wire_enum! {
    /// Where a task stands.
    TaskStatus, "task status" {
        /// Waiting for, or being worked by, the department.
        Open => "open",
        /// Finished with an outcome.
        Done => "done",
    }
}

wire_enum! {
    /// How a task ended.
    TaskOutcome, "task outcome" {
        /// Carried out: shown, corrected, deleted or suspended.
        Done => "done",
        /// The system holds nothing about the subject.
        NothingHeld => "nothing_held",
        /// It cannot be done (the note says why).
        CannotDo => "cannot_do",
        /// Deletion blocked by a statutory retention: the data was
        /// separated from other data until the period ends (PIPA Art. 21(3)).
        Separated => "separated",
        /// Deletion blocked by a legal hold: the data was separated, not
        /// destroyed, and is kept for the legal claim while the hold lasts.
        LegalHold => "legal_hold",
    }
}

wire_enum! {
    /// Whether a routing rule adds a department or replaces the owner.
    RoutingMode, "routing mode" {
        /// The department gets a task besides the system's owner.
        Also => "also",
        /// The department gets the task instead of the system's owner.
        Instead => "instead",
    }
}

impl TaskOutcome {
    /// The outcomes a handler chooses from (separation is decided by the
    /// data's retention, never chosen).
    pub const CHOSEN: &'static [TaskOutcome] = &[Self::Done, Self::NothingHeld, Self::CannotDo];

    /// Whether the handler must say why.
    pub const fn needs_reason(self) -> bool {
        matches!(self, Self::CannotDo)
    }

    /// Whether finishing a task of `kind` this way must return the data:
    /// an access task is done only with what the system holds (or as
    /// "nothing held"), never with nothing to give.
    pub fn needs_result(self, kind: RequestKind) -> bool {
        kind == RequestKind::Access && self == Self::Done
    }
}

/// A statutory retention that keeps data a deletion would destroy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Separation {
    pub until: NaiveDate,
    pub law: String,
}

/// What completing a task as "done" means for a system whose concerned
/// categories have `rules`: for a deletion, data under a statutory
/// retention is separated until the longest period ends (counted from
/// `today`, the day the deletion is carried out); otherwise nothing is kept.
pub fn separation(kind: RequestKind, rules: &[RetentionRule], today: NaiveDate) -> Option<Separation> {
    if kind != RequestKind::Deletion {
        return None;
    }
    rules
        .iter()
        .filter(|rule| rule.basis == RetentionBasis::Statutory)
        .filter_map(|rule| {
            let months = u32::try_from(rule.months?).ok()?;
            let until = today.checked_add_months(Months::new(months))?;
            Some(Separation {
                until,
                law: rule.legal_basis.clone().unwrap_or_default(),
            })
        })
        .max_by(|a, b| a.until.cmp(&b.until).then_with(|| b.law.cmp(&a.law)))
}

/// How a task the handler finishes as `chosen` ends. A deletion carried
/// out ("done") destroys nothing while a legal hold covers the data: it is
/// kept for the claim instead — and data a law requires keeping keeps its
/// own retention besides, which outlasts the hold. Otherwise data under a
/// statutory retention is separated until the period ends. Every other
/// choice, and every other kind, ends as chosen.
pub fn finished(
    kind: RequestKind,
    chosen: TaskOutcome,
    under_legal_hold: bool,
    separation: Option<Separation>,
) -> (TaskOutcome, Option<Separation>) {
    if kind != RequestKind::Deletion || chosen != TaskOutcome::Done {
        return (chosen, None);
    }
    match separation {
        _ if under_legal_hold => (TaskOutcome::LegalHold, separation),
        Some(separation) => (TaskOutcome::Separated, Some(separation)),
        None => (TaskOutcome::Done, None),
    }
}

/// What an access request gives the requester from one task, as the
/// officer sees it before completing and the notice tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    /// The system's name (the department's for a department-wide task).
    pub system: String,
    pub answer: Answer,
}

/// What one task of an access request yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The data held: as text, and as this many files.
    Data { text: bool, files: usize },
    /// The system holds nothing about the person.
    NothingHeld,
    /// It could not be given (the task's note says why).
    CannotDo,
    /// Not finished yet: nothing from it is released.
    Open,
}

impl Answer {
    /// The answer of an access task that ended (or not) with `outcome`,
    /// having returned a text or not and `files` files.
    pub fn of(outcome: Option<TaskOutcome>, text: bool, files: usize) -> Self {
        match outcome {
            None => Self::Open,
            Some(TaskOutcome::Done) => Self::Data { text, files },
            Some(TaskOutcome::NothingHeld) => Self::NothingHeld,
            Some(TaskOutcome::CannotDo | TaskOutcome::Separated | TaskOutcome::LegalHold) => Self::CannotDo,
        }
    }

    pub const fn gives_data(self) -> bool {
        matches!(self, Self::Data { .. })
    }
}

/// A data system a request concerns: its owner and the concerned
/// categories it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConcerned {
    pub system_id: String,
    pub owner_department_id: String,
    pub category_ids: Vec<String>,
}

/// A routing rule: requests of a kind, or about a category (or both), also
/// or instead go to a department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub kind: Option<RequestKind>,
    pub category_id: Option<String>,
    pub department_id: String,
    pub mode: RoutingMode,
}

/// A task routing makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    /// None for a department-wide task (a kind-only rule).
    pub system_id: Option<String>,
    pub department_id: String,
    pub rule_id: Option<String>,
}

impl Rule {
    fn applies(&self, kind: RequestKind, system: Option<&SystemConcerned>) -> bool {
        let kind_ok = self.kind.is_none_or(|k| k == kind);
        let category_ok = match (&self.category_id, system) {
            (None, _) => true,
            (Some(category), Some(system)) => system.category_ids.contains(category),
            (Some(_), None) => false,
        };
        kind_ok && category_ok
    }
}

/// The tasks a request of `kind` concerning `systems` gets: one per system
/// for its owner department (or the department an `instead` rule names),
/// one more for each `also` rule about the system's categories, and one
/// department-wide task for each `also` rule about the kind alone.
pub fn route(kind: RequestKind, systems: &[SystemConcerned], rules: &[Rule]) -> Vec<PlannedTask> {
    let mut planned: Vec<PlannedTask> = Vec::new();
    let mut push = |task: PlannedTask| {
        let duplicate = planned
            .iter()
            .any(|p| p.system_id == task.system_id && p.department_id == task.department_id);
        if !duplicate {
            planned.push(task);
        }
    };
    for system in systems {
        let instead = rules.iter().find(|r| {
            r.mode == RoutingMode::Instead && r.category_id.is_some() && r.applies(kind, Some(system))
        });
        push(PlannedTask {
            system_id: Some(system.system_id.clone()),
            department_id: instead
                .map_or(&system.owner_department_id, |r| &r.department_id)
                .clone(),
            rule_id: instead.map(|r| r.id.clone()),
        });
        for rule in rules.iter().filter(|r| {
            r.mode == RoutingMode::Also && r.category_id.is_some() && r.applies(kind, Some(system))
        }) {
            push(PlannedTask {
                system_id: Some(system.system_id.clone()),
                department_id: rule.department_id.clone(),
                rule_id: Some(rule.id.clone()),
            });
        }
    }
    for rule in rules
        .iter()
        .filter(|r| r.mode == RoutingMode::Also && r.category_id.is_none() && r.applies(kind, None))
    {
        push(PlannedTask {
            system_id: None,
            department_id: rule.department_id.clone(),
            rule_id: Some(rule.id.clone()),
        });
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statutory(months: i32, law: &str) -> RetentionRule {
        RetentionRule::new(RetentionBasis::Statutory, Some(months), Some(law.into())).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn deletions_separate_statutorily_kept_data_for_the_longest_period() {
        let until_withdrawal = RetentionRule::new(RetentionBasis::UntilWithdrawal, None, None).unwrap();
        type Case<'a> = (RequestKind, Vec<RetentionRule>, Option<(NaiveDate, &'a str)>);
        let table: &[Case<'_>] = &[
            (RequestKind::Deletion, vec![until_withdrawal.clone()], None),
            (RequestKind::Deletion, vec![], None),
            (
                RequestKind::Deletion,
                vec![until_withdrawal.clone(), statutory(60, "전자상거래법 제6조")],
                Some((day(2031, 11, 26), "전자상거래법 제6조")),
            ),
            (
                RequestKind::Deletion,
                vec![
                    statutory(3, "통신비밀보호법 제15조의2"),
                    statutory(36, "전자상거래법 제6조"),
                ],
                Some((day(2029, 11, 26), "전자상거래법 제6조")),
            ),
            (RequestKind::Access, vec![statutory(60, "x")], None),
            (RequestKind::Correction, vec![statutory(60, "x")], None),
            (RequestKind::Suspension, vec![statutory(60, "x")], None),
        ];
        for (kind, rules, expected) in table {
            let got = separation(*kind, rules, day(2026, 11, 26));
            let expected = expected.map(|(until, law)| Separation {
                until,
                law: law.to_owned(),
            });
            assert_eq!(got, expected, "{kind} {rules:?}");
        }
    }

    #[test]
    fn a_legal_hold_keeps_what_a_deletion_would_destroy() {
        use RequestKind::*;
        use TaskOutcome::*;
        let kept = || {
            Some(Separation {
                until: day(2031, 1, 1),
                law: "l".into(),
            })
        };
        // (kind, chosen, legal hold, statutory separation, outcome, separated)
        let table = [
            (Deletion, Done, false, None, Done, false),
            (Deletion, Done, false, kept(), Separated, true),
            (Deletion, Done, true, None, LegalHold, false),
            (Deletion, Done, true, kept(), LegalHold, true),
            (Deletion, NothingHeld, true, None, NothingHeld, false),
            (Deletion, CannotDo, true, kept(), CannotDo, false),
            (Access, Done, true, None, Done, false),
            (Correction, Done, true, kept(), Done, false),
            (Suspension, Done, true, None, Done, false),
        ];
        for (kind, chosen, held, separation, outcome, separated) in table {
            let got = finished(kind, chosen, held, separation);
            assert_eq!(got.0, outcome, "{kind} {chosen} held={held}");
            assert_eq!(got.1.is_some(), separated, "{kind} {chosen} held={held}");
        }
    }

    #[test]
    fn month_ends_clamp() {
        let got = separation(RequestKind::Deletion, &[statutory(3, "l")], day(2026, 11, 30));
        assert_eq!(got.map(|s| s.until), Some(day(2027, 2, 28)));
    }

    #[test]
    fn only_a_done_access_task_must_return_data() {
        for kind in RequestKind::ALL {
            for outcome in TaskOutcome::ALL {
                let expected = *kind == RequestKind::Access && *outcome == TaskOutcome::Done;
                assert_eq!(outcome.needs_result(*kind), expected, "{kind} {outcome}");
            }
        }
    }

    #[test]
    fn an_access_tasks_answer_follows_its_outcome() {
        use TaskOutcome::*;
        let table = [
            (None, false, 0, Answer::Open),
            (Some(Done), true, 0, Answer::Data { text: true, files: 0 }),
            (
                Some(Done),
                false,
                2,
                Answer::Data {
                    text: false,
                    files: 2,
                },
            ),
            (Some(NothingHeld), false, 0, Answer::NothingHeld),
            (Some(CannotDo), false, 0, Answer::CannotDo),
        ];
        for (outcome, text, files, answer) in table {
            assert_eq!(Answer::of(outcome, text, files), answer, "{outcome:?}");
            assert_eq!(answer.gives_data(), matches!(answer, Answer::Data { .. }));
        }
    }

    #[test]
    fn only_cannot_do_needs_a_reason() {
        for outcome in TaskOutcome::ALL {
            assert_eq!(outcome.needs_reason(), *outcome == TaskOutcome::CannotDo);
        }
        assert!(!TaskOutcome::CHOSEN.contains(&TaskOutcome::Separated));
        assert!(!TaskOutcome::CHOSEN.contains(&TaskOutcome::LegalHold));
    }

    fn system(id: &str, owner: &str, categories: &[&str]) -> SystemConcerned {
        SystemConcerned {
            system_id: id.into(),
            owner_department_id: owner.into(),
            category_ids: categories.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn rule(
        id: &str,
        kind: Option<RequestKind>,
        category: Option<&str>,
        dept: &str,
        mode: RoutingMode,
    ) -> Rule {
        Rule {
            id: id.into(),
            kind,
            category_id: category.map(str::to_owned),
            department_id: dept.into(),
            mode,
        }
    }

    fn planned(system: Option<&str>, dept: &str, rule: Option<&str>) -> PlannedTask {
        PlannedTask {
            system_id: system.map(str::to_owned),
            department_id: dept.into(),
            rule_id: rule.map(str::to_owned),
        }
    }

    #[test]
    fn routing_makes_one_task_per_system_and_follows_the_rules() {
        use RoutingMode::*;
        let members = system("members", "IT", &["email", "name"]);
        let inquiries = system("inquiries", "SALES", &["phone"]);
        let access_to_reception = rule("r1", Some(RequestKind::Access), None, "RECEPTION", Also);
        let phone_to_cs = rule("r2", None, Some("phone"), "CS", Instead);
        let email_also_legal = rule("r3", Some(RequestKind::Deletion), Some("email"), "LEGAL", Also);
        let both = [members.clone(), inquiries.clone()];
        let table: Vec<(RequestKind, Vec<Rule>, Vec<PlannedTask>)> = vec![
            (
                RequestKind::Deletion,
                vec![],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("inquiries"), "SALES", None),
                ],
            ),
            (
                RequestKind::Access,
                vec![access_to_reception.clone()],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("inquiries"), "SALES", None),
                    planned(None, "RECEPTION", Some("r1")),
                ],
            ),
            (
                RequestKind::Deletion,
                vec![access_to_reception.clone()],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("inquiries"), "SALES", None),
                ],
            ),
            (
                RequestKind::Correction,
                vec![phone_to_cs.clone()],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("inquiries"), "CS", Some("r2")),
                ],
            ),
            (
                RequestKind::Deletion,
                vec![email_also_legal.clone()],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("members"), "LEGAL", Some("r3")),
                    planned(Some("inquiries"), "SALES", None),
                ],
            ),
            (
                RequestKind::Access,
                vec![email_also_legal],
                vec![
                    planned(Some("members"), "IT", None),
                    planned(Some("inquiries"), "SALES", None),
                ],
            ),
        ];
        for (kind, rules, expected) in table {
            assert_eq!(route(kind, &both, &rules), expected, "{kind} {rules:?}");
        }
        assert_eq!(route(RequestKind::Deletion, &[], &[]), vec![]);
    }
}
