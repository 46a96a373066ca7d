//! A short-lived cache of rendered tracking pages: what it keeps, when a
//! page is still good, and how a kept page is served with a fresh CSP
//! nonce. The server's middleware (`server::page_cache`) decides what to
//! keep; the hub below it knows when an order changed.
//!
//! A buyer refreshing while a parcel is out for delivery, or one link shared
//! across a receiving dock, asks for the same page many times a minute, and
//! each render reads the order from the store and renders it in Leptos. The
//! page is kept for a moment and thrown away as soon as the live hub hears
//! that its order changed (on any node), so a new event is on the next page
//! served. What is not an event (a delivery window recomputed, a tenant's new
//! colours, the "for 3 hours" of an open problem) shows within the lifetime.

use crate::domain::OrderId;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Pages kept at most; past it, expired ones are dropped, and when all are
/// fresh nothing new is kept until they expire.
const CAPACITY: usize = 4_096;

pub struct PageCache {
    lifetime: Option<Duration>,
    pages: Mutex<HashMap<PageKey, CachedPage>>,
}

/// What the rendered bytes depend on besides the order: the URL (token and
/// query) and what the language is negotiated from.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub path_and_query: String,
    pub accept_language: Option<HeaderValue>,
    pub cookie: Option<HeaderValue>,
}

#[derive(Clone)]
pub struct CachedPage {
    pub order: OrderId,
    /// When the render began: a change committed while it read the store
    /// is after this instant, so the page is never trusted past it.
    pub rendered_from: Instant,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub nonce: String,
}

impl PageCache {
    /// `lifetime` `None` turns the cache off (`MILEPOST_PAGE_CACHE_MS=off`).
    pub fn new(lifetime: Option<Duration>) -> Self {
        assert!(lifetime.is_none_or(|l| l < super::Hub::CHANGES_KEPT), "the hub must remember changes longer");
        PageCache { lifetime, pages: Mutex::default() }
    }

    pub fn get(&self, key: &PageKey, hub: &super::Hub) -> Option<CachedPage> {
        let lifetime = self.lifetime?;
        let page = self.pages.lock().expect("page cache lock").get(key)?.clone();
        let fresh = page.rendered_from.elapsed() < lifetime && !hub.changed_since(page.order, page.rendered_from);
        fresh.then_some(page)
    }

    pub fn put(&self, key: PageKey, page: CachedPage) {
        let Some(lifetime) = self.lifetime else { return };
        let mut pages = self.pages.lock().expect("page cache lock");
        if pages.len() >= CAPACITY {
            pages.retain(|_, p| p.rendered_from.elapsed() < lifetime);
        }
        if pages.len() < CAPACITY {
            pages.insert(key, page);
        }
    }
}

/// The nonce the page's CSP admits scripts by.
pub fn csp_nonce(headers: &HeaderMap) -> Option<String> {
    let policy = headers.get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(policy[start..start + length].to_string()).filter(|n| n.len() >= 16)
}

impl CachedPage {
    /// The same page with a fresh nonce in the CSP and in every script tag:
    /// a nonce an attacker saw once must not admit a script twice.
    pub fn serve_with_new_nonce(&self) -> Response {
        let nonce = leptos::nonce::Nonce::new().to_string();
        let mut headers = self.headers.clone();
        if let Some(policy) = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|p| p.to_str().ok()) {
            if let Ok(value) = HeaderValue::from_str(&policy.replace(&self.nonce, &nonce)) {
                headers.insert(header::CONTENT_SECURITY_POLICY, value);
            }
        }
        let body = replace_all(&self.body, self.nonce.as_bytes(), nonce.as_bytes());
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        response
    }
}

fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + 64);
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_read_from_the_policy_and_replaced_everywhere() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'self' 'nonce-cvKBdnSOqucDRkqF5Y7A_g' 'wasm-unsafe-eval'"),
        );
        let nonce = csp_nonce(&headers).unwrap();
        assert_eq!(nonce, "cvKBdnSOqucDRkqF5Y7A_g");
        let body = format!(r#"<script nonce="{nonce}">a</script><script nonce="{nonce}">b</script>"#);
        let replaced = replace_all(body.as_bytes(), nonce.as_bytes(), b"NEW");
        assert_eq!(replaced, br#"<script nonce="NEW">a</script><script nonce="NEW">b</script>"#);
    }

    #[test]
    fn a_page_is_dropped_when_its_order_changes_or_it_ages() {
        let hub = crate::live::Hub::default();
        let cache = PageCache::new(Some(Duration::from_millis(200)));
        let key = |path: &str| PageKey { path_and_query: path.into(), accept_language: None, cookie: None };
        let page = |order| CachedPage {
            order: OrderId(order),
            rendered_from: Instant::now(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"page"),
            nonce: "n".repeat(22),
        };
        cache.put(key("/t/a"), page(1));
        cache.put(key("/t/b"), page(2));
        assert!(cache.get(&key("/t/a"), &hub).is_some());
        hub.publish(crate::domain::TenantId(1), OrderId(1), crate::domain::EventId(5));
        assert!(cache.get(&key("/t/a"), &hub).is_none(), "order 1 changed");
        assert!(cache.get(&key("/t/b"), &hub).is_some(), "order 2 did not");
        std::thread::sleep(Duration::from_millis(250));
        assert!(cache.get(&key("/t/b"), &hub).is_none(), "too old");
        let off = PageCache::new(None);
        off.put(key("/t/a"), page(1));
        assert!(off.get(&key("/t/a"), &hub).is_none());
    }
}
