//! Webhooks: the company's data systems told of every hold placed or lifted
//! within their scope. What an event is, where it may be sent, and when a
//! receiver has taken it.

use chrono::NaiveDateTime;

use super::hold::{HoldReason, HoldScope};
use crate::timestamp::rfc3339;
use crate::wire::wire_enum;

wire_enum! {
    /// What happened to a hold.
    WebhookEvent, "webhook event" {
        /// A hold began: stop using and providing the data it covers.
        HoldPlaced => "hold.placed",
        /// A hold ended: the data may be used again.
        HoldLifted => "hold.lifted",
    }
}

wire_enum! {
    /// Where one delivery stands. There is no "failed": a delivery is tried
    /// until the receiver accepts it (the backoff caps the wait between
    /// tries), so no event is ever lost.
    DeliveryStatus, "webhook delivery status" {
        /// Waiting to be sent, or to be sent again after a failure.
        Queued => "queued",
        /// The receiver answered 2xx.
        Delivered => "delivered",
    }
}

/// The longest URL a webhook may have.
pub const MAX_URL_CHARS: usize = 2000;

/// Why a webhook URL was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlError {
    #[error("not an absolute http or https URL")]
    NotHttp,
    #[error("longer than {MAX_URL_CHARS} characters")]
    TooLong,
    /// Credentials in the URL would be stored and shown in plain text; the
    /// signature is how the receiver knows the sender.
    #[error("carries a user name or password")]
    Credentials,
}

impl WebhookUrlError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NotHttp => "refusal.webhook_url",
            Self::TooLong => "refusal.webhook_url_long",
            Self::Credentials => "refusal.webhook_url_credentials",
        }
    }
}

/// A webhook URL as typed: trimmed, absolute http(s) with a host, no
/// credentials, no fragment (dropped: it is never sent).
pub fn webhook_url(raw: &str) -> Result<url::Url, WebhookUrlError> {
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(WebhookUrlError::TooLong);
    }
    let mut url = url::Url::parse(raw).map_err(|_| WebhookUrlError::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(WebhookUrlError::NotHttp);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(WebhookUrlError::Credentials);
    }
    url.set_fragment(None);
    Ok(url)
}

/// One hold as an event tells of it: the same fields as the holds API,
/// the identifier it binds (`email:…`, `phone:…`, `subject:…`, so the
/// receiver can find the person in its own data) and, once lifted, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldNotice {
    pub id: String,
    pub identifier: Option<String>,
    pub reason: HoldReason,
    pub scope: HoldScope,
    pub since: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    /// The reference of the request behind it.
    pub request: String,
}

/// The body of one event for one system, as sent and as signed:
/// `{"id", "type", "timestamp", "data": {"system", "holds": [...]}}`.
pub fn event_body(
    id: &str,
    event: WebhookEvent,
    at: NaiveDateTime,
    system: &str,
    holds: &[HoldNotice],
) -> String {
    let holds: Vec<serde_json::Value> = holds
        .iter()
        .map(|h| {
            let (all, categories, systems) = match &h.scope {
                HoldScope::All => (true, &[][..], &[][..]),
                HoldScope::Only { categories, systems } => (false, &categories[..], &systems[..]),
            };
            let mut hold = serde_json::json!({
                "id": h.id,
                "identifier": h.identifier,
                "reason": h.reason,
                "scope": {"all": all, "categories": categories, "systems": systems},
                "since": rfc3339(h.since),
                "request": h.request,
            });
            if let (Some(at), Some(map)) = (h.lifted_at, hold.as_object_mut()) {
                map.insert("lifted_at".into(), rfc3339(at).into());
            }
            hold
        })
        .collect();
    serde_json::json!({
        "id": id,
        "type": event,
        "timestamp": rfc3339(at),
        "data": {"system": system, "holds": holds},
    })
    .to_string()
}

/// Whether an HTTP status from the receiver means it took the event.
pub fn accepted(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls() {
        let table: &[(&str, Result<&str, WebhookUrlError>)] = &[
            (
                "https://crm.example.com/hooks/rightsdesk",
                Ok("https://crm.example.com/hooks/rightsdesk"),
            ),
            ("  http://10.0.0.5:8080/h  ", Ok("http://10.0.0.5:8080/h")),
            (
                "http://127.0.0.1:9000/x?system=crm",
                Ok("http://127.0.0.1:9000/x?system=crm"),
            ),
            ("https://crm.example.com/h#part", Ok("https://crm.example.com/h")),
            ("HTTPS://CRM.example.com", Ok("https://crm.example.com/")),
            ("ftp://crm.example.com/h", Err(WebhookUrlError::NotHttp)),
            ("crm.example.com/h", Err(WebhookUrlError::NotHttp)),
            ("/relative", Err(WebhookUrlError::NotHttp)),
            ("", Err(WebhookUrlError::NotHttp)),
            ("javascript:alert(1)", Err(WebhookUrlError::NotHttp)),
            (
                "https://user:pw@crm.example.com/h",
                Err(WebhookUrlError::Credentials),
            ),
            (
                "https://user@crm.example.com/h",
                Err(WebhookUrlError::Credentials),
            ),
        ];
        for (raw, expected) in table {
            let got = webhook_url(raw).map(String::from);
            assert_eq!(got, expected.map(str::to_owned), "{raw:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(webhook_url(&long), Err(WebhookUrlError::TooLong));
    }

    #[test]
    fn an_event_names_each_hold_its_identifier_and_scope() {
        let at = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("valid")
        };
        let holds = [
            HoldNotice {
                id: "h1".into(),
                identifier: Some("email:alice@example.com".into()),
                reason: HoldReason::CorrectionPending,
                scope: HoldScope::All,
                since: at(9),
                lifted_at: None,
                request: "2026-000001".into(),
            },
            HoldNotice {
                id: "h2".into(),
                identifier: None,
                reason: HoldReason::LegalHold,
                scope: HoldScope::of(vec!["orders".into()], vec!["crm".into()]),
                since: at(9),
                lifted_at: Some(at(10)),
                request: "2026-000001".into(),
            },
        ];
        let body = event_body("evt", WebhookEvent::HoldLifted, at(10), "crm", &holds);
        let parsed: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(
            parsed,
            serde_json::json!({
                "id": "evt",
                "type": "hold.lifted",
                "timestamp": "2026-11-26T10:00:00Z",
                "data": {"system": "crm", "holds": [
                    {"id": "h1", "identifier": "email:alice@example.com", "reason": "correction_pending",
                     "scope": {"all": true, "categories": [], "systems": []},
                     "since": "2026-11-26T09:00:00Z", "request": "2026-000001"},
                    {"id": "h2", "identifier": null, "reason": "legal_hold",
                     "scope": {"all": false, "categories": ["orders"], "systems": ["crm"]},
                     "since": "2026-11-26T09:00:00Z", "lifted_at": "2026-11-26T10:00:00Z", "request": "2026-000001"},
                ]},
            })
        );
    }

    #[test]
    fn only_2xx_is_accepted() {
        for (status, ok) in [
            (200, true),
            (202, true),
            (204, true),
            (299, true),
            (301, false),
            (400, false),
            (410, false),
            (500, false),
            (199, false),
        ] {
            assert_eq!(accepted(status), ok, "{status}");
        }
    }
}
