//! `/staff/admin/calendar`: the holiday calendar deadlines are counted
//! with — its holidays this year and next, and the admins' changes: a
//! one-off holiday added, a listed day taken off, a change undone. Each
//! change counts again the due dates of undecided requests. Admins only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::csrf::{CsrfForm, Posted};
use crate::error::{AppError, UserMessage};
use crate::page::{Page, render, see_other};
use app::WorkflowError;
use app::calendar::{self, CalendarView, DayCommand};
use app::signin::SignedIn;
use domain::calendar::DayChange;
use domain::lang::Lang;

/// What the admin typed, kept when it is refused.
#[derive(Debug, Default, Deserialize)]
pub struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    change: String,
    #[serde(default)]
    name: String,
}

/// What the last change did (from the redirect's query).
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    day: Option<NaiveDate>,
    moved: Option<usize>,
}

#[derive(Template)]
#[template(path = "staff/admin_calendar.html")]
pub struct CalendarPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub view: CalendarView,
    pub done: Option<(NaiveDate, usize)>,
    pub problem: Option<String>,
    pub typed: DayForm,
}

impl CalendarPage {
    fn typed_removal(&self) -> bool {
        self.typed.change == DayChange::Removed.as_str()
    }

    fn lead(&self) -> String {
        let lead = self
            .lang
            .tf("staff.calendar.lead", &[("label", &self.view.label)]);
        match self.view.covered_until {
            Some(until) => format!(
                "{lead} {}",
                self.lang
                    .tf("staff.calendar.covers", &[("until", &until.to_string())])
            ),
            None => lead,
        }
    }

    fn done_text(&self, day: &NaiveDate, moved: &usize) -> String {
        self.lang.tf(
            "staff.calendar.done",
            &[("day", &day.to_string()), ("moved", &moved.to_string())],
        )
    }
}

async fn page_with(
    page: &Page,
    signed: SignedIn,
    done: Option<(NaiveDate, usize)>,
    problem: Option<String>,
    typed: DayForm,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(page, &signed)?;
    let view = page.state.run(move |desk| calendar::view(desk, &signed)).await?;
    render(
        status,
        &CalendarPage {
            lang: page.lang,
            chrome,
            view,
            done,
            problem,
            typed,
        },
    )
}

/// `GET /staff/admin/calendar`
pub async fn view(
    page: Page,
    Staff(signed): Staff,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let done = done.day.zip(done.moved);
    page_with(&page, signed, done, None, DayForm::default(), StatusCode::OK).await
}

async fn apply(
    page: Page,
    signed: SignedIn,
    command: DayCommand,
    typed: DayForm,
) -> Result<HttpResponse, AppError> {
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| calendar::change(desk, &who, command))
        .await?
    {
        Ok(done) => Ok(see_other(&format!(
            "/staff/admin/calendar?day={}&moved={}",
            done.day, done.moved
        ))),
        Err(WorkflowError::Refused(r)) => {
            let problem = UserMessage::new(r.message_key()).render(page.lang);
            page_with(
                &page,
                signed,
                None,
                Some(problem),
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /staff/admin/calendar/days`: add a holiday or take one off.
pub async fn change(
    page: Page,
    Staff(signed): Staff,
    Posted(form): Posted<DayForm>,
) -> Result<HttpResponse, AppError> {
    // Anything but "removed" adds: the form offers only the two.
    let change = form.change.parse().unwrap_or(DayChange::Added);
    let command = DayCommand::Change {
        day: form.day.clone(),
        change,
        name: form.name.clone(),
    };
    apply(page, signed, command, form).await
}

/// `POST /staff/admin/calendar/days/{day}/delete`: undo a change.
pub async fn undo(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let Ok(day) = NaiveDate::parse_from_str(&path.into_inner(), "%Y-%m-%d") else {
        return Err(WorkflowError::NotFound.into());
    };
    apply(page, signed, DayCommand::Undo { day }, DayForm::default()).await
}
