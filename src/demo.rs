//! `rightsdesk demo`: the reference deployment of DOMAIN.md — departments
//! IRM (privacy) and CLOUDPLEX (reception), the systems and data categories
//! of the published policy with their retention rules, one demo staff member
//! per role, and sample requests in every status. Running it again changes
//! nothing that exists and creates nothing twice.

use std::fmt;

use chrono::{Datelike, Duration};

use crate::auth::keys::Keys;
use crate::auth::password;
use crate::config::Config;
use crate::domain::actor::Actor;
use crate::domain::deadline;
use crate::domain::identifier::Email;
use crate::domain::lifecycle::RequestStatus::{self, *};
use crate::domain::request::{Channel, OnBehalf, RequestKind};
use crate::domain::retention::{RetentionBasis, RetentionRule};
use crate::domain::staff::StaffRole;
use crate::store::catalog::{self, CategorySpec, SystemSpec};
use crate::store::lifecycle::{self, Transition};
use crate::store::requests::{self, NewRequest};
use crate::store::{self, DbConnection, Store, StoreError, settings};

/// What a run of the demo loader did.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub departments: usize,
    pub systems: usize,
    pub categories: usize,
    /// (email, role, one-time password) of accounts created by this run.
    pub staff_created: Vec<(String, String, String)>,
    pub staff_existing: usize,
    pub requests_created: usize,
    pub requests_existing: bool,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Reference deployment loaded: {} departments, {} data systems, {} data categories.",
            self.departments, self.systems, self.categories
        )?;
        if self.staff_created.is_empty() {
            writeln!(
                f,
                "Demo staff already exist ({}); their passwords are unchanged.",
                self.staff_existing
            )?;
        } else {
            writeln!(
                f,
                "Demo staff (one-time passwords, shown once; change them at first login):"
            )?;
            for (email, role, password) in &self.staff_created {
                writeln!(f, "  {role:<16} {email:<38} {password}")?;
            }
        }
        if self.requests_existing {
            writeln!(f, "Sample requests were loaded before; none added.")
        } else {
            writeln!(
                f,
                "Sample requests created: {} (one or more in every status).",
                self.requests_created
            )
        }
    }
}

struct CategoryDef {
    code: &'static str,
    ko: &'static str,
    en: &'static str,
    basis: RetentionBasis,
    months: Option<i32>,
    law: Option<&'static str>,
}

const fn cat(code: &'static str, ko: &'static str, en: &'static str, basis: RetentionBasis) -> CategoryDef {
    CategoryDef {
        code,
        ko,
        en,
        basis,
        months: None,
        law: None,
    }
}

const fn statutory(
    code: &'static str,
    ko: &'static str,
    en: &'static str,
    months: i32,
    law: &'static str,
) -> CategoryDef {
    CategoryDef {
        code,
        ko,
        en,
        basis: RetentionBasis::Statutory,
        months: Some(months),
        law: Some(law),
    }
}

struct SystemDef {
    code: &'static str,
    name: &'static str,
    description: &'static str,
    department: &'static str,
    overseas: bool,
    categories: &'static [CategoryDef],
}

use RetentionBasis::{UntilPurposeComplete, UntilWithdrawal};

const E_COMMERCE_ACT: &str = "전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조";

/// The data held under the reference privacy policy (DOMAIN.md).
const SYSTEMS: &[SystemDef] = &[
    SystemDef {
        code: "MEMBERSHIP",
        name: "회원 관리 DB (Membership database)",
        description: "Membership management: email and name, kept until withdrawal.",
        department: "CLOUDPLEX",
        overseas: false,
        categories: &[
            cat("member_email", "회원 이메일", "Member email", UntilWithdrawal),
            cat("member_name", "회원 이름", "Member name", UntilWithdrawal),
        ],
    },
    SystemDef {
        code: "INQUIRY",
        name: "제품 문의 데스크 (Product inquiry desk)",
        description: "Product inquiries, kept until the inquiry is complete; processed overseas by a vendor.",
        department: "CLOUDPLEX",
        overseas: true,
        categories: &[
            cat("inquiry_company", "회사명", "Company name", UntilPurposeComplete),
            cat(
                "inquiry_contact",
                "담당자명",
                "Person in charge",
                UntilPurposeComplete,
            ),
            cat(
                "inquiry_email",
                "문의 이메일",
                "Inquiry email",
                UntilPurposeComplete,
            ),
            cat(
                "inquiry_phone",
                "문의 전화번호",
                "Inquiry phone",
                UntilPurposeComplete,
            ),
        ],
    },
    SystemDef {
        code: "SERVICE_LOGS",
        name: "서비스 로그 (Service logs)",
        description: "Automatically collected: IP address, cookies, service-use, visit and bad-use records.",
        department: "IRM",
        overseas: false,
        categories: &[
            cat("ip_address", "IP 주소", "IP address", UntilWithdrawal),
            cat("cookies", "쿠키", "Cookies", UntilWithdrawal),
            cat(
                "service_use_records",
                "서비스 이용 기록",
                "Service-use records",
                UntilWithdrawal,
            ),
            cat(
                "bad_use_records",
                "불량 이용 기록",
                "Bad-use records",
                UntilWithdrawal,
            ),
            statutory(
                "visit_records",
                "방문 기록",
                "Visit records",
                3,
                "통신비밀보호법 시행령 제41조",
            ),
        ],
    },
    SystemDef {
        code: "RECORDS",
        name: "거래·법정 보존 기록 (Transaction and statutory records)",
        description: "Records a law requires keeping; deletion separates them instead of destroying them.",
        department: "IRM",
        overseas: false,
        categories: &[
            statutory(
                "contract_records",
                "계약 또는 청약철회 기록",
                "Contracts and subscription withdrawals",
                60,
                E_COMMERCE_ACT,
            ),
            statutory(
                "payment_records",
                "대금결제 및 재화 공급 기록",
                "Payment and supply of goods",
                60,
                E_COMMERCE_ACT,
            ),
            statutory(
                "complaint_records",
                "소비자 불만 또는 분쟁처리 기록",
                "Consumer complaints and dispute resolution",
                36,
                E_COMMERCE_ACT,
            ),
            statutory(
                "advertising_records",
                "표시·광고 기록",
                "Labelling and advertising",
                6,
                E_COMMERCE_ACT,
            ),
            statutory(
                "tax_records",
                "세법상 장부 및 증빙서류",
                "Tax books and supporting documents",
                60,
                "국세기본법 제85조의3",
            ),
            statutory(
                "e_financial_records",
                "전자금융 거래 기록",
                "Electronic financial transactions",
                60,
                "전자금융거래법 제22조",
            ),
        ],
    },
];

const DEPARTMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "IRM",
        "IRM 개인정보보호팀 (Privacy)",
        "privacy",
        "irm@rightsdesk.example",
    ),
    (
        "CLOUDPLEX",
        "CloudPlex 접수 (Reception)",
        "reception",
        "cloudplex@rightsdesk.example",
    ),
];

const STAFF: &[(&str, &str, StaffRole, Option<&str>)] = &[
    (
        "cpo@rightsdesk.example",
        "정보보호 책임자 (Privacy Officer)",
        StaffRole::PrivacyOfficer,
        Some("IRM"),
    ),
    (
        "handler.irm@rightsdesk.example",
        "IRM 담당자 (IRM Handler)",
        StaffRole::Handler,
        Some("IRM"),
    ),
    (
        "lead.cloudplex@rightsdesk.example",
        "CloudPlex 팀장 (CloudPlex Lead)",
        StaffRole::DepartmentLead,
        Some("CLOUDPLEX"),
    ),
    (
        "handler.cloudplex@rightsdesk.example",
        "CloudPlex 담당자 (CloudPlex Handler)",
        StaffRole::Handler,
        Some("CLOUDPLEX"),
    ),
    (
        "admin@rightsdesk.example",
        "관리자 (Administrator)",
        StaffRole::Admin,
        None,
    ),
];

/// One sample request: who asks, and the path it takes through the lifecycle.
struct Sample {
    kind: RequestKind,
    on_behalf: OnBehalf,
    channel: Channel,
    requester: (&'static str, &'static str),
    subject: Option<(&'static str, &'static str)>,
    days_ago: i64,
    details: &'static str,
    correction: Option<&'static str>,
    path: &'static [(RequestStatus, Role)],
}

#[derive(Clone, Copy)]
enum Role {
    Requester,
    Handler,
    Officer,
    System,
}

const SAMPLES: &[Sample] = &[
    Sample {
        kind: RequestKind::Access,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("김민지", "minji.kim@example.com"),
        subject: None,
        days_ago: 0,
        details: "회원 정보와 서비스 이용 기록 사본을 받고 싶습니다.",
        correction: None,
        path: &[],
    },
    Sample {
        kind: RequestKind::Correction,
        on_behalf: OnBehalf::Delegate,
        channel: Channel::Web,
        requester: ("이서준", "seojun.lee@example.com"),
        subject: Some(("이하은", "haeun.lee@example.com")),
        days_ago: 1,
        details: "어머니를 대신해 회원 이름 정정을 요청합니다. 위임장을 첨부했습니다.",
        correction: Some("회원 이름: 이하늘 → 이하은"),
        path: &[(Verifying, Role::Requester)],
    },
    Sample {
        kind: RequestKind::Deletion,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("박지훈", "jihoon.park@example.com"),
        subject: None,
        days_ago: 2,
        details: "탈퇴 후 남은 문의 기록을 모두 삭제해 주세요.",
        correction: None,
        path: &[(InProgress, Role::Requester)],
    },
    Sample {
        kind: RequestKind::Access,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Email,
        requester: ("Emma Clarke", "emma.clarke@example.com"),
        subject: None,
        days_ago: 3,
        details: "Please send me a copy of the data you hold about me.",
        correction: None,
        path: &[(InProgress, Role::Handler), (AwaitingRequester, Role::Handler)],
    },
    Sample {
        kind: RequestKind::Suspension,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Phone,
        requester: ("최유나", "yuna.choi@example.com"),
        subject: None,
        days_ago: 4,
        details: "마케팅 목적의 처리를 중단해 주세요.",
        correction: None,
        path: &[(InProgress, Role::Handler), (AwaitingApproval, Role::Handler)],
    },
    Sample {
        kind: RequestKind::Access,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("정도윤", "doyun.jung@example.com"),
        subject: None,
        days_ago: 5,
        details: "방문 기록 열람을 요청합니다.",
        correction: None,
        path: &[(InProgress, Role::Requester), (Postponed, Role::Handler)],
    },
    Sample {
        kind: RequestKind::Correction,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Letter,
        requester: ("강서연", "seoyeon.kang@example.com"),
        subject: None,
        days_ago: 8,
        details: "문의 담당자 전화번호가 잘못 등록되어 있습니다.",
        correction: Some("문의 전화번호: 010-1111-2222 → 010-3333-4444"),
        path: &[(InProgress, Role::Handler), (Completed, Role::Handler)],
    },
    Sample {
        kind: RequestKind::Access,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("윤지우", "jiwoo.yoon@example.com"),
        subject: None,
        days_ago: 9,
        details: "모든 개인정보의 열람을 요청합니다.",
        correction: None,
        path: &[(InProgress, Role::Requester), (PartiallyCompleted, Role::Handler)],
    },
    Sample {
        kind: RequestKind::Deletion,
        on_behalf: OnBehalf::LegalRepresentative,
        channel: Channel::Web,
        requester: ("한지민", "jimin.han@example.com"),
        subject: Some(("한소율", "soyul.han@example.com")),
        days_ago: 12,
        details: "자녀의 결제 기록 삭제를 요청합니다.",
        correction: None,
        path: &[
            (Verifying, Role::Requester),
            (InProgress, Role::Handler),
            (AwaitingApproval, Role::Handler),
            (Refused, Role::Officer),
        ],
    },
    Sample {
        kind: RequestKind::Access,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("오하준", "hajun.oh@example.com"),
        subject: None,
        days_ago: 6,
        details: "열람 요청합니다.",
        correction: None,
        path: &[(InProgress, Role::Requester), (Withdrawn, Role::Requester)],
    },
    Sample {
        kind: RequestKind::Deletion,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Web,
        requester: ("서예린", "yerin.seo@example.com"),
        subject: None,
        days_ago: 20,
        details: "회원 정보를 삭제해 주세요.",
        correction: None,
        path: &[(Expired, Role::System)],
    },
    Sample {
        kind: RequestKind::Correction,
        on_behalf: OnBehalf::SelfRequest,
        channel: Channel::Fax,
        requester: ("신우진", "woojin.shin@example.com"),
        subject: None,
        days_ago: 15,
        details: "이름 정정을 요청했으나 처리 결과에 이의가 있습니다.",
        correction: Some("회원 이름: 신우신 → 신우진"),
        path: &[
            (InProgress, Role::Handler),
            (Completed, Role::Handler),
            (Objection, Role::Requester),
        ],
    },
];

const SAMPLES_LOADED: &str = "demo.samples_loaded_at";

/// Loads the reference deployment. Idempotent.
pub fn load(store: &Store, config: &Config, keys: &Keys) -> Result<DemoReport, StoreError> {
    let mut report = DemoReport::default();
    store.write(|conn| {
        let now = store::now();
        for (code, name, function, email) in DEPARTMENTS {
            catalog::upsert_department(conn, code, name, function, Some(email), now)?;
            report.departments += 1;
        }
        for system in SYSTEMS {
            let department =
                catalog::department_by_code(conn, system.department)?.ok_or(StoreError::NotFound)?;
            let system_id = catalog::upsert_system(
                conn,
                &SystemSpec {
                    code: system.code,
                    name: system.name,
                    description: system.description,
                    department_id: &department.id,
                    processed_overseas: system.overseas,
                },
                now,
            )?;
            report.systems += 1;
            for c in system.categories {
                let rule = RetentionRule::new(c.basis, c.months, c.law.map(str::to_owned))
                    .map_err(|e| StoreError::Invalid(format!("{}: {e}", c.code)))?;
                catalog::upsert_category(
                    conn,
                    &CategorySpec {
                        code: c.code,
                        system_id: &system_id,
                        name_ko: c.ko,
                        name_en: c.en,
                        retention: &rule,
                    },
                    now,
                )?;
                report.categories += 1;
            }
        }
        load_staff(conn, &mut report, now)?;
        if settings::get(conn, SAMPLES_LOADED)?.is_some() {
            report.requests_existing = true;
        } else {
            report.requests_created = load_samples(conn, config, keys, now)?;
            settings::set(conn, SAMPLES_LOADED, &now.to_string(), now)?;
        }
        Ok(())
    })?;
    Ok(report)
}

fn load_staff(
    conn: &mut DbConnection,
    report: &mut DemoReport,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    for (email, name, role, department) in STAFF {
        let email = Email::parse(email).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if store::staff::by_email(conn, &email)?.is_some() {
            report.staff_existing += 1;
            continue;
        }
        let department_id = match department {
            Some(code) => Some(
                catalog::department_by_code(conn, code)?
                    .ok_or(StoreError::NotFound)?
                    .id,
            ),
            None => None,
        };
        let one_time = password::one_time();
        let hash = password::hash(&one_time).map_err(|e| StoreError::Invalid(e.to_string()))?;
        store::staff::create(
            conn,
            &store::staff::NewStaff {
                email: &email,
                name,
                role: *role,
                department_id: department_id.as_deref(),
                password_hash: Some(&hash),
                must_change_password: true,
            },
            now,
        )?;
        report
            .staff_created
            .push((email.to_string(), role.to_string(), one_time));
    }
    Ok(())
}

fn load_samples(
    conn: &mut DbConnection,
    config: &Config,
    keys: &Keys,
    now: chrono::NaiveDateTime,
) -> Result<usize, StoreError> {
    let officer = staff_actor(conn, "cpo@rightsdesk.example", StaffRole::PrivacyOfficer)?;
    let handler = staff_actor(conn, "handler.irm@rightsdesk.example", StaffRole::Handler)?;
    let categories = catalog::list_categories(conn)?;
    for (i, sample) in SAMPLES.iter().enumerate() {
        let parse = |e: &str| Email::parse(e).map_err(|err| StoreError::Invalid(err.to_string()));
        let (requester_name, requester_email) = sample.requester;
        let (subject_name, subject_email) = sample.subject.unwrap_or(sample.requester);
        let received_at = now - Duration::days(sample.days_ago) - Duration::minutes(7 * i as i64);
        let local_year = received_at.and_utc().with_timezone(&config.timezone).year();
        // A few samples name specific categories; the rest concern all data.
        let category_ids = categories
            .iter()
            .filter(|c| i % 3 == 1 && c.code.starts_with("member_"))
            .map(|c| c.id.clone())
            .collect();
        let created = requests::create(
            conn,
            &NewRequest {
                kind: sample.kind,
                channel: sample.channel,
                jurisdiction: config.jurisdiction,
                on_behalf: sample.on_behalf,
                received_at,
                reference_year: local_year,
                due_date: deadline::due_date_at(config.jurisdiction, received_at, config.timezone),
                requester_name: requester_name.to_owned(),
                requester_email: parse(requester_email)?,
                requester_phone: None,
                subject_name: subject_name.to_owned(),
                subject_email: parse(subject_email)?,
                subject_phone: None,
                details: sample.details.to_owned(),
                correction: sample.correction.map(str::to_owned),
                category_ids,
                lang: "ko".into(),
            },
            &keys.identifier_index,
            &Actor::Requester,
            now,
        )?;
        for (to, role) in sample.path {
            let actor = match role {
                Role::Requester => &Actor::Requester,
                Role::Handler => &handler,
                Role::Officer => &officer,
                Role::System => &Actor::System,
            };
            lifecycle::apply(
                conn,
                Transition {
                    request_id: &created.id,
                    to: *to,
                    actor,
                    reason: Some("demo data"),
                    expected_version: None,
                    payload: serde_json::json!({"demo": true}),
                    emails: Vec::new(),
                },
                now,
            )?;
        }
    }
    Ok(SAMPLES.len())
}

fn staff_actor(conn: &mut DbConnection, email: &str, role: StaffRole) -> Result<Actor, StoreError> {
    let email = Email::parse(email).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let staff = store::staff::by_email(conn, &email)?.ok_or(StoreError::NotFound)?;
    Ok(Actor::Staff { id: staff.id, role })
}
