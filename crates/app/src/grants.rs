//! Privileged roles given on the admin pages: making someone privacy
//! officer or admin (or switching such an account on) is recorded as a
//! grant that waits until a second admin confirms it, who is neither the
//! admin who asked nor the account's holder (`domain::grant`). Confirmed,
//! it takes effect in the same transaction as its audit event (and, for an
//! account without a password yet, the email with its set-password link);
//! any admin may cancel one that waits.

use super::case::require;
use super::signin::{SignedIn, ends_sessions};
use super::staff::email_set_password_link;
use super::{Desk, Refusal, Tx, WorkflowError};
use domain::audit::AuditAction;
use domain::grant::{self, ChangeRefused, Door, Standing};
use domain::ids::StaffId;
use domain::staff::StaffRole;
use store::audit::NewEvent;
use store::grants::{self, GrantRow, NewGrant};
use store::staff::StaffUser;
use store::{DbConnection, StoreError, sessions, staff};

/// Why a change may not be made, as a workflow answers it: one's own
/// account is forbidden (403, nothing written); the last admin is a
/// refusal the admin can understand.
pub(crate) fn refused(e: ChangeRefused) -> WorkflowError {
    match e {
        ChangeRefused::OwnAccount => WorkflowError::Forbidden,
        ChangeRefused::LastAdmin => Refusal::LastAdmin.into(),
    }
}

/// How many active admins there are besides `account`.
pub(crate) fn other_active_admins(conn: &mut DbConnection, account: &StaffId) -> Result<usize, StoreError> {
    let n = staff::active_with_role_besides(conn, StaffRole::Admin, account)?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The standing an account has now.
pub(crate) fn standing(user: &StaffUser) -> Standing {
    Standing::new(user.role, user.active)
}

/// Records a grant for `account` (in place of one that waited), asked for
/// by `signed`, in this transaction.
pub(crate) fn request(
    tx: &mut Tx<'_, '_>,
    signed: &SignedIn,
    account: &StaffUser,
    after: Standing,
    department_id: Option<&str>,
) -> Result<String, WorkflowError> {
    let id = grants::replace(
        tx.conn,
        &NewGrant {
            staff_id: &account.id,
            role: after.role,
            department_id,
            active: after.active,
            requested_by: &signed.user.id,
        },
        tx.now,
    )?;
    tx.conn.append(
        NewEvent::general(
            &signed.actor(),
            AuditAction::StaffGrantRequested,
            serde_json::json!({
                "grant": id,
                "staff_id": account.id,
                "role": {"from": account.role, "to": after.role},
                "active": {"from": account.active, "to": after.active},
            }),
        ),
        tx.now,
    );
    Ok(id)
}

/// A grant as the admin page lists it, with whether the viewer may confirm it.
#[derive(Debug, Clone)]
pub struct WaitingGrant {
    pub grant: GrantRow,
    pub account: StaffUser,
    pub requested_by: StaffUser,
    pub may_confirm: bool,
}

/// The grants waiting for a second admin, oldest first.
pub fn waiting(desk: &Desk, signed: &SignedIn) -> Result<Vec<WaitingGrant>, WorkflowError> {
    require(signed.member.may_administer())?;
    desk.read(|conn, _| {
        let mut lines = Vec::new();
        for grant in grants::waiting(conn)? {
            let account = staff::get(conn, &grant.staff_id)?;
            let requested_by = staff::get(conn, &grant.requested_by)?;
            let may_confirm = grant::may_confirm(
                signed.user.id.as_str(),
                grant.requested_by.as_str(),
                grant.staff_id.as_str(),
            );
            lines.push(WaitingGrant {
                grant,
                account,
                requested_by,
                may_confirm,
            });
        }
        Ok(lines)
    })
}

/// A second admin confirms a grant: it takes effect now. The admin who
/// asked for it, or its holder, gets 403 and nothing is written.
pub fn confirm(desk: &Desk, signed: &SignedIn, grant_id: &str) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    desk.write(|tx| {
        let grant = grants::get(tx.conn, grant_id)?;
        require(grant::may_confirm(
            signed.user.id.as_str(),
            grant.requested_by.as_str(),
            grant.staff_id.as_str(),
        ))?;
        let before = staff::get(tx.conn, &grant.staff_id)?;
        let after = Standing::new(grant.role, grant.active);
        let others = other_active_admins(tx.conn, &before.id)?;
        grant::judge(
            Door::AdminPage { own: false },
            Some(standing(&before)),
            after,
            false,
            others,
        )
        .map_err(refused)?;
        staff::update(
            tx.conn,
            &before.id,
            grant.role,
            grant.department_id.as_deref(),
            grant.active,
        )?;
        grants::remove(tx.conn, &grant.id)?;
        let sessions_ended = if ends_sessions(&before, grant.role, grant.active) {
            sessions::end_all(tx.conn, &before.id, "account changed", tx.now)?
        } else {
            0
        };
        // An account made with the grant has no password yet: its link
        // goes to its holder only, never onto a page.
        let link_emailed = grant.active && staff::password_hash(tx.conn, &before.id)?.is_none();
        if link_emailed {
            let user = staff::get(tx.conn, &before.id)?;
            email_set_password_link(tx, &user)?;
        }
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::StaffGrantConfirmed,
                serde_json::json!({
                    "grant": grant.id,
                    "staff_id": before.id,
                    "requested_by": grant.requested_by,
                    "role": {"from": before.role, "to": grant.role},
                    "active": {"from": before.active, "to": grant.active},
                    "sessions_ended": sessions_ended,
                    "set_password_link_emailed": link_emailed,
                }),
            ),
            tx.now,
        );
        Ok(())
    })
}

/// Any admin cancels a grant that waits; the account stays as it is.
pub fn cancel(desk: &Desk, signed: &SignedIn, grant_id: &str) -> Result<(), WorkflowError> {
    require(signed.member.may_administer())?;
    desk.write(|tx| {
        let grant = grants::get(tx.conn, grant_id)?;
        grants::remove(tx.conn, &grant.id)?;
        tx.conn.append(
            NewEvent::general(
                &signed.actor(),
                AuditAction::StaffGrantCancelled,
                serde_json::json!({
                    "grant": grant.id,
                    "staff_id": grant.staff_id,
                    "role": grant.role,
                }),
            ),
            tx.now,
        );
        Ok(())
    })
}
