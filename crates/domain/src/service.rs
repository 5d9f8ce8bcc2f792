//! Service tokens: what another system may do with the desk's API, and the
//! rules for issuing a token.

use crate::wire::wire_enum;

wire_enum! {
    /// One permission a service token carries.
    ServiceScope, "scope" {
        /// Ask whether a person's data is frozen.
        HoldsRead => "holds:read",
        /// Read requests (no personal data beyond the scope's need).
        RequestsRead => "requests:read",
        /// Log requests received on another channel.
        RequestsWrite => "requests:write",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceTokenError {
    #[error("name the system in 1 to 100 characters (letters, digits, spaces, . _ -)")]
    SystemName,
    #[error("{0:?} is not a scope (holds:read, requests:read, requests:write)")]
    UnknownScope(String),
    #[error("give at least one scope (holds:read, requests:read, requests:write)")]
    NoScope,
    #[error("a token expires after 1 to {MAX_EXPIRY_DAYS} days")]
    Expiry,
}

/// The longest a token may be issued for.
pub const MAX_EXPIRY_DAYS: i64 = 3650;

/// The scopes of a comma-separated list (`holds:read,requests:read`),
/// sorted and without repeats; at least one.
pub fn parse_scopes(raw: &str) -> Result<Vec<ServiceScope>, ServiceTokenError> {
    let mut scopes = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ServiceScope>()
                .map_err(|_| ServiceTokenError::UnknownScope(s.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ServiceTokenError::NoScope);
    }
    Ok(scopes)
}

/// Scopes as stored and shown: comma-separated wire names.
pub fn scopes_text(scopes: &[ServiceScope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// The name of the system a token is for, trimmed.
pub fn system_name(raw: &str) -> Result<String, ServiceTokenError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'));
    ok.then(|| name.to_owned()).ok_or(ServiceTokenError::SystemName)
}

/// The lifetime of a token, in days, when it has one.
pub fn expiry_days(days: Option<i64>) -> Result<Option<i64>, ServiceTokenError> {
    match days {
        Some(d) if !(1..=MAX_EXPIRY_DAYS).contains(&d) => Err(ServiceTokenError::Expiry),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceScope::*;

    #[test]
    fn scope_lists_parse_sorted_and_once() {
        let table: [(&str, Result<Vec<ServiceScope>, ServiceTokenError>); 6] = [
            ("holds:read", Ok(vec![HoldsRead])),
            (
                "requests:write, holds:read,holds:read",
                Ok(vec![HoldsRead, RequestsWrite]),
            ),
            (
                "requests:read,requests:write",
                Ok(vec![RequestsRead, RequestsWrite]),
            ),
            ("", Err(ServiceTokenError::NoScope)),
            (" , ", Err(ServiceTokenError::NoScope)),
            (
                "holds:write",
                Err(ServiceTokenError::UnknownScope("holds:write".into())),
            ),
        ];
        for (raw, expected) in table {
            assert_eq!(parse_scopes(raw), expected, "{raw:?}");
        }
        assert_eq!(
            scopes_text(&[HoldsRead, RequestsRead]),
            "holds:read,requests:read"
        );
    }

    #[test]
    fn system_names_and_expiries_are_checked() {
        assert_eq!(system_name("  CRM-prod "), Ok("CRM-prod".into()));
        assert_eq!(system_name("콜센터 1"), Ok("콜센터 1".into()));
        assert_eq!(system_name(""), Err(ServiceTokenError::SystemName));
        assert_eq!(system_name("a/b"), Err(ServiceTokenError::SystemName));
        assert_eq!(system_name(&"x".repeat(101)), Err(ServiceTokenError::SystemName));
        assert_eq!(expiry_days(None), Ok(None));
        assert_eq!(expiry_days(Some(30)), Ok(Some(30)));
        assert_eq!(expiry_days(Some(0)), Err(ServiceTokenError::Expiry));
        assert_eq!(
            expiry_days(Some(MAX_EXPIRY_DAYS + 1)),
            Err(ServiceTokenError::Expiry)
        );
    }
}
