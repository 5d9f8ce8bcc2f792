//! Signed, expiring tokens, one issuer, audience and key per purpose, so a
//! token made for one purpose is useless for any other.

use chrono::{Duration, NaiveDateTime};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use super::keys::Keys;
use domain::service::ServiceScope;

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
            Purpose::StaffSession => domain::login::SESSION_TOKEN_LIFETIME,
            Purpose::SecondFactor => domain::login::SECOND_FACTOR_WAIT,
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

/// A service token's audience and key name: no other purpose's token is
/// accepted as one, nor one as any other.
const SERVICE: &str = "service";

#[derive(Debug, Serialize, Deserialize)]
struct ServiceClaims {
    iss: String,
    aud: String,
    /// The token's id (revocation names it).
    sub: String,
    /// The system it was issued to.
    sys: String,
    /// Its scopes, as wire names.
    scp: Vec<ServiceScope>,
    iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

/// What a service token says about its bearer. Everything the API needs to
/// authorise a call is in the signed token itself, so a call costs no
/// database round-trip; only revocation is looked up, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceToken {
    pub id: String,
    pub system: String,
    pub scopes: Vec<ServiceScope>,
    pub expires_at: Option<NaiveDateTime>,
}

impl ServiceToken {
    pub fn allows(&self, scope: ServiceScope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// Signs a service token issued at `now`.
pub fn issue_service(keys: &Keys, token: &ServiceToken, now: NaiveDateTime) -> Result<String, SignError> {
    let claims = ServiceClaims {
        iss: ISSUER.to_owned(),
        aud: format!("rightsdesk:{SERVICE}"),
        sub: token.id.clone(),
        sys: token.system.clone(),
        scp: token.scopes.clone(),
        iat: now.and_utc().timestamp(),
        exp: token.expires_at.map(|at| at.and_utc().timestamp()),
    };
    let key = EncodingKey::from_secret(&keys.token_key(SERVICE));
    Ok(encode(&Header::new(Algorithm::HS256), &claims, &key)?)
}

/// Whether a service token has expired at `now` (one that names no expiry
/// never does).
pub fn service_token_expired(token: &ServiceToken, now: NaiveDateTime) -> bool {
    token.expires_at.is_some_and(|at| at <= now)
}

/// Checks a service token's signature, audience and expiry at `now`.
pub fn verify_service(keys: &Keys, token: &str, now: NaiveDateTime) -> Result<ServiceToken, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[format!("rightsdesk:{SERVICE}")]);
    validation.set_required_spec_claims(&["iss", "aud", "sub"]);
    validation.validate_exp = false;
    validation.leeway = 0;
    let key = DecodingKey::from_secret(&keys.token_key(SERVICE));
    let claims = decode::<ServiceClaims>(token, &key, &validation)
        .map_err(|_| TokenError::Invalid)?
        .claims;
    let expires_at = match claims.exp {
        Some(exp) => Some(
            chrono::DateTime::from_timestamp(exp, 0)
                .ok_or(TokenError::Invalid)?
                .naive_utc(),
        ),
        None => None,
    };
    let token = ServiceToken {
        id: claims.sub,
        system: claims.sys,
        scopes: claims.scp,
        expires_at,
    };
    if service_token_expired(&token, now) {
        return Err(TokenError::Expired);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    fn now() -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
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

    #[test]
    fn service_tokens_carry_their_scopes_and_expire() {
        let keys = Keys::new(SecretKey::generate());
        let issued = now();
        let token = ServiceToken {
            id: "tok-1".into(),
            system: "CRM".into(),
            scopes: vec![ServiceScope::HoldsRead],
            expires_at: Some(issued + Duration::days(1)),
        };
        let signed = issue_service(&keys, &token, issued).unwrap();
        let read = verify_service(&keys, &signed, issued).unwrap();
        assert_eq!(read.id, "tok-1");
        assert!(read.allows(ServiceScope::HoldsRead));
        assert!(!read.allows(ServiceScope::RequestsWrite));
        assert_eq!(
            verify_service(&keys, &signed, issued + Duration::days(1)),
            Err(TokenError::Expired)
        );
        // Another purpose's token is not a service token, nor the reverse.
        let status = issue(&keys, Purpose::Status, "tok-1", issued).unwrap();
        assert_eq!(verify_service(&keys, &status, issued), Err(TokenError::Invalid));
        assert_eq!(
            verify(&keys, Purpose::Status, &signed, issued),
            Err(TokenError::Invalid)
        );
        let other = Keys::new(SecretKey::generate());
        assert_eq!(verify_service(&other, &signed, issued), Err(TokenError::Invalid));
        let forever = ServiceToken {
            expires_at: None,
            ..token
        };
        let signed = issue_service(&keys, &forever, issued).unwrap();
        assert_eq!(
            verify_service(&keys, &signed, issued + Duration::days(4000)).map(|t| t.expires_at),
            Ok(None)
        );
    }
}
