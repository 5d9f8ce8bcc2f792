//! One-time verification codes: six digits, stored only as a keyed hash.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

/// Wrong entries allowed before a code is locked.
pub const MAX_ATTEMPTS: i32 = 5;
/// Shortest wait between two codes for one request.
pub const RESEND_INTERVAL_SECS: i64 = 60;
/// Most codes one request may be sent.
pub const MAX_CODES: i32 = 5;

/// Whether another code may be sent now, given how many were sent, when the
/// last one was, and whether it is locked by wrong tries (a locked code may
/// be replaced at once). `Err` carries the seconds to wait, or `None` if no
/// more codes may be sent at all.
pub fn may_resend(codes_sent: i32, seconds_since_last: Option<i64>, locked: bool) -> Result<(), Option<i64>> {
    if codes_sent >= MAX_CODES {
        return Err(None);
    }
    match seconds_since_last {
        Some(elapsed) if elapsed < RESEND_INTERVAL_SECS && !locked => {
            Err(Some(RESEND_INTERVAL_SECS - elapsed))
        }
        _ => Ok(()),
    }
}

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

/// A code as a person typed it, spaces and dashes removed. Anything that
/// is not six digits can match no code, and counts as a wrong try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredCode(String);

impl EnteredCode {
    pub fn parse(raw: &str) -> Self {
        Self(raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect())
    }

    fn is_well_formed(&self) -> bool {
        self.0.len() == 6 && self.0.bytes().all(|b| b.is_ascii_digit())
    }
}

/// Whether `entered` is the code behind `stored`, compared in constant time.
pub fn matches(key: &[u8], request_id: &str, entered: &EnteredCode, stored: &str) -> bool {
    if !entered.is_well_formed() {
        return false;
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(request_id.as_bytes());
    mac.update(b":");
    mac.update(entered.0.as_bytes());
    hex::decode(stored).is_ok_and(|s| mac.verify_slice(&s).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resends_are_rate_limited() {
        let table = [
            (1, Some(61), false, Ok(())),
            (1, Some(60), false, Ok(())),
            (1, Some(10), false, Err(Some(50))),
            (1, Some(10), true, Ok(())),
            (1, None, false, Ok(())),
            (MAX_CODES, Some(3600), false, Err(None)),
            (MAX_CODES, Some(3600), true, Err(None)),
        ];
        for (sent, since, locked, expected) in table {
            assert_eq!(
                may_resend(sent, since, locked),
                expected,
                "{sent} {since:?} {locked}"
            );
        }
    }

    #[test]
    fn codes_match_only_their_request() {
        let code = generate();
        assert_eq!(code.len(), 6);
        let stored = hash(b"k", "r1", &code);
        let entered = |raw: &str| EnteredCode::parse(raw);
        assert!(matches(b"k", "r1", &entered(&code), &stored));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matches(b"k", "r1", &entered(&spaced), &stored));
        assert!(!matches(b"k", "r2", &entered(&code), &stored));
        assert!(!matches(b"other", "r1", &entered(&code), &stored));
        assert!(!matches(b"k", "r1", &entered("12345"), &stored));
        assert!(!matches(b"k", "r1", &entered("abcdef"), &stored));
    }
}
