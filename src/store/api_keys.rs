//! API keys as stored: the SHA-256 of each key (never the key), its
//! scopes and tenant, and whether it was revoked.

use super::{on_pool, on_write};
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
    Ok(on_write!(pool, |c| {
        sqlx::query_scalar(
        "INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(tenant)
    .bind(name)
    .bind(prefix)
    .bind(hash)
    .bind(scopes)
    .bind(Utc::now())
    .fetch_one(c)
    .await
    })?)
}

pub async fn find_api_key(pool: &Pool, hash: &str) -> Result<Option<ApiKeyRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, tenant_id, name, key_prefix, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(c)
    .await)?)
}

pub async fn revoke_api_key(pool: &Pool, id: i64) -> Result<bool> {
    let done =
        on_write!(pool, |c| sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(Utc::now())
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}
