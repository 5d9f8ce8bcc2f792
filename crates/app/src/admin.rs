//! The admin's work: staff accounts (create, change role or department,
//! deactivate) and the catalogue work is routed by (departments, data
//! systems, categories with their retention, routing rules). Every change
//! is audited; a role change or a deactivation ends the account's sessions
//! in the same transaction. Nobody changes their own role or active flag,
//! the last active admin stays one, and a privileged role given here waits
//! for a second admin ([`super::grants`]).

use super::case::require;
use super::grants::{self, other_active_admins, refused, standing};
use super::signin::{SECOND_FACTOR_SETTING, SignedIn, ends_sessions};
use super::staff::{self as accounts, AccountAdded, NewAccount};
use super::{Desk, Refusal, Tx, WorkflowError};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::catalog::DepartmentFunction;
use domain::grant::{self, Door, Standing, Verdict};
use domain::identifier::Email;
use domain::ids::StaffId;
use domain::login::{SECOND_FACTOR_ROLES, second_factor_roles};
use domain::request::RequestKind;
use domain::retention::RetentionRule;
use domain::staff::StaffRole;
use domain::task::RoutingMode;
use store::audit::NewEvent;
use store::catalog::{self, CategorySpec, DataCategory, DataSystem, Department, SystemSpec};
use store::staff::{self, StaffUser};
use store::tasks::{self, RoutingRule};
use store::{StoreError, sessions, settings};

/// What the admin pages list.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub staff: Vec<StaffUser>,
    /// The ids of the accounts with a second factor set up.
    pub with_second_factor: Vec<StaffId>,
    /// The roles that must use a second factor.
    pub second_factor_roles: Vec<StaffRole>,
    pub departments: Vec<Department>,
    pub systems: Vec<DataSystem>,
    pub categories: Vec<DataCategory>,
    pub rules: Vec<RoutingRule>,
}

pub fn catalogue(desk: &Desk, signed: &SignedIn) -> Result<Catalogue, WorkflowError> {
    require(signed.member.may_administer())?;
    desk.read(|conn, _| {
        let accounts = staff::list(conn)?;
        let mut with_second_factor = Vec::new();
        for account in &accounts {
            if staff::second_factor(conn, &account.id)?.is_some() {
                with_second_factor.push(account.id.clone());
            }
        }
        let second_factor_roles = settings::get(conn, SECOND_FACTOR_SETTING)?
            .map(|s| second_factor_roles(&s))
            .unwrap_or_default();
        Ok(Catalogue {
            staff: accounts,
            with_second_factor,
            second_factor_roles,
            departments: catalog::list_departments(conn)?,
            systems: catalog::list_systems(conn)?,
            categories: catalog::list_categories(conn)?,
            rules: tasks::routing_rules(conn)?,
        })
    })
}

/// Creates a staff account; the set-password link is returned to be shown
/// once. A privacy officer's or admin's account is made switched off, its
/// link not made yet: a second admin confirms it, and the link is emailed
/// then ([`grants::confirm`]).
pub fn create_staff(desk: &Desk, signed: &SignedIn, new: NewAccount) -> Result<AccountAdded, WorkflowError> {
    require(signed.member.may_administer())?;
    let after = Standing::new(new.role, true);
    let verdict = grant::judge(Door::AdminPage { own: false }, None, after, false, 1).map_err(refused)?;
    desk.write(|tx| match verdict {
        Verdict::Apply => accounts::create(tx, &signed.actor(), new, true),
        Verdict::AwaitSecondAdmin => {
            let added = accounts::create(tx, &signed.actor(), new, false)?;
            let account = staff::get(tx.conn, &added.id)?;
            staff::update(
                tx.conn,
                &account.id,
                account.role,
                account.department_id.as_deref(),
                false,
            )?;
            let account = staff::get(tx.conn, &added.id)?;
            grants::request(tx, signed, &account, after, account.department_id.as_deref())?;
            Ok(AccountAdded {
                set_password_link: None,
                awaiting_confirmation: true,
                ..added
            })
        }
    })
}

/// An account's role, department (by code) and whether it is active.
#[derive(Debug, Clone)]
pub struct AccountChange {
    pub staff_id: StaffId,
    pub role: StaffRole,
    pub department: Option<String>,
    pub active: bool,
    /// Remove the account's second factor (a lost device); they set up a
    /// new one at their next sign-in if their role requires it.
    pub reset_second_factor: bool,
}

/// Changes an account. Its own holder gets 403 (nothing written); giving
/// a privileged role, or switching a privileged account on, is recorded as
/// a grant for a second admin instead (a second-factor reset asked with it
/// is made at once).
pub fn update_staff(desk: &Desk, signed: &SignedIn, change: AccountChange) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    desk.write(|tx| {
        let before = staff::get(tx.conn, &change.staff_id)?;
        let department_id = department_id(tx, change.role, change.department.as_deref())?;
        let after = Standing::new(change.role, change.active);
        let verdict = grant::judge(
            Door::AdminPage {
                own: before.id == signed.user.id,
            },
            Some(standing(&before)),
            after,
            change.reset_second_factor,
            other_active_admins(tx.conn, &before.id)?,
        )
        .map_err(refused)?;
        let reset = change.reset_second_factor && staff::second_factor(tx.conn, &before.id)?.is_some();
        if reset {
            staff::set_second_factor(tx.conn, &before.id, None)?;
            tx.conn.append(
                NewEvent::general(
                    &signed.actor(),
                    AuditAction::SecondFactorReset,
                    serde_json::json!({"staff_id": before.id}),
                ),
                tx.now,
            );
        }
        if verdict == Verdict::AwaitSecondAdmin {
            if reset {
                sessions::end_all(tx.conn, &before.id, "account changed", tx.now)?;
            }
            grants::request(tx, signed, &before, after, department_id.as_deref())?;
            return Ok(());
        }
        staff::update(
            tx.conn,
            &before.id,
            change.role,
            department_id.as_deref(),
            change.active,
        )?;
        let ended = if ends_sessions(&before, change.role, change.active) || change.reset_second_factor {
            sessions::end_all(tx.conn, &before.id, "account changed", tx.now)?
        } else {
            0
        };
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::StaffUpdated,
                serde_json::json!({
                    "staff_id": before.id,
                    "role": {"from": before.role, "to": change.role},
                    "department": change.department,
                    "active": {"from": before.active, "to": change.active},
                    "sessions_ended": ended,
                }),
            ),
            tx.now,
        );
        Ok(())
    })
}

/// The operator on the server gives an account a role (and the department
/// it needs) and switches it on, without a second admin: only the last
/// active admin is kept one.
pub fn grant_from_server(
    desk: &Desk,
    email: &Email,
    role: StaffRole,
    department: Option<&str>,
) -> Result<(), WorkflowError> {
    desk.write(|tx| {
        let before = staff::by_email(tx.conn, email)?.ok_or(WorkflowError::NotFound)?;
        let department_id = department_id(tx, role, department)?;
        let after = Standing::new(role, true);
        grant::judge(
            Door::CommandLine,
            Some(standing(&before)),
            after,
            false,
            other_active_admins(tx.conn, &before.id)?,
        )
        .map_err(refused)?;
        staff::update(tx.conn, &before.id, role, department_id.as_deref(), true)?;
        let ended = if ends_sessions(&before, role, true) {
            sessions::end_all(tx.conn, &before.id, "account changed", tx.now)?
        } else {
            0
        };
        tx.conn.append(
            NewEvent::general(
                &Actor::System,
                AuditAction::StaffUpdated,
                serde_json::json!({
                    "staff_id": before.id,
                    "role": {"from": before.role, "to": role},
                    "department": department,
                    "active": {"from": before.active, "to": true},
                    "sessions_ended": ended,
                    "by": "command line",
                }),
            ),
            tx.now,
        );
        Ok(())
    })
}

/// Requires a second factor of these roles (those an admin may require it of).
pub fn require_second_factor(
    desk: &Desk,
    signed: &SignedIn,
    roles: &[StaffRole],
) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    let roles: Vec<StaffRole> = SECOND_FACTOR_ROLES
        .iter()
        .copied()
        .filter(|r| roles.contains(r))
        .collect();
    let value = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    desk.write(|tx| {
        settings::set(tx.conn, SECOND_FACTOR_SETTING, &value, tx.now)?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::SettingsChanged,
                serde_json::json!({"second_factor_roles": roles}),
            ),
            tx.now,
        );
        Ok(())
    })
}

/// The department a role needs (by code), refused when missing or unknown.
fn department_id(
    tx: &mut Tx<'_, '_>,
    role: StaffRole,
    code: Option<&str>,
) -> Result<Option<String>, WorkflowError> {
    match code {
        Some(code) => Ok(Some(
            (catalog::department_by_code(tx.conn, code)?
                .ok_or_else(|| Refusal::UnknownDepartment(code.to_owned()))?
                .id)
                .into(),
        )),
        None if role.needs_department() => Err(Refusal::DepartmentRequired.into()),
        None => Ok(None),
    }
}

/// A change to the catalogue.
#[derive(Debug, Clone)]
pub enum CatalogueChange {
    Department {
        code: String,
        name: String,
        function: DepartmentFunction,
        email: Option<String>,
    },
    System {
        code: String,
        name: String,
        description: String,
        department: String,
        processed_overseas: bool,
    },
    Category {
        code: String,
        system: String,
        name_ko: String,
        name_en: String,
        retention: RetentionRule,
    },
    AddRule {
        kind: Option<RequestKind>,
        category: Option<String>,
        department: String,
        mode: RoutingMode,
    },
    RemoveRule {
        id: String,
    },
}

pub fn change_catalogue(
    desk: &Desk,
    signed: &SignedIn,
    change: CatalogueChange,
) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    desk.write(|tx| {
        let payload = apply(tx, &change)?;
        tx.conn.append(
            NewEvent::general(&signed.actor(), AuditAction::CatalogChanged, payload),
            tx.now,
        );
        Ok(())
    })
}

fn department_by_code(tx: &mut Tx<'_, '_>, code: &str) -> Result<Department, WorkflowError> {
    Ok(catalog::department_by_code(tx.conn, code)?
        .ok_or_else(|| Refusal::UnknownDepartment(code.to_owned()))?)
}

fn apply(tx: &mut Tx<'_, '_>, change: &CatalogueChange) -> Result<serde_json::Value, WorkflowError> {
    let now = tx.now;
    Ok(match change {
        CatalogueChange::Department {
            code,
            name,
            function,
            email,
        } => {
            let id = catalog::upsert_department(tx.conn, code, name, *function, email.as_deref(), now)?;
            serde_json::json!({"department": id, "code": code, "function": function})
        }
        CatalogueChange::System {
            code,
            name,
            description,
            department,
            processed_overseas,
        } => {
            let owner = department_by_code(tx, department)?;
            let spec = SystemSpec {
                code,
                name,
                description,
                department_id: owner.id.as_str(),
                processed_overseas: *processed_overseas,
            };
            let id = catalog::upsert_system(tx.conn, &spec, now)?;
            serde_json::json!({"system": id, "code": code, "department": owner.code})
        }
        CatalogueChange::Category {
            code,
            system,
            name_ko,
            name_en,
            retention,
        } => {
            let system = catalog::list_systems(tx.conn)?
                .into_iter()
                .find(|s| s.code.eq_ignore_ascii_case(system))
                .ok_or(Refusal::UnknownSystem)?;
            let spec = CategorySpec {
                code,
                system_id: system.id.as_str(),
                name_ko,
                name_en,
                retention,
            };
            let id = catalog::upsert_category(tx.conn, &spec, now)?;
            serde_json::json!({
                "category": id,
                "code": code,
                "retention": retention.basis,
                "months": retention.months,
            })
        }
        CatalogueChange::AddRule {
            kind,
            category,
            department,
            mode,
        } => {
            let target = department_by_code(tx, department)?;
            let category_id = match category {
                Some(code) => Some(
                    catalog::category_ids_by_code(tx.conn, std::slice::from_ref(code))?
                        .and_then(|ids| ids.into_iter().next())
                        .ok_or(Refusal::UnknownCategory)?,
                ),
                None => None,
            };
            if kind.is_none() && category_id.is_none() {
                return Err(Refusal::RuleNeedsKindOrCategory.into());
            }
            if *mode == RoutingMode::Instead && category_id.is_none() {
                return Err(Refusal::RuleNeedsKindOrCategory.into());
            }
            let id = tasks::add_routing_rule(tx.conn, *kind, category_id.as_deref(), &target.id, *mode, now)?;
            serde_json::json!({"rule": id, "kind": kind, "category": category, "department": target.code, "mode": mode})
        }
        CatalogueChange::RemoveRule { id } => {
            tasks::remove_routing_rule(tx.conn, id).map_err(|e| match e {
                StoreError::NotFound => WorkflowError::NotFound,
                other => other.into(),
            })?;
            serde_json::json!({"rule_removed": id})
        }
    })
}
