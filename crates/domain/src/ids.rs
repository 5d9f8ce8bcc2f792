//! The ids of the desk's records, one type each, so that a request's id
//! can never be passed where a task's is meant. Ids are made by the store
//! (UUIDs v7 as text); one read back from the database is trusted as it
//! is, one that comes from outside (a URL, a form) is parsed first.

use std::fmt;

/// Text that cannot be an id: ids are 1 to 64 ASCII letters, digits,
/// dashes or underscores.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?} is not an id")]
pub struct InvalidId {
    pub what: &'static str,
    pub value: String,
}

/// The longest id accepted from outside.
pub const MAX_ID_LEN: usize = 64;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        /// Read from outside (a URL path, a form, JSON): parsed.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            /// An id from outside the desk (a URL, a form field).
            pub fn parse(raw: &str) -> Result<Self, InvalidId> {
                let well_formed = !raw.is_empty()
                    && raw.len() <= MAX_ID_LEN
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if well_formed {
                    Ok(Self(raw.to_owned()))
                } else {
                    Err(InvalidId {
                        what: $what,
                        value: raw.chars().take(MAX_ID_LEN + 1).collect(),
                    })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        /// An id as the store made or read it.
        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

id_type!(
    /// A request.
    RequestId, "request"
);
id_type!(
    /// A task of a request (the work one data system's owner does).
    TaskId, "task"
);
id_type!(
    /// A staff account.
    StaffId, "staff member"
);
id_type!(
    /// A hold on a subject's data.
    HoldId, "hold"
);
id_type!(
    /// A document: an identity or authority document, or a task's result.
    DocumentId, "document"
);
id_type!(
    /// A department.
    DepartmentId, "department"
);
id_type!(
    /// A data system.
    SystemId, "data system"
);
id_type!(
    /// A data category.
    CategoryId, "data category"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_outside_are_parsed() {
        let table: &[(&str, bool)] = &[
            ("0194f3c2-7a4b-7cde-8f00-123456789abc", true),
            ("demo_request_1", true),
            ("", false),
            ("a b", false),
            ("../etc/passwd", false),
            ("x'; DROP TABLE requests; --", false),
            (&"a".repeat(MAX_ID_LEN), true),
            (&"a".repeat(MAX_ID_LEN + 1), false),
            ("요청", false),
        ];
        for (raw, ok) in table {
            assert_eq!(TaskId::parse(raw).is_ok(), *ok, "{raw:?}");
        }
        assert_eq!(
            RequestId::parse("a b").map_err(|e| e.to_string()),
            Err("request \"a b\" is not an id".to_owned())
        );
    }

    #[test]
    fn an_id_reads_back_as_its_text() {
        let id = StaffId::from("s1".to_owned());
        assert_eq!(id.as_str(), "s1");
        assert_eq!(id.to_string(), "s1");
        assert!(id == *"s1");
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("\"s1\""));
        assert!(serde_json::from_str::<StaffId>("\"a b\"").is_err());
        assert_eq!(serde_json::from_str::<StaffId>("\"s1\"").ok(), Some(id));
    }
}
