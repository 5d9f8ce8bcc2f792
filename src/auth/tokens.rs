//! Signed, expiring tokens, one issuer, audience and key per purpose, so a
//! token made for one purpose is useless for any other.

use chrono::{Duration, NaiveDateTime};
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
    /// A staff member's signed-in session (the cookie), naming the session.
    StaffSession,
    /// A sign-in that passed the password and waits for its second factor.
    SecondFactor,
    /// A second-factor secret shown for enrolment, until a code confirms it.
    SecondFactorEnrolment,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Status => "status",
            Purpose::SetPassword => "set-password",
            Purpose::StaffSession => "staff-session",
            Purpose::SecondFactor => "second-factor",
            Purpose::SecondFactorEnrolment => "second-factor-enrolment",
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
            Purpose::StaffSession => crate::domain::login::SESSION_TOKEN_LIFETIME,
            Purpose::SecondFactor => crate::domain::login::SECOND_FACTOR_WAIT,
            Purpose::SecondFactorEnrolment => Duration::minutes(15),
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

/// A token could not be made (never replaced by an empty one).
#[derive(Debug, thiserror::Error)]
#[error("the token could not be signed: {0}")]
pub struct SignError(#[from] jsonwebtoken::errors::Error);

/// Issues a token of `purpose` bound to `subject` (a request id), valid
/// from `now` for the purpose's lifetime.
pub fn issue(keys: &Keys, purpose: Purpose, subject: &str, now: NaiveDateTime) -> Result<String, SignError> {
    issue_bound(keys, purpose, subject, None, now)
}

/// Issues a token that also carries a fingerprint of the state it was made
/// for (see [`verify_bound`]).
pub fn issue_bound(
    keys: &Keys,
    purpose: Purpose,
    subject: &str,
    version: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, SignError> {
    let now = now.and_utc();
    let claims = Claims {
        iss: ISSUER.to_owned(),
        aud: purpose.audience(),
        sub: subject.to_owned(),
        iat: now.timestamp(),
        exp: (now + purpose.lifetime()).timestamp(),
        ver: version.map(str::to_owned),
    };
    let key = EncodingKey::from_secret(&keys.token_key(purpose.name()));
    Ok(encode(&Header::new(Algorithm::HS256), &claims, &key)?)
}

/// Checks a token of `purpose` at `now` and returns the subject it is
/// bound to.
pub fn verify(keys: &Keys, purpose: Purpose, token: &str, now: NaiveDateTime) -> Result<String, TokenError> {
    verify_bound(keys, purpose, token, now).map(|(subject, _)| subject)
}

/// A token that verified: what it names and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub subject: String,
    pub version: Option<String>,
    pub expires_at: NaiveDateTime,
}

/// Checks a token of `purpose` at `now` and returns its subject, its state
/// fingerprint and its expiry (to renew a session before it lapses).
pub fn verify_full(
    keys: &Keys,
    purpose: Purpose,
    token: &str,
    now: NaiveDateTime,
) -> Result<Verified, TokenError> {
    let claims = decode_claims(keys, purpose, token)?;
    if claims.exp <= now.and_utc().timestamp() {
        return Err(TokenError::Expired);
    }
    let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0)
        .ok_or(TokenError::Invalid)?
        .naive_utc();
    Ok(Verified {
        subject: claims.sub,
        version: claims.ver,
        expires_at,
    })
}

fn decode_claims(keys: &Keys, purpose: Purpose, token: &str) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[purpose.audience()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_exp = false;
    validation.leeway = 0;
    let key = DecodingKey::from_secret(&keys.token_key(purpose.name()));
    Ok(decode::<Claims>(token, &key, &validation)
        .map_err(|_| TokenError::Invalid)?
        .claims)
}

/// Checks a token at `now` and returns its subject and the state
/// fingerprint it was issued for. Expiry is judged against `now` (the
/// desk's clock), not the machine's.
pub fn verify_bound(
    keys: &Keys,
    purpose: Purpose,
    token: &str,
    now: NaiveDateTime,
) -> Result<(String, Option<String>), TokenError> {
    verify_full(keys, purpose, token, now).map(|v| (v.subject, v.version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::SecretKey;
    use crate::clock::{Clock, SystemClock};

    fn now() -> NaiveDateTime {
        SystemClock.now()
    }

    #[test]
    fn a_token_verifies_only_for_its_purpose_and_key() {
        let keys = Keys::new(SecretKey::generate());
        let token = issue(&keys, Purpose::Verify, "request-1", now()).unwrap();
        assert_eq!(
            verify(&keys, Purpose::Verify, &token, now()),
            Ok("request-1".to_owned())
        );
        assert_eq!(
            verify(&keys, Purpose::Status, &token, now()),
            Err(TokenError::Invalid)
        );
        let other = Keys::new(SecretKey::generate());
        assert_eq!(
            verify(&other, Purpose::Verify, &token, now()),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            verify(&keys, Purpose::Verify, "garbage", now()),
            Err(TokenError::Invalid)
        );
        let mut tampered = token.clone();
        tampered.pop();
        assert_eq!(
            verify(&keys, Purpose::Verify, &tampered, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn bound_tokens_carry_their_state_fingerprint() {
        let keys = Keys::new(SecretKey::generate());
        let token = issue_bound(&keys, Purpose::SetPassword, "staff-1", Some("v1"), now()).unwrap();
        assert_eq!(
            verify_bound(&keys, Purpose::SetPassword, &token, now()),
            Ok(("staff-1".to_owned(), Some("v1".to_owned())))
        );
        assert_eq!(
            verify(&keys, Purpose::Status, &token, now()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn expired_tokens_say_so() {
        let keys = Keys::new(SecretKey::generate());
        let claims = Claims {
            iss: ISSUER.into(),
            aud: Purpose::Status.audience(),
            sub: "r".into(),
            iat: 0,
            exp: now().and_utc().timestamp() - 10,
            ver: None,
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&keys.token_key("status")),
        )
        .unwrap();
        assert_eq!(
            verify(&keys, Purpose::Status, &token, now()),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_token_expires_by_the_clock_it_is_checked_against() {
        let keys = Keys::new(SecretKey::generate());
        let issued = now();
        let token = issue(&keys, Purpose::Verify, "r", issued).unwrap();
        let just_before = issued + Purpose::Verify.lifetime() - Duration::seconds(1);
        assert_eq!(
            verify(&keys, Purpose::Verify, &token, just_before),
            Ok("r".to_owned())
        );
        let after = issued + Purpose::Verify.lifetime();
        assert_eq!(
            verify(&keys, Purpose::Verify, &token, after),
            Err(TokenError::Expired)
        );
        // A tampered expired token is invalid, not merely expired.
        let mut tampered = token.clone();
        tampered.pop();
        assert_eq!(
            verify(&keys, Purpose::Verify, &tampered, after),
            Err(TokenError::Invalid)
        );
    }
}
