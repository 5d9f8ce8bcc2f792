//! One self-contained binary: copied alone into an empty folder (or onto
//! another machine), it serves the whole desk — pages, stylesheet and
//! script are inside it — and it needs no system libpq.
//!
//! `RIGHTSDESK_TEST_BINARY` names the binary to check (scripts/test sets it
//! to the release build); by default the test build's own binary is used.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> PathBuf {
    std::env::var_os("RIGHTSDESK_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("rightsdesk"))
}

#[test]
fn the_binary_links_no_libpq() {
    let Ok(output) = Command::new("ldd").arg(binary()).output() else {
        eprintln!("ldd is not available; nothing to check");
        return;
    };
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(!listed.contains("libpq"), "{listed}");
    assert!(!listed.contains("libssl"), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_copied_alone_to_an_empty_folder_serves_the_desk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("rightsdesk");
    std::fs::copy(binary(), &copy).expect("copy the binary");
    let port = crate::util::TestSmtp::reserve_port();
    let mut command = Command::new(&copy);
    for (name, _) in std::env::vars() {
        if name.starts_with("RIGHTSDESK_") || name == "CARGO_MANIFEST_DIR" {
            command.env_remove(name);
        }
    }
    let mut child = command
        .current_dir(dir.path())
        .env("RIGHTSDESK_BIND", format!("127.0.0.1:{port}"))
        .env("RIGHTSDESK_LOG", "warn")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the copied binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the copied binary did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut assets = Vec::new();
    for path in ["/", "/requests/new"] {
        let response = client.get(format!("{base}{path}")).send().await.expect("page");
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.expect("body");
        for marker in [r#"href="/static/"#, r#"src="/static/"#] {
            for part in body.split(marker).skip(1) {
                let asset = part.split('"').next().expect("asset");
                assets.push(format!("/static/{asset}"));
            }
        }
    }
    assert!(
        assets.iter().any(|a| a.starts_with("/static/style.css?v=")),
        "{assets:?}"
    );
    assert!(
        assets.iter().any(|a| a.starts_with("/static/form.js?v=")),
        "{assets:?}"
    );
    for asset in &assets {
        let response = client.get(format!("{base}{asset}")).send().await.expect("asset");
        assert_eq!(response.status(), 200, "{asset}");
        assert!(!response.bytes().await.expect("bytes").is_empty(), "{asset}");
    }
    let _ = child.kill();
    let _ = child.wait();
    // It made its own SQLite database and secret beside it, nothing else.
    assert!(dir.path().join("data/rightsdesk.db").exists());
}
