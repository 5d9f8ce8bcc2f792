//! The home page: the rights a person has and how to use them.

use actix_web::HttpRequest;
use askama::Template;
use askama_web::WebTemplate;

use super::lang::Lang;
use crate::domain::request::RequestKind;

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
}

pub async fn home(req: HttpRequest, lang: Lang) -> HomePage {
    HomePage {
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
