//! The staff workspace: sign-in, the authorization matrix, the queue, and
//! requests worked from verification to their final notice.

mod authz;
mod calendar;
mod catalogue;
mod flows;
mod four_eyes;
mod grants;
mod letterhead;
mod prolong;
mod queue;
mod reminders;
mod results;
mod second_factor;
mod signin;

use std::sync::OnceLock;

use app::intake::{self, Intake};
use app::signin::SignedIn;
use domain::actor::Actor;
use domain::catalog::DepartmentFunction;
use domain::identifier::Email;
use domain::ids::{DepartmentId, RequestId};
use domain::lang::Lang;
use domain::lifecycle::RequestStatus;
use domain::reference::Reference;
use domain::request::{Channel, OnBehalf, RequestKind};
use domain::retention::{RetentionBasis, RetentionRule};
use domain::staff::StaffRole;
use domain::submission::{AcceptedDocument, Submission};
use store::{Store, catalog, requests, staff};

use crate::helpers::{PDF, TestApp, now};
use store::types::Wire;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The law the orders system's data is kept under.
pub const ORDERS_LAW: &str = "전자상거래법 제6조";

/// The argon2id hash of [`PASSWORD`], made once (hashing is slow on purpose).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::password::hash(PASSWORD).expect("hash"))
}

/// The staff of the test company, one per role and department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A handler in IT, which owns the membership system.
    ItHandler,
    /// IT's department lead.
    ItLead,
    /// A handler in sales, which owns the orders system.
    SalesHandler,
    /// A handler in the privacy department (IRM).
    IrmHandler,
    Officer,
    Admin,
}

impl Who {
    pub const ALL: [Who; 6] = [
        Who::ItHandler,
        Who::ItLead,
        Who::SalesHandler,
        Who::IrmHandler,
        Who::Officer,
        Who::Admin,
    ];

    pub fn email(self) -> &'static str {
        match self {
            Who::ItHandler => "handler.it@example.com",
            Who::ItLead => "lead.it@example.com",
            Who::SalesHandler => "handler.sales@example.com",
            Who::IrmHandler => "handler.irm@example.com",
            Who::Officer => "cpo@example.com",
            Who::Admin => "admin@example.com",
        }
    }

    fn role(self) -> StaffRole {
        match self {
            Who::ItHandler | Who::SalesHandler | Who::IrmHandler => StaffRole::Handler,
            Who::ItLead => StaffRole::DepartmentLead,
            Who::Officer => StaffRole::PrivacyOfficer,
            Who::Admin => StaffRole::Admin,
        }
    }

    fn department(self) -> Option<&'static str> {
        match self {
            Who::ItHandler | Who::ItLead => Some("IT"),
            Who::SalesHandler => Some("SALES"),
            Who::IrmHandler => Some("IRM"),
            Who::Officer | Who::Admin => None,
        }
    }
}

/// Departments IRM (privacy), IT (owns the membership system: email and
/// name, kept until withdrawal) and SALES (owns the orders system, kept
/// five years by law); one account per [`Who`], all with [`PASSWORD`].
pub fn seed_company(store: &Store) {
    store
        .write(|conn| {
            let now = now();
            let irm =
                catalog::upsert_department(conn, "IRM", "Privacy", DepartmentFunction::Privacy, None, now)?;
            let it = catalog::upsert_department(conn, "IT", "IT", DepartmentFunction::Owner, None, now)?;
            let sales =
                catalog::upsert_department(conn, "SALES", "Sales", DepartmentFunction::Owner, None, now)?;
            let _ = irm;
            let members = catalog::upsert_system(
                conn,
                &catalog::SystemSpec {
                    code: "MEMBERSHIP",
                    name: "Membership database",
                    description: "",
                    department_id: &it,
                    processed_overseas: false,
                },
                now,
            )?;
            let orders = catalog::upsert_system(
                conn,
                &catalog::SystemSpec {
                    code: "ORDERS",
                    name: "Orders",
                    description: "",
                    department_id: &sales,
                    processed_overseas: false,
                },
                now,
            )?;
            let until_withdrawal =
                RetentionRule::new(RetentionBasis::UntilWithdrawal, None, None).expect("rule");
            let statutory = RetentionRule::new(RetentionBasis::Statutory, Some(60), Some(ORDERS_LAW.into()))
                .expect("rule");
            for (code, system, rule) in [
                ("member_email", &members, &until_withdrawal),
                ("member_name", &members, &until_withdrawal),
                ("order_history", &orders, &statutory),
            ] {
                catalog::upsert_category(
                    conn,
                    &catalog::CategorySpec {
                        code,
                        system_id: system,
                        name_ko: code,
                        name_en: code,
                        retention: rule,
                    },
                    now,
                )?;
            }
            for who in Who::ALL {
                let department_id = match who.department() {
                    Some(code) => Some(catalog::department_by_code(conn, code)?.expect("department").id),
                    None => None,
                };
                staff::create(
                    conn,
                    &staff::NewStaff {
                        email: &Email::parse(who.email()).expect("email"),
                        name: &format!("{who:?}"),
                        role: who.role(),
                        department_id: department_id.as_ref().map(DepartmentId::as_str),
                        password_hash: Some(password_hash()),
                        must_change_password: false,
                        lang: domain::lang::Lang::Ko,
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .expect("seed company");
}

/// The signed-in form of an account, for calling workflows directly.
pub fn signed(app: &TestApp, who: Who) -> SignedIn {
    app.store
        .read(|conn| {
            let user = staff::by_email(conn, &Email::parse(who.email()).expect("email"))?.expect("account");
            let member = app::signin::member_of(conn, &user)?;
            Ok(SignedIn {
                session_id: "test".into(),
                user,
                member,
                renewed_token: None,
                needs_second_factor: false,
            })
        })
        .expect("signed")
}

/// A request logged by the privacy officer with identity checked: it is in
/// progress with its tasks. `categories` empty means all data.
pub fn logged(app: &TestApp, kind: RequestKind, email: &str, categories: &[&str]) -> String {
    log(
        app,
        kind,
        email,
        categories,
        OnBehalf::SelfRequest,
        true,
        Lang::En,
    )
}

/// [`logged`] (all data), made in `lang`: its notices are written in it.
pub fn logged_in(app: &TestApp, kind: RequestKind, email: &str, lang: Lang) -> String {
    log(app, kind, email, &[], OnBehalf::SelfRequest, true, lang)
}

/// A delegate's request with a power of attorney, under review.
pub fn under_review(app: &TestApp, kind: RequestKind, email: &str) -> String {
    under_review_in(app, kind, email, Lang::En)
}

/// [`under_review`], made in `lang` (the delegate is `agent@example.com`).
pub fn under_review_in(app: &TestApp, kind: RequestKind, email: &str, lang: Lang) -> String {
    let reference = log(app, kind, email, &[], OnBehalf::Delegate, false, lang);
    let id = id_of(app, &reference);
    app.store
        .write(|conn| {
            store::verification::mark_verified(
                conn,
                &id,
                domain::request::VerificationState::EmailConfirmed,
                now(),
            )?;
            store::lifecycle::apply(
                conn,
                store::lifecycle::Transition::new(&id, RequestStatus::Verifying, &Actor::System),
                now(),
            )
        })
        .expect("verifying");
    reference
}

fn log(
    app: &TestApp,
    kind: RequestKind,
    email: &str,
    categories: &[&str],
    on_behalf: OnBehalf,
    checked: bool,
    lang: Lang,
) -> String {
    let email = Email::parse(email).expect("email");
    let agent = on_behalf != OnBehalf::SelfRequest;
    let submission = Submission {
        kind,
        on_behalf,
        requester_name: if agent {
            "Park Agent".into()
        } else {
            "Kim Minji".into()
        },
        requester_email: if agent {
            Email::parse("agent@example.com").expect("email")
        } else {
            email.clone()
        },
        requester_phone: None,
        subject_name: "Kim Minji".into(),
        subject_email: email,
        details: "Please act on this.".into(),
        correction: (kind == RequestKind::Correction).then(|| "Kim Minj → Kim Minji".into()),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        authority_document: agent.then(|| AcceptedDocument {
            kind: domain::document::DocumentType::Pdf,
            filename: "power-of-attorney.pdf".into(),
            bytes: PDF.to_vec(),
        }),
    };
    let officer = signed(app, Who::Officer).actor();
    let done = intake::log_request(
        &app.desk,
        &officer,
        Intake {
            submission,
            channel: Channel::Phone,
            received_at: app::clock::Clock::now(&*app.clock),
            identity_checked: checked,
            subject_id: None,
            lang,
        },
    )
    .expect("logged");
    done.reference.to_string()
}

/// The payloads of the audit events of `action` (about `request_id`, when
/// given), oldest first.
pub fn audit_payloads(app: &TestApp, action: &str, request_id: Option<&str>) -> Vec<serde_json::Value> {
    use diesel::prelude::*;
    use store::schema::audit_events;
    let conn = &mut app.store.conn().expect("conn");
    let mut query = audit_events::table
        .filter(
            audit_events::action.eq(Wire(
                action
                    .parse::<domain::audit::AuditAction>()
                    .expect("an audit action"),
            )),
        )
        .into_boxed();
    if let Some(id) = request_id {
        query = query.filter(audit_events::request_id.eq(id));
    }
    query
        .order(audit_events::seq.asc())
        .select(audit_events::payload)
        .load::<String>(conn)
        .expect("events")
        .iter()
        .map(|p| serde_json::from_str(p).expect("json"))
        .collect()
}

pub fn id_of(app: &TestApp, reference: &str) -> RequestId {
    app.store
        .read(|conn| Ok(requests::get_by_reference(conn, &parsed(reference))?.id))
        .expect("id")
}

/// A reference as a test holds it (text from a page or an email), parsed.
pub fn parsed(reference: &str) -> Reference {
    reference.parse().expect("a reference")
}

pub fn status_of(app: &TestApp, reference: &str) -> RequestStatus {
    app.store
        .read(|conn| Ok(requests::get_by_reference(conn, &reference.parse().expect("reference"))?.status))
        .expect("status")
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
        crate::helpers::csrf_token_in(&body).unwrap_or_default()
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

pub fn location(response: &reqwest::Response) -> String {
    crate::requester::location(response)
}
