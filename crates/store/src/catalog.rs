//! Departments, the data systems they own, and the data categories those
//! systems hold with their retention rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::{CategoryId, DepartmentId, SystemId};

use super::schema::{data_categories, data_systems, departments};
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::catalog::DepartmentFunction;
use domain::retention::{RetentionBasis, RetentionRule};

/// Inserts the row of `$table` with code `$code`, or updates the one that
/// has it, setting `$changes` (a tuple of column assignments) either way;
/// evaluates to the row's id.
macro_rules! upsert_by_code {
    ($conn:expr, $table:ident, $code:expr, $changes:expr, $now:expr) => {{
        let existing: Option<String> = $table::table
            .filter($table::code.eq($code))
            .select($table::id)
            .first($conn)
            .optional()?;
        match existing {
            Some(id) => {
                diesel::update($table::table.find(&id))
                    .set($changes)
                    .execute($conn)?;
                Ok(id)
            }
            None => {
                let id = new_id();
                diesel::insert_into($table::table)
                    .values((
                        $table::id.eq(&id),
                        $table::code.eq($code),
                        $changes,
                        $table::created_at.eq($now),
                    ))
                    .execute($conn)?;
                Ok(id)
            }
        }
    }};
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = departments)]
pub struct Department {
    #[diesel(deserialize_as = String)]
    pub id: DepartmentId,
    pub code: String,
    pub name: String,
    pub function: DepartmentFunction,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = data_systems)]
pub struct DataSystem {
    #[diesel(deserialize_as = String)]
    pub id: SystemId,
    pub code: String,
    pub name: String,
    pub description: String,
    #[diesel(deserialize_as = String)]
    pub department_id: DepartmentId,
    pub processed_overseas: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = data_categories)]
pub struct DataCategory {
    #[diesel(deserialize_as = String)]
    pub id: CategoryId,
    pub code: String,
    #[diesel(deserialize_as = String)]
    pub system_id: SystemId,
    pub name_ko: String,
    pub name_en: String,
    pub retention_basis: RetentionBasis,
    pub retention_months: Option<i32>,
    pub legal_basis: Option<String>,
}

/// Inserts a department or updates the one with the same code; returns its id.
pub fn upsert_department(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    function: DepartmentFunction,
    email: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let code = code.to_ascii_uppercase();
    let changes = (
        departments::name.eq(name),
        departments::function.eq(Wire(function)),
        departments::email.eq(email),
    );
    upsert_by_code!(conn, departments, &code, changes, now)
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
    let changes = (
        data_systems::name.eq(spec.name),
        data_systems::description.eq(spec.description),
        data_systems::department_id.eq(spec.department_id),
        data_systems::processed_overseas.eq(spec.processed_overseas),
    );
    upsert_by_code!(conn, data_systems, spec.code, changes, now)
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
    let changes = (
        data_categories::system_id.eq(spec.system_id),
        data_categories::name_ko.eq(spec.name_ko),
        data_categories::name_en.eq(spec.name_en),
        data_categories::retention_basis.eq(Wire(spec.retention.basis)),
        data_categories::retention_months.eq(spec.retention.months),
        data_categories::legal_basis.eq(spec.retention.legal_basis.as_deref()),
    );
    upsert_by_code!(conn, data_categories, spec.code, changes, now)
}

pub fn list_categories(conn: &mut DbConnection) -> Result<Vec<DataCategory>, StoreError> {
    Ok(data_categories::table
        .order(data_categories::code.asc())
        .select(DataCategory::as_select())
        .load(conn)?)
}

/// The ids of the data categories with these codes, in the same order;
/// `None` if any code is unknown.
pub fn category_ids_by_code(
    conn: &mut DbConnection,
    codes: &[String],
) -> Result<Option<Vec<String>>, StoreError> {
    if codes.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let found: Vec<(String, String)> = data_categories::table
        .filter(data_categories::code.eq_any(codes))
        .select((data_categories::code, data_categories::id))
        .load(conn)?;
    Ok(codes
        .iter()
        .map(|code| found.iter().find(|(c, _)| c == code).map(|(_, id)| id.clone()))
        .collect())
}

/// The code of the system holding the category `code`, when it exists.
pub fn system_of_category(conn: &mut DbConnection, code: &str) -> Result<Option<String>, StoreError> {
    Ok(data_categories::table
        .inner_join(data_systems::table)
        .filter(data_categories::code.eq(code))
        .select(data_systems::code)
        .first(conn)
        .optional()?)
}

/// Whether a data system has the code `code`.
pub fn system_exists(conn: &mut DbConnection, code: &str) -> Result<bool, StoreError> {
    Ok(data_systems::table
        .filter(data_systems::code.eq(code))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}
