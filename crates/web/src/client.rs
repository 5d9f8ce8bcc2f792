//! Who a request counts against: the client's IP address. Directly, the
//! peer's; behind trusted reverse proxies, the address the outermost of
//! them appended to `X-Forwarded-For` — never an entry to its left, which
//! the client itself may have written.

use std::net::{IpAddr, SocketAddr};

use actix_governor::{KeyExtractor, SimpleKeyExtractionError};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderMap;

/// The address the outermost of `trusted` proxies saw the request come
/// from, read from the right of the `X-Forwarded-For` entries (every header
/// line, in order); `None` when the chain is shorter than the proxies
/// (the request did not come through them) or the entry is not an address.
pub fn forwarded_client(headers: &HeaderMap, trusted: u8) -> Option<IpAddr> {
    if trusted == 0 {
        return None;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(usize::from(trusted))?;
    let entry = entries.get(index)?;
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The key of the per-client limits: the client's address, IPv6 per /56
/// (one household or customer).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp {
    /// How many reverse proxies stand in front of the desk.
    pub trusted_proxies: u8,
}

impl ClientIp {
    pub fn address(&self, req: &ServiceRequest) -> Option<IpAddr> {
        self.address_from(req.peer_addr(), req.headers())
    }

    /// The same, for a request a handler holds.
    pub fn address_of(&self, req: &actix_web::HttpRequest) -> Option<IpAddr> {
        self.address_from(req.peer_addr(), req.headers())
    }

    fn address_from(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(|s| s.ip());
        if self.trusted_proxies == 0 {
            return peer;
        }
        forwarded_client(headers, self.trusted_proxies).or(peer)
    }
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        match self.address(req) {
            Some(IpAddr::V6(v6)) => {
                let mut octets = v6.octets();
                octets[7..].fill(0);
                Ok(IpAddr::V6(octets.into()))
            }
            Some(v4) => Ok(v4),
            None => Err(SimpleKeyExtractionError::new("the client address is unknown")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(line).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_client_is_the_entry_the_outermost_trusted_proxy_added() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let table: [(&[&str], u8, Option<IpAddr>); 9] = [
            // The client wrote 1.1.1.1; the proxy appended what it saw.
            (&["1.1.1.1, 203.0.113.7"], 1, ip("203.0.113.7")),
            (&["203.0.113.7"], 1, ip("203.0.113.7")),
            // Two proxies: the outer one appended the client, the inner one the outer.
            (&["9.9.9.9, 203.0.113.7, 10.0.0.2"], 2, ip("203.0.113.7")),
            // Header lines count in order.
            (&["9.9.9.9", "203.0.113.7"], 1, ip("203.0.113.7")),
            (&["2001:db8::1"], 1, ip("2001:db8::1")),
            (&["203.0.113.7:5555"], 1, ip("203.0.113.7")),
            // Shorter than the proxy chain: not through the proxies.
            (&["203.0.113.7"], 2, None),
            (&[], 1, None),
            (&["not-an-address"], 1, None),
        ];
        for (lines, trusted, expected) in table {
            assert_eq!(
                forwarded_client(&headers(lines), trusted),
                expected,
                "{lines:?} {trusted}"
            );
        }
        assert_eq!(forwarded_client(&headers(&["203.0.113.7"]), 0), None);
    }
}
