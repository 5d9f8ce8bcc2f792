//! Jurisdiction profiles: which law's clock and conventions apply.

use chrono_tz::Tz;

use super::request::wire_enum;

wire_enum! {
    /// The active legal profile of a deployment.
    Jurisdiction, "jurisdiction" {
        /// Korea's Personal Information Protection Act.
        KrPipa => "kr-pipa",
        /// The EU General Data Protection Regulation.
        Gdpr => "gdpr",
        /// California's CCPA as amended by the CPRA.
        Ccpa => "ccpa",
    }
}

/// How long the law gives a company to answer a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponsePeriod {
    /// Calendar days from receipt (the day of receipt not counted).
    CalendarDays(u32),
    /// Months from receipt.
    Months(u32),
}

impl Jurisdiction {
    /// The standard response period for access, correction, deletion and
    /// suspension requests: PIPA Decree 41(4), 43(3), 44(2); GDPR Art. 12(3);
    /// CCPA regulations §7021. Extensions and holidays are the deadline
    /// calculator's business.
    pub fn response_period(self) -> ResponsePeriod {
        match self {
            Jurisdiction::KrPipa => ResponsePeriod::CalendarDays(10),
            Jurisdiction::Gdpr => ResponsePeriod::Months(1),
            Jurisdiction::Ccpa => ResponsePeriod::CalendarDays(45),
        }
    }

    /// Where deadline days are counted unless configured otherwise.
    pub fn default_timezone(self) -> Tz {
        match self {
            Jurisdiction::KrPipa => chrono_tz::Asia::Seoul,
            Jurisdiction::Gdpr => chrono_tz::Europe::Brussels,
            Jurisdiction::Ccpa => chrono_tz::America::Los_Angeles,
        }
    }

    /// The region national phone numbers are read in (ISO 3166).
    pub fn phone_region(self) -> Option<&'static str> {
        match self {
            Jurisdiction::KrPipa => Some("KR"),
            Jurisdiction::Gdpr => None,
            Jurisdiction::Ccpa => Some("US"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles() {
        let table = [
            (
                "kr-pipa",
                "Asia/Seoul",
                Some("KR"),
                ResponsePeriod::CalendarDays(10),
            ),
            ("gdpr", "Europe/Brussels", None, ResponsePeriod::Months(1)),
            (
                "ccpa",
                "America/Los_Angeles",
                Some("US"),
                ResponsePeriod::CalendarDays(45),
            ),
        ];
        for (name, tz, region, period) in table {
            let j: Jurisdiction = name.parse().unwrap();
            assert_eq!(j.default_timezone().name(), tz);
            assert_eq!(j.phone_region(), region);
            assert_eq!(j.response_period(), period);
        }
    }
}
