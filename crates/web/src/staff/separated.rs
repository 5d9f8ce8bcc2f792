//! `/staff/separated`: the register of data deletions kept apart instead
//! of destroying it (by law, or under a legal hold), the soonest end first,
//! with the days left. For the privacy department and the privacy officer.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use super::chrome::StaffChrome;
use super::queue::DUE_SOON_DAYS;
use super::session::Staff;
use crate::error::AppError;
use crate::page::{Page, render};
use app::register::{self, KeptLine};
use domain::lang::Lang;
use domain::task::TaskOutcome;

/// One line as the page shows it.
pub struct Line {
    pub reference: String,
    pub system: String,
    pub department: String,
    pub categories: String,
    /// The law, or that a legal hold keeps it.
    pub why: String,
    pub until: String,
    pub days_left: String,
    /// `overdue`, `soon` or empty: how urgent destroying it is.
    pub urgency: &'static str,
}

#[derive(Template)]
#[template(path = "staff/separated.html")]
pub struct SeparatedPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub lines: Vec<Line>,
}

fn line(lang: Lang, kept: KeptLine) -> Line {
    let k = kept.kept;
    let (days_left, urgency) = match kept.days_left {
        Some(d) if d < 0 => (
            lang.tf("staff.queue.days_overdue", &[("days", &(-d).to_string())]),
            "overdue",
        ),
        Some(d) => (
            lang.tf("staff.queue.days_left", &[("days", &d.to_string())]),
            if d <= DUE_SOON_DAYS { "soon" } else { "" },
        ),
        None => (String::new(), ""),
    };
    let why = match (k.outcome, k.law) {
        (TaskOutcome::Separated, Some(law)) => law,
        _ => lang.t("staff.separated.legal_hold").into_owned(),
    };
    Line {
        reference: k.reference,
        system: k
            .system_name
            .unwrap_or_else(|| lang.t("staff.tasks.whole_department").into_owned()),
        department: k.department_name,
        categories: if kept.categories.is_empty() {
            lang.t("staff.separated.all_categories").into_owned()
        } else {
            kept.categories.join(", ")
        },
        why,
        until: k.until.map_or_else(
            || lang.t("staff.separated.until_hold_ends").into_owned(),
            |d| d.to_string(),
        ),
        days_left,
        urgency,
    }
}

/// `GET /staff/separated`
pub async fn page(page: Page, Staff(signed): Staff) -> Result<HttpResponse, AppError> {
    let chrome = StaffChrome::new(&page, &signed)?;
    let lang = page.lang;
    let kept = page
        .state
        .run(move |desk| register::kept_apart(desk, &signed, lang))
        .await?;
    render(
        StatusCode::OK,
        &SeparatedPage {
            lang,
            chrome,
            lines: kept.into_iter().map(|k| line(lang, k)).collect(),
        },
    )
}
