//! The test company: its departments, data systems and categories, and one
//! staff account per role (or the smaller catalogue the requester's side
//! needs).

use std::sync::OnceLock;

use app::signin::SignedIn;
use domain::catalog::DepartmentFunction;
use domain::identifier::Email;
use domain::retention::{RetentionBasis, RetentionRule};
use domain::staff::StaffRole;
use store::{Store, catalog, staff};

use super::{TestApp, now};

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The law the orders system's data is kept under.
pub const ORDERS_LAW: &str = "전자상거래법 제6조";

/// The argon2id hash of [`PASSWORD`], made once (hashing is slow on purpose).
pub fn password_hash() -> &'static str {
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
                        department_id: department_id.as_ref().map(domain::ids::DepartmentId::as_str),
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

/// A small catalog: one department, one system, two categories.
pub fn seed_catalog(store: &Store) {
    use domain::retention::{RetentionBasis, RetentionRule};
    use store::catalog;
    let rule = RetentionRule::new(RetentionBasis::UntilWithdrawal, None, None).expect("rule");
    store
        .write(|conn| {
            let now = now();
            let dept = catalog::upsert_department(
                conn,
                "IRM",
                "IRM",
                domain::catalog::DepartmentFunction::Privacy,
                None,
                now,
            )?;
            let system = catalog::upsert_system(
                conn,
                &catalog::SystemSpec {
                    code: "MEMBERSHIP",
                    name: "Membership database",
                    description: "",
                    department_id: &dept,
                    processed_overseas: false,
                },
                now,
            )?;
            for (code, ko, en) in [
                ("member_email", "회원 이메일", "Member email"),
                ("member_name", "회원 이름", "Member name"),
            ] {
                catalog::upsert_category(
                    conn,
                    &catalog::CategorySpec {
                        code,
                        system_id: &system,
                        name_ko: ko,
                        name_en: en,
                        retention: &rule,
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .expect("seed catalog");
}
