//! Where outbound webhooks may go. An endpoint URL comes from a tenant's
//! admin, so without a policy Milepost would POST on their behalf into its
//! own network: the cloud metadata service (credentials), databases and
//! admin ports on loopback or the private ranges.
//!
//! The URL is checked when it is registered and again before each send.
//! At send time the host is resolved by [`VettedResolver`], which refuses
//! the whole name if any of its addresses is internal; the connection goes
//! only to the addresses it vetted, so a name that resolved to a public
//! address at registration and is later pointed at 127.0.0.1 (DNS
//! rebinding) is refused when it matters. Redirects are never followed (a
//! public endpoint could otherwise bounce the request inward).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::{Host, Url};

/// What the deployment lets endpoints be; both relaxations are for
/// development and tests (a receiver on the same machine), off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    /// `MILEPOST_WEBHOOK_ALLOW_HTTP=1`: plain http is accepted.
    pub allow_http: bool,
    /// `MILEPOST_WEBHOOK_ALLOW_PRIVATE=1`: loopback, private, link-local
    /// and shared addresses are accepted. Cloud metadata addresses and names
    /// never are.
    pub allow_private: bool,
}

/// Why a target is refused, as a sentence for the admin who registered it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// How an address is classified when it is not a public unicast one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forbidden {
    /// Inside some network: allowed only with `allow_private`.
    Internal(&'static str),
    /// A cloud metadata service: never.
    Metadata,
    /// Not a host anyone can serve a webhook from (unspecified, multicast,
    /// broadcast, documentation, reserved): never.
    NotAHost(&'static str),
}

impl Forbidden {
    fn sentence(self, ip: IpAddr) -> String {
        match self {
            Forbidden::Internal(what) => format!("{ip} is {what}; webhooks go to public addresses only"),
            Forbidden::Metadata => format!("{ip} is a cloud metadata service address"),
            Forbidden::NotAHost(what) => format!("{ip} is {what}, not an address a webhook can be delivered to"),
        }
    }
}

/// Names that reach cloud metadata services without a special address.
const METADATA_NAMES: [&str; 2] = ["metadata.google.internal", "metadata"];

fn v4_in(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn v6_in(ip: Ipv6Addr, network: [u16; 8], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(network)) & mask
}

/// `None` when `ip` is a public unicast address a webhook may go to.
pub fn classify(ip: IpAddr) -> Option<Forbidden> {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Forbidden> {
    use Forbidden::*;
    // AWS, GCP, Azure (169.254.169.254), ECS task credentials, Alibaba, Oracle.
    const METADATA: [[u8; 4]; 4] = [[169, 254, 169, 254], [169, 254, 170, 2], [100, 100, 100, 200], [192, 0, 0, 192]];
    if METADATA.iter().any(|m| ip.octets() == *m) {
        return Some(Metadata);
    }
    let ranges: [([u8; 4], u32, Forbidden); 16] = [
        ([0, 0, 0, 0], 8, NotAHost("the unspecified \"this network\" range")),
        ([10, 0, 0, 0], 8, Internal("a private address")),
        ([100, 64, 0, 0], 10, Internal("a carrier-grade NAT (shared) address")),
        ([127, 0, 0, 0], 8, Internal("a loopback address")),
        ([169, 254, 0, 0], 16, Internal("a link-local address")),
        ([172, 16, 0, 0], 12, Internal("a private address")),
        ([192, 0, 0, 0], 24, NotAHost("an IETF protocol assignment")),
        ([192, 0, 2, 0], 24, NotAHost("a documentation address")),
        ([192, 88, 99, 0], 24, NotAHost("a 6to4 relay anycast address")),
        ([192, 168, 0, 0], 16, Internal("a private address")),
        ([198, 18, 0, 0], 15, Internal("a benchmarking address")),
        ([198, 51, 100, 0], 24, NotAHost("a documentation address")),
        ([203, 0, 113, 0], 24, NotAHost("a documentation address")),
        ([224, 0, 0, 0], 4, NotAHost("a multicast address")),
        // Before 240.0.0.0/4, which holds it: the first match names it.
        ([255, 255, 255, 255], 32, NotAHost("the broadcast address")),
        ([240, 0, 0, 0], 4, NotAHost("a reserved address")),
    ];
    ranges.iter().find(|(network, prefix, _)| v4_in(ip, *network, *prefix)).map(|(_, _, why)| *why)
}

fn classify_v6(ip: Ipv6Addr) -> Option<Forbidden> {
    use Forbidden::*;
    // An IPv4 address in IPv6 clothing is judged as the IPv4 address it reaches.
    let embedded_v4 = |bits: u128| Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    let bits = u128::from(ip);
    if v6_in(ip, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96) || v6_in(ip, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96) {
        return classify_v4(embedded_v4(bits));
    }
    if v6_in(ip, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        return classify_v4(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    // AWS's IPv6 instance metadata service.
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Some(Metadata);
    }
    if ip.is_unspecified() {
        return Some(NotAHost("the unspecified address"));
    }
    if ip.is_loopback() {
        return Some(Internal("a loopback address"));
    }
    let ranges: [([u16; 8], u32, Forbidden); 10] = [
        // Includes the deprecated IPv4-compatible addresses (::a.b.c.d).
        ([0, 0, 0, 0, 0, 0, 0, 0], 96, NotAHost("a reserved address")),
        ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, Internal("a local-use NAT64 address")),
        ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, NotAHost("a discard-only address")),
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, NotAHost("a Teredo tunnel address")),
        // IETF protocol assignments: benchmarking, ORCHID, AMT...
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, NotAHost("an IETF special-purpose address")),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, NotAHost("a documentation address")),
        ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, NotAHost("a documentation address")),
        ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, Internal("a unique local (private) address")),
        ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 9, Internal("a link-local or site-local address")),
        ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, NotAHost("a multicast address")),
    ];
    if let Some((_, _, why)) = ranges.iter().find(|(network, prefix, _)| v6_in(ip, *network, *prefix)) {
        return Some(*why);
    }
    // Global unicast is 2000::/3; everything else is unassigned.
    (!v6_in(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3)).then_some(NotAHost("an unassigned address"))
}

impl TargetPolicy {
    /// The deployment's policy (`MILEPOST_WEBHOOK_ALLOW_HTTP`, `MILEPOST_WEBHOOK_ALLOW_PRIVATE`).
    pub fn of(config: &crate::config::Config) -> Self {
        TargetPolicy { allow_http: config.webhook_allow_http, allow_private: config.webhook_allow_private }
    }

    /// Whether the policy lets a connection go to `ip`.
    pub fn permits(&self, ip: IpAddr) -> Result<(), Refused> {
        match classify(ip) {
            None => Ok(()),
            Some(Forbidden::Internal(_)) if self.allow_private => Ok(()),
            Some(why) => Err(Refused(why.sentence(ip))),
        }
    }

    /// The checks that need no network: a well-formed http(s) URL without
    /// credentials, whose host is not a forbidden address or metadata name.
    pub fn check_url(&self, text: &str) -> Result<Url, Refused> {
        let refuse = |why: &str| Err(Refused(why.to_string()));
        if text.len() > 2000 {
            return refuse("must be at most 2000 characters long");
        }
        // The parser would quietly drop tabs and newlines; refuse them instead.
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return refuse("must not contain spaces or control characters");
        }
        let Ok(url) = Url::parse(text) else {
            return refuse("must be an absolute https URL, such as https://example.com/webhooks");
        };
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return refuse("must use https; plain http would send signed order updates in clear"),
            other => return Err(Refused(format!("must be an https URL, not {other}"))),
        }
        // `http://127.0.0.1@evil.example/` goes to evil.example; whatever the
        // sender meant, credentials have no place in a stored URL.
        if !url.username().is_empty() || url.password().is_some() {
            return refuse("must not contain a user name or password (`user@` before the host)");
        }
        match url.host() {
            None => refuse("must name a host"),
            Some(Host::Ipv4(ip)) => self.permits(IpAddr::V4(ip)).map(|()| url.clone()),
            Some(Host::Ipv6(ip)) => self.permits(IpAddr::V6(ip)).map(|()| url.clone()),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if METADATA_NAMES.contains(&name.as_str()) {
                    return Err(Refused(format!("{name} is a cloud metadata service")));
                }
                Ok(url)
            }
        }
    }

    /// Everything [`check_url`](Self::check_url) checks, and that the host
    /// resolves and none of its addresses is forbidden (for registration).
    pub async fn vet(&self, text: &str) -> Result<Url, Refused> {
        let url = self.check_url(text)?;
        if let Some(Host::Domain(name)) = url.host() {
            resolve(*self, name).await?;
        }
        Ok(url)
    }
}

/// Every address of `name`, or why it may not be used: a name is refused
/// whole if any of its addresses is forbidden, since the connection might
/// go to any of them.
async fn resolve(policy: TargetPolicy, name: &str) -> Result<Vec<SocketAddr>, Refused> {
    let lookup = tokio::time::timeout(std::time::Duration::from_secs(10), tokio::net::lookup_host((name, 0)));
    let addresses: Vec<SocketAddr> = match lookup.await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(_)) => Vec::new(),
        Err(_) => return Err(Refused(format!("looking up {name} took too long"))),
    };
    if addresses.is_empty() {
        return Err(Refused(format!("{name} does not resolve to any address")));
    }
    for address in &addresses {
        policy.permits(address.ip()).map_err(|Refused(why)| Refused(format!("{name} resolves to {why}")))?;
    }
    Ok(addresses)
}

/// The DNS resolver of the webhook client: the addresses a connection may
/// use are the ones vetted here, in the same lookup.
#[derive(Clone, Debug)]
pub struct VettedResolver(pub TargetPolicy);

impl reqwest::dns::Resolve for VettedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            let addresses = resolve(policy, name.as_str()).await?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client webhooks are sent with: the vetting resolver, no
/// redirects, and no proxy from the environment (a proxy would resolve and
/// connect on its own, out of the policy's sight).
pub fn client(policy: TargetPolicy) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(std::sync::Arc::new(VettedResolver(policy)))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn public_unicast_addresses_pass() {
        for public in ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111"] {
            assert_eq!(classify(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn internal_ranges_are_internal() {
        for internal in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:c0a8:0101::1",
        ] {
            assert!(
                matches!(classify(ip(internal)), Some(Forbidden::Internal(_))),
                "{internal}: {:?}",
                classify(ip(internal))
            );
        }
    }

    #[test]
    fn metadata_and_non_hosts_are_refused_even_in_development() {
        let relaxed = TargetPolicy { allow_http: true, allow_private: true };
        for never in [
            "169.254.169.254",
            "::ffff:169.254.169.254",
            "fd00:ec2::254",
            "100.100.100.200",
            "0.0.0.0",
            "::",
            "255.255.255.255",
            "224.0.0.1",
            "ff02::1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "2001:db8::1",
            "240.0.0.1",
            "::127.0.0.1",
        ] {
            assert!(relaxed.permits(ip(never)).is_err(), "{never}");
        }
        assert!(relaxed.permits(ip("127.0.0.1")).is_ok());
        assert!(TargetPolicy::default().permits(ip("127.0.0.1")).unwrap_err().0.contains("loopback"));
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let strict = TargetPolicy::default();
        let refused = |url: &str| strict.check_url(url).unwrap_err().0;
        assert!(refused("http://example.com/").contains("https"));
        assert!(refused("http://127.0.0.1@evil.example/").contains("https"));
        assert!(refused("https://127.0.0.1@evil.example/").contains("user name"));
        assert!(refused("https://a:b@example.com/").contains("user name"));
        assert!(refused("https://169.254.169.254/").contains("metadata"));
        assert!(refused("https://0x7f.1/").contains("loopback"));
        assert!(refused("https://[::ffff:7f00:1]/").contains("loopback"));
        assert!(refused("https://Metadata.Google.Internal./x").contains("metadata"));
        assert!(refused("gopher://example.com/").contains("gopher"));
        assert!(refused("/relative").contains("absolute"));
        assert_eq!(strict.check_url("https://hooks.example.com/in").unwrap().host_str(), Some("hooks.example.com"));
        let dev = TargetPolicy { allow_http: true, allow_private: false };
        assert!(dev.check_url("http://hooks.example.com/in").is_ok());
        assert!(dev.check_url("http://10.1.2.3/in").unwrap_err().0.contains("private"));
    }

    #[tokio::test]
    async fn a_name_is_refused_when_it_resolves_inward() {
        let strict = TargetPolicy::default();
        let refused = strict.vet("https://localhost/hook").await.unwrap_err().0;
        assert!(refused.contains("localhost resolves to") && refused.contains("loopback"), "{refused}");
        let relaxed = TargetPolicy { allow_http: true, allow_private: true };
        assert!(relaxed.vet("http://localhost:9/hook").await.is_ok());
        assert!(strict.vet("https://no-such-host.invalid/").await.unwrap_err().0.contains("does not resolve"));
    }
}
