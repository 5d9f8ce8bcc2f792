//! `/staff/admin/…`: staff accounts and the catalogue (departments, data
//! systems, categories with retention, routing rules). Admins only; every
//! other role gets 403 (the workflows refuse, whatever the page shows).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use domain::ids::StaffId;
use serde::Deserialize;

use super::chrome::StaffChrome;
use super::session::Staff;
use crate::csrf::{CsrfForm, Posted};
use crate::error::{AppError, UserMessage};
use crate::page::{Page, render, see_other};
use app::WorkflowError;
use app::admin::{self, AccountChange, Catalogue, CatalogueChange};
use app::catalog::Department;
use app::grants;
use app::signin::SignedIn;
use app::staff::NewAccount;
use domain::catalog::DepartmentFunction;
use domain::identifier::Email;
use domain::lang::Lang;
use domain::login::SECOND_FACTOR_ROLES;
use domain::request::RequestKind;
use domain::retention::{RetentionBasis, RetentionRule};
use domain::staff::{StaffRole, department_code};
use domain::submission::{MAX_NAME_CHARS, line_text};
use domain::task::RoutingMode;

/// An account just made on the page.
pub enum Created {
    /// Its set-password link, shown this once.
    Link(String),
    /// A privileged account: switched off until a second admin confirms
    /// it; its link is emailed then, never shown.
    AwaitingConfirmation,
}

/// A grant waiting for a second admin, as the page lists it.
pub struct GrantLine {
    pub id: String,
    pub text: String,
    pub may_confirm: bool,
}

pub struct AccountLine {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: StaffRole,
    pub department: String,
    pub active: bool,
    pub second_factor: bool,
    /// The viewer's own account: its role and active flag are another
    /// administrator's to change.
    pub own: bool,
}

#[derive(Template)]
#[template(path = "staff/admin_staff.html")]
pub struct StaffPage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub accounts: Vec<AccountLine>,
    pub departments: Vec<Department>,
    pub roles: &'static [StaffRole],
    /// The languages a new member's emails may be written in.
    pub langs: &'static [Lang],
    /// The roles a second factor may be required of, and whether it is.
    pub second_factor: Vec<(StaffRole, bool)>,
    pub created: Option<Created>,
    pub grants: Vec<GrantLine>,
    pub problem: Option<String>,
    pub kept_name: String,
    pub kept_email: String,
}

async fn staff_page(
    page: &Page,
    signed: SignedIn,
    created: Option<Created>,
    problem: Option<String>,
    kept: (String, String),
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let tz = page.state.config().timezone;
    let me = signed.user.id.clone();
    let chrome = StaffChrome::new(page, &signed)?;
    let (c, waiting) = page
        .state
        .run(move |desk| Ok((admin::catalogue(desk, &signed)?, grants::waiting(desk, &signed)?)))
        .await?;
    let grants = waiting
        .into_iter()
        .map(|w| GrantLine {
            text: lang.tf(
                "staff.admin.grant_line",
                &[
                    ("name", &w.account.name),
                    ("email", &w.account.email),
                    ("role", &lang.t(&format!("staff.role.{}", w.grant.role))),
                    ("by", &w.requested_by.name),
                    ("when", &crate::page::local(w.grant.requested_at, tz)),
                ],
            ),
            id: w.grant.id,
            may_confirm: w.may_confirm,
        })
        .collect();
    let code_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| c.departments.iter().find(|d| d.id == *id.as_str()))
            .map(|d| d.code.clone())
            .unwrap_or_default()
    };
    let accounts = c
        .staff
        .iter()
        .map(|u| AccountLine {
            id: u.id.clone().into(),
            name: u.name.clone(),
            email: u.email.clone(),
            role: u.role,
            department: code_of(&u.department_id),
            active: u.active,
            second_factor: c.with_second_factor.contains(&u.id),
            own: u.id == me,
        })
        .collect();
    let second_factor = SECOND_FACTOR_ROLES
        .iter()
        .map(|r| (*r, c.second_factor_roles.contains(r)))
        .collect();
    render(
        status,
        &StaffPage {
            lang: page.lang,
            chrome,
            accounts,
            departments: c.departments,
            roles: StaffRole::ALL,
            langs: Lang::ALL,
            second_factor,
            created,
            grants,
            problem,
            kept_name: kept.0,
            kept_email: kept.1,
        },
    )
}

/// `GET /staff/admin/staff`
pub async fn staff(page: Page, Staff(signed): Staff) -> Result<HttpResponse, AppError> {
    staff_page(&page, signed, None, None, Default::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NewStaffForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    /// The language of the new member's emails (the page's when absent).
    #[serde(default)]
    lang: String,
}

fn malformed() -> AppError {
    AppError::bad_request("error.form.malformed")
}

/// A refusal shown on the page again (422) with what was typed, or the error.
fn refusal_text(lang: Lang, e: &WorkflowError) -> Option<String> {
    match e {
        WorkflowError::Refused(r) => Some(UserMessage::new(r.message_key()).render(lang)),
        _ => None,
    }
}

/// `POST /staff/admin/staff`: the set-password link is shown once (a
/// privileged account's is only emailed, once a second admin confirms it).
pub async fn create_staff(
    page: Page,
    Staff(signed): Staff,
    Posted(form): Posted<NewStaffForm>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let kept = (form.name.clone(), form.email.clone());
    let role: StaffRole = form.role.parse().map_err(|_| malformed())?;
    let name = line_text(&form.name, true, MAX_NAME_CHARS);
    let email = Email::parse(&form.email);
    let department = match form.department.trim() {
        "" => Ok(None),
        raw => department_code(raw).map(Some).ok_or("error.unknown_department"),
    };
    let (name, email, department) = match (name, email, department) {
        (Ok(n), Ok(e), Ok(d)) => (n, e, d),
        (n, e, d) => {
            let key = n
                .err()
                .or(e.err().map(|e| e.message_key()))
                .or(d.err())
                .unwrap_or("error.form.malformed");
            let problem = lang.t(key).into_owned();
            return staff_page(
                &page,
                signed,
                None,
                Some(problem),
                kept,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let new = NewAccount {
        email,
        name,
        role,
        department,
        password_hash: None,
        lang: Lang::from_code(&form.lang).unwrap_or(lang),
    };
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| admin::create_staff(desk, &who, new))
        .await?
    {
        Ok(added) => {
            let created = match added.set_password_link {
                Some(link) => Some(Created::Link(link)),
                None if added.awaiting_confirmation => Some(Created::AwaitingConfirmation),
                None => None,
            };
            staff_page(&page, signed, created, None, Default::default(), StatusCode::OK).await
        }
        Err(e) => match refusal_text(lang, &e) {
            Some(problem) => {
                staff_page(
                    &page,
                    signed,
                    None,
                    Some(problem),
                    kept,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    active: String,
    #[serde(default)]
    reset_second_factor: Option<String>,
}

/// `POST /staff/admin/staff/{id}`: role, department, active.
pub async fn update_staff(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<StaffId>,
    Posted(form): Posted<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let change = AccountChange {
        staff_id: path.into_inner(),
        role: form.role.parse().map_err(|_| malformed())?,
        department: Some(form.department.trim().to_owned()).filter(|d| !d.is_empty()),
        active: form.active != "false",
        reset_second_factor: form.reset_second_factor.is_some(),
    };
    let lang = page.lang;
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| admin::update_staff(desk, &who, change))
        .await?
    {
        Ok(()) => Ok(see_other("/staff/admin/staff")),
        Err(e) => match refusal_text(lang, &e) {
            Some(problem) => {
                staff_page(
                    &page,
                    signed,
                    None,
                    Some(problem),
                    Default::default(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

/// `POST /staff/admin/grants/{id}/confirm`: a second admin confirms a
/// privileged role; the admin who asked (or its holder) gets 403.
pub async fn confirm_grant(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    page.state
        .run(move |desk| grants::confirm(desk, &signed, &id))
        .await?;
    Ok(see_other("/staff/admin/staff"))
}

/// `POST /staff/admin/grants/{id}/cancel`
pub async fn cancel_grant(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    page.state
        .run(move |desk| grants::cancel(desk, &signed, &id))
        .await?;
    Ok(see_other("/staff/admin/staff"))
}

/// `POST /staff/admin/security`: which roles must use a second factor.
/// The form repeats `require`, so it is read from the raw body.
pub async fn security(page: Page, Staff(signed): Staff, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str());
    page.csrf.check(token)?;
    let roles: Vec<StaffRole> = fields
        .iter()
        .filter(|(k, _)| k == "require")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    page.state
        .run(move |desk| admin::require_second_factor(desk, &signed, &roles))
        .await?;
    Ok(see_other("/staff/admin/staff"))
}

#[derive(Template)]
#[template(path = "staff/admin_catalogue.html")]
pub struct CataloguePage {
    pub lang: Lang,
    pub chrome: StaffChrome,
    pub c: Catalogue,
    /// (code, name, owner department code)
    pub systems: Vec<(String, String, String)>,
    /// One line per category.
    pub categories: Vec<String>,
    /// (id, description)
    pub rules: Vec<(String, String)>,
    pub functions: &'static [DepartmentFunction],
    pub bases: &'static [RetentionBasis],
    pub kinds: &'static [RequestKind],
    pub problem: Option<String>,
}

async fn catalogue_page(
    page: &Page,
    signed: SignedIn,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let chrome = StaffChrome::new(page, &signed)?;
    let c = page
        .state
        .run(move |desk| admin::catalogue(desk, &signed))
        .await?;
    let dept = |id: &str| {
        c.departments
            .iter()
            .find(|d| d.id == *id)
            .map(|d| d.code.clone())
            .unwrap_or_default()
    };
    let systems = c
        .systems
        .iter()
        .map(|s| (s.code.clone(), s.name.clone(), dept(s.department_id.as_str())))
        .collect();
    let categories = c
        .categories
        .iter()
        .map(|k| {
            let system = c
                .systems
                .iter()
                .find(|s| s.id == k.system_id)
                .map_or("", |s| s.code.as_str());
            let retention = lang
                .t(&format!("staff.retention.{}", k.retention_basis))
                .into_owned();
            match (&k.retention_months, &k.legal_basis) {
                (Some(m), Some(law)) => format!("{} ({system}) — {retention}, {m} · {law}", k.code),
                _ => format!("{} ({system}) — {retention}", k.code),
            }
        })
        .collect();
    let rules = c
        .rules
        .iter()
        .map(|r| {
            let kind = r.kind.map(|k| lang.t(&format!("kind.{k}.title")).into_owned());
            let category = r
                .category_id
                .as_ref()
                .and_then(|id| c.categories.iter().find(|k| k.id == *id.as_str()))
                .map(|k| k.code.clone());
            let what = [kind, category]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" + ");
            let mode = lang.t(&format!("staff.admin.mode_{}", r.mode)).into_owned();
            (
                r.id.clone(),
                format!("{what} → {} ({mode})", dept(r.department_id.as_str())),
            )
        })
        .collect();
    render(
        status,
        &CataloguePage {
            lang,
            chrome,
            systems,
            categories,
            rules,
            functions: DepartmentFunction::ALL,
            bases: RetentionBasis::ALL,
            kinds: RequestKind::ALL,
            problem,
            c,
        },
    )
}

/// `GET /staff/admin/catalogue`
pub async fn catalogue(page: Page, Staff(signed): Staff) -> Result<HttpResponse, AppError> {
    catalogue_page(&page, signed, None, StatusCode::OK).await
}

async fn change(
    page: Page,
    signed: SignedIn,
    change: Result<CatalogueChange, &'static str>,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang;
    let change = match change {
        Ok(change) => change,
        Err(key) => {
            let problem = lang.t(key).into_owned();
            return catalogue_page(&page, signed, Some(problem), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let who = signed.clone();
    match page
        .state
        .try_run(move |desk| admin::change_catalogue(desk, &who, change))
        .await?
    {
        Ok(()) => Ok(see_other("/staff/admin/catalogue")),
        Err(e) => match refusal_text(lang, &e) {
            Some(problem) => {
                catalogue_page(&page, signed, Some(problem), StatusCode::UNPROCESSABLE_ENTITY).await
            }
            None => Err(e.into()),
        },
    }
}

fn code(raw: &str) -> Result<String, &'static str> {
    department_code(raw).ok_or("refusal.bad_code")
}

fn name(raw: &str) -> Result<String, &'static str> {
    line_text(raw, true, MAX_NAME_CHARS)
}

#[derive(Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    email: String,
}

/// `POST /staff/admin/departments`
pub async fn department(
    page: Page,
    Staff(signed): Staff,
    Posted(f): Posted<DepartmentForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = (|| {
        let email = match f.email.trim() {
            "" => None,
            raw => Some(Email::parse(raw).map_err(|e| e.message_key())?.to_string()),
        };
        Ok(CatalogueChange::Department {
            code: code(&f.code)?,
            name: name(&f.name)?,
            function: f.function.parse().map_err(|_| "error.form.malformed")?,
            email,
        })
    })();
    change(page, signed, parsed).await
}

#[derive(Deserialize)]
pub struct SystemForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    processed_overseas: Option<String>,
}

/// `POST /staff/admin/systems`
pub async fn system(
    page: Page,
    Staff(signed): Staff,
    Posted(f): Posted<SystemForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = (|| {
        Ok(CatalogueChange::System {
            code: code(&f.code)?,
            name: name(&f.name)?,
            description: line_text(&f.description, false, 500)?,
            department: code(&f.department)?,
            processed_overseas: f.processed_overseas.is_some(),
        })
    })();
    change(page, signed, parsed).await
}

#[derive(Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    system: String,
    #[serde(default)]
    name_ko: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    legal_basis: String,
}

/// `POST /staff/admin/categories`
pub async fn category(
    page: Page,
    Staff(signed): Staff,
    Posted(f): Posted<CategoryForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = (|| {
        let basis: RetentionBasis = f.basis.parse().map_err(|_| "error.form.malformed")?;
        let months = match f.months.trim() {
            "" => None,
            raw => Some(raw.parse::<i32>().map_err(|_| "refusal.retention")?),
        };
        let law = Some(line_text(&f.legal_basis, false, 200)?).filter(|l| !l.is_empty());
        let retention = RetentionRule::new(basis, months, law).map_err(|_| "refusal.retention")?;
        Ok(CatalogueChange::Category {
            code: f
                .code
                .trim()
                .to_ascii_lowercase()
                .chars()
                .take(32)
                .collect::<String>(),
            system: code(&f.system)?,
            name_ko: name(&f.name_ko)?,
            name_en: name(&f.name_en)?,
            retention,
        })
    })();
    let parsed = parsed.and_then(|c| match &c {
        CatalogueChange::Category { code, .. }
            if code.is_empty()
                || !code
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-') =>
        {
            Err("refusal.bad_code")
        }
        _ => Ok(c),
    });
    change(page, signed, parsed).await
}

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    mode: String,
}

/// `POST /staff/admin/rules`
pub async fn add_rule(
    page: Page,
    Staff(signed): Staff,
    Posted(f): Posted<RuleForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = (|| {
        Ok(CatalogueChange::AddRule {
            kind: match f.kind.trim() {
                "" => None,
                raw => Some(raw.parse().map_err(|_| "error.form.malformed")?),
            },
            category: Some(f.category.trim().to_owned()).filter(|c| !c.is_empty()),
            department: code(&f.department)?,
            mode: f
                .mode
                .parse::<RoutingMode>()
                .map_err(|_| "error.form.malformed")?,
        })
    })();
    change(page, signed, parsed).await
}

/// `POST /staff/admin/rules/{id}/delete`
pub async fn remove_rule(
    page: Page,
    Staff(signed): Staff,
    path: web::Path<String>,
    Posted(_): Posted<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    change(
        page,
        signed,
        Ok(CatalogueChange::RemoveRule {
            id: path.into_inner(),
        }),
    )
    .await
}
