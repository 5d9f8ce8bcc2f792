//! Human references: `DSR-2026-000123`, numbered per year.

use std::fmt;
use std::str::FromStr;

/// A request's human reference. Numbers restart every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    year: i32,
    number: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a reference looks like DSR-2026-000123")]
pub struct ReferenceError;

/// Largest number a year can hold in six digits.
pub const MAX_PER_YEAR: i64 = 999_999;

impl Reference {
    pub fn new(year: i32, number: i64) -> Result<Self, ReferenceError> {
        if !(1000..=9999).contains(&year) || !(1..=MAX_PER_YEAR).contains(&number) {
            return Err(ReferenceError);
        }
        Ok(Self { year, number })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> i64 {
        self.number
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DSR-{}-{:06}", self.year, self.number)
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;

    /// Accepts what people type: any case, surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_uppercase();
        let rest = s.strip_prefix("DSR-").ok_or(ReferenceError)?;
        let (year, number) = rest.split_once('-').ok_or(ReferenceError)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(number, 6) {
            return Err(ReferenceError);
        }
        let year = year.parse().map_err(|_| ReferenceError)?;
        let number = number.parse().map_err(|_| ReferenceError)?;
        Self::new(year, number)
    }
}

/// Read from text as people type it (a URL path, a form, JSON): what does
/// not parse is refused where it is read.
impl<'de> serde::Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_six_digits() {
        assert_eq!(Reference::new(2026, 123).unwrap().to_string(), "DSR-2026-000123");
        assert_eq!(
            Reference::new(2026, 999_999).unwrap().to_string(),
            "DSR-2026-999999"
        );
        assert!(Reference::new(2026, 1_000_000).is_err());
        assert!(Reference::new(2026, 0).is_err());
    }

    #[test]
    fn parses_what_people_type() {
        let table = [
            ("DSR-2026-000123", Some((2026, 123))),
            (" dsr-2026-000123 ", Some((2026, 123))),
            ("DSR-2026-123", None),
            ("DSR-26-000123", None),
            ("DSR-2026-00012a", None),
            ("2026-000123", None),
            ("DSR-2026-000000", None),
        ];
        for (raw, expected) in table {
            let parsed = raw.parse::<Reference>().ok().map(|r| (r.year(), r.number()));
            assert_eq!(parsed, expected, "{raw:?}");
        }
    }
}
