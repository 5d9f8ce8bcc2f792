//! The home page: the rights a person has and how to use them.

use actix_web::{HttpRequest, web};
use askama::Template;
use askama_web::WebTemplate;

use super::AppState;
use super::lang::{Asked, Lang};
use domain::profile::Unit;
use domain::request::RequestKind;

/// One right, as the home page lists it.
pub struct RightCard {
    pub kind: &'static str,
    pub title: String,
    pub summary: String,
    pub article: String,
    pub start: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
pub struct HomePage {
    pub lang: Lang,
    pub path: String,
    pub rights: Vec<RightCard>,
    /// How long the company has to answer, under the active profile.
    pub response_period: String,
}

pub async fn home(req: HttpRequest, Asked(lang): Asked, state: web::Data<AppState>) -> HomePage {
    let jurisdiction = state.config().jurisdiction;
    let law = lang.t(&format!("jurisdiction.{jurisdiction}")).into_owned();
    let period = state.config().profile().rule(RequestKind::Access).period;
    let key = match period.unit {
        Unit::CalendarDays => "home.period_days",
        Unit::BusinessDays => "home.period_business_days",
        Unit::Months => "home.period_months",
    };
    let response_period = lang.tf(key, &[("n", &period.amount.to_string()), ("law", &law)]);
    HomePage {
        response_period,
        lang,
        path: req.path().to_owned(),
        rights: RequestKind::ALL
            .iter()
            .map(|k| RightCard {
                kind: k.as_str(),
                title: lang.t(&format!("kind.{k}.title")).into_owned(),
                summary: lang.t(&format!("kind.{k}.summary")).into_owned(),
                article: lang.t(&format!("kind.{k}.article")).into_owned(),
                start: lang.t(&format!("kind.{k}.start")).into_owned(),
            })
            .collect(),
    }
}
