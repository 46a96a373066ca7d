//! `Idempotency-Key`s: claimed before the work (so two requests with one key
//! cannot both do it), answered once the work is done, forgotten after a TTL.

use super::{on_pool, on_write};
use super::{Pool, Result};
use crate::domain::TenantId;
use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status_code: i64,
    pub response_body: Vec<u8>,
    pub content_type: String,
}

/// What claiming a key found.
#[derive(Clone, Debug)]
pub enum IdempotencyClaim {
    /// The key is ours: do the work, then `complete_` or `release_`.
    Claimed,
    /// Another request holds the key: `response` is `None` while it is
    /// still being worked on.
    Taken { request_hash: String, response: Option<StoredResponse> },
}

/// A claim still pending after this long belongs to a request that died
/// with its node; no request runs this long, so the key is free again.
const ABANDONED_AFTER: Duration = Duration::minutes(10);

type KeyRow = (String, Option<i64>, Option<Vec<u8>>, Option<String>);

/// Claims (tenant, key) for a request with this hash, in one INSERT so that
/// of concurrent claimers exactly one wins. Keys older than `ttl` are
/// deleted first, table-wide (the index over `created_at` makes finding
/// none cheap), so the table never holds more than a TTL's worth; so is
/// this key's claim if it was abandoned.
pub async fn claim_idempotency_key(
    pool: &Pool,
    tenant: TenantId,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<IdempotencyClaim> {
    on_write!(pool, |c| sqlx::query(
        "DELETE FROM idempotency_keys
         WHERE created_at < $1
            OR (tenant_id = $3 AND idempotency_key = $4 AND status_code IS NULL AND created_at < $2)"
    )
    .bind(now - ttl)
    .bind(now - ABANDONED_AFTER)
    .bind(tenant)
    .bind(key)
    .execute(c)
    .await
    .map(|_| ()))?;
    // A holder may release its claim between our INSERT and SELECT; then
    // the key is free and we try again.
    for _ in 0..3 {
        let inserted = on_write!(pool, |c| sqlx::query(
            "INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
        )
        .bind(tenant)
        .bind(key)
        .bind(request_hash)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed);
        }
        if let Some(taken) = find_idempotency_key(pool, tenant, key).await? {
            return Ok(taken);
        }
    }
    Err(super::StoreError::Invalid("the Idempotency-Key is being claimed and released repeatedly".into()))
}

/// The key's holder and, once done, its response (`None`: no such key).
pub async fn find_idempotency_key(pool: &Pool, tenant: TenantId, key: &str) -> Result<Option<IdempotencyClaim>> {
    let row: Option<KeyRow> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT request_hash, status_code, response_body, content_type FROM idempotency_keys
         WHERE tenant_id = $1 AND idempotency_key = $2"
    )
    .bind(tenant)
    .bind(key)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(request_hash, status_code, body, content_type)| {
        let response = status_code.map(|status_code| StoredResponse {
            request_hash: request_hash.clone(),
            status_code,
            response_body: body.unwrap_or_default(),
            content_type: content_type.unwrap_or_default(),
        });
        IdempotencyClaim::Taken { request_hash, response }
    }))
}

/// Stores the answer of a claimed key; later requests with it get this.
pub async fn complete_idempotency_key(
    pool: &Pool,
    tenant: TenantId,
    key: &str,
    response: &StoredResponse,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "UPDATE idempotency_keys SET status_code = $3, response_body = $4, content_type = $5
         WHERE tenant_id = $1 AND idempotency_key = $2 AND request_hash = $6 AND status_code IS NULL"
    )
    .bind(tenant)
    .bind(key)
    .bind(response.status_code)
    .bind(&response.response_body)
    .bind(&response.content_type)
    .bind(&response.request_hash)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Gives up a pending claim (the work failed on our side), so a retry can
/// succeed. A completed key is never released.
pub async fn release_idempotency_key(pool: &Pool, tenant: TenantId, key: &str) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2 AND status_code IS NULL"
    )
    .bind(tenant)
    .bind(key)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}
