//! Webhooks: the company's data systems told of every hold placed or lifted
//! within their scope. What an event is, where it may be sent, and when a
//! receiver has taken it.

use chrono::{NaiveDate, NaiveDateTime};

use super::address::{AllowList, may_connect};
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
    /// An address inside the network (loopback, private, link-local, the
    /// cloud's metadata service…) that the operator did not allow.
    #[error("names an inside address that RIGHTSDESK_WEBHOOK_ALLOW does not allow")]
    InsideAddress,
}

impl WebhookUrlError {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NotHttp => "refusal.webhook_url",
            Self::TooLong => "refusal.webhook_url_long",
            Self::Credentials => "refusal.webhook_url_credentials",
            Self::InsideAddress => "refusal.webhook_url_inside",
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

/// Whether the desk may post to `url` as far as its host is written as an
/// address: one it may connect to (`address::may_connect`). A name is
/// judged as it resolves, for each connection (nothing is known of it
/// before).
pub fn literal_host_allowed(url: &url::Url, allowed: &AllowList) -> Result<(), WebhookUrlError> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if may_connect(ip, allowed) {
        Ok(())
    } else {
        Err(WebhookUrlError::InsideAddress)
    }
}

wire_enum! {
    /// Why the last attempt of a delivery failed, as the admin page says
    /// it. The transport's own words (a refused connection, a timeout, a
    /// redirect) go to the log only: on the page they would tell which
    /// ports of which hosts answer.
    DeliveryFailure, "webhook delivery failure" {
        /// Not delivered (no answer, or not a 2xx).
        NotDelivered => "not_delivered",
        /// The URL's host is, or resolved to, an inside address the
        /// operator did not allow.
        AddressNotAllowed => "address_not_allowed",
    }
}

impl DeliveryFailure {
    /// A failure as stored; anything else stored (a row from before) is
    /// said as not delivered.
    pub fn of_stored(text: &str) -> Self {
        text.parse().unwrap_or(Self::NotDelivered)
    }
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
    /// For data retained by law: the last day it is kept.
    pub until: Option<NaiveDate>,
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
            if let Some(map) = hold.as_object_mut() {
                if let Some(at) = h.lifted_at {
                    map.insert("lifted_at".into(), rfc3339(at).into());
                }
                if let Some(until) = h.until {
                    map.insert("until".into(), until.format("%Y-%m-%d").to_string().into());
                }
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
    fn a_host_written_as_an_address_is_checked_and_a_name_is_left_to_its_resolution() {
        let allowed = AllowList::parse("127.0.0.1").unwrap();
        let table = [
            ("https://crm.example.com/h", Ok(())),
            ("http://localhost:9000/h", Ok(())),
            ("http://93.184.216.34/h", Ok(())),
            ("http://127.0.0.1:9000/h", Ok(())),
            ("http://127.0.0.2:9000/h", Err(WebhookUrlError::InsideAddress)),
            (
                "http://169.254.169.254/latest/meta-data/",
                Err(WebhookUrlError::InsideAddress),
            ),
            ("http://10.1.2.3/h", Err(WebhookUrlError::InsideAddress)),
            ("http://0.0.0.0/h", Err(WebhookUrlError::InsideAddress)),
            ("http://[::1]/h", Err(WebhookUrlError::InsideAddress)),
            ("http://[fd00::1]/h", Err(WebhookUrlError::InsideAddress)),
            (
                "http://[::ffff:169.254.169.254]/h",
                Err(WebhookUrlError::InsideAddress),
            ),
            // The URL standard reads these as 127.0.0.1 and 169.254.169.254.
            ("http://2130706433/h", Ok(())),
            (
                "http://0xa9.0xfe.0xa9.0xfe/h",
                Err(WebhookUrlError::InsideAddress),
            ),
        ];
        for (raw, expected) in table {
            let url = webhook_url(raw).unwrap();
            assert_eq!(literal_host_allowed(&url, &allowed), expected, "{raw}");
        }
    }

    #[test]
    fn a_stored_failure_is_read_back_or_said_as_not_delivered() {
        for failure in DeliveryFailure::ALL {
            assert_eq!(DeliveryFailure::of_stored(failure.as_str()), *failure);
        }
        assert_eq!(
            DeliveryFailure::of_stored("could not connect: Connection refused"),
            DeliveryFailure::NotDelivered
        );
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
                until: None,
            },
            HoldNotice {
                id: "h2".into(),
                identifier: None,
                reason: HoldReason::LegalHold,
                scope: HoldScope::of(vec!["orders".into()], vec!["crm".into()]),
                since: at(9),
                lifted_at: Some(at(10)),
                request: "2026-000001".into(),
                until: None,
            },
            HoldNotice {
                id: "h3".into(),
                identifier: Some("email:alice@example.com".into()),
                reason: HoldReason::RetainedByLaw,
                scope: HoldScope::of(Vec::new(), vec!["orders".into()]),
                since: at(9),
                lifted_at: None,
                request: "2026-000001".into(),
                until: chrono::NaiveDate::from_ymd_opt(2031, 11, 26),
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
                    {"id": "h3", "identifier": "email:alice@example.com", "reason": "retained_by_law",
                     "scope": {"all": false, "categories": [], "systems": ["orders"]},
                     "since": "2026-11-26T09:00:00Z", "request": "2026-000001", "until": "2031-11-26"},
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
