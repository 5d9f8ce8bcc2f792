//! Holds: the freeze on a data subject's data while a dispute is open. What
//! a hold covers and why it was placed.

use std::fmt;

use super::request::wire_enum;

wire_enum! {
    /// Why data is frozen.
    HoldReason, "hold reason" {
        /// A correction request is pending: the data may be wrong.
        CorrectionPending => "correction_pending",
        /// A deletion request is pending.
        DeletionPending => "deletion_pending",
        /// The subject asked for processing to stop (PIPA Art. 37).
        ProcessingSuspended => "processing_suspended",
        /// The subject objects to processing or to a decision.
        Objection => "objection",
        /// The privacy officer froze the data for a legal claim.
        LegalHold => "legal_hold",
    }
}

/// What a hold covers: all of the subject's data, or named data categories
/// and systems (by code). Stored one row per category or system, so "is
/// this category frozen?" is an indexed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldScope {
    All,
    Only {
        /// Data category codes, sorted.
        categories: Vec<String>,
        /// Data system codes, sorted.
        systems: Vec<String>,
    },
}

impl HoldScope {
    /// The scope of a request about `category_codes`: none named means all.
    pub fn of_categories(category_codes: &[String]) -> Self {
        Self::of(category_codes.to_vec(), Vec::new())
    }

    /// A scope of categories and systems; both empty means all.
    pub fn of(mut categories: Vec<String>, mut systems: Vec<String>) -> Self {
        if categories.is_empty() && systems.is_empty() {
            return Self::All;
        }
        categories.sort();
        categories.dedup();
        systems.sort();
        systems.dedup();
        Self::Only { categories, systems }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }
}

/// `all`, or the category codes then `system:`-prefixed system codes,
/// comma-separated (the form the audit trail shows).
impl fmt::Display for HoldScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Only { categories, systems } => {
                let parts: Vec<String> = categories
                    .iter()
                    .cloned()
                    .chain(systems.iter().map(|s| format!("system:{s}")))
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_normalised_and_printed() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let table = [
            (HoldScope::of_categories(&[]), "all", true),
            (
                HoldScope::of_categories(&s(&["member_name", "member_email", "member_name"])),
                "member_email,member_name",
                false,
            ),
            (
                HoldScope::of(s(&["inquiry_phone"]), s(&["CRM"])),
                "inquiry_phone,system:CRM",
                false,
            ),
        ];
        for (scope, shown, all) in table {
            assert_eq!(scope.to_string(), shown);
            assert_eq!(scope.is_all(), all);
        }
    }
}
