//! Per-address rate limits on the endpoints a stranger can call over and
//! over: signing in, asking for sign-in links, opening one-time links,
//! tracking pages and order lookup.
//!
//! Each kind of endpoint has its own limit (`config::RateLimits`), kept in
//! this node's memory: it is there to stop one address hammering a node,
//! not to count exactly across nodes (the sign-in lockout, which must hold
//! everywhere, is counted in the database). This is the counting; the
//! server's middleware (`server::public_limits`) answers 429.

use crate::auth::client_address::limit_key;
use crate::config::{Rate, RateLimits};
use axum::http::Method;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The kinds of public endpoint, each limited on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    SignIn,
    SignInLink,
    SignInCode,
    Tracking,
    OrderLookup,
}

/// Addresses remembered per class. Past this many at once, addresses not
/// yet seen pass unlimited until old ones expire: memory stays bounded,
/// and a crowd of new addresses is not turned away for someone else's flood.
const MAX_ADDRESSES: usize = 100_000;
/// How often addresses whose allowance is whole again are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// One limit over many addresses: the generic cell rate algorithm, which
/// keeps one instant per address (when its allowance will be whole again,
/// plus one request's spacing) instead of a bucket and a refill time.
pub struct RateLimiter {
    /// The spacing of requests at the average rate.
    interval: Duration,
    /// How far ahead of the average an address may run: the burst.
    tolerance: Duration,
    addresses: Mutex<Addresses>,
}

struct Addresses {
    theoretical_arrival: HashMap<IpAddr, Instant>,
    last_sweep: Instant,
}

impl RateLimiter {
    pub fn new(rate: Rate) -> Self {
        let interval = Duration::from_secs(60) / rate.per_minute.max(1);
        RateLimiter {
            interval,
            tolerance: interval * rate.burst.saturating_sub(1),
            addresses: Mutex::new(Addresses { theoretical_arrival: HashMap::new(), last_sweep: Instant::now() }),
        }
    }

    /// Counts a request from `address` at `now`: `Err` with how long until
    /// one would pass when it is over the limit (and then it is not counted).
    pub fn check(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut addresses = self.addresses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let full = addresses.theoretical_arrival.len() >= MAX_ADDRESSES;
        if full || now.saturating_duration_since(addresses.last_sweep) >= SWEEP_EVERY {
            addresses.sweep(now);
        }
        let known = addresses.theoretical_arrival.get(&address).copied();
        if known.is_none() && addresses.theoretical_arrival.len() >= MAX_ADDRESSES {
            tracing::warn!(limit = MAX_ADDRESSES, "rate limiter full: a new address passes unlimited");
            return Ok(());
        }
        let arrival = known.map_or(now, |t| t.max(now));
        let ahead = arrival - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        addresses.theoretical_arrival.insert(address, arrival + self.interval);
        Ok(())
    }

    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.addresses.lock().unwrap().theoretical_arrival.len()
    }
}

impl Addresses {
    /// Forgets addresses with their whole allowance back: to the algorithm
    /// they are the same as never seen.
    fn sweep(&mut self, now: Instant) {
        self.theoretical_arrival.retain(|_, arrival| *arrival > now);
        self.last_sweep = now;
    }
}

/// Every class's limiter, as configured (`None`: unlimited).
pub struct RateLimiters {
    sign_in: Option<RateLimiter>,
    sign_in_link: Option<RateLimiter>,
    sign_in_code: Option<RateLimiter>,
    tracking: Option<RateLimiter>,
    order_lookup: Option<RateLimiter>,
}

impl RateLimiters {
    pub fn new(limits: &RateLimits) -> Self {
        RateLimiters {
            sign_in: limits.sign_in.map(RateLimiter::new),
            sign_in_link: limits.sign_in_link.map(RateLimiter::new),
            sign_in_code: limits.sign_in_code.map(RateLimiter::new),
            tracking: limits.tracking.map(RateLimiter::new),
            order_lookup: limits.order_lookup.map(RateLimiter::new),
        }
    }

    pub fn check(&self, class: Class, client: IpAddr) -> Result<(), Duration> {
        let limiter = match class {
            Class::SignIn => &self.sign_in,
            Class::SignInLink => &self.sign_in_link,
            Class::SignInCode => &self.sign_in_code,
            Class::Tracking => &self.tracking,
            Class::OrderLookup => &self.order_lookup,
        };
        limiter.as_ref().map_or(Ok(()), |l| l.check(limit_key(client), Instant::now()))
    }
}

/// Which limit a request falls under, if any.
pub fn class_of(method: &Method, path: &str) -> Option<Class> {
    match (method, path) {
        (&Method::POST, "/login") => Some(Class::SignIn),
        (&Method::POST, "/login/link") => Some(Class::SignInLink),
        (_, p) if p.strip_prefix("/login/link/").is_some_and(|token| !token.is_empty()) => Some(Class::SignInCode),
        (_, p) if p.starts_with("/t/") => Some(Class::Tracking),
        // In front of the lookup's own limits in the database (per address,
        // order number and email): this one costs no write.
        (&Method::POST, p) if p.starts_with("/track/") => Some(Class::OrderLookup),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_burst_passes_then_the_average_rate() {
        let limiter = RateLimiter::new(Rate { per_minute: 60, burst: 3 });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1"), start), Ok(()));
        }
        let wait = limiter.check(ip("192.0.2.1"), start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        // Refused requests are not counted: the wait does not grow.
        assert_eq!(limiter.check(ip("192.0.2.1"), start).unwrap_err(), wait);
        // Another address has its own allowance.
        assert_eq!(limiter.check(ip("192.0.2.2"), start), Ok(()));
        // One request's spacing later, one more passes, and only one.
        let later = start + Duration::from_secs(1);
        assert_eq!(limiter.check(ip("192.0.2.1"), later), Ok(()));
        assert!(limiter.check(ip("192.0.2.1"), later).is_err());
        // After a quiet spell the whole burst is back.
        let quiet = start + Duration::from_secs(10);
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1"), quiet), Ok(()));
        }
    }

    #[test]
    fn memory_is_bounded_and_whole_allowances_are_forgotten() {
        let limiter = RateLimiter::new(Rate { per_minute: 60, burst: 1 });
        let start = Instant::now();
        for i in 0..MAX_ADDRESSES as u32 {
            limiter.check(IpAddr::V4(i.into()), start).unwrap();
        }
        assert_eq!(limiter.remembered(), MAX_ADDRESSES);
        // Full of live entries: a new address passes and is not remembered.
        assert_eq!(limiter.check(ip("255.255.255.255"), start), Ok(()));
        assert_eq!(limiter.remembered(), MAX_ADDRESSES);
        // Known addresses are still limited.
        assert!(limiter.check(IpAddr::V4(7u32.into()), start).is_err());
        // Once their allowance is whole again they are swept away.
        assert_eq!(limiter.check(ip("255.255.255.255"), start + SWEEP_EVERY), Ok(()));
        assert_eq!(limiter.remembered(), 1);
    }

    #[test]
    fn public_endpoints_are_classified() {
        assert_eq!(class_of(&Method::POST, "/login"), Some(Class::SignIn));
        assert_eq!(class_of(&Method::GET, "/login"), None);
        assert_eq!(class_of(&Method::POST, "/login/link"), Some(Class::SignInLink));
        assert_eq!(class_of(&Method::GET, "/login/link/abc"), Some(Class::SignInCode));
        assert_eq!(class_of(&Method::POST, "/login/link/abc"), Some(Class::SignInCode));
        assert_eq!(class_of(&Method::GET, "/t/abc"), Some(Class::Tracking));
        assert_eq!(class_of(&Method::GET, "/t/abc/events"), Some(Class::Tracking));
        assert_eq!(class_of(&Method::POST, "/track/northwind"), Some(Class::OrderLookup));
        assert_eq!(class_of(&Method::GET, "/track/northwind"), None);
        assert_eq!(class_of(&Method::GET, "/portal/orders"), None);
        assert_eq!(class_of(&Method::POST, "/api/v1/events"), None);
    }
}
