//! Who is on the other end: the address per-address limits (sign-in
//! lockout, rate limits) count against.
//!
//! Behind a load balancer every connection comes from the balancer, and
//! counting against it would let one stranger lock everyone out. The
//! balancer says who its client was in `X-Forwarded-For`, but so can
//! anybody: each hop appends the address it saw, so only the entries our
//! own proxies appended can be believed. Walking the list from the right,
//! past our own proxies, the first address that is not ours is the client.

use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv6Addr};

/// The proxies whose `X-Forwarded-For` entries are believed
/// (`MILEPOST_TRUSTED_PROXIES`). Empty: the header is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNetwork>);

/// An address and a prefix length: `10.0.0.0/8`, `fd00::/8`, or one
/// address (the whole length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IpNetwork {
    address: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    fn parse(text: &str) -> Result<Self, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr =
            address.parse().map_err(|_| format!("`{text}` is not an IP address or network (such as 10.0.0.0/8)"))?;
        let address = canonical(address);
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => {
                p.parse().ok().filter(|p| *p <= bits).ok_or_else(|| format!("`{text}` has a bad prefix length"))?
            }
        };
        Ok(IpNetwork { address, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        match (self.address, canonical(address)) {
            (IpAddr::V4(net), IpAddr::V4(a)) => prefix_matches(&net.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(a)) => prefix_matches(&net.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

fn prefix_matches(network: &[u8], address: &[u8], prefix: u8) -> bool {
    let (whole, rest) = ((prefix / 8) as usize, prefix % 8);
    if network[..whole] != address[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        network[whole] & mask == address[whole] & mask
    }
}

impl TrustedProxies {
    /// A comma-separated list of addresses and networks; blank is none.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(IpNetwork::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client behind `peer` (the connection's other end): `peer` itself
/// unless it is a trusted proxy, else the rightmost `X-Forwarded-For` entry
/// that is not one. Entries a trusted proxy did not vouch for are never
/// read, so a client cannot choose its own address by sending the header.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let mut client = canonical(peer);
    if trusted.is_empty() {
        return client;
    }
    // Several headers are one list, in order (RFC 9110 §5.3).
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    for entry in entries.iter().rev() {
        if !trusted.contains(client) {
            break;
        }
        match parse_forwarded_address(entry) {
            Some(address) => client = address,
            // A hop we cannot read: the proxy that passed it on is as far as we can see.
            None => break,
        }
    }
    client
}

/// The client of a request the server accepted (its connection's address
/// is in the extensions); `None` for one that did not come over a socket.
pub fn of_request(
    extensions: &axum::http::Extensions,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
    Some(client_address(peer, headers, trusted))
}

/// `203.0.113.7`, `2001:db8::1`, and the forms with a port some proxies
/// write (`203.0.113.7:51234`, `[2001:db8::1]:51234`).
fn parse_forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Some(rest) = entry.strip_prefix('[') {
        return rest
            .split_once(']')
            .and_then(|(address, _)| address.parse::<Ipv6Addr>().ok())
            .map(|a| canonical(a.into()));
    }
    entry.parse::<std::net::SocketAddrV4>().ok().map(|a| IpAddr::V4(*a.ip()))
}

/// An IPv4 client on a dual-stack socket arrives as `::ffff:a.b.c.d`; it is
/// the same client as `a.b.c.d`.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// What limits count against: the address, or for IPv6 its /64, since one
/// subscriber is usually handed a whole /64 and could otherwise change
/// address for every request.
pub fn limit_key(address: IpAddr) -> IpAddr {
    match canonical(address) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(client_address(ip("198.51.100.1"), &forwarded(&["203.0.113.7"]), &none), ip("198.51.100.1"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        // Balancer 10.0.0.2 saw 203.0.113.7, which claimed to be 1.2.3.4.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7"]);
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("203.0.113.7"));
        // Two of our proxies in a row.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7, 10.9.9.9"]);
        assert_eq!(client_address(ip("192.168.1.1"), &headers, &trusted), ip("203.0.113.7"));
        // Several headers are one list.
        let headers = forwarded(&["1.2.3.4", "203.0.113.7"]);
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn a_client_that_is_not_a_proxy_cannot_choose_its_address() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let headers = forwarded(&["10.0.0.5, 1.2.3.4"]);
        assert_eq!(client_address(ip("198.51.100.1"), &headers, &trusted), ip("198.51.100.1"));
        // Naming one of our proxies as the client gets a client no further.
        let headers = forwarded(&["9.9.9.9, 10.0.0.5"]);
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("9.9.9.9"));
    }

    #[test]
    fn unreadable_or_missing_hops_stop_at_the_last_known_address() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(client_address(ip("10.0.0.2"), &HeaderMap::new(), &trusted), ip("10.0.0.2"));
        let headers = forwarded(&["1.2.3.4, unknown"]);
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("10.0.0.2"));
        // All trusted: the leftmost is as far as anyone can tell.
        let headers = forwarded(&["10.1.1.1, 10.2.2.2"]);
        assert_eq!(client_address(ip("10.0.0.2"), &headers, &trusted), ip("10.1.1.1"));
    }

    #[test]
    fn ports_ipv6_and_mapped_addresses_are_read() {
        let trusted = TrustedProxies::parse("::ffff:10.0.0.2, 2001:db8:ffff::/48").unwrap();
        let headers = forwarded(&["203.0.113.7:51234"]);
        assert_eq!(client_address(ip("::ffff:10.0.0.2"), &headers, &trusted), ip("203.0.113.7"));
        let headers = forwarded(&["[2001:db8::1]:443"]);
        assert_eq!(client_address(ip("2001:db8:ffff::1"), &headers, &trusted), ip("2001:db8::1"));
        assert_eq!(client_address(ip("10.0.0.2"), &forwarded(&["2001:db8::9"]), &trusted), ip("2001:db8::9"));
    }

    #[test]
    fn networks_match_by_prefix() {
        let trusted = TrustedProxies::parse("172.16.0.0/12,fd00::/8").unwrap();
        assert!(trusted.contains(ip("172.31.255.255")));
        assert!(!trusted.contains(ip("172.32.0.0")));
        assert!(trusted.contains(ip("fd12::1")));
        assert!(!trusted.contains(ip("fe80::1")));
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.1/x", "::/129"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }
}
