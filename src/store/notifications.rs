//! The notification outbox: rows queued in the event's own transaction,
//! claimed by the worker with a lease (so a worker that dies mid-delivery
//! leaves its rows to be claimed again), marked sent, retried or dead.

use super::{Pool, Result};
use crate::domain::{Canonical, EventId, OrderId, TenantId};
use crate::notify::rules::{self, QuietHours};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{Sqlite, Transaction};

/// A new event that may notify.
pub(super) struct Notable {
    pub id: EventId,
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
}

/// Queues the messages these new events call for, in the caller's
/// transaction. Today the order's contact email is the recipient.
pub(super) async fn enqueue_in_tx(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: TenantId,
    order: OrderId,
    events: &[Notable],
) -> Result<()> {
    let now = Utc::now();
    let due: Vec<&Notable> = events
        .iter()
        .filter(|e| e.canonical != Canonical::Unmapped)
        .filter(|e| rules::is_news(e.occurred_at, now))
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let contact: Option<(Option<String>, Option<i64>, String)> = sqlx::query_as(
        "SELECT contact_email, account_id, ship_to_time_zone FROM orders WHERE id = ? AND tenant_id = ?",
    )
    .bind(order)
    .bind(tenant)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((Some(recipient), account, zone)) = contact else { return Ok(()) };
    // Account rows first, so they win over the tenant's.
    let overrides: Vec<(String, bool)> = sqlx::query_as(
        "SELECT trigger, enabled FROM notification_rules
         WHERE tenant_id = ? AND channel = 'email' AND (account_id IS NULL OR account_id = ?)
         ORDER BY account_id IS NULL",
    )
    .bind(tenant)
    .bind(account)
    .fetch_all(&mut **tx)
    .await?;
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    for event in due {
        let trigger = event.canonical.code();
        let enabled = overrides
            .iter()
            .find(|(t, _)| *t == trigger)
            .map_or_else(|| rules::notifies_by_default(event.canonical), |(_, enabled)| *enabled);
        if !enabled {
            continue;
        }
        let send_at = QuietHours::default().send_at(now, tz, rules::is_urgent(event.canonical));
        sqlx::query(
            "INSERT INTO notifications (tenant_id, order_id, event_id, channel, recipient, trigger, idempotency_key,
                                        state, next_attempt_at, created_at)
             VALUES (?, ?, ?, 'email', ?, ?, ?, 'pending', ?, ?)
             ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
        )
        .bind(tenant)
        .bind(order)
        .bind(event.id)
        .bind(&recipient)
        .bind(&trigger)
        .bind(format!("{}:{trigger}:email:{}", order.0, recipient.to_ascii_lowercase()))
        .bind(send_at)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A message the worker holds a lease on, with what it needs to write it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueNotification {
    pub id: i64,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub channel: String,
    pub recipient: String,
    pub trigger: String,
    pub idempotency_key: String,
    pub attempts: i64,
    pub order_number: String,
    pub brand_name: String,
    pub support_email: Option<String>,
}

/// Claims up to `limit` due messages until `lease_until`: pending ones whose
/// time has come, and ones whose previous worker's lease ran out.
pub async fn claim_notifications(
    pool: &Pool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueNotification>> {
    let mut tx = super::write_tx(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE notifications SET state = 'sending', attempts = attempts + 1, lease_until = ?
         WHERE id IN (SELECT id FROM notifications
                      WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until <= ?)
                      ORDER BY next_attempt_at LIMIT ?)
         RETURNING id",
    )
    .bind(lease_until)
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        claimed.push(
            sqlx::query_as(
                "SELECT n.id, n.tenant_id, n.order_id, n.channel, n.recipient, n.trigger, n.idempotency_key, n.attempts,
                        o.order_number, t.brand_name, t.support_email
                 FROM notifications n JOIN orders o ON o.id = n.order_id JOIN tenants t ON t.id = n.tenant_id
                 WHERE n.id = ?",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?,
        );
    }
    tx.commit().await?;
    Ok(claimed)
}

pub async fn mark_notification_sent(pool: &Pool, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?",
    )
    .bind(Utc::now())
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or dead when `None`.
pub async fn mark_notification_failed(
    pool: &Pool,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let state = if retry_at.is_some() { "pending" } else { "dead" };
    sqlx::query(
        "UPDATE notifications SET state = ?, last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                                  lease_until = NULL WHERE id = ?",
    )
    .bind(state)
    .bind(error)
    .bind(retry_at)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub trigger: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub async fn order_notifications(pool: &Pool, order: OrderId) -> Result<Vec<NotificationRecord>> {
    Ok(sqlx::query_as(
        "SELECT id, channel, recipient, trigger, state, attempts, last_error, next_attempt_at, sent_at
         FROM notifications WHERE order_id = ? ORDER BY id",
    )
    .bind(order)
    .fetch_all(pool)
    .await?)
}
