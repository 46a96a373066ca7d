use super::{Pool, Result};
use crate::domain::TenantId;
use chrono::Utc;

pub async fn add_webhook_secret(pool: &Pool, tenant: TenantId, source: &str, secret: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO webhook_secrets (tenant_id, source, secret, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(tenant)
    .bind(source)
    .bind(secret)
    .bind(Utc::now())
    .fetch_one(pool)
    .await?)
}

pub async fn revoke_webhook_secret(pool: &Pool, id: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE webhook_secrets SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every live secret for a tenant's source (several during a rotation).
pub async fn live_webhook_secrets(pool: &Pool, tenant: TenantId, source: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT secret FROM webhook_secrets WHERE tenant_id = ? AND source = ? AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(tenant)
    .bind(source)
    .fetch_all(pool)
    .await?)
}

/// Records a webhook id; `false` if it was seen before (a replay).
pub async fn record_webhook_receipt(pool: &Pool, tenant: TenantId, source: &str, webhook_id: &str) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO webhook_receipts (tenant_id, source, webhook_id, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(source)
    .bind(webhook_id)
    .bind(Utc::now())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn tenant_by_slug(pool: &Pool, slug: &str) -> Result<Option<TenantId>> {
    Ok(sqlx::query_scalar("SELECT id FROM tenants WHERE slug = ?").bind(slug).fetch_optional(pool).await?)
}
