//! Where the desk may connect on behalf of an admin's setting (a webhook's
//! URL): addresses on the public internet, and inside addresses only where
//! the operator named them (`RIGHTSDESK_WEBHOOK_ALLOW`). Otherwise anyone
//! who can set a URL could make the desk reach the cloud's metadata
//! service, the database or a service listening on loopback.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// What kind of address an IP address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// Routable on the public internet.
    Public,
    /// `0.0.0.0/8`, `::`: "this host".
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918, shared address space (RFC 6598), benchmarking (RFC 2544).
    Private,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// A cloud provider's instance metadata service.
    Metadata,
    /// IPv6 unique local addresses, `fc00::/7`.
    UniqueLocal,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// Reserved, documentation and broadcast ranges: nothing to post to.
    Reserved,
}

/// The metadata services of the large clouds (AWS, GCP, Azure, Oracle and
/// OpenStack at `169.254.169.254`, Alibaba at `100.100.100.200`, AWS's
/// IPv6 one).
const METADATA: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

fn in_net(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    use AddressClass::*;
    let o = ip.octets();
    if METADATA.contains(&IpAddr::V4(ip)) {
        Metadata
    } else if o[0] == 0 {
        Unspecified
    } else if o[0] == 127 {
        Loopback
    } else if in_net(ip, [10, 0, 0, 0], 8)
        || in_net(ip, [172, 16, 0, 0], 12)
        || in_net(ip, [192, 168, 0, 0], 16)
        || in_net(ip, [100, 64, 0, 0], 10)
        || in_net(ip, [198, 18, 0, 0], 15)
    {
        Private
    } else if in_net(ip, [169, 254, 0, 0], 16) {
        LinkLocal
    } else if in_net(ip, [224, 0, 0, 0], 4) {
        Multicast
    } else if in_net(ip, [240, 0, 0, 0], 4)
        || in_net(ip, [192, 0, 0, 0], 24)
        || in_net(ip, [192, 0, 2, 0], 24)
        || in_net(ip, [198, 51, 100, 0], 24)
        || in_net(ip, [203, 0, 113, 0], 24)
    {
        Reserved
    } else {
        Public
    }
}

/// The IPv4 address an IPv6 address stands for, where it embeds one that
/// a packet may reach: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(v4(hi, lo)),
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 => Some(v4(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    use AddressClass::*;
    let first = ip.segments()[0];
    if METADATA.contains(&IpAddr::V6(ip)) {
        Metadata
    } else if ip.is_unspecified() {
        Unspecified
    } else if ip.is_loopback() {
        Loopback
    } else if let Some(v4) = embedded_v4(ip) {
        classify_v4(v4)
    } else if first & 0xfe00 == 0xfc00 {
        UniqueLocal
    } else if first & 0xffc0 == 0xfe80 {
        LinkLocal
    } else if first & 0xff00 == 0xff00 {
        Multicast
    } else if first == 0
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || first & 0xffc0 == 0xfec0
        || ip.segments()[..4] == [0x100, 0, 0, 0]
    {
        Reserved
    } else {
        Public
    }
}

/// What kind of address `ip` is.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// The inside addresses and networks the operator lets the desk connect
/// to, e.g. `127.0.0.1,10.0.0.0/8,fd12::/16`. Empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<IpNet>);

/// An entry of an allow-list that is neither an address nor a network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an IP address or a network such as 10.0.0.0/8")]
pub struct BadAllowEntry(pub String);

impl AllowList {
    /// Reads a comma-separated list of addresses and networks.
    pub fn parse(raw: &str) -> Result<Self, BadAllowEntry> {
        raw.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| BadAllowEntry(entry.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn names(&self, ip: IpAddr) -> bool {
        let mapped = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        self.0
            .iter()
            .any(|net| net.contains(&ip) || mapped.is_some_and(|m| net.contains(&m)))
    }
}

/// Whether the desk may connect to `ip`: a public address, or one the
/// operator allowed.
pub fn may_connect(ip: IpAddr, allowed: &AllowList) -> bool {
    classify(ip) == AddressClass::Public || allowed.names(ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AddressClass::*;

    #[test]
    fn each_kind_of_address_is_told_apart() {
        let table = [
            ("93.184.216.34", Public),
            ("8.8.8.8", Public),
            ("2606:4700::6810:85e5", Public),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("::", Unspecified),
            ("127.0.0.1", Loopback),
            ("127.255.0.9", Loopback),
            ("::1", Loopback),
            ("10.0.0.5", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("172.32.0.1", Public),
            ("192.168.1.1", Private),
            ("100.64.0.1", Private),
            ("198.18.0.1", Private),
            ("169.254.169.254", Metadata),
            ("100.100.100.200", Metadata),
            ("fd00:ec2::254", Metadata),
            ("169.254.1.1", LinkLocal),
            ("fe80::1", LinkLocal),
            ("fc00::1", UniqueLocal),
            ("fd12:3456::1", UniqueLocal),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("ff02::1", Multicast),
            ("255.255.255.255", Reserved),
            ("240.0.0.1", Reserved),
            ("192.0.2.1", Reserved),
            ("2001:db8::1", Reserved),
            ("::2", Reserved),
            ("100::1", Reserved),
            // IPv4 inside IPv6 is judged as the IPv4 address it reaches.
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:169.254.169.254", Metadata),
            ("::ffff:10.1.2.3", Private),
            ("::ffff:93.184.216.34", Public),
            ("::127.0.0.1", Loopback),
            ("64:ff9b::a9fe:a9fe", Metadata),
            ("2002:a00:1::", Private),
            ("2002:5db8:d822::", Public),
        ];
        for (raw, expected) in table {
            let ip: IpAddr = raw.parse().unwrap();
            assert_eq!(classify(ip), expected, "{raw}");
        }
    }

    #[test]
    fn inside_addresses_are_reached_only_where_allowed() {
        let allowed = AllowList::parse(" 127.0.0.1, 10.0.0.0/8 ,fd12::/16").unwrap();
        // (address, may connect with the list, without it)
        let table = [
            ("93.184.216.34", true, true),
            ("127.0.0.1", true, false),
            ("127.0.0.2", false, false),
            ("::ffff:127.0.0.1", true, false),
            ("::1", false, false),
            ("10.9.8.7", true, false),
            ("11.0.0.1", true, true),
            ("192.168.0.1", false, false),
            ("169.254.169.254", false, false),
            ("fd12::9", true, false),
            ("fd13::9", false, false),
            ("ff02::1", false, false),
        ];
        for (raw, with, without) in table {
            let ip: IpAddr = raw.parse().unwrap();
            assert_eq!(may_connect(ip, &allowed), with, "{raw} allowed");
            assert_eq!(may_connect(ip, &AllowList::default()), without, "{raw}");
        }
    }

    #[test]
    fn an_allow_list_names_addresses_and_networks_only() {
        assert_eq!(AllowList::parse(""), Ok(AllowList::default()));
        assert!(AllowList::parse("10.0.0.0/8,192.168.1.10").is_ok());
        assert_eq!(
            AllowList::parse("10.0.0.0/8, intranet"),
            Err(BadAllowEntry("intranet".into()))
        );
        assert!(AllowList::parse("10.0.0.0/33").is_err());
    }
}
