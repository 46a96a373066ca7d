//! Configuration from environment variables, with defaults that make
//! `milepost serve` work on a laptop with nothing set.
//!
//! This is the one place that reads `MILEPOST_*`, and `cli` the one place
//! for arguments. The variables are deliberately not also clap `env`
//! arguments: a handful bound there and forty here would be two places, each
//! value here is checked with an error naming its variable (and some have
//! meanings of their own, such as an empty `MILEPOST_MAP_TILES` for "no
//! map"), and the tests build the very same `Config` from name-value pairs
//! (`from_lookup`) without touching the process environment.

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    /// `MILEPOST_DATABASE_URL`, default `sqlite://data/milepost.db`.
    pub database_url: String,
    /// `MILEPOST_ADDR`, default `127.0.0.1:3000`. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// `MILEPOST_PUBLIC_URL`: how links are printed and mailed; defaults to `http://{addr}`.
    pub public_url: Option<String>,
    /// `MILEPOST_SITE_ROOT`: where cargo-leptos put the wasm, css and assets.
    pub site_root: String,
    /// `MILEPOST_DB_MAX_CONNECTIONS`: PostgreSQL 8; SQLite two per core, 4 to 16.
    pub max_connections: u32,
    /// `MILEPOST_LOG_FORMAT=json` for structured logs; anything else is human-readable.
    pub json_logs: bool,
    /// `MILEPOST_LOG`: which logs are written, as tracing `EnvFilter`
    /// directives; unset or unreadable, `info,sqlx=warn`.
    pub log_filter: Option<String>,
    /// `MILEPOST_DEMO_REPLAY`, on unless `off`: `serve --demo` drives the demo vans.
    pub demo_replay: bool,
    /// `MILEPOST_SMTP_URL` (`smtp://127.0.0.1:2525`, `smtp://user:pass@host:587?tls=required`);
    /// without it notifications queue and wait.
    pub smtp_url: Option<String>,
    /// `MILEPOST_SMTP_FROM`, the sender address; the tenant's brand is its name.
    pub smtp_from: String,
    /// `MILEPOST_SMS_URL`: an HTTP endpoint taking a form-encoded `To`, `From`
    /// and `Body` (Twilio's Messages API shape); without it SMS wait queued.
    pub sms_url: Option<String>,
    /// `MILEPOST_SMS_USER` and `MILEPOST_SMS_PASSWORD`: HTTP basic credentials.
    pub sms_user: Option<String>,
    pub sms_password: Option<String>,
    /// `MILEPOST_SMS_FROM`: the sender number or name.
    pub sms_from: String,
    /// `MILEPOST_NOTIFY_RETRY_BASE_MS`, default 30 s: the first retry delay, doubled each time.
    pub notify_retry_base: chrono::Duration,
    /// `MILEPOST_NOTIFY_MAX_ATTEMPTS`, default 8: then the message is dead-lettered.
    pub notify_max_attempts: u32,
    /// `MILEPOST_NOTIFY_POLL_MS`, default 1000: how often an idle worker looks for due messages.
    pub notify_poll: std::time::Duration,
    /// The live map's tiles and their credit.
    pub map: MapTiles,
    /// Connections, timeouts, rate limits and who the client is: see [`Limits`].
    pub limits: Limits,
    /// `MILEPOST_DATA_DIR`, default `data`: proof-of-delivery images are
    /// kept under `pod/` in it.
    pub data_dir: std::path::PathBuf,
    /// `MILEPOST_WEBHOOK_ALLOW_HTTP=1` (development only): webhook endpoints
    /// may be plain http. Off by default: https only.
    pub webhook_allow_http: bool,
    /// `MILEPOST_WEBHOOK_ALLOW_PRIVATE=1` (development only): webhook
    /// endpoints may be on loopback, private or link-local addresses (a
    /// receiver on the same machine). Cloud metadata addresses never are.
    pub webhook_allow_private: bool,
    /// `MILEPOST_SECRET_KEY`: base64 of 32 random bytes; webhook signing
    /// secrets are sealed with it in the database. Unset, a key is made once
    /// in `MILEPOST_DATA_DIR/secret.key` (mode 0600) and used from then on.
    pub secret_key: Option<crate::secret_box::SecretKey>,
    /// `MILEPOST_POSITION_RETENTION_DAYS`, default 30: GPS fixes older than
    /// this are deleted (each vehicle's and shipment's latest fix is kept).
    pub position_retention: chrono::Duration,
    /// `MILEPOST_IDEMPOTENCY_TTL_HOURS`, default 24: how long an
    /// `Idempotency-Key` and its response are kept; then the key is new again.
    pub idempotency_ttl: chrono::Duration,
}

/// `MILEPOST_MAP_TILES` (a `{z}/{x}/{y}` URL template, default
/// OpenStreetMap's; empty for none) and `MILEPOST_MAP_ATTRIBUTION`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapTiles {
    pub url: Option<String>,
    pub attribution: String,
}

/// How the server holds up under load and attack.
#[derive(Clone, Debug)]
pub struct Limits {
    /// `MILEPOST_TRUSTED_PROXIES`: comma-separated addresses and networks
    /// (`10.0.0.0/8`) of the load balancers in front; their
    /// `X-Forwarded-For` names the client. Default none: the header is
    /// ignored and the connection's address is the client.
    pub trusted_proxies: crate::auth::client_address::TrustedProxies,
    /// `MILEPOST_MAX_CONNECTIONS`, default 10000: open client connections
    /// (each live page's event stream holds one); past it new ones wait to
    /// be accepted.
    pub max_client_connections: usize,
    /// `MILEPOST_HEADER_READ_TIMEOUT_MS`, default 10000: how long a client
    /// may take to send a request's headers, and how long a kept-alive
    /// connection may wait for its next request.
    pub header_read_timeout: std::time::Duration,
    /// `MILEPOST_IDLE_TIMEOUT_MS`, default 60000: a connection on which no
    /// byte moves either way for this long is closed (an event stream is
    /// exempt: it sends its own keep-alives).
    pub idle_timeout: std::time::Duration,
    /// `MILEPOST_PASSWORD_CHECKS`, default twice the CPU count: passwords
    /// checked at once (argon2 takes 19 MiB and tens of milliseconds each).
    pub password_checks: usize,
    /// `MILEPOST_PASSWORD_CHECK_WAIT_MS`, default 2000: how long a sign-in
    /// waits for a turn before it is answered 429.
    pub password_check_wait: std::time::Duration,
    pub rate_limits: RateLimits,
    /// `MILEPOST_PAGE_CACHE_MS`, default 2000, or `off`: how long a rendered
    /// tracking page may be served again while its order does not change
    /// (`server::page_cache`).
    pub page_cache: Option<std::time::Duration>,
}

/// Requests per client address to the endpoints a stranger can call
/// (`None`: unlimited). Each variable is `PER_MINUTE[,BURST]` or `off`;
/// `MILEPOST_RATE_LIMITS=off` turns them all off (benchmarks).
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimits {
    /// `MILEPOST_RATE_LIMIT_SIGN_IN`, default `20,30`: password sign-ins.
    pub sign_in: Option<Rate>,
    /// `MILEPOST_RATE_LIMIT_SIGN_IN_LINK`, default `5,10`: requests for a sign-in link by email.
    pub sign_in_link: Option<Rate>,
    /// `MILEPOST_RATE_LIMIT_SIGN_IN_CODE`, default `20,20`: opening or using a
    /// one-time sign-in or invitation link.
    pub sign_in_code: Option<Rate>,
    /// `MILEPOST_RATE_LIMIT_TRACKING`, default `600,600`: tracking pages,
    /// their event streams and files (`/t/...`). High: many buyers can share
    /// one office's address.
    pub tracking: Option<Rate>,
    /// `MILEPOST_RATE_LIMIT_ORDER_LOOKUP`, default `30,30`: looking an order
    /// up by number and email or postcode.
    pub order_lookup: Option<Rate>,
}

/// `per_minute` on average, and up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    fn parse(text: &str) -> Result<Option<Rate>, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let number = |t: &str| t.trim().parse::<u32>().ok().filter(|n| *n > 0);
        let (per_minute, burst) = match text.split_once(',') {
            Some((rate, burst)) => (number(rate), number(burst)),
            None => (number(text), number(text)),
        };
        match (per_minute, burst) {
            (Some(per_minute), Some(burst)) => Ok(Some(Rate { per_minute, burst })),
            _ => Err(format!("`{text}` is not PER_MINUTE[,BURST] (positive numbers) or `off`")),
        }
    }
}

impl Limits {
    fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError { name, reason: format!("`{v}` is not a positive number") }),
            }
        };
        let all_off = get("MILEPOST_RATE_LIMITS").is_some_and(|v| v.trim().eq_ignore_ascii_case("off"));
        let rate = |name: &'static str, per_minute: u32, burst: u32| -> Result<Option<Rate>, ConfigError> {
            if all_off {
                return Ok(None);
            }
            match get(name) {
                None => Ok(Some(Rate { per_minute, burst })),
                Some(v) => Rate::parse(&v).map_err(|reason| ConfigError { name, reason }),
            }
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let millis = std::time::Duration::from_millis;
        Ok(Limits {
            trusted_proxies: crate::auth::client_address::TrustedProxies::parse(
                &get("MILEPOST_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|reason| ConfigError { name: "MILEPOST_TRUSTED_PROXIES", reason })?,
            max_client_connections: number("MILEPOST_MAX_CONNECTIONS", 10_000)? as usize,
            header_read_timeout: millis(number("MILEPOST_HEADER_READ_TIMEOUT_MS", 10_000)?),
            idle_timeout: millis(number("MILEPOST_IDLE_TIMEOUT_MS", 60_000)?),
            password_checks: number("MILEPOST_PASSWORD_CHECKS", 2 * cores)? as usize,
            password_check_wait: millis(number("MILEPOST_PASSWORD_CHECK_WAIT_MS", 2_000)?),
            page_cache: match get("MILEPOST_PAGE_CACHE_MS") {
                Some(v) if v.trim().eq_ignore_ascii_case("off") => None,
                _ => Some(millis(number("MILEPOST_PAGE_CACHE_MS", 2_000)?.min(5_000))),
            },
            rate_limits: RateLimits {
                sign_in: rate("MILEPOST_RATE_LIMIT_SIGN_IN", 20, 30)?,
                sign_in_link: rate("MILEPOST_RATE_LIMIT_SIGN_IN_LINK", 5, 10)?,
                sign_in_code: rate("MILEPOST_RATE_LIMIT_SIGN_IN_CODE", 20, 20)?,
                tracking: rate("MILEPOST_RATE_LIMIT_TRACKING", 600, 600)?,
                order_lookup: rate("MILEPOST_RATE_LIMIT_ORDER_LOOKUP", 30, 30)?,
            },
        })
    }
}

/// A switch variable: `1`, `true`, `yes` or `on` turn it on.
fn is_on(value: &str) -> bool {
    ["1", "true", "yes", "on"].iter().any(|on| value.trim().eq_ignore_ascii_case(on))
}

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub reason: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr_text = get("MILEPOST_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|e| ConfigError {
            name: "MILEPOST_ADDR",
            reason: format!("`{addr_text}` is not host:port ({e})"),
        })?;
        let database_url = get("MILEPOST_DATABASE_URL").unwrap_or_else(|| "sqlite://data/milepost.db".into());
        let max_connections = match get("MILEPOST_DB_MAX_CONNECTIONS") {
            None if database_url.starts_with("postgres") => 8,
            // SQLite's reads use the cores, not the connections: each
            // connection is a thread of its own whose page cache every
            // write empties. On 2 cores, 4 served both the tracking page
            // and ingest better than 8 (and 2 starved the page).
            None => std::thread::available_parallelism().map_or(4, |n| (2 * n.get() as u32).clamp(4, 16)),
            Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| ConfigError {
                name: "MILEPOST_DB_MAX_CONNECTIONS",
                reason: format!("`{v}` is not a positive number"),
            })?,
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ConfigError { name, reason: format!("`{v}` is not a positive number") }),
            }
        };
        Ok(Config {
            database_url,
            addr,
            public_url: get("MILEPOST_PUBLIC_URL"),
            site_root: get("MILEPOST_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
            max_connections,
            json_logs: get("MILEPOST_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            log_filter: get("MILEPOST_LOG"),
            demo_replay: get("MILEPOST_DEMO_REPLAY").is_none_or(|v| v != "off"),
            smtp_url: get("MILEPOST_SMTP_URL").filter(|v| !v.is_empty()),
            smtp_from: get("MILEPOST_SMTP_FROM").unwrap_or_else(|| "notifications@milepost.localhost".into()),
            sms_url: get("MILEPOST_SMS_URL").filter(|v| !v.is_empty()),
            sms_user: get("MILEPOST_SMS_USER"),
            sms_password: get("MILEPOST_SMS_PASSWORD"),
            sms_from: get("MILEPOST_SMS_FROM").unwrap_or_else(|| "Milepost".into()),
            notify_retry_base: chrono::Duration::milliseconds(number("MILEPOST_NOTIFY_RETRY_BASE_MS", 30_000)? as i64),
            notify_max_attempts: number("MILEPOST_NOTIFY_MAX_ATTEMPTS", 8)? as u32,
            notify_poll: std::time::Duration::from_millis(number("MILEPOST_NOTIFY_POLL_MS", 1_000)?),
            data_dir: get("MILEPOST_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            webhook_allow_http: get("MILEPOST_WEBHOOK_ALLOW_HTTP").is_some_and(|v| is_on(&v)),
            webhook_allow_private: get("MILEPOST_WEBHOOK_ALLOW_PRIVATE").is_some_and(|v| is_on(&v)),
            secret_key: get("MILEPOST_SECRET_KEY")
                .filter(|v| !v.trim().is_empty())
                .map(|v| crate::secret_box::SecretKey::from_base64(&v))
                .transpose()
                .map_err(|reason| ConfigError { name: "MILEPOST_SECRET_KEY", reason })?,
            position_retention: chrono::Duration::days(number("MILEPOST_POSITION_RETENTION_DAYS", 30)? as i64),
            idempotency_ttl: chrono::Duration::hours(number("MILEPOST_IDEMPOTENCY_TTL_HOURS", 24)? as i64),
            limits: Limits::from_lookup(&get)?,
            map: MapTiles {
                url: match get("MILEPOST_MAP_TILES") {
                    None => Some("https://tile.openstreetmap.org/{z}/{x}/{y}.png".into()),
                    Some(url) if url.trim().is_empty() => None,
                    Some(url) => Some(url),
                },
                attribution: get("MILEPOST_MAP_ATTRIBUTION").unwrap_or_else(|| "© OpenStreetMap contributors".into()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_work_with_nothing_set() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/milepost.db");
        assert!((4..=16).contains(&c.max_connections));
        assert_eq!(config(&[("MILEPOST_DATABASE_URL", "postgres://db/m")]).unwrap().max_connections, 8);
        assert!(c.demo_replay && c.log_filter.is_none());
        let c = config(&[("MILEPOST_DEMO_REPLAY", "off"), ("MILEPOST_LOG", "debug")]).unwrap();
        assert!(!c.demo_replay);
        assert_eq!(c.log_filter.as_deref(), Some("debug"));
    }

    #[test]
    fn limits_have_defaults_and_each_can_be_set_or_turned_off() {
        let c = config(&[]).unwrap().limits;
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.max_client_connections, 10_000);
        assert_eq!(c.rate_limits.sign_in, Some(Rate { per_minute: 20, burst: 30 }));
        let c = config(&[
            ("MILEPOST_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1"),
            ("MILEPOST_RATE_LIMIT_TRACKING", "off"),
            ("MILEPOST_RATE_LIMIT_SIGN_IN", "3"),
            ("MILEPOST_RATE_LIMIT_ORDER_LOOKUP", "6,2"),
        ])
        .unwrap()
        .limits;
        assert!(c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert_eq!(c.rate_limits.tracking, None);
        assert_eq!(c.rate_limits.sign_in, Some(Rate { per_minute: 3, burst: 3 }));
        assert_eq!(c.rate_limits.order_lookup, Some(Rate { per_minute: 6, burst: 2 }));
        let off = config(&[("MILEPOST_RATE_LIMITS", "off")]).unwrap().limits.rate_limits;
        assert_eq!((off.sign_in, off.tracking, off.sign_in_code), (None, None, None));
        for (name, bad) in [
            ("MILEPOST_TRUSTED_PROXIES", "10.0.0.0/40"),
            ("MILEPOST_RATE_LIMIT_SIGN_IN", "0"),
            ("MILEPOST_RATE_LIMIT_TRACKING", "lots"),
            ("MILEPOST_IDLE_TIMEOUT_MS", "-1"),
        ] {
            assert_eq!(config(&[(name, bad)]).unwrap_err().name, name);
        }
    }

    #[test]
    fn webhook_targets_secrets_and_retention_have_safe_defaults() {
        let c = config(&[]).unwrap();
        assert!(!c.webhook_allow_http && !c.webhook_allow_private && c.secret_key.is_none());
        assert_eq!(c.position_retention, chrono::Duration::days(30));
        let key = crate::secret_box::SecretKey::generate().to_base64();
        let c = config(&[
            ("MILEPOST_WEBHOOK_ALLOW_HTTP", "1"),
            ("MILEPOST_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("MILEPOST_SECRET_KEY", &key),
            ("MILEPOST_POSITION_RETENTION_DAYS", "7"),
        ])
        .unwrap();
        assert!(c.webhook_allow_http && c.webhook_allow_private);
        assert_eq!(c.secret_key.unwrap().to_base64(), key);
        assert_eq!(c.position_retention, chrono::Duration::days(7));
        assert_eq!(config(&[("MILEPOST_SECRET_KEY", "c2hvcnQ=")]).unwrap_err().name, "MILEPOST_SECRET_KEY");
        assert_eq!(
            config(&[("MILEPOST_POSITION_RETENTION_DAYS", "0")]).unwrap_err().name,
            "MILEPOST_POSITION_RETENTION_DAYS"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(config(&[("MILEPOST_ADDR", "nowhere")]).unwrap_err().name, "MILEPOST_ADDR");
        assert_eq!(config(&[("MILEPOST_DB_MAX_CONNECTIONS", "0")]).unwrap_err().name, "MILEPOST_DB_MAX_CONNECTIONS");
    }
}
