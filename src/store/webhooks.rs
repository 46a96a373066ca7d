use super::on_pool;
use super::{Pool, Result};
use crate::domain::TenantId;
use chrono::Utc;

pub async fn add_webhook_secret(pool: &Pool, tenant: TenantId, source: &str, secret: &str) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "INSERT INTO webhook_secrets (tenant_id, source, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant)
    .bind(source)
    .bind(secret)
    .bind(Utc::now())
    .fetch_one(c)
    .await)?)
}

pub async fn revoke_webhook_secret(pool: &Pool, id: i64) -> Result<bool> {
    let done = on_pool!(pool, |c| sqlx::query(
        "UPDATE webhook_secrets SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now())
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Every live secret for a tenant's source (several during a rotation).
pub async fn live_webhook_secrets(pool: &Pool, tenant: TenantId, source: &str) -> Result<Vec<String>> {
    Ok(on_pool!(pool, |c| {
        sqlx::query_scalar(
        "SELECT secret FROM webhook_secrets WHERE tenant_id = $1 AND source = $2 AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(tenant)
    .bind(source)
    .fetch_all(c)
    .await
    })?)
}

/// Records a webhook id; `false` if it was seen before (a replay).
pub async fn record_webhook_receipt(pool: &Pool, tenant: TenantId, source: &str, webhook_id: &str) -> Result<bool> {
    let done = on_pool!(pool, |c| {
        sqlx::query(
        "INSERT INTO webhook_receipts (tenant_id, source, webhook_id, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(source)
    .bind(webhook_id)
    .bind(Utc::now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

pub async fn tenant_by_slug(pool: &Pool, slug: &str) -> Result<Option<TenantId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_optional(c)
        .await)?)
}
