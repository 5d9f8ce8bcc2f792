//! The authorization matrix, walked over every staff route the router has
//! (`web::staff::ROUTES`): for each route, each role, no session, an
//! expired token, a tampered one, `alg: none`, one signed with another key
//! and a deactivated account get exactly the expected answer, and a
//! refused call writes nothing. A route added without an entry here fails.

use app::clock::Clock;
use app::decide::{self, Approval, Decide};
use app::object::{self, Object};
use auth::keys::{Keys, SecretKey};
use auth::tokens::{self, Purpose};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use domain::decision::{DecisionOutcome, RefusalGround};
use domain::identifier::Email;
use domain::ids::DepartmentId;
use domain::request::RequestKind;
use domain::staff::StaffRole;
use domain::submission::RequesterText;
use domain::task::RoutingMode;
use store::schema::*;
use store::{documents, sessions, staff, tasks};
use web::staff::{ROUTES, Route};

use crate::util::{
    TestApp, TestSmtp, Who, id_of, logged, now, seed_company, signed, spawn_app, under_review,
};
use store::types::Wire;

/// A second admin, who asks for the grants the others confirm.
const SECOND_ADMIN: &str = "second.admin@example.com";

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    NoSession,
    Expired,
    Tampered,
    AlgNone,
    OtherKey,
    Deactivated,
    Staff(Who),
}

const BAD: [Caller; 6] = [
    Caller::NoSession,
    Caller::Expired,
    Caller::Tampered,
    Caller::AlgNone,
    Caller::OtherKey,
    Caller::Deactivated,
];

/// The state a route is called against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixture {
    None,
    /// An access request in progress with one open task, for IT.
    Work,
    /// A delegate's request under review, with its power of attorney.
    Review,
    /// A refusal waiting for approval.
    Approval,
    /// A refused request the requester objected to.
    Objection,
    /// A staff account to change.
    Account,
    /// A routing rule to remove.
    Rule,
    /// Work with a legal hold on the subject's data, to end.
    LegalHold,
    /// A service token to revoke.
    Token,
    /// A day added to the holiday calendar, to undo.
    CalendarDay,
    /// A handler another admin asked to make admin, waiting for a second admin.
    Grant,
}

/// What the route is called with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    /// Multipart with these fields.
    Multipart(&'static [(&'static str, &'static str)]),
}

/// The expected answers for one route.
struct Spec {
    fixture: Fixture,
    body: Body,
    /// Roles allowed, and the status they get; every other role gets 403.
    allowed: &'static [Who],
    ok: u16,
    /// A page anyone may open (sign-in, set-password): no session needed.
    public: bool,
}

const ALL_STAFF: &[Who] = &Who::ALL;
const WORKERS: &[Who] = &[
    Who::ItHandler,
    Who::ItLead,
    Who::SalesHandler,
    Who::IrmHandler,
    Who::Officer,
];
const VIEW_WORK: &[Who] = &[Who::ItHandler, Who::ItLead, Who::IrmHandler, Who::Officer];
const PRIVACY: &[Who] = &[Who::IrmHandler, Who::Officer];
const OFFICER: &[Who] = &[Who::Officer];
const ADMIN: &[Who] = &[Who::Admin];

fn spec(route: &Route) -> Spec {
    let s = |fixture, body, allowed, ok| Spec {
        fixture,
        body,
        allowed,
        ok,
        public: false,
    };
    let public = |body, ok| Spec {
        fixture: Fixture::None,
        body,
        allowed: ALL_STAFF,
        ok,
        public: true,
    };
    use Body::*;
    use Fixture as F;
    match (route.method, route.path) {
        ("get", "/staff") => s(F::None, None, ALL_STAFF, 303),
        ("get", "/staff/login") => public(None, 200),
        ("post", "/staff/login") => public(
            Form(&[("email", "x@example.com"), ("password", "wrong password")]),
            422,
        ),
        ("post", "/staff/login/code") => public(Form(&[("ticket", "not-a-ticket"), ("code", "123456")]), 422),
        ("post", "/staff/logout") => s(F::None, Form(&[]), ALL_STAFF, 303),
        ("get", "/staff/second-factor") => s(F::None, None, ALL_STAFF, 200),
        ("post", "/staff/second-factor") => s(
            F::None,
            Form(&[("offer", "not-an-offer"), ("code", "123456")]),
            ALL_STAFF,
            422,
        ),
        ("get", "/staff/password") => s(F::None, None, ALL_STAFF, 200),
        ("post", "/staff/password") => s(
            F::None,
            Form(&[
                ("current", "not the password"),
                ("password", "a new long password"),
                ("confirm", "a new long password"),
            ]),
            ALL_STAFF,
            422,
        ),
        ("get", "/staff/set-password/{token}") => public(None, 404),
        ("post", "/staff/set-password/{token}") => public(
            Form(&[
                ("password", "a new long password"),
                ("confirm", "a new long password"),
            ]),
            404,
        ),
        ("get", "/staff/queue") => s(F::None, None, WORKERS, 200),
        ("get", "/staff/separated") => s(F::None, None, PRIVACY, 200),
        ("get", "/staff/requests/new") => s(F::None, None, PRIVACY, 200),
        ("post", "/staff/requests/new") => s(
            F::None,
            Multipart(&[
                ("channel", "phone"),
                ("received_at", ""),
                ("kind", "access"),
                ("on_behalf", "self"),
                ("requester_name", "Caller"),
                ("requester_email", "caller@example.com"),
                ("identity_checked", "1"),
            ]),
            PRIVACY,
            303,
        ),
        ("get", "/staff/requests/{reference}") => s(F::Work, None, VIEW_WORK, 200),
        ("post", "/staff/requests/{reference}/reveal") => s(F::Work, Form(&[]), VIEW_WORK, 200),
        ("get", "/staff/requests/{reference}/documents/{document}") => s(F::Review, None, OFFICER, 200),
        ("post", "/staff/requests/{reference}/notes") => {
            s(F::Work, Form(&[("body", "Called the member.")]), VIEW_WORK, 303)
        }
        ("post", "/staff/requests/{reference}/holds") => {
            s(F::Work, Form(&[("body", "Litigation 2026-1.")]), OFFICER, 303)
        }
        ("post", "/staff/requests/{reference}/holds/{hold}/lift") => s(
            F::LegalHold,
            Form(&[("body", "The claim was settled.")]),
            OFFICER,
            303,
        ),
        ("post", "/staff/requests/{reference}/messages") => {
            s(F::Work, Form(&[("body", "We are on it.")]), PRIVACY, 303)
        }
        ("post", "/staff/requests/{reference}/review") => s(
            F::Review,
            Form(&[
                ("decision", "accept"),
                ("checks", "requester_identified"),
                ("checks", "power_of_attorney_names_delegate"),
                ("checks", "power_of_attorney_covers_request"),
            ]),
            OFFICER,
            303,
        ),
        ("post", "/staff/requests/{reference}/ask") => {
            s(F::Work, Form(&[("message", "Which account?")]), PRIVACY, 303)
        }
        ("post", "/staff/requests/{reference}/tasks/{task}/assign") => s(
            F::Work,
            Form(&[("assignee", "{it_handler}")]),
            &[Who::ItLead, Who::Officer],
            303,
        ),
        ("post", "/staff/requests/{reference}/tasks/{task}/complete") => s(
            F::Work,
            Multipart(&[
                ("outcome", "done"),
                ("data_text", "Member record: name, email address."),
            ]),
            &[Who::ItHandler, Who::ItLead],
            303,
        ),
        ("post", "/staff/requests/{reference}/prolong") => s(
            F::Work,
            Form(&[
                ("reasons", "The records are with an outside auditor."),
                ("date", "{later}"),
            ]),
            PRIVACY,
            303,
        ),
        ("post", "/staff/requests/{reference}/decide") => s(
            F::Work,
            Form(&[
                ("outcome", "refused"),
                ("ground", "access_harms_others"),
                ("explanation", "Another person's data."),
            ]),
            PRIVACY,
            303,
        ),
        ("post", "/staff/requests/{reference}/approve") => {
            s(F::Approval, Form(&[("answer", "approve")]), OFFICER, 303)
        }
        ("post", "/staff/requests/{reference}/reopen") => s(F::Objection, Form(&[]), OFFICER, 303),
        ("get", "/staff/admin/staff") => s(F::None, None, ADMIN, 200),
        ("post", "/staff/admin/staff") => s(
            F::None,
            Form(&[
                ("name", "New Person"),
                ("email", "{new_email}"),
                ("role", "handler"),
                ("department", "IT"),
            ]),
            ADMIN,
            200,
        ),
        ("post", "/staff/admin/grants/{id}/confirm") => s(F::Grant, Form(&[]), ADMIN, 303),
        ("post", "/staff/admin/grants/{id}/cancel") => s(F::Grant, Form(&[]), ADMIN, 303),
        ("post", "/staff/admin/staff/{id}") => s(
            F::Account,
            Form(&[
                ("role", "department_lead"),
                ("department", "SALES"),
                ("active", "true"),
            ]),
            ADMIN,
            303,
        ),
        // Requiring it of no role (so the other checks' sessions go on).
        ("post", "/staff/admin/security") => s(F::None, Form(&[]), ADMIN, 303),
        ("get", "/staff/admin/catalogue") => s(F::None, None, ADMIN, 200),
        ("post", "/staff/admin/departments") => s(
            F::None,
            Form(&[
                ("code", "{new_code}"),
                ("name", "Legal"),
                ("function", "owner"),
                ("email", ""),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/systems") => s(
            F::None,
            Form(&[
                ("code", "{new_code}"),
                ("name", "CRM"),
                ("description", ""),
                ("department", "IT"),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/categories") => s(
            F::None,
            Form(&[
                ("code", "{new_code}"),
                ("system", "MEMBERSHIP"),
                ("name_ko", "주소"),
                ("name_en", "Address"),
                ("basis", "until_withdrawal"),
                ("months", ""),
                ("legal_basis", ""),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/rules") => s(
            F::None,
            Form(&[
                ("kind", "suspension"),
                ("category", ""),
                ("department", "IRM"),
                ("mode", "also"),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/rules/{id}/delete") => s(F::Rule, Form(&[]), ADMIN, 303),
        ("get", "/staff/admin/integrations") => s(F::None, None, ADMIN, 200),
        // The token is shown on the answer.
        ("post", "/staff/admin/tokens") => s(
            F::None,
            Form(&[("system", "CRM"), ("scope", "holds:read")]),
            ADMIN,
            200,
        ),
        ("post", "/staff/admin/tokens/{id}/revoke") => s(F::Token, Form(&[]), ADMIN, 303),
        // A first webhook's secret is shown on the answer.
        ("post", "/staff/admin/systems/{code}/webhook") => s(
            F::None,
            Form(&[("url", "https://crm.example.com/hooks")]),
            ADMIN,
            200,
        ),
        ("post", "/staff/admin/systems/{code}/webhook/delete") => s(F::None, Form(&[]), ADMIN, 303),
        ("get", "/staff/admin/calendar") => s(F::None, None, ADMIN, 200),
        ("get", "/staff/admin/letterhead") => s(F::None, None, ADMIN, 200),
        ("post", "/staff/admin/letterhead") => s(
            F::None,
            Form(&[
                ("company", "Example Co."),
                ("contact", "privacy@example.com"),
                ("remedies", ""),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/calendar/days") => s(
            F::None,
            Form(&[
                ("day", "{day}"),
                ("change", "added"),
                ("name", "Temporary holiday"),
            ]),
            ADMIN,
            303,
        ),
        ("post", "/staff/admin/calendar/days/{day}/delete") => s(F::CalendarDay, Form(&[]), ADMIN, 303),
        (method, path) => panic!("no authorization entry for {method} {path}: add one to this matrix"),
    }
}

/// Everything a staff route could change, as one comparable value.
fn world(app: &TestApp) -> Vec<i64> {
    let conn = &mut app.store.conn().expect("conn");
    let count = |n: QueryResult<i64>| n.expect("count");
    vec![
        count(audit_events::table.count().get_result(conn)),
        count(email_outbox::table.count().get_result(conn)),
        count(requests::table.count().get_result(conn)),
        count(
            requests::table
                .select(diesel::dsl::sum(requests::version))
                .first::<Option<i64>>(conn)
                .map(|v| v.unwrap_or(0)),
        ),
        count(request_notes::table.count().get_result(conn)),
        count(request_messages::table.count().get_result(conn)),
        count(decisions::table.count().get_result(conn)),
        count(
            request_tasks::table
                .filter(request_tasks::assignee_id.is_not_null())
                .count()
                .get_result(conn),
        ),
        count(
            request_tasks::table
                .filter(request_tasks::outcome.is_not_null())
                .count()
                .get_result(conn),
        ),
        count(request_tasks::table.count().get_result(conn)),
        count(staff_users::table.count().get_result(conn)),
        count(
            staff_users::table
                .filter(staff_users::active.eq(true))
                .count()
                .get_result(conn),
        ),
        count(
            staff_users::table
                .filter(staff_users::role.eq(Wire(StaffRole::DepartmentLead)))
                .count()
                .get_result(conn),
        ),
        count(
            staff_sessions::table
                .filter(staff_sessions::ended_at.is_not_null())
                .count()
                .get_result(conn),
        ),
        count(departments::table.count().get_result(conn)),
        count(data_systems::table.count().get_result(conn)),
        count(data_categories::table.count().get_result(conn)),
        count(routing_rules::table.count().get_result(conn)),
        count(
            holds::table
                .filter(holds::lifted_at.is_null())
                .count()
                .get_result(conn),
        ),
        count(service_tokens::table.count().get_result(conn)),
        count(
            service_tokens::table
                .filter(service_tokens::revoked_at.is_not_null())
                .count()
                .get_result(conn),
        ),
        count(
            data_systems::table
                .filter(data_systems::webhook_url.is_not_null())
                .count()
                .get_result(conn),
        ),
        count(calendar_days::table.count().get_result(conn)),
        count(staff_grants::table.count().get_result(conn)),
    ]
}

/// The ids a route's path and body are filled with.
#[derive(Default)]
struct Made {
    reference: String,
    document: String,
    task: String,
    id: String,
    hold: String,
}

fn make(app: &TestApp, fixture: Fixture, n: usize) -> Made {
    let email = format!("subject{n}@example.com");
    let mut made = Made::default();
    let work = |app: &TestApp| logged(app, RequestKind::Access, &email, &["member_email"]);
    let approval = |app: &TestApp| {
        let reference = work(app);
        let officer = signed(app, Who::Officer);
        decide::decide(
            &app.desk,
            &officer,
            &crate::util::parsed(&reference),
            Decide {
                outcome: DecisionOutcome::Refused,
                ground: Some(RefusalGround::AccessHarmsOthers),
                explanation: Some(crate::util::staff_text("Another person's data.")),
            },
            None,
        )
        .expect("decided");
        reference
    };
    match fixture {
        Fixture::None => {}
        Fixture::Work => made.reference = work(app),
        Fixture::LegalHold => {
            made.reference = work(app);
            made.hold = app::holds::place_legal_hold(
                &app.desk,
                &signed(app, Who::Officer),
                &crate::util::parsed(&made.reference),
                &crate::util::staff_text("Litigation hold."),
            )
            .expect("legal hold")
            .remove(0);
        }
        Fixture::Review => {
            made.reference = under_review(app, RequestKind::Deletion, &email);
            let id = id_of(app, &made.reference);
            made.document = (app
                .store
                .read(|conn| Ok(documents::list_for_request(conn, &id)?[0].id.clone()))
                .expect("document"))
            .into();
        }
        Fixture::Approval => made.reference = approval(app),
        Fixture::Objection => {
            let reference = approval(app);
            let officer = signed(app, Who::Officer);
            decide::settle(
                &app.desk,
                &officer,
                &crate::util::parsed(&reference),
                Approval::Approve,
                None,
            )
            .expect("approved");
            object::object(
                &app.desk,
                Object {
                    request_id: id_of(app, &reference),
                    reason: RequesterText::parse("I disagree.").expect("text"),
                    expected_version: None,
                },
            )
            .expect("objected");
            made.reference = reference;
        }
        Fixture::Account => {
            made.id = (app
                .store
                .write(|conn| {
                    staff::create(
                        conn,
                        &staff::NewStaff {
                            email: &Email::parse(&format!("target{n}@example.com")).expect("email"),
                            name: "Target",
                            role: StaffRole::Handler,
                            department_id: Some(
                                &signed(app, Who::ItHandler).user.department_id.expect("dept"),
                            ),
                            password_hash: None,
                            must_change_password: false,
                            lang: domain::lang::Lang::Ko,
                        },
                        now(),
                    )
                })
                .expect("account"))
            .into();
        }
        Fixture::Grant => {
            let target = app
                .store
                .write(|conn| {
                    staff::create(
                        conn,
                        &staff::NewStaff {
                            email: &Email::parse(&format!("grantee{n}@example.com")).expect("email"),
                            name: "Grantee",
                            role: StaffRole::Handler,
                            department_id: Some(
                                &signed(app, Who::ItHandler).user.department_id.expect("dept"),
                            ),
                            password_hash: None,
                            must_change_password: false,
                            lang: domain::lang::Lang::Ko,
                        },
                        now(),
                    )
                })
                .expect("account");
            let second_admin = app
                .store
                .read(|conn| {
                    let user = staff::by_email(conn, &Email::parse(SECOND_ADMIN).expect("email"))?
                        .expect("second admin");
                    let member = app::signin::member_of(conn, &user)?;
                    Ok(app::signin::SignedIn {
                        session_id: "test".into(),
                        user,
                        member,
                        renewed_token: None,
                        needs_second_factor: false,
                    })
                })
                .expect("second admin");
            app::admin::update_staff(
                &app.desk,
                &second_admin,
                app::admin::AccountChange {
                    staff_id: target.clone(),
                    role: StaffRole::Admin,
                    department: None,
                    active: true,
                    reset_second_factor: false,
                },
            )
            .expect("grant asked for");
            made.id = app
                .store
                .read(|conn| {
                    Ok(store::grants::waiting(conn)?
                        .into_iter()
                        .find(|g| g.staff_id == target)
                        .expect("a waiting grant")
                        .id)
                })
                .expect("grant");
        }
        Fixture::Token => {
            made.id = app::service_tokens::issue(
                &app.desk,
                app::service_tokens::Issuer::Operator,
                &app::service_tokens::NewToken {
                    system: "CRM".into(),
                    scopes: "holds:read".into(),
                    expires_days: None,
                },
            )
            .expect("token")
            .id;
        }
        Fixture::CalendarDay => {
            app::calendar::change(
                &app.desk,
                &signed(app, Who::Admin),
                app::calendar::DayCommand::Change {
                    day: calendar_day(n).to_string(),
                    change: domain::calendar::DayChange::Added,
                    name: "Temporary holiday".into(),
                },
            )
            .expect("day added");
        }
        Fixture::Rule => {
            let irm = signed(app, Who::IrmHandler).user.department_id.expect("dept");
            made.id = app
                .store
                .write(|conn| {
                    tasks::add_routing_rule(
                        conn,
                        Some(RequestKind::Correction),
                        None,
                        &DepartmentId::from(irm.to_owned()),
                        RoutingMode::Also,
                        now(),
                    )
                })
                .expect("rule");
        }
    }
    if !made.reference.is_empty() {
        let id = id_of(app, &made.reference);
        made.task = app
            .store
            .read(|conn| {
                Ok(tasks::for_request(conn, &id)?
                    .first()
                    .map(|t| t.id.to_string())
                    .unwrap_or_default())
            })
            .expect("task");
    }
    made
}

/// A session cookie value for `caller` (none for no session).
fn session_token(app: &TestApp, caller: Caller) -> Option<String> {
    let start = |who_email: &str| {
        app.store
            .write(|conn| {
                let user = staff::by_email(conn, &Email::parse(who_email).expect("email"))?.expect("account");
                sessions::start(conn, &user, domain::lang::Lang::Ko, now())
            })
            .expect("session")
    };
    let now = app.clock.now();
    let keys = &app.keys;
    Some(match caller {
        Caller::NoSession => return None,
        Caller::Staff(who) => {
            tokens::issue(keys, Purpose::StaffSession, &start(who.email()), now).expect("token")
        }
        Caller::Deactivated => {
            tokens::issue(keys, Purpose::StaffSession, &start("gone@example.com"), now).expect("token")
        }
        Caller::Expired => tokens::issue(
            keys,
            Purpose::StaffSession,
            &start(Who::Officer.email()),
            now - chrono::Duration::minutes(31),
        )
        .expect("token"),
        Caller::Tampered => {
            let token =
                tokens::issue(keys, Purpose::StaffSession, &start(Who::Officer.email()), now).expect("token");
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let mut claims: serde_json::Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).expect("b64")).expect("json");
            claims["sub"] = serde_json::Value::String(start(Who::Admin.email()));
            parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
            parts.join(".")
        }
        Caller::AlgNone => {
            let token =
                tokens::issue(keys, Purpose::StaffSession, &start(Who::Officer.email()), now).expect("token");
            let claims = token.split('.').nth(1).expect("claims").to_owned();
            let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
            format!("{header}.{claims}.")
        }
        Caller::OtherKey => {
            let other = Keys::new(SecretKey::generate());
            tokens::issue(&other, Purpose::StaffSession, &start(Who::Officer.email()), now).expect("token")
        }
    })
}

/// A working day of its own for call `n` (within four years, a week
/// apart): added to the calendar, or undone.
fn calendar_day(n: usize) -> chrono::NaiveDate {
    let start = now().date() + chrono::Duration::days(60 + 7 * (n % 200) as i64);
    domain::deadline::next_working_day(start, domain::calendar::CalendarCode::KOREA.calendar())
}

fn fill(text: &str, made: &Made, it_handler: &str, n: usize) -> String {
    text.replace("{reference}", &made.reference)
        .replace("{day}", &calendar_day(n).to_string())
        .replace(
            "{later}",
            &(now().date() + chrono::Duration::days(40)).to_string(),
        )
        .replace("{document}", &made.document)
        .replace("{task}", &made.task)
        .replace("{hold}", &made.hold)
        .replace("{id}", &made.id)
        .replace("{code}", "MEMBERSHIP")
        .replace("{token}", "not-a-real-link")
        .replace("{it_handler}", it_handler)
        .replace("{new_email}", &format!("new{n}@example.com"))
        .replace("{new_code}", &format!("NEW{n}"))
}

async fn call(
    app: &TestApp,
    route: &Route,
    spec: &Spec,
    made: &Made,
    token: Option<&str>,
    n: usize,
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let it_handler = signed(app, Who::ItHandler).user.id;
    let nonce = auth::csrf::new_nonce();
    let csrf = auth::csrf::token(&app.keys.csrf, &nonce);
    let mut cookie = format!("{}={nonce}", auth::csrf::COOKIE);
    if let Some(token) = token {
        cookie.push_str(&format!("; rightsdesk_staff={token}"));
    }
    let url = format!(
        "{}{}",
        app.address,
        fill(route.path, made, it_handler.as_str(), n)
    );
    let builder = match route.method {
        "get" => client.get(&url),
        _ => client.post(&url),
    }
    .header("cookie", cookie);
    let builder = match spec.body {
        Body::None => builder,
        Body::Form(fields) => {
            let mut form: Vec<(String, String)> = vec![("csrf_token".into(), csrf)];
            form.extend(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), fill(v, made, it_handler.as_str(), n))),
            );
            builder.form(&form)
        }
        Body::Multipart(fields) => {
            let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf);
            for (k, v) in fields {
                form = form.text(*k, fill(v, made, it_handler.as_str(), n));
            }
            builder.multipart(form)
        }
    };
    builder.send().await.expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_route_answers_each_caller_exactly_as_allowed() {
    let smtp = TestSmtp::start();
    let app = spawn_app(&smtp).await;
    seed_company(&app.store);
    app.store
        .write(|conn| {
            staff::create(
                conn,
                &staff::NewStaff {
                    email: &Email::parse("gone@example.com").expect("email"),
                    name: "Gone",
                    role: StaffRole::PrivacyOfficer,
                    department_id: None,
                    password_hash: None,
                    must_change_password: false,
                    lang: domain::lang::Lang::Ko,
                },
                now(),
            )?;
            diesel::update(staff_users::table.filter(staff_users::email.eq("gone@example.com")))
                .set(staff_users::active.eq(false))
                .execute(conn.connection())?;
            Ok(())
        })
        .expect("deactivated account");

    app.store
        .write(|conn| {
            staff::create(
                conn,
                &staff::NewStaff {
                    email: &Email::parse(SECOND_ADMIN).expect("email"),
                    name: "Second Admin",
                    role: StaffRole::Admin,
                    department_id: None,
                    password_hash: None,
                    must_change_password: false,
                    lang: domain::lang::Lang::Ko,
                },
                now(),
            )
        })
        .expect("second admin");

    let callers: Vec<Caller> = BAD.into_iter().chain(Who::ALL.map(Caller::Staff)).collect();
    let mut n = 0;
    let mut checked = 0;
    for route in ROUTES {
        let spec = spec(route);
        for caller in &callers {
            n += 1;
            let made = make(&app, spec.fixture, n);
            let token = session_token(&app, *caller);
            let before = world(&app);
            let response = call(&app, route, &spec, &made, token.as_deref(), n).await;
            let status = response.status().as_u16();
            let what = format!("{} {} as {caller:?}", route.method, route.path);
            let expected = match caller {
                _ if spec.public => {
                    // Signed-in staff opening the sign-in page go to their start page.
                    if matches!(caller, Caller::Staff(_))
                        && route.path == "/staff/login"
                        && route.method == "get"
                    {
                        303
                    } else {
                        spec.ok
                    }
                }
                Caller::Staff(who) if spec.allowed.contains(who) => spec.ok,
                Caller::Staff(_) => 403,
                _ => 303,
            };
            assert_eq!(status, expected, "{what}");
            if expected == 303 && !matches!(caller, Caller::Staff(_)) && !spec.public {
                assert_eq!(crate::util::location(&response), "/staff/login", "{what}");
            }
            let refused = !matches!(caller, Caller::Staff(who) if spec.allowed.contains(who)) && !spec.public;
            // A refusal writes nothing. (A failed sign-in is itself
            // recorded; the public pages are left out of this check.)
            if refused || (!spec.public && (expected == 422 || expected == 404)) {
                assert_eq!(world(&app), before, "{what} wrote something");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * callers.len());
    app.stop().await;
}
