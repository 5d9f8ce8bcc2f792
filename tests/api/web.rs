//! The web skeleton: health, readiness, pages, errors and headers.

use crate::util::{TestSmtp, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().get("set-cookie").is_none(),
        "probes get no cookie"
    );
    assert_eq!(health.text().await.expect("body"), "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_is_korean_by_default_and_english_on_request() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let ko = app.get("/").await;
    assert_eq!(ko.status(), 200);
    let headers = ko.headers().clone();
    let body = ko.text().await.expect("body");
    assert!(body.contains(r#"<html lang="ko">"#));
    assert!(body.contains("열람 요구"));
    // The stylesheet is linked by its content hash, so it can be cached.
    assert!(body.contains(r#"href="/static/style.css?v="#));
    let css_path = body
        .split(r#"href=""#)
        .find(|s| s.starts_with("/static/style.css?v="))
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link")
        .to_owned();

    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.get_all("set-cookie").iter().any(|c| {
        c.to_str()
            .is_ok_and(|c| c.starts_with("rd_csrf=") && c.contains("HttpOnly"))
    }));

    let en = app.get("/?lang=en").await.text().await.expect("body");
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(en.contains("Your rights over your personal data"));
    assert!(
        en.contains("within 10 days"),
        "the response period of the active profile"
    );

    let accept = app
        .client
        .get(format!("{}/", app.address))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("request");
    assert!(accept.text().await.expect("body").contains(r#"<html lang="en">"#));

    let css = app.get(&css_path).await;
    assert_eq!(css.status(), 200);
    let cache = css.headers()["cache-control"].to_str().expect("cache").to_owned();
    assert!(
        !cache.contains("no-store") && cache.contains("max-age=31536000") && cache.contains("immutable"),
        "assets may be cached: {cache}"
    );
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    // Without the hash, the browser must revalidate, and its ETag answers 304.
    let etag = css.headers()["etag"].to_str().expect("etag").to_owned();
    let plain = app.get("/static/style.css").await;
    assert_eq!(plain.status(), 200);
    assert!(
        plain.headers()["cache-control"]
            .to_str()
            .expect("cache")
            .contains("no-cache")
    );
    let revalidated = app
        .client
        .get(format!("{}/static/style.css", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(revalidated.status(), 304);
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_get_a_404_page_and_the_api_a_problem_document() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let page = app.get("/no/such/page?lang=en").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let body = page.text().await.expect("body");
    assert!(body.contains("Page not found"), "{body}");
    assert!(body.contains(r#"<html lang="en">"#));

    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = api.json().await.expect("json");
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Page not found");

    let wrong_method = app
        .client
        .post(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong_method.status(), 404);
    app.stop().await;
}
