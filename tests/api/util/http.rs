//! Talking to the desk as a browser does: forms with their CSRF token, a
//! browser with cookies of its own, and the answers' redirects.

use domain::reference::Reference;

use super::{PASSWORD, TestApp, Who};

/// The value of the first `csrf_token` hidden input on a page.
pub fn csrf_token_in(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn reference_from(location: &str) -> Reference {
    location
        .trim_start_matches("/requests/")
        .trim_end_matches("/submitted")
        .parse()
        .expect("reference in location")
}

/// A browser of its own (its own cookies), signed in as nobody yet.
pub struct Browser {
    pub client: reqwest::Client,
    address: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .expect("client"),
            address: app.address.clone(),
        }
    }

    /// A browser signed in as `who`.
    pub async fn signed_in(app: &TestApp, who: Who) -> Self {
        let browser = Self::new(app);
        let response = browser.login(who.email(), PASSWORD).await;
        assert_eq!(response.status(), 303, "{who:?} signs in");
        browser
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// A CSRF token for this browser's forms.
    pub async fn token(&self) -> String {
        let body = self.get("/track").await.text().await.expect("body");
        csrf_token_in(&body).unwrap_or_default()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.token().await;
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.client
            .post(format!("{}{path}", self.address))
            .form(&fields)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_multipart(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.token().await;
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        self.client
            .post(format!("{}{path}", self.address))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let token = self.token().await;
        self.client
            .post(format!("{}/staff/login", self.address))
            .form(&[("email", email), ("password", password), ("csrf_token", &token)])
            .send()
            .await
            .expect("request")
    }
}
