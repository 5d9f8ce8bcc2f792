//! Webhook signing secrets and signatures, in the Standard Webhooks format
//! (<https://www.standardwebhooks.com/>): the secret is `whsec_` and the
//! base64 of 32 random bytes; each delivery carries `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 of
//! HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>`, which receivers
//! check with any Standard Webhooks library.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";

/// A data system's webhook signing secret.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    /// A fresh secret of 32 random bytes.
    pub fn generate() -> Self {
        let mut bytes = vec![0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads `whsec_<base64>` (as [`Self::to_text`] writes it).
    pub fn parse(text: &str) -> Option<Self> {
        let encoded = text.strip_prefix(PREFIX)?;
        let bytes = STANDARD.decode(encoded).ok()?;
        (bytes.len() >= 24 && bytes.len() <= 64).then_some(Self(bytes))
    }

    /// The form shown to the admin once and stored sealed.
    pub fn to_text(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// The `webhook-signature` header of one delivery.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks reference libraries: a receiver
    /// using any of them accepts what this signs.
    #[test]
    fn signs_as_the_standard_says() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid secret");
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                r#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_round_trip_and_bad_ones_are_refused() {
        let secret = WebhookSecret::generate();
        let text = secret.to_text();
        assert!(text.starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&text), Some(secret.clone()));
        assert_ne!(WebhookSecret::generate(), secret);
        for bad in [
            "",
            "whsec_",
            "whsec_!!!",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_c2hvcnQ=",
        ] {
            assert_eq!(WebhookSecret::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn any_change_changes_the_signature() {
        let secret = WebhookSecret::generate();
        let base = secret.sign("evt_1", 1_700_000_000, "{}");
        assert_ne!(secret.sign("evt_2", 1_700_000_000, "{}"), base);
        assert_ne!(secret.sign("evt_1", 1_700_000_001, "{}"), base);
        assert_ne!(secret.sign("evt_1", 1_700_000_000, "{ }"), base);
        assert_ne!(WebhookSecret::generate().sign("evt_1", 1_700_000_000, "{}"), base);
    }
}
