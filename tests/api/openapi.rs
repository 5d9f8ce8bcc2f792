//! The OpenAPI document as other systems read it, kept as a snapshot: any
//! change to the API's description shows as a diff to review. After a
//! deliberate change, run this test with `INSTA_UPDATE=always` (or review
//! the `.snap.new` file with cargo-insta) and commit the snapshot.

use crate::util::{TestSmtp, spawn_app};

#[tokio::test]
async fn the_openapi_document_changes_only_with_its_snapshot() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.expect("json");
    let pretty = serde_json::to_string_pretty(&doc).expect("pretty json");
    insta::assert_snapshot!("openapi.json", pretty);
    app.stop().await;
}
