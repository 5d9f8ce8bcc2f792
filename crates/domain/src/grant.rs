//! Changes to staff accounts that hand out or take away power. Nobody
//! changes their own role or switches their own account off; the last
//! active admin stays an active admin; and from the admin pages, making
//! someone privacy officer or admin (or switching such an account on)
//! waits until a second admin confirms it. The server's command line,
//! which only the operator reaches, needs no second admin.

use crate::staff::StaffRole;

/// An account's role and whether it may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub role: StaffRole,
    pub active: bool,
}

impl Standing {
    pub const fn new(role: StaffRole, active: bool) -> Self {
        Self { role, active }
    }

    /// An active admin.
    pub fn is_active_admin(self) -> bool {
        self.active && self.role == StaffRole::Admin
    }
}

/// Where a change to an account comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// An admin on the admin pages; `own` when the account is theirs.
    AdminPage { own: bool },
    /// The operator on the server's command line.
    CommandLine,
}

/// What becomes of a change that may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It takes effect now.
    Apply,
    /// It waits for a second admin's confirmation.
    AwaitSecondAdmin,
}

/// Why a change to an account may not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefused {
    #[error("nobody may change their own role or switch their own account off")]
    OwnAccount,
    #[error("the last active admin cannot be switched off or given another role")]
    LastAdmin,
}

/// Whether the change from `before` (none: a new account) to `after`
/// gives a privileged role to someone who did not hold it actively.
pub fn grants_privilege(before: Option<Standing>, after: Standing) -> bool {
    after.active && after.role.is_privileged() && before.is_none_or(|b| !(b.active && b.role == after.role))
}

/// Judges a change of an account from `before` (none: a new account) to
/// `after`, coming through `door`; `other_active_admins` counts the active
/// admins besides this account, and `resets_second_factor` says whether
/// the change removes the account's second factor.
pub fn judge(
    door: Door,
    before: Option<Standing>,
    after: Standing,
    resets_second_factor: bool,
    other_active_admins: usize,
) -> Result<Verdict, ChangeRefused> {
    if door == (Door::AdminPage { own: true }) && (before != Some(after) || resets_second_factor) {
        return Err(ChangeRefused::OwnAccount);
    }
    if before.is_some_and(Standing::is_active_admin) && !after.is_active_admin() && other_active_admins == 0 {
        return Err(ChangeRefused::LastAdmin);
    }
    if matches!(door, Door::AdminPage { .. }) && grants_privilege(before, after) {
        return Ok(Verdict::AwaitSecondAdmin);
    }
    Ok(Verdict::Apply)
}

/// Whether the admin `confirmer` may confirm a grant that `requested_by`
/// asked for on the account `account`: a second admin, and not the
/// account's holder.
pub fn may_confirm(confirmer: &str, requested_by: &str, account: &str) -> bool {
    confirmer != requested_by && confirmer != account
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffRole::*;

    const PAGE: Door = Door::AdminPage { own: false };
    const OWN: Door = Door::AdminPage { own: true };
    const CLI: Door = Door::CommandLine;

    fn s(role: StaffRole, active: bool) -> Standing {
        Standing::new(role, active)
    }

    #[test]
    fn which_changes_apply_wait_or_are_refused() {
        use ChangeRefused::*;
        use Verdict::*;
        // (door, before, after, resets factor, other active admins, verdict)
        let table = [
            // Raising someone: a second admin confirms it on the pages.
            (
                PAGE,
                Some(s(Handler, true)),
                s(PrivacyOfficer, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (
                PAGE,
                Some(s(Handler, true)),
                s(Admin, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (
                PAGE,
                Some(s(PrivacyOfficer, true)),
                s(Admin, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (
                PAGE,
                Some(s(Admin, true)),
                s(PrivacyOfficer, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (
                PAGE,
                Some(s(PrivacyOfficer, false)),
                s(PrivacyOfficer, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (
                PAGE,
                None,
                s(PrivacyOfficer, true),
                false,
                1,
                Ok(AwaitSecondAdmin),
            ),
            (PAGE, None, s(Admin, true), false, 1, Ok(AwaitSecondAdmin)),
            // The operator on the server needs nobody.
            (
                CLI,
                Some(s(Handler, true)),
                s(PrivacyOfficer, true),
                false,
                1,
                Ok(Apply),
            ),
            (CLI, None, s(Admin, true), false, 0, Ok(Apply)),
            // Lowering or keeping is done at once.
            (PAGE, None, s(Handler, true), false, 1, Ok(Apply)),
            (
                PAGE,
                Some(s(PrivacyOfficer, true)),
                s(Handler, true),
                false,
                1,
                Ok(Apply),
            ),
            (
                PAGE,
                Some(s(PrivacyOfficer, true)),
                s(PrivacyOfficer, false),
                false,
                1,
                Ok(Apply),
            ),
            (
                PAGE,
                Some(s(PrivacyOfficer, true)),
                s(PrivacyOfficer, true),
                true,
                1,
                Ok(Apply),
            ),
            (
                PAGE,
                Some(s(Handler, true)),
                s(DepartmentLead, true),
                false,
                1,
                Ok(Apply),
            ),
            (
                PAGE,
                Some(s(PrivacyOfficer, false)),
                s(PrivacyOfficer, false),
                false,
                1,
                Ok(Apply),
            ),
            (PAGE, Some(s(Admin, true)), s(Admin, false), false, 1, Ok(Apply)),
            // One's own role, active flag or second factor: never.
            (
                OWN,
                Some(s(Admin, true)),
                s(PrivacyOfficer, true),
                false,
                1,
                Err(OwnAccount),
            ),
            (
                OWN,
                Some(s(Admin, true)),
                s(Admin, false),
                false,
                1,
                Err(OwnAccount),
            ),
            (
                OWN,
                Some(s(Admin, true)),
                s(Handler, true),
                false,
                1,
                Err(OwnAccount),
            ),
            (
                OWN,
                Some(s(Admin, true)),
                s(Admin, true),
                true,
                1,
                Err(OwnAccount),
            ),
            (OWN, Some(s(Admin, true)), s(Admin, true), false, 0, Ok(Apply)),
            // The last active admin stays one, whoever asks.
            (
                CLI,
                Some(s(Admin, true)),
                s(Admin, false),
                false,
                0,
                Err(LastAdmin),
            ),
            (
                CLI,
                Some(s(Admin, true)),
                s(Handler, true),
                false,
                0,
                Err(LastAdmin),
            ),
            (
                PAGE,
                Some(s(Admin, true)),
                s(PrivacyOfficer, true),
                false,
                0,
                Err(LastAdmin),
            ),
            (CLI, Some(s(Admin, false)), s(Handler, false), false, 0, Ok(Apply)),
        ];
        for (door, before, after, reset, others, expected) in table {
            assert_eq!(
                judge(door, before, after, reset, others),
                expected,
                "{door:?} {before:?} → {after:?} reset={reset} others={others}"
            );
        }
    }

    #[test]
    fn a_grant_is_confirmed_by_a_second_admin_who_does_not_hold_the_account() {
        let table = [
            ("admin-2", "admin-1", "handler-1", true),
            ("admin-1", "admin-1", "handler-1", false),
            ("admin-2", "admin-1", "admin-2", false),
        ];
        for (confirmer, requested_by, account, expected) in table {
            assert_eq!(
                may_confirm(confirmer, requested_by, account),
                expected,
                "{confirmer}"
            );
        }
    }
}
