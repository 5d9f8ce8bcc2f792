//! Staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::ids::{DepartmentId, StaffId};

use super::schema::staff_users;
use super::{DbConnection, StoreError, new_id};
use crate::types::Wire;
use domain::identifier::Email;
use domain::lang::Lang;
use domain::staff::StaffRole;

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = staff_users)]
pub struct StaffUser {
    #[diesel(deserialize_as = String)]
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub department_id: Option<String>,
    pub must_change_password: bool,
    pub active: bool,
    /// The language the member's emails are written in.
    pub lang: Lang,
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub role: StaffRole,
    pub department_id: Option<&'a str>,
    /// An argon2id PHC string, or none until the person sets a password.
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
    pub lang: Lang,
}

pub fn create(
    conn: &mut DbConnection,
    new: &NewStaff<'_>,
    now: NaiveDateTime,
) -> Result<StaffId, StoreError> {
    if by_email(conn, new.email)?.is_some() {
        return Err(StoreError::Invalid(format!(
            "a staff account for {} already exists",
            new.email
        )));
    }
    let id = new_id();
    diesel::insert_into(staff_users::table)
        .values((
            staff_users::id.eq(&id),
            staff_users::email.eq(new.email.as_str()),
            staff_users::name.eq(new.name),
            staff_users::role.eq(Wire(new.role)),
            staff_users::department_id.eq(new.department_id),
            staff_users::password_hash.eq(new.password_hash),
            staff_users::must_change_password.eq(new.must_change_password),
            staff_users::active.eq(true),
            staff_users::created_at.eq(now),
            staff_users::lang.eq(Wire(new.lang)),
        ))
        .execute(conn)?;
    Ok(StaffId::from(id))
}

pub fn by_email(conn: &mut DbConnection, email: &Email) -> Result<Option<StaffUser>, StoreError> {
    Ok(staff_users::table
        .filter(staff_users::email.eq(email.as_str()))
        .select(StaffUser::as_select())
        .first(conn)
        .optional()?)
}

pub fn password_hash(conn: &mut DbConnection, id: &StaffId) -> Result<Option<String>, StoreError> {
    Ok(staff_users::table
        .find(id.as_str())
        .select(staff_users::password_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// A fingerprint of a staff member's current password (or of having none)
/// and of whether the role is privileged:
/// set-password links are bound to it, so each works once.
pub fn password_version(conn: &mut DbConnection, id: &StaffId) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let exists: Option<(Option<String>, StaffRole)> = staff_users::table
        .find(id.as_str())
        .select((staff_users::password_hash, staff_users::role))
        .first(conn)
        .optional()?;
    let (hash, role) = exists.ok_or(StoreError::NotFound)?;
    // A link shown on the admin page for a plain account must not open
    // it once it holds a privileged role: the version changes with it.
    let standing = if role.is_privileged() {
        "privileged"
    } else {
        "plain"
    };
    let digest = Sha256::digest(format!("{}|{standing}", hash.as_deref().unwrap_or("unset")).as_bytes());
    Ok(hex::encode(&digest[..8]))
}

pub fn get(conn: &mut DbConnection, id: &StaffId) -> Result<StaffUser, StoreError> {
    staff_users::table
        .find(id.as_str())
        .select(StaffUser::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Sets a staff member's password (an argon2id PHC string).
pub fn set_password(conn: &mut DbConnection, id: &StaffId, hash: &str) -> Result<(), StoreError> {
    diesel::update(staff_users::table.find(id.as_str()))
        .set((
            staff_users::password_hash.eq(hash),
            staff_users::must_change_password.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every staff account, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<StaffUser>, StoreError> {
    Ok(staff_users::table
        .order((staff_users::name.asc(), staff_users::email.asc()))
        .select(StaffUser::as_select())
        .load(conn)?)
}

/// The active handlers and leads of a department (whom a task may go to).
pub fn active_in_department(
    conn: &mut DbConnection,
    department_id: &DepartmentId,
) -> Result<Vec<StaffUser>, StoreError> {
    Ok(staff_users::table
        .filter(staff_users::department_id.eq(department_id.as_str()))
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq_any([Wire(StaffRole::Handler), Wire(StaffRole::DepartmentLead)]))
        .order(staff_users::name.asc())
        .select(StaffUser::as_select())
        .load(conn)?)
}

/// How many active accounts of `role` there are besides `except`.
pub fn active_with_role_besides(
    conn: &mut DbConnection,
    role: StaffRole,
    except: &StaffId,
) -> Result<i64, StoreError> {
    Ok(staff_users::table
        .filter(staff_users::role.eq(Wire(role)))
        .filter(staff_users::active.eq(true))
        .filter(staff_users::id.ne(except.as_str()))
        .count()
        .get_result(conn)?)
}

/// Changes an account's role, department and whether it is active.
pub fn update(
    conn: &mut DbConnection,
    id: &StaffId,
    role: StaffRole,
    department_id: Option<&str>,
    active: bool,
) -> Result<(), StoreError> {
    let n = diesel::update(staff_users::table.find(id.as_str()))
        .set((
            staff_users::role.eq(Wire(role)),
            staff_users::department_id.eq(department_id),
            staff_users::active.eq(active),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A second factor as stored: the sealed secret and the last step accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub last_step: Option<i64>,
}

/// A staff member's second factor; none when not set up.
pub fn second_factor(conn: &mut DbConnection, id: &StaffId) -> Result<Option<SecondFactor>, StoreError> {
    let row: (Option<Vec<u8>>, Option<Vec<u8>>, Option<i64>) = staff_users::table
        .find(id.as_str())
        .select((
            staff_users::totp_nonce,
            staff_users::totp_ciphertext,
            staff_users::totp_last_step,
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(match row {
        (Some(nonce), Some(ciphertext), last_step) => Some(SecondFactor {
            nonce,
            ciphertext,
            last_step,
        }),
        _ => None,
    })
}

/// Stores (or, with none, removes) a second-factor secret, sealed.
pub fn set_second_factor(
    conn: &mut DbConnection,
    id: &StaffId,
    sealed: Option<([u8; 12], Vec<u8>)>,
) -> Result<(), StoreError> {
    let (nonce, ciphertext) = match sealed {
        Some((nonce, ciphertext)) => (Some(nonce.to_vec()), Some(ciphertext)),
        None => (None, None),
    };
    diesel::update(staff_users::table.find(id.as_str()))
        .set((
            staff_users::totp_nonce.eq(nonce),
            staff_users::totp_ciphertext.eq(ciphertext),
            staff_users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the time step of an accepted code, if it is later than the last
/// one (false: the code was used already, perhaps by a concurrent sign-in).
pub fn use_second_factor_step(conn: &mut DbConnection, id: &StaffId, step: i64) -> Result<bool, StoreError> {
    let updated = diesel::update(
        staff_users::table.filter(staff_users::id.eq(id.as_str())).filter(
            staff_users::totp_last_step
                .is_null()
                .or(staff_users::totp_last_step.lt(step)),
        ),
    )
    .set(staff_users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(updated == 1)
}
