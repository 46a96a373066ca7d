use super::on_pool;
use super::{Pool, Result};
use crate::domain::TenantId;
use chrono::Utc;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status_code: i64,
    pub response_body: Vec<u8>,
    pub content_type: String,
}

pub async fn find_idempotent_response(pool: &Pool, tenant: TenantId, key: &str) -> Result<Option<StoredResponse>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT request_hash, status_code, response_body, content_type FROM idempotency_keys
         WHERE tenant_id = $1 AND idempotency_key = $2",
    )
    .bind(tenant)
    .bind(key)
    .fetch_optional(c)
    .await)?)
}

/// First writer wins: a concurrent retry that raced us keeps the first answer.
pub async fn remember_response(pool: &Pool, tenant: TenantId, key: &str, response: &StoredResponse) -> Result<()> {
    on_pool!(pool, |c| {
        sqlx::query(
        "INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, status_code, response_body, content_type, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(key)
    .bind(&response.request_hash)
    .bind(response.status_code)
    .bind(&response.response_body)
    .bind(&response.content_type)
    .bind(Utc::now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
