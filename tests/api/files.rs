//! What the desk writes to disk is its own: the `.eml` files (they hold
//! codes, status links and set-password links), the SQLite database and
//! its journal files, and the generated secret key are readable by the
//! desk's user only (0600), in folders only it may enter (0700).

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use domain::request::RequestKind;

use crate::util::{SpawnOptions, TestDb, cli_env, spawn_app_with};
use crate::util::{logged, seed_company};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The SQLite database and whichever of its journal files exist.
fn sqlite_files(db: &TestDb) -> Vec<std::path::PathBuf> {
    let path = db
        .url_string
        .strip_prefix("sqlite://")
        .expect("a sqlite url")
        .to_owned();
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| std::path::PathBuf::from(format!("{path}{suffix}")))
        .filter(|p| p.exists())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_files_the_database_and_their_folders_are_private_to_the_desk() {
    let app = spawn_app_with(SpawnOptions {
        smtp_url: None,
        extra: Vec::new(),
    })
    .await;
    seed_company(&app.store);
    logged(&app, RequestKind::Access, "private@example.com", &[]);
    let data = app.config.data_dir.clone();
    let mail = data.join("mail");
    let mut emails = Vec::new();
    for _ in 0..300 {
        emails = std::fs::read_dir(&mail)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if !emails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!emails.is_empty(), "an email was written");
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&mail), 0o700, "the mail folder");
    for email in &emails {
        assert_eq!(mode(email), 0o600, "{}", email.display());
    }
    if !app.db.is_postgres() {
        let files = sqlite_files(&app.db);
        assert!(
            files.len() >= 2,
            "the database and its write-ahead log: {files:?}"
        );
        for file in files {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    app.stop().await;
}

#[test]
fn the_generated_secret_key_and_its_folder_are_private() {
    let db = TestDb::fresh();
    let data = db.dir.join("data");
    let mut cmd = Command::cargo_bin("rightsdesk").expect("binary");
    cmd.envs(cli_env(&db)).env_remove("RIGHTSDESK_SECRET_KEY");
    let output = cmd.arg("migrate").output().expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&data.join("secret.key")), 0o600, "the key");
    if !db.is_postgres() {
        for file in sqlite_files(&db) {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
}
