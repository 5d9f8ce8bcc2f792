//! The company's data map as the public form offers it.

use super::{Desk, WorkflowError};
use store::catalog;

/// The catalogue as the pages show it.
pub use store::catalog::{DataCategory, DataSystem, Department};

/// The data systems and the categories they hold, for choosing on the form.
pub fn public_catalog(desk: &Desk) -> Result<(Vec<DataSystem>, Vec<DataCategory>), WorkflowError> {
    desk.read(|conn, _| Ok((catalog::list_systems(conn)?, catalog::list_categories(conn)?)))
}
