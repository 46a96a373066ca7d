//! Customer service's work queue: the orders under way or with an open
//! exception (read through two partial indexes, so a million delivered
//! orders cost nothing), who owns them, and the tenant's targets.

use super::{on_pool, on_tx, Pool, Result};
use crate::domain::queue::{QueueReason, Target};
use crate::domain::{AccountId, Milestone, OpenExceptions, OrderId, TenantId, TimeZone, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// What decides whether an order is in the queue, and what it is filtered
/// and grouped by. Only this is read for every candidate (thousands at a
/// million orders); the rows a page lists are read in full afterwards
/// (`orders_by_id`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueCandidate {
    pub id: OrderId,
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    pub status_milestone: Option<Milestone>,
    pub open_exceptions: OpenExceptions,
    pub ship_to_time_zone: TimeZone,
    pub last_event_at: Option<DateTime<Utc>>,
    pub exception_since: Option<DateTime<Utc>>,
    pub account_id: Option<AccountId>,
    pub assigned_to: Option<UserId>,
    /// The carrier of the order's first shipment.
    pub carrier: Option<String>,
}

/// Orders with an open exception, or still under way and past their
/// promised date or silent since `silent_since`. Cancelled and returned
/// orders are left out; `domain::queue::classify` decides the rest.
pub async fn queue_candidates(
    pool: &Pool,
    tenant: TenantId,
    today: NaiveDate,
    silent_since: DateTime<Utc>,
) -> Result<Vec<QueueCandidate>> {
    // Each branch repeats its partial index's condition word for word:
    // that is how SQLite knows it may use the index. The ids come first and
    // the orders are joined to them, so nothing walks the orders table.
    let sql = "SELECT o.id, o.placed_at, o.promised_date, o.status_milestone, o.open_exceptions, o.ship_to_time_zone,
                o.last_event_at, o.exception_since, o.account_id, o.assigned_to, s.carrier
         FROM (SELECT id FROM orders WHERE tenant_id = $1 AND open_exceptions <> ''
                  AND open_exceptions NOT LIKE '%cancelled%' AND open_exceptions NOT LIKE '%returned_to_sender%'
               UNION
               SELECT id FROM orders WHERE tenant_id = $1
                  AND status_milestone IS DISTINCT FROM 'delivered'
                  AND open_exceptions NOT LIKE '%cancelled%' AND open_exceptions NOT LIKE '%returned_to_sender%'
                  AND (promised_date < $2 OR COALESCE(last_event_at, placed_at) < $3)) AS queued
         JOIN orders o ON o.id = queued.id
         LEFT JOIN shipments s ON s.id = (SELECT MIN(id) FROM shipments WHERE order_id = o.id)";
    Ok(on_pool!(pool, |c| sqlx::query_as(sql).bind(tenant).bind(today).bind(silent_since).fetch_all(c).await)?)
}

/// The tenant's targets; reasons it has not set keep their defaults.
pub async fn queue_targets(pool: &Pool, tenant: TenantId) -> Result<HashMap<QueueReason, Target>> {
    let rows: Vec<(String, i64, bool)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT reason, hours, working_hours FROM queue_targets WHERE tenant_id = $1"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    let mut targets: HashMap<QueueReason, Target> =
        QueueReason::all().into_iter().map(|r| (r, r.default_target())).collect();
    for (reason, hours, working_hours) in rows {
        // A reason this version no longer knows is ignored, not an error.
        if let (Ok(reason), Ok(hours)) = (reason.parse(), u32::try_from(hours)) {
            targets.insert(reason, Target { hours, working_hours });
        }
    }
    Ok(targets)
}

pub async fn set_queue_targets(pool: &Pool, tenant: TenantId, targets: &[(QueueReason, Target)]) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    for (reason, target) in targets {
        on_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO queue_targets (tenant_id, reason, hours, working_hours) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, reason) DO UPDATE SET hours = excluded.hours, working_hours = excluded.working_hours"
        )
        .bind(tenant)
        .bind(reason.code())
        .bind(i64::from(target.hours))
        .bind(target.working_hours)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    tx.commit().await?;
    Ok(())
}

/// Gives these orders of the tenant to `owner` (or to nobody). Returns how
/// many orders changed hands.
pub async fn assign_orders(
    pool: &Pool,
    tenant: TenantId,
    orders: &[OrderId],
    owner: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut tx = super::write_tx(pool).await?;
    let mut changed = 0;
    for order in orders {
        changed += on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE orders SET assigned_to = $1, assigned_at = $2
             WHERE tenant_id = $3 AND id = $4 AND assigned_to IS DISTINCT FROM $1"
        )
        .bind(owner)
        .bind(now)
        .bind(tenant)
        .bind(order)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(changed)
}
