//! Departments, the data systems they own, and the data categories those
//! systems hold with their retention rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{data_categories, data_systems, departments};
use super::{DbConnection, StoreError, new_id};
use crate::domain::retention::RetentionRule;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: String,
    pub code: String,
    pub name: String,
    pub function: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = data_systems)]
pub struct DataSystem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub description: String,
    pub department_id: String,
    pub processed_overseas: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = data_categories)]
pub struct DataCategory {
    pub id: String,
    pub code: String,
    pub system_id: String,
    pub name_ko: String,
    pub name_en: String,
    pub retention_basis: String,
    pub retention_months: Option<i32>,
    pub legal_basis: Option<String>,
}

/// Inserts a department or updates the one with the same code; returns its id.
pub fn upsert_department(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    function: &str,
    email: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    if let Some(existing) = department_by_code(conn, code)? {
        diesel::update(departments::table.find(&existing.id))
            .set((
                departments::name.eq(name),
                departments::function.eq(function),
                departments::email.eq(email),
            ))
            .execute(conn)?;
        return Ok(existing.id);
    }
    let id = new_id();
    diesel::insert_into(departments::table)
        .values((
            departments::id.eq(&id),
            departments::code.eq(code),
            departments::name.eq(name),
            departments::function.eq(function),
            departments::email.eq(email),
            departments::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Finds a department by code (codes are stored upper-case).
pub fn department_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Department>, StoreError> {
    Ok(departments::table
        .filter(departments::code.eq(code.to_ascii_uppercase()))
        .select(Department::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_departments(conn: &mut DbConnection) -> Result<Vec<Department>, StoreError> {
    Ok(departments::table
        .order(departments::code.asc())
        .select(Department::as_select())
        .load(conn)?)
}

/// A data system to store.
#[derive(Debug, Clone)]
pub struct SystemSpec<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub department_id: &'a str,
    pub processed_overseas: bool,
}

pub fn upsert_system(
    conn: &mut DbConnection,
    spec: &SystemSpec<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let existing: Option<String> = data_systems::table
        .filter(data_systems::code.eq(spec.code))
        .select(data_systems::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        diesel::update(data_systems::table.find(&id))
            .set((
                data_systems::name.eq(spec.name),
                data_systems::description.eq(spec.description),
                data_systems::department_id.eq(spec.department_id),
                data_systems::processed_overseas.eq(spec.processed_overseas),
            ))
            .execute(conn)?;
        return Ok(id);
    }
    let id = new_id();
    diesel::insert_into(data_systems::table)
        .values((
            data_systems::id.eq(&id),
            data_systems::code.eq(spec.code),
            data_systems::name.eq(spec.name),
            data_systems::description.eq(spec.description),
            data_systems::department_id.eq(spec.department_id),
            data_systems::processed_overseas.eq(spec.processed_overseas),
            data_systems::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn list_systems(conn: &mut DbConnection) -> Result<Vec<DataSystem>, StoreError> {
    Ok(data_systems::table
        .order(data_systems::code.asc())
        .select(DataSystem::as_select())
        .load(conn)?)
}

/// A data category to store.
#[derive(Debug, Clone)]
pub struct CategorySpec<'a> {
    pub code: &'a str,
    pub system_id: &'a str,
    pub name_ko: &'a str,
    pub name_en: &'a str,
    pub retention: &'a RetentionRule,
}

pub fn upsert_category(
    conn: &mut DbConnection,
    spec: &CategorySpec<'_>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let existing: Option<String> = data_categories::table
        .filter(data_categories::code.eq(spec.code))
        .select(data_categories::id)
        .first(conn)
        .optional()?;
    let basis = spec.retention.basis.as_str();
    let months = spec.retention.months;
    let legal = spec.retention.legal_basis.as_deref();
    if let Some(id) = existing {
        diesel::update(data_categories::table.find(&id))
            .set((
                data_categories::system_id.eq(spec.system_id),
                data_categories::name_ko.eq(spec.name_ko),
                data_categories::name_en.eq(spec.name_en),
                data_categories::retention_basis.eq(basis),
                data_categories::retention_months.eq(months),
                data_categories::legal_basis.eq(legal),
            ))
            .execute(conn)?;
        return Ok(id);
    }
    let id = new_id();
    diesel::insert_into(data_categories::table)
        .values((
            data_categories::id.eq(&id),
            data_categories::code.eq(spec.code),
            data_categories::system_id.eq(spec.system_id),
            data_categories::name_ko.eq(spec.name_ko),
            data_categories::name_en.eq(spec.name_en),
            data_categories::retention_basis.eq(basis),
            data_categories::retention_months.eq(months),
            data_categories::legal_basis.eq(legal),
            data_categories::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn list_categories(conn: &mut DbConnection) -> Result<Vec<DataCategory>, StoreError> {
    Ok(data_categories::table
        .order(data_categories::code.asc())
        .select(DataCategory::as_select())
        .load(conn)?)
}
