//! One-time verification codes: six digits, stored only as a keyed hash.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

/// Wrong entries allowed before a code is locked.
pub const MAX_ATTEMPTS: i32 = 5;

/// A fresh six-digit code.
pub fn generate() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

/// The stored form of `code` for `request_id`: a code is useless for any
/// other request, and the store never holds it in clear.
pub fn hash(key: &[u8], request_id: &str, code: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(request_id.as_bytes());
    mac.update(b":");
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `entered` (spaces and dashes ignored) is the code behind `stored`.
pub fn matches(key: &[u8], request_id: &str, entered: &str, stored: &str) -> bool {
    let digits: String = entered
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(request_id.as_bytes());
    mac.update(b":");
    mac.update(digits.as_bytes());
    hex::decode(stored).is_ok_and(|s| mac.verify_slice(&s).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_only_their_request() {
        let code = generate();
        assert_eq!(code.len(), 6);
        let stored = hash(b"k", "r1", &code);
        assert!(matches(b"k", "r1", &code, &stored));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matches(b"k", "r1", &spaced, &stored));
        assert!(!matches(b"k", "r2", &code, &stored));
        assert!(!matches(b"other", "r1", &code, &stored));
        assert!(!matches(b"k", "r1", "12345", &stored));
        assert!(!matches(b"k", "r1", "abcdef", &stored));
    }
}
