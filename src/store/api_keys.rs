use super::{Pool, Result};
use crate::domain::TenantId;
use chrono::Utc;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: i64,
    pub tenant_id: TenantId,
    pub name: String,
    pub key_prefix: String,
    pub scopes: String,
}

pub async fn insert_api_key(
    pool: &Pool,
    tenant: TenantId,
    name: &str,
    prefix: &str,
    hash: &str,
    scopes: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(tenant)
    .bind(name)
    .bind(prefix)
    .bind(hash)
    .bind(scopes)
    .bind(Utc::now())
    .fetch_one(pool)
    .await?)
}

pub async fn find_api_key(pool: &Pool, hash: &str) -> Result<Option<ApiKeyRecord>> {
    Ok(sqlx::query_as(
        "SELECT id, tenant_id, name, key_prefix, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?)
}

pub async fn revoke_api_key(pool: &Pool, id: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
