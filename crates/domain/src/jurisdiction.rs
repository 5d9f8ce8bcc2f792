//! Jurisdiction profiles: which law's clock and conventions apply.

use chrono_tz::Tz;

use crate::wire::wire_enum;

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

impl Jurisdiction {
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

    use crate::profile::{Period, Profile};
    use crate::request::RequestKind;

    #[test]
    fn profiles() {
        let table = [
            ("kr-pipa", "Asia/Seoul", Some("KR"), Period::calendar_days(10)),
            ("gdpr", "Europe/Brussels", None, Period::months(1)),
            (
                "ccpa",
                "America/Los_Angeles",
                Some("US"),
                Period::calendar_days(45),
            ),
        ];
        for (name, tz, region, period) in table {
            let j: Jurisdiction = name.parse().unwrap();
            assert_eq!(j.default_timezone().name(), tz);
            assert_eq!(j.phone_region(), region);
            assert_eq!(Profile::of(j).rule(RequestKind::Access).period, period);
        }
    }
}
