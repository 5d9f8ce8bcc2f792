//! `rightsdesk demo`: the reference deployment — departments
//! IRM (privacy) and CLOUDPLEX (reception), the systems and data categories
//! of the published policy with their retention rules, one demo staff member
//! per role, and sample requests in every status. Running it again changes
//! nothing that exists and creates nothing twice.

use domain::ids::DepartmentId;
use std::fmt;

use chrono::Duration;

use crate::{Desk, Tx, WorkflowError};
use auth::password;
use domain::actor::Actor;
use domain::deadline;
use domain::identifier::Email;
use domain::lang::Lang;
use domain::retention::RetentionRule;
use domain::staff::StaffRole;
use store::catalog::{self, CategorySpec, SystemSpec};
use store::lifecycle::Transition;
use store::requests::{self, NewRequest};
use store::{self, DbConnection, StoreError, settings};

pub(crate) mod data;

use data::{DEPARTMENTS, Role, SAMPLES, STAFF, SYSTEMS};

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

const SAMPLES_LOADED: &str = "demo.samples_loaded_at";

/// Loads the reference deployment. Idempotent.
/// Runs in one transaction through the workflow layer, so sample requests
/// that reach work get their department tasks like any other.
pub fn load(desk: &Desk) -> Result<DemoReport, WorkflowError> {
    let mut report = DemoReport::default();
    desk.write(|tx| {
        let now = tx.now;
        let conn = &mut *tx.conn;
        for (code, name, function, email) in DEPARTMENTS {
            catalog::upsert_department(conn, code, name, *function, Some(email), now)?;
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
                    department_id: department.id.as_str(),
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
        crate::letterhead::store(conn, &domain::letterhead::Letterhead::reference_deployment(), now)?;
        if settings::get(conn, SAMPLES_LOADED)?.is_some() {
            report.requests_existing = true;
        } else {
            report.requests_created = load_samples(tx, desk)?;
            settings::set(tx.conn, SAMPLES_LOADED, &now.to_string(), now)?;
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
                department_id: department_id.as_ref().map(DepartmentId::as_str),
                password_hash: Some(&hash),
                must_change_password: true,
                lang: Lang::default(),
            },
            now,
        )?;
        report
            .staff_created
            .push((email.to_string(), role.to_string(), one_time));
    }
    Ok(())
}

fn load_samples(tx: &mut Tx<'_, '_>, desk: &Desk) -> Result<usize, WorkflowError> {
    let (config, keys) = (&desk.config, &desk.keys);
    let now = tx.now;
    let calendar = tx.calendar()?;
    let conn = &mut *tx.conn;
    let officer = staff_actor(conn, "cpo@rightsdesk.example", StaffRole::PrivacyOfficer)?;
    let handler = staff_actor(conn, "handler.irm@rightsdesk.example", StaffRole::Handler)?;
    let categories = catalog::list_categories(conn)?;
    for (i, sample) in SAMPLES.iter().enumerate() {
        let parse = |e: &str| Email::parse(e).map_err(|err| StoreError::Invalid(err.to_string()));
        let (requester_name, requester_email) = sample.requester;
        let (subject_name, subject_email) = sample.subject.unwrap_or(sample.requester);
        let received_at = now - Duration::days(sample.days_ago) - Duration::minutes(7 * i as i64);
        let local_year = deadline::local_year(received_at, config.timezone);
        // A few samples name specific categories; the rest concern all data.
        let category_ids = categories
            .iter()
            .filter(|c| i % 3 == 1 && c.code.starts_with("member_"))
            .map(|c| c.id.clone().into())
            .collect();
        let created = requests::create(
            tx.conn,
            &NewRequest {
                kind: sample.kind,
                channel: sample.channel,
                jurisdiction: config.jurisdiction,
                on_behalf: sample.on_behalf,
                received_at,
                reference_year: local_year,
                due_date: config.due_date(sample.kind, false, received_at, &calendar),
                calendar: config.calendar.label(),
                requester_name: requester_name.to_owned(),
                requester_email: parse(requester_email)?,
                requester_phone: None,
                subject_name: subject_name.to_owned(),
                subject_email: parse(subject_email)?,
                subject_phone: None,
                details: sample.details.to_owned(),
                correction: sample.correction.map(str::to_owned),
                category_ids,
                subject_id: None,
                lang: domain::lang::Lang::Ko,
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
            tx.transition(
                Transition {
                    reason: Some("demo data"),
                    payload: serde_json::json!({"demo": true}),
                    ..Transition::new(&created.id, *to, actor)
                },
                &[],
            )?;
        }
    }
    Ok(SAMPLES.len())
}

fn staff_actor(conn: &mut DbConnection, email: &str, role: StaffRole) -> Result<Actor, StoreError> {
    let email = Email::parse(email).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let staff = store::staff::by_email(conn, &email)?.ok_or(StoreError::NotFound)?;
    Ok(Actor::Staff {
        id: staff.id.into(),
        role,
    })
}
