//! Signed, expiring tokens, one issuer, audience and key per purpose, so a
//! token made for one purpose is useless for any other.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use super::keys::Keys;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The link in the verification email: proves control of the address.
    Verify,
    /// The requester's status page.
    Status,
    /// A staff member's link to set their password (single use).
    SetPassword,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Status => "status",
            Purpose::SetPassword => "set-password",
        }
    }

    fn audience(self) -> String {
        format!("rightsdesk:{}", self.name())
    }

    /// How long a token of this purpose lives.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Verify => Duration::days(7),
            Purpose::Status => Duration::days(30),
            Purpose::SetPassword => Duration::hours(72),
        }
    }
}

const ISSUER: &str = "rightsdesk";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    /// The request id the token is bound to.
    sub: String,
    iat: i64,
    exp: i64,
    /// A fingerprint of the state the token was issued for; when the state
    /// changes (a password is set), the token stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ver: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the link has expired")]
    Expired,
    #[error("the link is not valid")]
    Invalid,
}

/// Issues a token of `purpose` bound to `subject` (a request id).
pub fn issue(keys: &Keys, purpose: Purpose, subject: &str) -> String {
    issue_bound(keys, purpose, subject, None)
}

/// Issues a token that also carries a fingerprint of the state it was made
/// for (see [`verify_bound`]).
pub fn issue_bound(keys: &Keys, purpose: Purpose, subject: &str, version: Option<&str>) -> String {
    let now = Utc::now();
    let claims = Claims {
        iss: ISSUER.to_owned(),
        aud: purpose.audience(),
        sub: subject.to_owned(),
        iat: now.timestamp(),
        exp: (now + purpose.lifetime()).timestamp(),
        ver: version.map(str::to_owned),
    };
    let key = EncodingKey::from_secret(&keys.token_key(purpose.name()));
    // HS256 over a serialisable struct cannot fail.
    encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap_or_default()
}

/// Checks a token of `purpose` and returns the subject it is bound to.
pub fn verify(keys: &Keys, purpose: Purpose, token: &str) -> Result<String, TokenError> {
    verify_bound(keys, purpose, token).map(|(subject, _)| subject)
}

/// Checks a token and returns its subject and the state fingerprint it
/// was issued for.
pub fn verify_bound(
    keys: &Keys,
    purpose: Purpose,
    token: &str,
) -> Result<(String, Option<String>), TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[purpose.audience()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    let key = DecodingKey::from_secret(&keys.token_key(purpose.name()));
    match decode::<Claims>(token, &key, &validation) {
        Ok(data) => Ok((data.claims.sub, data.claims.ver)),
        Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
            Err(TokenError::Expired)
        }
        Err(_) => Err(TokenError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::SecretKey;

    #[test]
    fn a_token_verifies_only_for_its_purpose_and_key() {
        let keys = Keys::new(SecretKey::generate());
        let token = issue(&keys, Purpose::Verify, "request-1");
        assert_eq!(verify(&keys, Purpose::Verify, &token), Ok("request-1".to_owned()));
        assert_eq!(verify(&keys, Purpose::Status, &token), Err(TokenError::Invalid));
        let other = Keys::new(SecretKey::generate());
        assert_eq!(verify(&other, Purpose::Verify, &token), Err(TokenError::Invalid));
        assert_eq!(
            verify(&keys, Purpose::Verify, "garbage"),
            Err(TokenError::Invalid)
        );
        let mut tampered = token.clone();
        tampered.pop();
        assert_eq!(
            verify(&keys, Purpose::Verify, &tampered),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn bound_tokens_carry_their_state_fingerprint() {
        let keys = Keys::new(SecretKey::generate());
        let token = issue_bound(&keys, Purpose::SetPassword, "staff-1", Some("v1"));
        assert_eq!(
            verify_bound(&keys, Purpose::SetPassword, &token),
            Ok(("staff-1".to_owned(), Some("v1".to_owned())))
        );
        assert_eq!(verify(&keys, Purpose::Status, &token), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_tokens_say_so() {
        let keys = Keys::new(SecretKey::generate());
        let claims = Claims {
            iss: ISSUER.into(),
            aud: Purpose::Status.audience(),
            sub: "r".into(),
            iat: 0,
            exp: Utc::now().timestamp() - 10,
            ver: None,
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&keys.token_key("status")),
        )
        .unwrap();
        assert_eq!(verify(&keys, Purpose::Status, &token), Err(TokenError::Expired));
    }
}
