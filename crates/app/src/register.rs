//! The register of separated data: what deletions kept apart instead of
//! destroying it — because a law requires keeping it (PIPA Art. 21(3)),
//! or under a legal hold — with the law, the day the retention ends and
//! the days left. For the privacy department and the privacy officer.

use chrono::NaiveDate;

use super::case::require;
use super::signin::SignedIn;
use super::{Desk, WorkflowError};
use domain::lang::Lang;
use store::tasks::{self, KeptApart};
use store::{catalog, requests};

/// One line of the register.
#[derive(Debug, Clone)]
pub struct KeptLine {
    pub kept: KeptApart,
    /// The request's data categories this system holds, by name (all of
    /// them when the request named none).
    pub categories: Vec<String>,
    /// Days until the retention ends (negative once past); none under a
    /// legal hold.
    pub days_left: Option<i64>,
}

pub fn kept_apart(desk: &Desk, signed: &SignedIn, lang: Lang) -> Result<Vec<KeptLine>, WorkflowError> {
    require(signed.member.sees_all_requests())?;
    let tz = desk.config.timezone;
    desk.read(|conn, now| {
        let today: NaiveDate = now.and_utc().with_timezone(&tz).date_naive();
        let all_categories = catalog::list_categories(conn)?;
        let mut lines = Vec::new();
        for kept in tasks::kept_apart(conn)? {
            let chosen = requests::category_ids(conn, &kept.request_id)?;
            let categories = all_categories
                .iter()
                .filter(|c| kept.system_id.as_deref() == Some(c.system_id.as_str()))
                .filter(|c| chosen.is_empty() || chosen.iter().any(|id| c.id == *id.as_str()))
                .map(|c| match lang {
                    Lang::Ko => c.name_ko.clone(),
                    Lang::En => c.name_en.clone(),
                })
                .collect();
            lines.push(KeptLine {
                days_left: kept.until.map(|until| (until - today).num_days()),
                categories,
                kept,
            });
        }
        Ok(lines)
    })
}
