//! The staff second factor: time-based one-time passwords (RFC 6238; SHA-1,
//! six digits, 30-second steps, one step of clock skew either way — what
//! every authenticator app speaks), each code accepted once.

use rand::RngCore;
use totp_rs::{Builder, Secret, Totp};

/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

#[derive(Debug, thiserror::Error)]
#[error("the second-factor secret is not usable: {0}")]
pub struct TotpError(String);

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0_u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

fn totp(secret: &[u8], account: &str) -> Result<Totp, TotpError> {
    Builder::new()
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(Some("Rightsdesk"))
        .with_account_name(account)
        .build()
        .map_err(|e| TotpError(e.to_string()))
}

/// The secret as people type it into an app (base32).
pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// Reads a base32 secret back.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let secret = Secret::try_from_base32(text).ok()?;
    let bytes = secret.as_ref().to_vec();
    (bytes.len() == SECRET_BYTES).then_some(bytes)
}

/// The `otpauth://` address an app reads the secret from.
pub fn otpauth_url(secret: &[u8], account: &str) -> Result<String, TotpError> {
    totp(secret, account)?
        .to_url()
        .map_err(|e| TotpError(e.to_string()))
}

/// The time step a code matches at `unix_seconds` (within one step of
/// skew), if it is later than `last_step` — a code is accepted once.
pub fn accept(
    secret: &[u8],
    code: &str,
    unix_seconds: u64,
    last_step: Option<u64>,
) -> Result<Option<u64>, TotpError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = totp(secret, "")?.check(&code, unix_seconds);
    Ok(step.filter(|s| last_step.is_none_or(|last| *s > last)))
}

/// The code for `unix_seconds` (for tests and tools).
pub fn code_at(secret: &[u8], unix_seconds: u64) -> Result<String, TotpError> {
    Ok(totp(secret, "")?.generate(unix_seconds).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vectors_for_sha1() {
        // RFC 6238 Appendix B, SHA-1, the 8-digit codes' last six digits.
        let secret = b"12345678901234567890";
        let table = [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ];
        for (time, code) in table {
            assert_eq!(code_at(secret, time).unwrap(), code, "{time}");
        }
    }

    #[test]
    fn a_code_is_accepted_within_one_step_and_only_once() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        let step = now / 30;
        assert_eq!(accept(&secret, &code, now, None).unwrap(), Some(step));
        assert_eq!(accept(&secret, &code, now + 30, None).unwrap(), Some(step));
        assert_eq!(accept(&secret, &code, now + 90, None).unwrap(), None);
        assert_eq!(accept(&secret, &code, now, Some(step)).unwrap(), None, "replayed");
        assert_eq!(accept(&secret, "000000x", now, None).unwrap(), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(accept(&secret, &spaced, now, None).unwrap(), Some(step));
    }

    #[test]
    fn secrets_round_trip_through_base32() {
        let secret = new_secret();
        assert_eq!(from_base32(&base32(&secret)), Some(secret.clone()));
        assert!(
            otpauth_url(&secret, "cpo@example.com")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
        assert_eq!(from_base32("not base32!"), None);
    }
}
