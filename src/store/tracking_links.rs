//! Tracking links as stored: the hash of each token, the order it opens,
//! when it expires and whether it was revoked.

use super::{on_pool, on_write};
use super::{Pool, Result};
use crate::domain::{OrderId, TenantId};
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackingLinkTarget {
    pub tenant: TenantId,
    pub order: OrderId,
}

pub async fn insert_tracking_link(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    token_hash: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO tracking_links (tenant_id, order_id, token_hash, created_at, expires_at)
         SELECT tenant_id, id, $1, $2, $3 FROM orders WHERE id = $4 AND tenant_id = $5",
    )
    .bind(token_hash)
    .bind(Utc::now())
    .bind(expires_at)
    .bind(order)
    .bind(tenant)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The order a live (not expired, not revoked) link points to, if any.
pub async fn resolve_tracking_link(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TrackingLinkTarget>> {
    let row: Option<(TenantId, OrderId)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT tenant_id, order_id FROM tracking_links
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(tenant, order)| TrackingLinkTarget { tenant, order }))
}

pub async fn revoke_tracking_link(pool: &Pool, token_hash: &str) -> Result<bool> {
    let done = on_write!(pool, |c| sqlx::query(
        "UPDATE tracking_links SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now())
    .bind(token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}
