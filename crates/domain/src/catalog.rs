//! The company's map of its data: departments, and what each does.

use crate::wire::wire_enum;

wire_enum! {
    /// What a department does for the desk.
    DepartmentFunction, "department function" {
        /// Works the ticket queue and owns decisions (IRM in the reference deployment).
        Privacy => "privacy",
        /// Receives and logs requests (CloudPlex in the reference deployment).
        Reception => "reception",
        /// Owns systems where personal data lives.
        Owner => "owner",
    }
}
