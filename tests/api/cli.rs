//! The command line: configuration errors are one line and a non-zero
//! exit; the commands do what they say.

use assert_cmd::Command;

use crate::util::{TestDb, cli_env};

fn run(db: &TestDb, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = Command::cargo_bin("rightsdesk").expect("binary");
    cmd.envs(cli_env(db));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run")
}

#[test]
fn configuration_errors_are_one_line_naming_the_setting_and_exit_non_zero() {
    let db = TestDb::fresh();
    let table = [
        ("RIGHTSDESK_BIND", "localhost"),
        ("RIGHTSDESK_DATABASE_URL", "mysql://db/x"),
        ("RIGHTSDESK_SECRET_KEY", "dG9vIHNob3J0"),
        ("RIGHTSDESK_SMTP_URL", "http://mail.example.com"),
        ("RIGHTSDESK_JURISDICTION", "atlantis"),
        ("RIGHTSDESK_TIMEZONE", "Moon/Base"),
        ("RIGHTSDESK_BASE_URL", "not a url"),
        ("RIGHTSDESK_MAIL_FROM", "<<>>"),
    ];
    for (name, value) in table {
        let output = run(&db, &[(name, value)], &["migrate"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
}

#[test]
fn migrate_applies_then_reports_up_to_date() {
    let db = TestDb::empty();
    let first = run(&db, &[], &["migrate"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
    let second = run(&db, &[], &["migrate"]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
}

#[test]
fn demo_loads_the_reference_deployment_once() {
    let db = TestDb::fresh();
    let first = run(&db, &[], &["demo"]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("2 departments"), "{stdout}");
    assert!(stdout.contains("cpo@rightsdesk.example"), "{stdout}");
    assert!(stdout.contains("Sample requests created"), "{stdout}");

    let second = run(&db, &[], &["demo"]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("already exist"), "{stdout}");
    assert!(stdout.contains("none added"), "{stdout}");

    let store = db.store();
    let conn = &mut *store.conn().expect("conn");
    let by_status = store::requests::count_by_status(conn).expect("count");
    let statuses: Vec<&str> = by_status.iter().map(|(s, _)| s.as_str()).collect();
    for status in domain::lifecycle::RequestStatus::ALL {
        assert!(statuses.contains(&status.as_str()), "no demo request is {status}");
    }
    let departments = store::catalog::list_departments(conn).expect("departments");
    let codes: Vec<&str> = departments.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["CLOUDPLEX", "IRM"]);
    // Sample requests that reached work were routed like any other.
    {
        use diesel::prelude::*;
        use store::schema::request_tasks;
        let tasks: i64 = request_tasks::table.count().get_result(conn).expect("tasks");
        assert!(tasks > 0, "the demo's requests in work have department tasks");
    }
    let verify = run(&db, &[], &["audit", "verify"]);
    assert!(verify.status.success());
}

#[test]
fn staff_add_reads_the_password_from_stdin_and_checks_its_input() {
    let db = TestDb::fresh();
    run(&db, &[], &["demo"]);
    let mut cmd = Command::cargo_bin("rightsdesk").expect("binary");
    let output = cmd
        .envs(cli_env(&db))
        .args([
            "staff",
            "add",
            "--email",
            "New.Handler@Example.com",
            "--name",
            "New Handler",
            "--role",
            "handler",
            "--department",
            "irm",
            "--password-stdin",
        ])
        .write_stdin("a long enough password\n")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let store = db.store();
    let conn = &mut *store.conn().expect("conn");
    let email = domain::identifier::Email::parse("new.handler@example.com").expect("email");
    let staff = store::staff::by_email(conn, &email)
        .expect("query")
        .expect("created");
    assert_eq!(staff.role, domain::staff::StaffRole::Handler);
    assert!(!staff.must_change_password);
    let hash = store::staff::password_hash(conn, &staff.id)
        .expect("hash")
        .expect("set");
    assert!(auth::password::verify("a long enough password", &hash));

    let printed = run(
        &db,
        &[],
        &[
            "staff",
            "add",
            "--email",
            "officer@example.com",
            "--name",
            "Officer",
            "--role",
            "privacy_officer",
        ],
    );
    assert!(printed.status.success());
    assert!(String::from_utf8_lossy(&printed.stdout).contains("/staff/set-password/"));

    let cases: [&[&str]; 3] = [
        &["--email", "x@example.com", "--name", "X", "--role", "handler"],
        &["--email", "x@example.com", "--name", "X", "--role", "boss"],
        &[
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "handler",
            "--department",
            "NOPE",
        ],
    ];
    for args in cases {
        let mut full = vec!["staff", "add"];
        full.extend_from_slice(args);
        let output = run(&db, &[], &full);
        assert!(!output.status.success(), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr).trim().lines().count(), 1);
    }
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let db = TestDb::fresh();
    let port = crate::util::TestSmtp::reserve_port();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rightsdesk"))
        .envs(cli_env(&db))
        .env("RIGHTSDESK_BIND", format!("127.0.0.1:{port}"))
        .env("RIGHTSDESK_LOG", "info")
        .arg("serve")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Serving a request means the server, and its signal handling, runs.
    let answers = || {
        use std::io::Write;
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let asked =
            stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let mut reply = String::new();
        asked.is_ok() && stream.read_to_string(&mut reply).is_ok() && reply.starts_with("HTTP/1.1 200")
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !answers() {
        assert!(Instant::now() < deadline, "the desk did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "the desk did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("read");
    assert!(log.contains("graceful shutdown"), "{log}");
    assert!(log.contains("background jobs stopped"), "{log}");
}

#[test]
fn token_issue_prints_the_token_once_and_list_and_revoke_follow_it() {
    let db = TestDb::fresh();
    let issued = run(
        &db,
        &[],
        &[
            "token",
            "issue",
            "--system",
            "CRM",
            "--scope",
            "holds:read,requests:read",
            "--expires",
            "30",
        ],
    );
    let stdout = String::from_utf8_lossy(&issued.stdout).into_owned();
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let id = lines[0].strip_prefix("id: ").expect("id line");
    let token = lines[1].strip_prefix("token: ").expect("token line");
    assert_eq!(token.split('.').count(), 3, "a signed token");

    let listed = run(&db, &[], &["token", "list"]);
    let list = String::from_utf8_lossy(&listed.stdout).into_owned();
    let line = list.lines().find(|l| l.starts_with(id)).expect("listed");
    assert!(
        line.contains("CRM") && line.contains("holds:read,requests:read"),
        "{line}"
    );
    assert!(line.contains("revoked no"), "{line}");
    assert!(!list.contains(token), "the token is never shown again");

    let revoked = run(&db, &[], &["token", "revoke", id]);
    assert!(revoked.status.success());
    let list = String::from_utf8_lossy(&run(&db, &[], &["token", "list"]).stdout).into_owned();
    assert!(!list.contains("revoked no"), "{list}");

    // Bad input: one line, exit 2, nothing issued.
    for args in [
        &["token", "issue", "--system", "CRM", "--scope", "holds:write"][..],
        &["token", "issue", "--system", "", "--scope", "holds:read"][..],
        &[
            "token",
            "issue",
            "--system",
            "CRM",
            "--scope",
            "holds:read",
            "--expires",
            "0",
        ][..],
        &["token", "revoke", "no-such-id"][..],
    ] {
        let output = run(&db, &[], args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }
    let list = String::from_utf8_lossy(&run(&db, &[], &["token", "list"]).stdout).into_owned();
    assert_eq!(list.lines().count(), 1);
}
