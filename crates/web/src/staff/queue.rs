//! `/staff/queue`: the requests a staff member may see, filtered, searched,
//! sorted and paged; every filter is in the URL, so a view can be
//! bookmarked.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::error::AppError;
use crate::page::{Page, render};
use app::queue::{self, PER_PAGE, QueueAsk, QueueView};
use app::queue::{DueWindow, QueueItem, QueueQuery, Sort, StatusFilter};
use app::status::days_left;
use domain::identifier::mask_email;
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::request::{Channel, RequestKind};

/// Due within this many days counts as "due soon".
pub const DUE_SOON_DAYS: i64 = 3;

/// The queue's URL parameters, as given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub mine: Option<String>,
    #[serde(default)]
    pub page: Option<i64>,
}

/// The filters as the template shows them (normalised).
pub struct Shown {
    pub q: String,
    pub status: String,
    pub kind: String,
    pub channel: String,
    pub department: String,
    pub due: String,
    pub sort: String,
    pub mine: bool,
}

impl Filters {
    /// The view asked for; unknown values fall back to the default view.
    fn ask(&self) -> (QueueAsk, Shown) {
        let status = match self.status.as_str() {
            "all" => StatusFilter::All,
            other => other.parse().map_or(StatusFilter::Open, StatusFilter::Only),
        };
        let kind = self.kind.parse::<RequestKind>().ok();
        let channel = self.channel.parse::<Channel>().ok();
        let due = match self.due.as_str() {
            "overdue" => Some(DueWindow::Overdue),
            "soon" => Some(DueWindow::DueWithin(DUE_SOON_DAYS)),
            _ => None,
        };
        let sort = match self.sort.as_str() {
            "received" => Sort::Received,
            "status" => Sort::Status,
            _ => Sort::Due,
        };
        let department = Some(self.department.trim().to_owned()).filter(|d| !d.is_empty());
        let mine = self.mine.is_some();
        let q: String = self.q.trim().chars().take(200).collect();
        let shown = Shown {
            q: q.clone(),
            status: match status {
                StatusFilter::Open => "open".to_owned(),
                StatusFilter::All => "all".to_owned(),
                StatusFilter::Only(s) => s.to_string(),
            },
            kind: kind.map(|k| k.to_string()).unwrap_or_default(),
            channel: channel.map(|c| c.to_string()).unwrap_or_default(),
            department: department.clone().unwrap_or_default(),
            due: match due {
                Some(DueWindow::Overdue) => "overdue",
                Some(DueWindow::DueWithin(_)) => "soon",
                None => "",
            }
            .to_owned(),
            sort: match sort {
                Sort::Due => "due",
                Sort::Received => "received",
                Sort::Status => "status",
            }
            .to_owned(),
            mine,
        };
        let ask = QueueAsk {
            query: QueueQuery {
                status,
                kind,
                channel,
                due,
                sort,
                page: self.page.unwrap_or(1).max(1) - 1,
                ..QueueQuery::default()
            },
            mine,
            search: q,
            department,
        };
        (ask, shown)
    }
}

impl Shown {
    /// The URL of page `page` of this view.
    fn href(&self, page: i64) -> String {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("kind", &self.kind),
            ("channel", &self.channel),
            ("department", &self.department),
            ("due", &self.due),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                url.append_pair(key, value);
            }
        }
        if self.mine {
            url.append_pair("mine", "1");
        }
        url.append_pair("page", &page.to_string());
        format!("/staff/queue?{}", url.finish())
    }
}

/// One row as shown.
pub struct Row {
    pub reference: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub masked_email: String,
    pub departments: String,
    pub assignees: String,
    pub due: String,
    /// "overdue", "soon" or "" — a class and a label, never colour alone.
    pub urgency: &'static str,
    pub due_label: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/queue.html")]
pub struct QueuePage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub view: QueueView,
    pub rows: Vec<Row>,
    pub filters: Shown,
    pub statuses: &'static [RequestStatus],
    pub kinds: &'static [RequestKind],
    pub channels: &'static [Channel],
    pub page_number: i64,
    pub page_count: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

fn row(lang: Lang, view: &QueueView, item: &QueueItem) -> Row {
    let r = &item.row;
    let left = days_left(r.due_date, r.status, view.today);
    let (urgency, due_label) = match left {
        Some(days) if days < 0 => (
            "overdue",
            Some(lang.tf("staff.queue.days_overdue", &[("days", &(-days).to_string())])),
        ),
        Some(days) if days <= DUE_SOON_DAYS => (
            "soon",
            Some(lang.tf("staff.queue.days_left", &[("days", &days.to_string())])),
        ),
        Some(days) => (
            "",
            Some(lang.tf("staff.queue.days_left", &[("days", &days.to_string())])),
        ),
        None => ("", None),
    };
    Row {
        reference: r.reference.clone(),
        kind: r.kind,
        status: r.status,
        masked_email: mask_email(&r.subject_email),
        departments: item.departments.join(", "),
        assignees: item.assignees.join(", "),
        due: r.due_date.map(|d| d.to_string()).unwrap_or_default(),
        urgency,
        due_label,
    }
}

/// `GET /staff/queue`
pub async fn page(
    page: Page,
    Staff(signed): Staff,
    filters: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let (ask, shown) = filters.ask();
    let page_index = ask.query.page;
    let chrome = StaffChrome::new(&page, &signed)?;
    let view = page
        .state
        .run(move |desk| queue::queue(desk, &signed, ask))
        .await?;
    let rows = view
        .items
        .iter()
        .map(|item| row(page.lang, &view, item))
        .collect();
    let page_count = ((view.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page_number = page_index + 1;
    render(
        StatusCode::OK,
        &QueuePage {
            lang: page.lang,
            chrome,
            rows,
            previous: (page_number > 1).then(|| shown.href(page_number - 1)),
            next: (page_number < page_count).then(|| shown.href(page_number + 1)),
            filters: shown,
            statuses: RequestStatus::ALL,
            kinds: RequestKind::ALL,
            channels: Channel::ALL,
            page_number,
            page_count,
            view,
        },
    )
}
