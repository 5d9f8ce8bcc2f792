//! CSRF protection without server state: a signed double-submit token. The
//! browser holds a random nonce in a strict, HttpOnly cookie; each form
//! carries `nonce.signature`; a post is accepted only when the form's nonce
//! matches the cookie's and its signature is ours.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The cookie holding the nonce.
pub const COOKIE: &str = "rd_csrf";
/// The form field holding the token.
pub const FIELD: &str = "csrf_token";

/// A fresh nonce for a browser that has none.
pub fn new_nonce() -> String {
    let mut bytes = [0_u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn signature(key: &[u8], nonce: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(nonce.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The token to put in forms for this nonce.
pub fn token(key: &[u8], nonce: &str) -> String {
    format!("{nonce}.{}", signature(key, nonce))
}

/// Whether a submitted token belongs to the cookie's nonce.
pub fn is_valid(key: &[u8], cookie_nonce: Option<&str>, submitted: Option<&str>) -> bool {
    let (Some(cookie_nonce), Some(submitted)) = (cookie_nonce, submitted) else {
        return false;
    };
    let Some((nonce, sig)) = submitted.split_once('.') else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(nonce.as_bytes());
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return false;
    };
    !nonce.is_empty() && nonce == cookie_nonce && mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_their_cookie_and_key_only() {
        let key = b"k";
        let nonce = new_nonce();
        let good = token(key, &nonce);
        let table = [
            (Some(nonce.as_str()), Some(good.as_str()), true),
            (None, Some(good.as_str()), false),
            (Some(nonce.as_str()), None, false),
            (Some("other"), Some(good.as_str()), false),
            (Some(nonce.as_str()), Some("garbage"), false),
            (Some(nonce.as_str()), Some(&format!("{nonce}.AAAA")), false),
            (Some(""), Some("."), false),
        ];
        for (cookie, submitted, expected) in table {
            assert_eq!(
                is_valid(key, cookie, submitted),
                expected,
                "{cookie:?} {submitted:?}"
            );
        }
        assert!(!is_valid(b"other key", Some(&nonce), Some(&good)));
    }
}
