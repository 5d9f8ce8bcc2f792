//! An admin adds a one-off day to the holiday calendar deadlines are
//! counted with (a temporary holiday is often announced weeks ahead), takes
//! a listed day off it, or undoes such a change. In the same transaction
//! the due dates still counted from receipt are counted again; each change
//! of the calendar and each due date it moves is an audit event.

use chrono::{Datelike, NaiveDate};

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, Refusal, Tx, WorkflowError};
use domain::audit::AuditAction;
use domain::calendar::{DayChange, day_edit};
use domain::deadline;
use store::audit::NewEvent;
use store::calendar_days::{self, DayRow};
use store::requests;

/// One holiday as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDay {
    pub day: NaiveDate,
    pub name: String,
    /// Added by an admin rather than shipped.
    pub added: bool,
}

/// The calendar in force and the admins' changes to it.
#[derive(Debug, Clone)]
pub struct CalendarView {
    /// `kr (holidays 0.108)`.
    pub label: String,
    pub covered_until: Option<NaiveDate>,
    /// The holidays of this year and the next, as deadlines count them.
    pub days: Vec<ListedDay>,
    /// Every change, by day.
    pub changes: Vec<DayRow>,
    /// Today, in the profile's zone.
    pub today: NaiveDate,
}

pub fn view(desk: &Desk, signed: &SignedIn) -> Result<CalendarView, WorkflowError> {
    require(signed.member.may_administer())?;
    let code = &desk.config.calendar;
    desk.read(|conn, now| {
        let changes = calendar_days::changes(conn, code.as_str())?;
        let shipped = code.calendar();
        let effective = shipped.with_changes(changes.iter().map(|c| (c.day, c.change, c.name.as_str())));
        let today = deadline::local(now, desk.config.timezone).date();
        let (from, to) = (
            NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            NaiveDate::from_ymd_opt(today.year() + 1, 12, 31).unwrap_or(today),
        );
        let days = effective
            .days_between(from, to)
            .map(|(day, name)| ListedDay {
                day,
                name: name.to_owned(),
                added: !shipped.is_holiday(day),
            })
            .collect();
        Ok(CalendarView {
            label: code.label(),
            covered_until: shipped.covered_until(),
            days,
            changes,
            today,
        })
    })
}

/// What the admin does to a day (as typed).
#[derive(Debug, Clone)]
pub enum DayCommand {
    /// Make `day` a holiday named `name`, or (with `Removed`) a working day
    /// for the reason `name`.
    Change {
        day: String,
        change: DayChange,
        name: String,
    },
    /// Undo the change of `day`.
    Undo { day: NaiveDate },
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recounted {
    pub day: NaiveDate,
    /// How many due dates moved.
    pub moved: usize,
}

pub fn change(desk: &Desk, signed: &SignedIn, command: DayCommand) -> Result<Recounted, WorkflowError> {
    require(signed.member.may_administer())?;
    let actor = signed.actor();
    let code = &desk.config.calendar;
    desk.write(|tx| {
        calendar_days::lock_for_change(tx.conn, code.as_str())?;
        let current = tx.calendar()?;
        let today = deadline::local(tx.now, desk.config.timezone).date();
        let (day, what, name) = match &command {
            DayCommand::Change { day, change, name } => {
                let edit = day_edit(day, *change, name, &current, today).map_err(Refusal::from)?;
                calendar_days::set(
                    tx.conn,
                    &DayRow {
                        calendar: code.as_str().to_owned(),
                        day: edit.day,
                        change: edit.change,
                        name: edit.name.clone(),
                        changed_by: Some(signed.member.id.clone()),
                        changed_at: tx.now,
                    },
                )?;
                (edit.day, edit.change.as_str(), edit.name)
            }
            DayCommand::Undo { day } => {
                let undone =
                    calendar_days::remove(tx.conn, code.as_str(), *day)?.ok_or(Refusal::DayNotChanged)?;
                (*day, "undone", undone.name)
            }
        };
        tx.conn.append(
            NewEvent::general(
                &actor,
                AuditAction::CalendarChanged,
                serde_json::json!({
                    "calendar": code.as_str(),
                    "day": day.to_string(),
                    "change": what,
                    "name": name,
                }),
            ),
            tx.now,
        );
        let moved = recount(tx, &actor, day)?;
        Ok(Recounted { day, moved })
    })
}

/// Counts again the due dates still counted from receipt, with the
/// calendar as it now stands; records each that moves. Returns how many.
fn recount(
    tx: &mut Tx<'_, '_>,
    actor: &domain::actor::Actor,
    day: NaiveDate,
) -> Result<usize, WorkflowError> {
    let calendar = tx.calendar()?;
    let config = &tx.desk.config;
    let mut moved = 0;
    for request in requests::to_recount(tx.conn, config.jurisdiction, config.calendar.as_str())? {
        let due = config.due_date(request.kind, request.extended, request.received_at, &calendar);
        if request.due_date == Some(due) {
            continue;
        }
        requests::set_due_date(tx.conn, &request.id, request.version, due, tx.now)?;
        tx.conn.append(
            NewEvent::about(
                &request.id,
                actor,
                AuditAction::DueDateChanged,
                serde_json::json!({
                    "from": request.due_date.map(|d| d.to_string()),
                    "to": due.to_string(),
                    "cause": "calendar",
                    "day": day.to_string(),
                }),
            ),
            tx.now,
        );
        moved += 1;
    }
    Ok(moved)
}
