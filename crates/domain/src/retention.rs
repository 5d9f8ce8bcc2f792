//! How long a category of data is kept, and why.

use crate::wire::wire_enum;

wire_enum! {
    /// The kind of retention rule attached to a data category.
    RetentionBasis, "retention basis" {
        /// Kept while the person is a member; destroyed at withdrawal.
        UntilWithdrawal => "until_withdrawal",
        /// Kept until the purpose (an inquiry, say) is complete.
        UntilPurposeComplete => "until_purpose_complete",
        /// A law requires keeping it for a period: deletion separates it
        /// instead of destroying it (PIPA Art. 21(3)).
        Statutory => "statutory",
    }
}

/// A retention rule: the basis and, for statutory rules, the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    pub basis: RetentionBasis,
    pub months: Option<i32>,
    pub legal_basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("a statutory retention rule needs a period in months and the law that requires it")]
    StatutoryNeedsPeriodAndLaw,
    #[error("only statutory retention rules have a fixed period")]
    PeriodWithoutStatute,
}

impl RetentionRule {
    pub fn new(
        basis: RetentionBasis,
        months: Option<i32>,
        legal_basis: Option<String>,
    ) -> Result<Self, RetentionError> {
        let has_period = months.is_some_and(|m| m > 0);
        let has_law = legal_basis.as_deref().is_some_and(|l| !l.is_empty());
        match basis {
            RetentionBasis::Statutory if !has_period || !has_law => {
                Err(RetentionError::StatutoryNeedsPeriodAndLaw)
            }
            RetentionBasis::UntilWithdrawal | RetentionBasis::UntilPurposeComplete if months.is_some() => {
                Err(RetentionError::PeriodWithoutStatute)
            }
            _ => Ok(Self {
                basis,
                months,
                legal_basis,
            }),
        }
    }

    /// Whether deletion of this data must separate it rather than destroy it.
    pub fn blocks_destruction(&self) -> bool {
        self.basis == RetentionBasis::Statutory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked() {
        use RetentionBasis::*;
        let law = || Some("전자상거래법".to_owned());
        let table = [
            (UntilWithdrawal, None, None, Ok(false)),
            (UntilPurposeComplete, None, None, Ok(false)),
            (Statutory, Some(60), law(), Ok(true)),
            (
                Statutory,
                None,
                law(),
                Err(RetentionError::StatutoryNeedsPeriodAndLaw),
            ),
            (
                Statutory,
                Some(60),
                None,
                Err(RetentionError::StatutoryNeedsPeriodAndLaw),
            ),
            (
                Statutory,
                Some(0),
                law(),
                Err(RetentionError::StatutoryNeedsPeriodAndLaw),
            ),
            (
                UntilWithdrawal,
                Some(3),
                None,
                Err(RetentionError::PeriodWithoutStatute),
            ),
        ];
        for (basis, months, legal, expected) in table {
            let rule = RetentionRule::new(basis, months, legal);
            assert_eq!(rule.map(|r| r.blocks_destruction()), expected, "{basis}");
        }
    }
}
