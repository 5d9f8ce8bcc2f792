//! Staff passwords: argon2id hashes in PHC format.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password can have at most 256 characters")]
    TooLong,
    #[error("could not hash the password: {0}")]
    Hash(String),
}

/// A well-formed argon2id hash that no password matches: verified for
/// unknown accounts, so that they take as long as known ones.
pub const UNMATCHABLE: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Checks the policy and hashes with argon2id and a random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > 256 {
        return Err(PasswordError::TooLong);
    }
    let mut salt = [0_u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A random one-time password, readable aloud: 4 groups of 4 characters
/// from an alphabet without look-alikes.
pub fn one_time() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse battery!", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn the_unmatchable_hash_is_well_formed_and_matches_nothing() {
        assert!(PasswordHash::new(UNMATCHABLE).is_ok());
        assert!(!verify("", UNMATCHABLE));
        assert!(!verify("correct horse battery", UNMATCHABLE));
    }

    #[test]
    fn policy() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        assert_eq!(hash(&"x".repeat(257)), Err(PasswordError::TooLong));
    }

    #[test]
    fn one_time_passwords_are_long_enough_and_differ() {
        let a = one_time();
        assert_eq!(a.len(), 19);
        assert!(a.chars().count() >= MIN_PASSWORD_CHARS);
        assert_ne!(a, one_time());
    }
}
