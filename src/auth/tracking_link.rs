//! Tracking links: a 256-bit random token, shown once, stored only as its
//! SHA-256, expirable and revocable. Every way a token can be wrong (bad
//! shape, unknown, expired, revoked) resolves to the same `None`.

use crate::domain::{OrderId, TenantId};
use crate::store::{self, Pool, TrackingLinkTarget};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

const TOKEN_BYTES: usize = 32;
/// base64url without padding of 32 bytes.
const TOKEN_LEN: usize = 43;

/// A tracking token as the buyer holds it. Never logged, never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingToken(String);

impl std::fmt::Debug for TrackingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingToken(..)")
    }
}

impl TrackingToken {
    pub fn generate() -> Self {
        TrackingToken(crate::token::random(TOKEN_BYTES))
    }

    /// Accepts only strings of the exact shape we issue, so junk never
    /// reaches the database.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == TOKEN_LEN && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| TrackingToken(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// Creates a link for an order and returns the token: the only time it exists in clear.
pub async fn issue(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    expires_at: Option<DateTime<Utc>>,
) -> store::Result<TrackingToken> {
    let token = TrackingToken::generate();
    store::insert_tracking_link(pool, tenant, order, &token.hash(), expires_at).await?;
    Ok(token)
}

pub async fn resolve(pool: &Pool, raw: &str) -> store::Result<Option<TrackingLinkTarget>> {
    match TrackingToken::parse(raw) {
        Some(token) => store::resolve_tracking_link(pool, &token.hash(), Utc::now()).await,
        None => Ok(None),
    }
}

pub async fn revoke(pool: &Pool, token: &TrackingToken) -> store::Result<bool> {
    store::revoke_tracking_link(pool, &token.hash()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = TrackingToken::generate();
        let b = TrackingToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), TOKEN_LEN);
        assert!(TrackingToken::parse(a.as_str()).is_some());
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.as_str());
    }

    #[test]
    fn parse_rejects_other_shapes() {
        for bad in ["", "short", &"a".repeat(44), &format!("{}/", "a".repeat(42)), &format!("{}=", "a".repeat(42))] {
            assert!(TrackingToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_does_not_leak_the_token() {
        let t = TrackingToken::generate();
        assert!(!format!("{t:?}").contains(t.as_str()));
    }
}
