//! Staff accounts: created from the command line or the admin page (with a
//! password, or with a single-use link to set one, emailed to the new
//! member in the same transaction), and the page that link opens.

use super::{Desk, Refusal, Tx, WorkflowError};
use auth::tokens::{self, Purpose};
use domain::actor::Actor;
use domain::audit::AuditAction;
use domain::identifier::Email;
use domain::ids::DepartmentId;
use domain::ids::StaffId;
use domain::lang::Lang;
use domain::staff::StaffRole;
use mail::notices::{self, Recipient};
use store::audit::NewEvent;
use store::{StoreError, catalog, staff};

/// A staff account to create; every field already checked.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub name: String,
    pub role: StaffRole,
    /// A department code (upper-case), for handlers and department leads.
    pub department: Option<String>,
    /// An argon2id hash, or none: then a set-password link is made and
    /// emailed to the new member.
    pub password_hash: Option<String>,
    /// The language of the member's emails (until they sign in with
    /// another).
    pub lang: Lang,
}

/// The account made, and the link that sets its password, if one is needed.
#[derive(Debug, Clone)]
pub struct AccountAdded {
    pub id: StaffId,
    pub set_password_link: Option<String>,
    /// A privileged account made on the admin pages: it stays switched off
    /// until a second admin confirms it, and its link is emailed then.
    pub awaiting_confirmation: bool,
}

/// Creates an account; `actor` is the admin (or the command line, as the
/// system) who made it.
pub fn add_account(desk: &Desk, actor: &Actor, new: NewAccount) -> Result<AccountAdded, WorkflowError> {
    desk.write(|tx| create(tx, actor, new, true))
}

/// Creates an account in `tx`, recorded; when it has no password and
/// `send_link`, its set-password link is emailed (and returned).
pub(crate) fn create(
    tx: &mut Tx<'_, '_>,
    actor: &Actor,
    new: NewAccount,
    send_link: bool,
) -> Result<AccountAdded, WorkflowError> {
    if staff::by_email(tx.conn, &new.email)?.is_some() {
        return Err(Refusal::StaffAccountExists(new.email.to_string()).into());
    }
    let department_id = match &new.department {
        Some(code) => Some(
            catalog::department_by_code(tx.conn, code)?
                .ok_or_else(|| Refusal::UnknownDepartment(code.clone()))?
                .id,
        ),
        None => None,
    };
    let id = staff::create(
        tx.conn,
        &staff::NewStaff {
            email: &new.email,
            name: &new.name,
            role: new.role,
            department_id: department_id.as_ref().map(DepartmentId::as_str),
            password_hash: new.password_hash.as_deref(),
            must_change_password: false,
            lang: new.lang,
        },
        tx.now,
    )?;
    tx.conn.append(
        NewEvent::general(
            actor,
            AuditAction::StaffCreated,
            serde_json::json!({"staff_id": id, "role": new.role, "department": new.department}),
        ),
        tx.now,
    );
    let set_password_link = match new.password_hash {
        None if send_link => {
            let user = staff::get(tx.conn, &id)?;
            Some(email_set_password_link(tx, &user)?)
        }
        _ => None,
    };
    Ok(AccountAdded {
        id,
        set_password_link,
        awaiting_confirmation: false,
    })
}

/// Emails `user` a link to set their password (72 hours, once), in this
/// transaction, and returns it.
pub(crate) fn email_set_password_link(
    tx: &mut Tx<'_, '_>,
    user: &staff::StaffUser,
) -> Result<String, WorkflowError> {
    let version = staff::password_version(tx.conn, &user.id)?;
    let token = tokens::issue_bound(
        &tx.desk.keys,
        Purpose::SetPassword,
        user.id.as_str(),
        Some(&version),
        tx.now,
    )?;
    let link = tx.desk.url(&format!("/staff/set-password/{token}"));
    let to = Recipient::staff_member(&user.name, &user.email, user.lang);
    tx.send(&[notices::set_password(to, user.role, &link)])?;
    Ok(link)
}

/// The account a set-password link is for, while the link is still good:
/// unexpired, for an active account, and made for its current password
/// (so it works once).
fn account_of_link(
    desk: &Desk,
    conn: &mut store::DbConnection,
    token: &str,
    now: chrono::NaiveDateTime,
) -> Result<staff::StaffUser, WorkflowError> {
    let (id, version) = tokens::verify_bound(&desk.keys, Purpose::SetPassword, token, now)
        .map_err(|_| WorkflowError::NotFound)?;
    let id = StaffId::from(id);
    let current = match staff::password_version(conn, &id) {
        Ok(current) => current,
        Err(StoreError::NotFound) => return Err(WorkflowError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if version.as_deref() != Some(current.as_str()) {
        return Err(WorkflowError::NotFound);
    }
    let user = staff::get(conn, &id)?;
    if !user.active {
        return Err(WorkflowError::NotFound);
    }
    Ok(user)
}

/// The account a set-password link opens (not found if the link is spent).
pub fn account_for_link(desk: &Desk, token: &str) -> Result<staff::StaffUser, WorkflowError> {
    desk.read(|conn, now| account_of_link(desk, conn, token, now))
}

/// Sets the password of the link's account (an argon2id hash); the link
/// stops working.
pub fn set_password(
    desk: &Desk,
    token: &str,
    password_hash: &str,
) -> Result<staff::StaffUser, WorkflowError> {
    desk.write(|tx| {
        let user = account_of_link(desk, tx.conn, token, tx.now)?;
        staff::set_password(tx.conn, &user.id, password_hash)?;
        let actor = Actor::Staff {
            id: user.id.clone().into(),
            role: user.role,
        };
        tx.conn.append(
            NewEvent::general(
                &actor,
                AuditAction::StaffPasswordSet,
                serde_json::json!({"staff_id": user.id}),
            ),
            tx.now,
        );
        Ok(user)
    })
}
