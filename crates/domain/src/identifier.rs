//! Identifiers of a data subject, normalised so that the same person is
//! always found under the same key, and the keyed hash that indexes them.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::wire::wire_enum;

/// Longest email address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A bare email address (`name@example.com`), trimmed and lower-cased.
///
/// Lower-casing the local part is a deliberate choice: a privacy desk must
/// find `Alice@Example.com` and `alice@example.com` as the same person.
/// Only the plain form is accepted: no display name (`Kim <kim@…>`), no
/// quoted local part, no comments — forms that would be stored as typed,
/// escape the identifier index, or be refused by the mail transport.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the email address is empty")]
    Empty,
    #[error("the email address is longer than {MAX_EMAIL_LEN} characters")]
    TooLong,
    #[error("this is not a valid email address")]
    Invalid,
}

impl EmailError {
    /// The message key that tells the person what to fix.
    pub const fn message_key(&self) -> &'static str {
        match self {
            EmailError::Empty => "form.errors.required",
            EmailError::TooLong => "form.errors.too_long",
            EmailError::Invalid => "form.errors.email_invalid",
        }
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        if !is_bare_address(&email) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `local@domain` with a dot-atom local part (RFC 5322 atext, no quoting)
/// and a host name of at least two labels: addresses at bare hosts are
/// never a requester's real mailbox and are usually typos.
fn is_bare_address(address: &str) -> bool {
    const ATEXT_SYMBOLS: &str = "!#$%&'*+-/=?^_`{|}~";
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ATEXT_SYMBOLS.contains(c))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number in E.164 form (`+821012345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    #[error("this is not a valid phone number")]
    Invalid,
}

impl Phone {
    /// Parses a number written nationally (in `default_region`, an ISO
    /// 3166 code such as "KR") or internationally (`+82 10-1234-5678`).
    pub fn parse(raw: &str, default_region: Option<&str>) -> Result<Self, PhoneError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        if raw.len() > 40 {
            return Err(PhoneError::Invalid);
        }
        let region = default_region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
        let number = phonenumber::parse(region, raw).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        Ok(Self(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

wire_enum! {
    /// The kinds of identifier a subject is known by.
    IdentifierScheme, "identifier scheme" {
        Email => "email",
        Phone => "phone",
        /// An opaque subject id of another system's own.
        Subject => "subject",
    }
}

/// An identifier another system may ask about: `email:…`, `phone:…` or
/// `subject:…` (an opaque subject id of the caller's own).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identifier {
    Email(Email),
    Phone(Phone),
    Subject(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("an identifier has the form email:…, phone:… or subject:…")]
    UnknownScheme,
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error("a subject id is 1 to 128 printable characters")]
    Subject,
}

impl Identifier {
    pub fn parse(raw: &str, default_region: Option<&str>) -> Result<Self, IdentifierError> {
        let (scheme, value) = raw.split_once(':').ok_or(IdentifierError::UnknownScheme)?;
        match scheme.trim().to_ascii_lowercase().as_str() {
            "email" => Ok(Self::Email(Email::parse(value)?)),
            "phone" => Ok(Self::Phone(Phone::parse(value, default_region)?)),
            "subject" => {
                let id = value.trim();
                let ok = !id.is_empty() && id.chars().count() <= 128 && !id.chars().any(char::is_control);
                ok.then(|| Self::Subject(id.to_owned()))
                    .ok_or(IdentifierError::Subject)
            }
            _ => Err(IdentifierError::UnknownScheme),
        }
    }

    /// The canonical text form, the input of the keyed hash.
    pub fn canonical(&self) -> String {
        match self {
            Identifier::Email(e) => format!("email:{e}"),
            Identifier::Phone(p) => format!("phone:{p}"),
            Identifier::Subject(s) => format!("subject:{s}"),
        }
    }

    pub fn scheme(&self) -> IdentifierScheme {
        match self {
            Identifier::Email(_) => IdentifierScheme::Email,
            Identifier::Phone(_) => IdentifierScheme::Phone,
            Identifier::Subject(_) => IdentifierScheme::Subject,
        }
    }

    /// The keyed hash (HMAC-SHA256, lower-case hex) under which this
    /// identifier is indexed: lookups are exact matches on it, never scans,
    /// and the index reveals nothing without the key.
    pub fn key(&self, hmac_key: &[u8]) -> IdentifierKey {
        IdentifierKey(keyed_hash(hmac_key, &self.canonical()))
    }
}

/// HMAC-SHA256 of `text` under `hmac_key`, lower-case hex: how the desk
/// keeps a value it must match but never read back.
pub fn keyed_hash(hmac_key: &[u8], text: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(hmac_key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The keyed hash of a normalised identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentifierKey(String);

impl IdentifierKey {
    /// A key as the database keeps it (made by [`Identifier::key`] when it
    /// was stored).
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An address shown to staff who have not asked to reveal it: the first
/// two characters of the local part (one, if it is that short), then `***`,
/// then the domain (`ki***@example.com`).
pub fn mask_email(address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    let keep = if local.chars().count() > 2 { 2 } else { 1 };
    let shown: String = local.chars().take(keep).collect();
    if domain.is_empty() {
        format!("{shown}***")
    } else {
        format!("{shown}***@{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let table = [
            ("alice@example.com", Ok("alice@example.com")),
            ("  Alice@Example.COM ", Ok("alice@example.com")),
            ("kim.minji+dsr@mail.co.kr", Ok("kim.minji+dsr@mail.co.kr")),
            ("", Err(EmailError::Empty)),
            ("   ", Err(EmailError::Empty)),
            ("alice", Err(EmailError::Invalid)),
            ("alice@localhost", Err(EmailError::Invalid)),
            ("alice@@example.com", Err(EmailError::Invalid)),
            ("alice@example.", Err(EmailError::Invalid)),
            ("a b@example.com", Err(EmailError::Invalid)),
            ("Kim <kim@example.com>", Err(EmailError::Invalid)),
            ("<kim@example.com>", Err(EmailError::Invalid)),
            ("\"kim minji\"@example.com", Err(EmailError::Invalid)),
            ("kim(comment)@example.com", Err(EmailError::Invalid)),
            ("kim@example.com, other@example.com", Err(EmailError::Invalid)),
            ("kim..minji@example.com", Err(EmailError::Invalid)),
            (".kim@example.com", Err(EmailError::Invalid)),
            ("kim@-example.com", Err(EmailError::Invalid)),
            ("kim@192.168.0.1", Err(EmailError::Invalid)),
            ("kim@[192.168.0.1]", Err(EmailError::Invalid)),
            (
                "o'brien+dsr@mail.example.co.kr",
                Ok("o'brien+dsr@mail.example.co.kr"),
            ),
        ];
        for (raw, expected) in table {
            assert_eq!(
                Email::parse(raw).map(|e| e.as_str().to_owned()),
                expected.map(str::to_owned),
                "{raw:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn phones_become_e164() {
        let table = [
            ("010-1234-5678", Some("KR"), Ok("+821012345678")),
            ("+82 10 1234 5678", None, Ok("+821012345678")),
            ("02-123-4567", Some("KR"), Ok("+8221234567")),
            ("(415) 555-2671", Some("US"), Ok("+14155552671")),
            ("+1 415 555 2671", Some("KR"), Ok("+14155552671")),
            ("", Some("KR"), Err(PhoneError::Empty)),
            ("12", Some("KR"), Err(PhoneError::Invalid)),
            ("call me", Some("KR"), Err(PhoneError::Invalid)),
        ];
        for (raw, region, expected) in table {
            assert_eq!(
                Phone::parse(raw, region).map(|p| p.as_str().to_owned()),
                expected.map(str::to_owned),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn identifiers_parse_by_scheme() {
        let id = Identifier::parse("email: Alice@Example.com", None).unwrap();
        assert_eq!(id.canonical(), "email:alice@example.com");
        let id = Identifier::parse("PHONE:010-1234-5678", Some("KR")).unwrap();
        assert_eq!(id.canonical(), "phone:+821012345678");
        let id = Identifier::parse("subject:cust-42", None).unwrap();
        assert_eq!(id.canonical(), "subject:cust-42");
        assert_eq!(
            Identifier::parse("alice@example.com", None),
            Err(IdentifierError::UnknownScheme)
        );
        assert_eq!(
            Identifier::parse("ssn:123", None),
            Err(IdentifierError::UnknownScheme)
        );
        assert_eq!(Identifier::parse("subject:", None), Err(IdentifierError::Subject));
    }

    #[test]
    fn keys_are_equal_for_equal_identifiers_and_depend_on_the_secret() {
        let a = Identifier::parse("email:Alice@example.com", None).unwrap();
        let b = Identifier::parse("email:alice@EXAMPLE.com ", None).unwrap();
        let other = Identifier::parse("email:bob@example.com", None).unwrap();
        assert_eq!(a.key(b"k1"), b.key(b"k1"));
        assert_ne!(a.key(b"k1"), other.key(b"k1"));
        assert_ne!(a.key(b"k1"), a.key(b"k2"));
        assert_eq!(a.key(b"k1").as_str().len(), 64);
    }

    #[test]
    fn masked_addresses_keep_two_characters_and_the_domain() {
        let table = [
            ("kim.minji@example.com", "ki***@example.com"),
            ("ab@example.com", "a***@example.com"),
            ("a@example.com", "a***@example.com"),
            ("김민지@example.com", "김민***@example.com"),
            ("nodomain", "no***"),
        ];
        for (address, masked) in table {
            assert_eq!(mask_email(address), masked, "{address}");
        }
    }
}
