//! Inbound webhook secrets per tenant and source, sealed with the
//! deployment key (`secret_box`), and the receipts that refuse a replayed
//! webhook id.

use super::{on_pool, on_tx, on_write, StoreError};
use super::{Pool, Result};
use crate::domain::TenantId;
use crate::secret_box::{self, SecretKey};
use chrono::Utc;

/// The column carrier secrets are sealed for (see `secret_box`).
const CARRIER_SECRET: &str = "webhook_secrets.secret";

/// Stores a carrier's signing secret, sealed with `key`.
pub async fn add_webhook_secret(
    pool: &Pool,
    key: &SecretKey,
    tenant: TenantId,
    source: &str,
    secret: &str,
) -> Result<i64> {
    let sealed = key.seal(CARRIER_SECRET, secret);
    Ok(on_write!(pool, |c| sqlx::query_scalar(
        "INSERT INTO webhook_secrets (tenant_id, source, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant)
    .bind(source)
    .bind(&sealed)
    .bind(Utc::now())
    .fetch_one(c)
    .await)?)
}

pub async fn revoke_webhook_secret(pool: &Pool, id: i64) -> Result<bool> {
    let done = on_write!(pool, |c| sqlx::query(
        "UPDATE webhook_secrets SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now())
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Every live secret for a tenant's source (several during a rotation), opened.
pub async fn live_webhook_secrets(pool: &Pool, key: &SecretKey, tenant: TenantId, source: &str) -> Result<Vec<String>> {
    let rows: Vec<(i64, String)> = on_pool!(pool, |c| {
        sqlx::query_as(
        "SELECT id, secret FROM webhook_secrets WHERE tenant_id = $1 AND source = $2 AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(tenant)
    .bind(source)
    .fetch_all(c)
    .await
    })?;
    rows.into_iter()
        .map(|(id, sealed)| {
            key.open(CARRIER_SECRET, &sealed).map_err(|e| super::corrupt(format!("webhook secret {id}: {e}")))
        })
        .collect()
}

/// Records a webhook id; `false` if it was seen before (a replay).
pub async fn record_webhook_receipt(pool: &Pool, tenant: TenantId, source: &str, webhook_id: &str) -> Result<bool> {
    let done = on_write!(pool, |c| {
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

/// The column outbound endpoint secrets are sealed for (see `secret_box`).
pub(super) const ENDPOINT_SECRET: &str = "webhook_endpoints.secret";

/// At start: refuses a key that does not open the secrets already sealed
/// (a wrong or lost `MILEPOST_SECRET_KEY` must stop the server, not make
/// every webhook fail one by one), then seals the secrets older versions
/// stored in clear. Returns how many it sealed; a second run seals none.
pub async fn seal_clear_secrets(pool: &Pool, key: &SecretKey) -> Result<usize> {
    let mut tx = super::write_tx(pool).await?;
    let mut sealed = 0;
    for (table, context) in [("webhook_secrets", CARRIER_SECRET), ("webhook_endpoints", ENDPOINT_SECRET)] {
        let rows: Vec<(i64, String)> =
            on_tx!(&mut tx, |c| sqlx::query_as(&format!("SELECT id, secret FROM {table} ORDER BY id"))
                .fetch_all(c)
                .await)?;
        let unreadable = rows
            .iter()
            .filter(|(_, stored)| secret_box::is_sealed(stored) && key.open(context, stored).is_err())
            .count();
        if unreadable > 0 {
            return Err(StoreError::Invalid(format!(
                "{unreadable} of the {table} secrets in this database do not open with the configured key: \
                 MILEPOST_SECRET_KEY (or the key file in MILEPOST_DATA_DIR) is not the key they were sealed with"
            )));
        }
        for (id, clear) in rows.iter().filter(|(_, stored)| !secret_box::is_sealed(stored)) {
            on_tx!(&mut tx, |c| sqlx::query(&format!("UPDATE {table} SET secret = $1 WHERE id = $2"))
                .bind(key.seal(context, clear))
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            sealed += 1;
        }
    }
    tx.commit().await?;
    Ok(sealed)
}
