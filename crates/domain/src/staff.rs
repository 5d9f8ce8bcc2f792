//! Staff roles and what each may see.

use crate::wire::wire_enum;

wire_enum! {
    /// A staff member's role.
    StaffRole, "role" {
        /// Works the tasks of their own department.
        Handler => "handler",
        /// Leads a department: assigns and reviews its tasks.
        DepartmentLead => "department_lead",
        /// The privacy officer: approvals, refusals, all requests.
        PrivacyOfficer => "privacy_officer",
        /// Configures the desk; takes no decisions on requests.
        Admin => "admin",
    }
}

impl StaffRole {
    /// Handlers and department leads belong to a department; the others may not.
    pub const fn needs_department(self) -> bool {
        matches!(self, Self::Handler | Self::DepartmentLead)
    }

    /// The roles that see every request (the privacy officer) or decide
    /// who may do what (the admin): giving one takes a second admin.
    pub const fn is_privileged(self) -> bool {
        matches!(self, Self::PrivacyOfficer | Self::Admin)
    }
}

/// Normalises a department code: codes are matched case-insensitively, so
/// they are stored upper-case.
pub fn department_code(raw: &str) -> Option<String> {
    let code = raw.trim();
    let valid = !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then(|| code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_codes_are_case_insensitive_and_checked() {
        let table = [
            ("IRM", Some("IRM")),
            (" cloudplex ", Some("CLOUDPLEX")),
            ("Cloud-Plex_2", Some("CLOUD-PLEX_2")),
            ("", None),
            ("IR M", None),
            ("개인정보", None),
        ];
        for (raw, expected) in table {
            assert_eq!(department_code(raw).as_deref(), expected, "{raw:?}");
        }
    }

    #[test]
    fn only_the_privacy_officer_and_the_admin_are_privileged() {
        let table = [
            (StaffRole::Handler, false),
            (StaffRole::DepartmentLead, false),
            (StaffRole::PrivacyOfficer, true),
            (StaffRole::Admin, true),
        ];
        for (role, privileged) in table {
            assert_eq!(role.is_privileged(), privileged, "{role}");
        }
    }

    #[test]
    fn only_department_roles_need_a_department() {
        assert!(StaffRole::Handler.needs_department());
        assert!(StaffRole::DepartmentLead.needs_department());
        assert!(!StaffRole::PrivacyOfficer.needs_department());
        assert!(!StaffRole::Admin.needs_department());
    }
}
