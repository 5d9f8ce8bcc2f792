//! What every signed-in staff page shows around its content: who is signed
//! in, the navigation their role may use, and the sign-out form.

use crate::error::AppError;
use crate::page::Page;
use app::signin::SignedIn;

pub struct StaffChrome {
    pub name: String,
    /// The message key of the role's name.
    pub role_key: String,
    pub may_queue: bool,
    pub may_log_offline: bool,
    pub may_admin: bool,
    /// Sees the registers of the privacy department.
    pub may_registers: bool,
    pub csrf_token: String,
}

impl StaffChrome {
    pub fn new(page: &Page, signed: &SignedIn) -> Result<Self, AppError> {
        let member = &signed.member;
        Ok(Self {
            name: signed.user.name.clone(),
            role_key: format!("staff.role.{}", signed.user.role),
            may_queue: member.may_use_queue(),
            may_log_offline: member.may_log_offline(),
            may_admin: member.may_administer(),
            may_registers: member.sees_all_requests(),
            csrf_token: page.csrf.token()?,
        })
    }
}
