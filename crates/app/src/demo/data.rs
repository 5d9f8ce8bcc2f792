//! The reference deployment as data: the departments, data systems and
//! categories of the company's published privacy policy, one staff member
//! per role, and sample requests with the path each takes.

use domain::catalog::DepartmentFunction;
use domain::lifecycle::RequestStatus::{self, *};
use domain::request::{Channel, OnBehalf, RequestKind};
use domain::retention::RetentionBasis;
use domain::staff::StaffRole;

pub(super) struct CategoryDef {
    pub(super) code: &'static str,
    pub(super) ko: &'static str,
    pub(super) en: &'static str,
    pub(super) basis: RetentionBasis,
    pub(super) months: Option<i32>,
    pub(super) law: Option<&'static str>,
}

pub(super) const fn cat(
    code: &'static str,
    ko: &'static str,
    en: &'static str,
    basis: RetentionBasis,
) -> CategoryDef {
    CategoryDef {
        code,
        ko,
        en,
        basis,
        months: None,
        law: None,
    }
}

pub(super) const fn statutory(
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

pub(super) struct SystemDef {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) description: &'static str,
    pub(super) department: &'static str,
    pub(super) overseas: bool,
    pub(super) categories: &'static [CategoryDef],
}

use RetentionBasis::{UntilPurposeComplete, UntilWithdrawal};

pub(super) const E_COMMERCE_ACT: &str = "전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조";

/// The data held under the reference privacy policy.
pub(super) const SYSTEMS: &[SystemDef] = &[
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

pub(super) const DEPARTMENTS: &[(&str, &str, DepartmentFunction, &str)] = &[
    (
        "IRM",
        "IRM 개인정보보호팀 (Privacy)",
        DepartmentFunction::Privacy,
        "irm@rightsdesk.example",
    ),
    (
        "CLOUDPLEX",
        "CloudPlex 접수 (Reception)",
        DepartmentFunction::Reception,
        "cloudplex@rightsdesk.example",
    ),
];

pub(super) const STAFF: &[(&str, &str, StaffRole, Option<&str>)] = &[
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
pub(super) struct Sample {
    pub(super) kind: RequestKind,
    pub(super) on_behalf: OnBehalf,
    pub(super) channel: Channel,
    pub(super) requester: (&'static str, &'static str),
    pub(super) subject: Option<(&'static str, &'static str)>,
    pub(super) days_ago: i64,
    pub(super) details: &'static str,
    pub(super) correction: Option<&'static str>,
    pub(super) path: &'static [(RequestStatus, Role)],
}

#[derive(Clone, Copy)]
pub(super) enum Role {
    Requester,
    Handler,
    Officer,
    System,
}

pub(super) const SAMPLES: &[Sample] = &[
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
