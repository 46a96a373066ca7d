//! The notification outbox: rows queued in the event's own transaction,
//! claimed by the worker with a lease (so a worker that dies mid-delivery
//! leaves its rows to be claimed again), marked sent, retried or dead.

use super::{on_pool, on_tx, on_write};
use super::{Pool, Result};
use crate::domain::language::Language;
use crate::domain::notification_rules::{self as rules, QuietHours};
use crate::domain::{Canonical, EventId, OrderId, TenantId, TimeZone};
use crate::secret_box::SecretKey;
use chrono::{DateTime, Utc};

/// A new event that may notify.
pub(super) struct Notable {
    pub id: EventId,
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
}

/// Adds a subscription (or leaves an existing one as it is). Contacts are
/// confirmed by being on the order; opt-ins wait for their code.
pub(super) async fn subscribe_in_tx(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    channel: &str,
    address: &str,
    origin: &str,
    confirm_code_hash: Option<&str>,
) -> Result<()> {
    let now = Utc::now();
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO notification_subscriptions (tenant_id, order_id, channel, address, origin, confirm_code_hash,
                                                 confirmed_at, unsubscribe_token, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_id, channel, address) DO NOTHING",
    )
    .bind(tenant)
    .bind(order)
    .bind(channel)
    .bind(address)
    .bind(origin)
    .bind(confirm_code_hash)
    .bind(confirm_code_hash.is_none().then_some(now))
    .bind(crate::token::random(16))
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Someone who may be told about an order, and how.
struct Recipient {
    channel: String,
    address: String,
    subscription: Option<i64>,
    endpoint: Option<i64>,
}

/// Which of the tenant's `orders` anyone may be told about: all of them
/// when the tenant has a webhook endpoint, else those with a confirmed
/// subscriber. One query for a whole batch, so orders nobody hears (most,
/// on the ingest path) cost nothing more.
pub(super) async fn orders_heard(
    tx: &mut super::Tx,
    tenant: TenantId,
    orders: &[OrderId],
) -> Result<std::collections::HashSet<OrderId>> {
    let mut heard = std::collections::HashSet::new();
    for chunk in orders.chunks(super::rows_per_statement(1)) {
        let sql = format!(
            "SELECT o.id FROM orders o
             WHERE o.tenant_id = $1 AND o.id IN ({})
               AND (EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.tenant_id = o.tenant_id AND w.disabled_at IS NULL)
                    OR EXISTS (SELECT 1 FROM notification_subscriptions s
                               WHERE s.order_id = o.id AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL))",
            super::placeholders(2, chunk.len())
        );
        let ids: Vec<OrderId> = on_tx!(tx, |c| {
            let mut query = sqlx::query_scalar(&sql).bind(tenant);
            for order in chunk {
                query = query.bind(*order);
            }
            query.fetch_all(c).await
        })?;
        heard.extend(ids);
    }
    Ok(heard)
}

/// Queues the messages these new events call for, in the caller's
/// transaction, and says how many: one per (order, trigger, channel, recipient), for confirmed
/// subscribers and the tenant's webhook endpoints, as the rules say.
pub(super) async fn enqueue_in_tx(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    events: &[Notable],
) -> Result<usize> {
    let now = Utc::now();
    let due: Vec<&Notable> =
        events.iter().filter(|e| e.canonical != Canonical::Unmapped && rules::is_news(e.occurred_at, now)).collect();
    if due.is_empty() {
        return Ok(0);
    }
    // One query for everyone who could be told; most orders on the ingest
    // hot path have nobody, and then nothing else is read.
    let recipients: Vec<Recipient> = on_tx!(tx, |c| sqlx::query_as::<_, (Option<i64>, Option<i64>, String, String)>(
        "SELECT id, NULL, channel, address FROM notification_subscriptions
         WHERE order_id = $1 AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL
         UNION ALL
         SELECT NULL, id, 'webhook', url FROM webhook_endpoints WHERE tenant_id = $2 AND disabled_at IS NULL",
    )
    .bind(order)
    .bind(tenant)
    .fetch_all(c)
    .await)?
    .into_iter()
    .map(|(subscription, endpoint, channel, address)| Recipient { channel, address, subscription, endpoint })
    .collect();
    if recipients.is_empty() {
        return Ok(0);
    }
    let Some((account, zone, quiet_start, quiet_end)): Option<(Option<i64>, TimeZone, String, String)> =
        on_tx!(tx, |c| sqlx::query_as(
            "SELECT o.account_id, o.ship_to_time_zone, t.quiet_hours_start, t.quiet_hours_end
         FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE o.id = $1 AND o.tenant_id = $2",
        )
        .bind(order)
        .bind(tenant)
        .fetch_optional(c)
        .await)?
    else {
        return Ok(0);
    };
    let mut queued = 0;
    let quiet = QuietHours::parse(&quiet_start, &quiet_end).unwrap_or_default();
    // Account rows first, so they win over the tenant's.
    let overrides: Vec<(String, String, bool)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT trigger, channel, enabled FROM notification_rules
         WHERE tenant_id = $1 AND (account_id IS NULL OR account_id = $2) ORDER BY account_id IS NULL",
    )
    .bind(tenant)
    .bind(account)
    .fetch_all(c)
    .await)?;
    for event in due {
        let trigger = event.canonical.code();
        for recipient in &recipients {
            let enabled = overrides
                .iter()
                .find(|(t, c, _)| *t == trigger && *c == recipient.channel)
                .map_or_else(|| rules::notifies_by_default(event.canonical), |(_, _, enabled)| *enabled);
            if !enabled {
                continue;
            }
            // Quiet hours are for people; systems take messages at any hour.
            let urgent = rules::is_urgent(event.canonical) || recipient.channel == "webhook";
            let send_at = quiet.send_at(now, zone, urgent);
            // Once per order and trigger; a return's steps once per return
            // (each reaches a status once, in one event), as an order may
            // have several returns.
            let scope = match event.canonical {
                Canonical::Return(_) => format!(":{}", event.id.0),
                _ => String::new(),
            };
            let key = format!(
                "{}:{trigger}:{}:{}{scope}",
                order.0,
                recipient.channel,
                recipient.endpoint.map_or_else(|| recipient.address.to_ascii_lowercase(), |id| id.to_string())
            );
            let inserted = on_tx!(tx, |c| sqlx::query(
                "INSERT INTO notifications (tenant_id, order_id, event_id, channel, recipient, subscription_id,
                                            endpoint_id, trigger, idempotency_key, state, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)
                 ON CONFLICT (tenant_id, idempotency_key) DO NOTHING",
            )
            .bind(tenant)
            .bind(order)
            .bind(event.id)
            .bind(&recipient.channel)
            .bind(&recipient.address)
            .bind(recipient.subscription)
            .bind(recipient.endpoint)
            .bind(&trigger)
            .bind(key)
            .bind(send_at)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            queued += inserted as usize;
        }
    }
    Ok(queued)
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
    pub unsubscribe_token: Option<String>,
    /// The webhook endpoint's signing secret as stored: sealed; see
    /// [`DueNotification::endpoint_secret`].
    pub sealed_endpoint_secret: Option<String>,
    pub event_id: Option<i64>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    /// A sign-up code, for `subscription_code` messages.
    pub secret: Option<String>,
    /// The language the buyer signed up in, else the tenant's default.
    #[sqlx(try_from = "String")]
    pub language: Language,
}

impl DueNotification {
    /// The webhook endpoint's signing secret, opened with the key it was
    /// sealed with (`None` for messages that are not webhooks).
    pub fn endpoint_secret(&self, key: &SecretKey) -> Option<Result<String, crate::secret_box::OpenError>> {
        self.sealed_endpoint_secret.as_deref().map(|sealed| key.open(super::webhooks::ENDPOINT_SECRET, sealed))
    }
}

/// Claims up to `limit` due messages on these channels until `lease_until`: pending ones whose
/// time has come, and ones whose previous worker's lease ran out.
pub async fn claim_notifications(
    pool: &Pool,
    channels: &[&str],
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueNotification>> {
    let mut tx = super::write_tx(pool).await?;
    // The same claim on both backends; PostgreSQL skips rows another node is
    // claiming at this moment instead of waiting for them (SQLite's write
    // lock lets one claimer in at a time).
    let claim = |channels_in: &str, skip_locked: &str| {
        format!(
            "UPDATE notifications SET state = 'sending', attempts = attempts + 1, lease_until = $1
             WHERE id IN (SELECT id FROM notifications
                          WHERE ((state = 'pending' AND next_attempt_at <= $2) OR (state = 'sending' AND lease_until <= $3))
                            AND {channels_in}
                          ORDER BY next_attempt_at LIMIT $5 {skip_locked})
             RETURNING id"
        )
    };
    let ids: Vec<i64> = match &mut tx {
        super::Tx::Sqlite(c, _) => {
            sqlx::query_scalar(&claim("channel IN (SELECT value FROM json_each($4))", ""))
                .bind(lease_until)
                .bind(now)
                .bind(now)
                .bind(sqlx::types::Json(channels))
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }
        super::Tx::Postgres(c) => {
            sqlx::query_scalar(&claim("channel = ANY($4)", "FOR UPDATE SKIP LOCKED"))
                .bind(lease_until)
                .bind(now)
                .bind(now)
                .bind(channels)
                .bind(limit)
                .fetch_all(&mut **c)
                .await?
        }
    };
    let details =
        "SELECT n.id, n.tenant_id, n.order_id, n.channel, n.recipient, n.trigger, n.idempotency_key, n.attempts,
                o.order_number, t.brand_name, t.support_email, s.unsubscribe_token, w.secret AS sealed_endpoint_secret,
                e.id AS event_id, e.occurred_at, e.location, n.secret,
                COALESCE(s.language, t.default_language) AS language
         FROM notifications n
         JOIN orders o ON o.id = n.order_id
         JOIN tenants t ON t.id = n.tenant_id
         LEFT JOIN events e ON e.id = n.event_id
         LEFT JOIN notification_subscriptions s ON s.id = n.subscription_id
         LEFT JOIN webhook_endpoints w ON w.id = n.endpoint_id
         WHERE n.id";
    let claimed = match &mut tx {
        super::Tx::Sqlite(c, _) => {
            sqlx::query_as(&format!("{details} IN (SELECT value FROM json_each($1))"))
                .bind(sqlx::types::Json(&ids))
                .fetch_all(&mut **c)
                .await?
        }
        super::Tx::Postgres(c) => {
            sqlx::query_as(&format!("{details} = ANY($1)")).bind(&ids).fetch_all(&mut **c).await?
        }
    };
    tx.commit().await?;
    Ok(claimed)
}

pub async fn mark_notification_sent(pool: &Pool, id: i64, response_status: Option<u16>) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "UPDATE notifications SET state = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL,
                                  response_status = $2, secret = NULL WHERE id = $3",
    )
    .bind(Utc::now())
    .bind(response_status.map(i64::from))
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or dead when `None`.
pub async fn mark_notification_failed(
    pool: &Pool,
    id: i64,
    error: &str,
    response_status: Option<u16>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let state = if retry_at.is_some() { "pending" } else { "dead" };
    on_write!(pool, |c| sqlx::query(
        "UPDATE notifications SET state = $1, last_error = $2, response_status = $3,
                                  next_attempt_at = COALESCE($4, next_attempt_at), lease_until = NULL WHERE id = $5",
    )
    .bind(state)
    .bind(error)
    .bind(response_status.map(i64::from))
    .bind(retry_at)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sends a message again (CS "resend"): back to pending, due now, with its
/// attempts counted afresh. Scoped to the tenant.
pub async fn resend_notification(pool: &Pool, tenant: TenantId, id: i64) -> Result<bool> {
    let updated = on_write!(pool, |c| sqlx::query(
        "UPDATE notifications SET state = 'pending', attempts = 0, next_attempt_at = $1, lease_until = NULL
         WHERE id = $2 AND tenant_id = $3 AND state != 'sending'",
    )
    .bind(Utc::now())
    .bind(id)
    .bind(tenant)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

/// One click in a message: no more messages to that subscription, and
/// what was still queued for it is cancelled. Returns the order number.
pub async fn unsubscribe(pool: &Pool, token: &str) -> Result<Option<String>> {
    let mut tx = super::write_tx(pool).await?;
    let found: Option<(i64, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "UPDATE notification_subscriptions SET unsubscribed_at = COALESCE(unsubscribed_at, $1)
         WHERE unsubscribe_token = $2
         RETURNING id, (SELECT order_number FROM orders WHERE orders.id = notification_subscriptions.order_id)",
    )
    .bind(Utc::now())
    .bind(token)
    .fetch_optional(c)
    .await)?;
    if let Some((subscription, _)) = &found {
        on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE notifications SET state = 'cancelled' WHERE subscription_id = $1 AND state = 'pending'"
        )
        .bind(subscription)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(found.map(|(_, number)| number))
}

/// Registers a customer system to receive signed webhooks; returns its id.
/// The signing secret is stored sealed with `key`.
pub async fn add_webhook_endpoint(
    pool: &Pool,
    key: &SecretKey,
    tenant: TenantId,
    url: &str,
    secret: &str,
) -> Result<i64> {
    let sealed = key.seal(super::webhooks::ENDPOINT_SECRET, secret);
    Ok(on_write!(pool, |c| sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (tenant_id, url, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant)
    .bind(url)
    .bind(&sealed)
    .bind(Utc::now())
    .fetch_one(c)
    .await)?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: i64,
    pub response_status: Option<i64>,
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
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, response_status, channel, recipient, trigger, state, attempts, last_error, next_attempt_at, sent_at
         FROM notifications WHERE order_id = $1 ORDER BY id",
    )
    .bind(order)
    .fetch_all(c)
    .await)?)
}

/// Why an opt-in was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum OptInRefused {
    /// Three codes an hour per address are enough for a person, and too few
    /// to make Milepost a spam cannon.
    TooManyCodes,
    AlreadySubscribed,
}

/// A buyer asks for updates on the tracking page: an unconfirmed
/// subscription and a message carrying its code, queued together.
pub async fn request_opt_in(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    channel: &str,
    address: &str,
    code: &str,
    language: Language,
) -> Result<std::result::Result<(), OptInRefused>> {
    let now = Utc::now();
    let mut tx = super::write_tx(pool).await?;
    let confirmed: Option<bool> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT confirmed_at IS NOT NULL AND unsubscribed_at IS NULL FROM notification_subscriptions
         WHERE order_id = $1 AND channel = $2 AND address = $3",
    )
    .bind(order)
    .bind(channel)
    .bind(address)
    .fetch_optional(c)
    .await)?;
    if confirmed == Some(true) {
        return Ok(Err(OptInRefused::AlreadySubscribed));
    }
    let recent: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE tenant_id = $1 AND trigger = 'subscription_code' AND recipient = $2
           AND created_at > $3",
    )
    .bind(tenant)
    .bind(address)
    .bind(now - chrono::Duration::hours(1))
    .fetch_one(c)
    .await
    })?;
    if recent >= 3 {
        return Ok(Err(OptInRefused::TooManyCodes));
    }
    let code_hash = hash_code(order, address, code);
    // A new request replaces an older code, and lets someone who had
    // unsubscribed sign up again.
    let subscription: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO notification_subscriptions (tenant_id, order_id, channel, address, origin, confirm_code_hash,
                                                 unsubscribe_token, created_at, language)
         VALUES ($1, $2, $3, $4, 'opt_in', $5, $6, $7, $8)
         ON CONFLICT (order_id, channel, address) DO UPDATE SET
             confirm_code_hash = excluded.confirm_code_hash, confirm_attempts = 0, confirmed_at = NULL,
             unsubscribed_at = NULL, language = excluded.language
         RETURNING id",
    )
    .bind(tenant)
    .bind(order)
    .bind(channel)
    .bind(address)
    .bind(&code_hash)
    .bind(crate::token::random(16))
    .bind(now)
    .bind(language.tag())
    .fetch_one(c)
    .await)?;
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO notifications (tenant_id, order_id, channel, recipient, subscription_id, trigger, secret,
                                    idempotency_key, state, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'subscription_code', $6, $7, 'pending', $8, $9)",
    )
    .bind(tenant)
    .bind(order)
    .bind(channel)
    .bind(address)
    .bind(subscription)
    .bind(code)
    .bind(format!("{}:subscription_code:{channel}:{address}:{}", order.0, crate::token::random(16)))
    .bind(now)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Confirms an opt-in with its code; five wrong codes void it.
pub async fn confirm_opt_in(pool: &Pool, order: OrderId, channel: &str, address: &str, code: &str) -> Result<bool> {
    let mut tx = super::write_tx(pool).await?;
    let confirmed = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE notification_subscriptions SET confirmed_at = $1, confirm_code_hash = NULL
         WHERE order_id = $2 AND channel = $3 AND address = $4 AND confirmed_at IS NULL AND confirm_attempts < 5
           AND confirm_code_hash = $5",
    )
    .bind(Utc::now())
    .bind(order)
    .bind(channel)
    .bind(address)
    .bind(hash_code(order, address, code))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?
        == 1;
    if !confirmed {
        on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE notification_subscriptions SET confirm_attempts = confirm_attempts + 1
             WHERE order_id = $1 AND channel = $2 AND address = $3 AND confirmed_at IS NULL",
        )
        .bind(order)
        .bind(channel)
        .bind(address)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(confirmed)
}

fn hash_code(order: OrderId, address: &str, code: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(format!("{}:{address}:{code}", order.0).as_bytes()))
}

/// Saves one rule (tenant-wide when `account` is `None`), replacing any
/// earlier one for the same trigger and channel.
pub async fn set_notification_rule(
    pool: &Pool,
    tenant: TenantId,
    account: Option<crate::domain::AccountId>,
    trigger: &str,
    channel: &str,
    enabled: bool,
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    // NULL never equals NULL in a UNIQUE constraint, so tenant-wide rules are
    // replaced explicitly.
    on_tx!(&mut tx, |c| {
        sqlx::query(
        "DELETE FROM notification_rules WHERE tenant_id = $1 AND account_id IS NOT DISTINCT FROM $2 AND trigger = $3 AND channel = $4",
    )
    .bind(tenant)
    .bind(account)
    .bind(trigger)
    .bind(channel)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO notification_rules (tenant_id, account_id, trigger, channel, enabled) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(account)
    .bind(trigger)
    .bind(channel)
    .bind(enabled)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// Queues a message customer service chose (a `cs_*` template) to every
/// confirmed buyer subscription of the order, after quiet hours. One per
/// recipient, template and day: a second click the same day sends nothing.
/// Returns how many messages were queued.
pub async fn queue_service_message(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut tx = super::write_tx(pool).await?;
    let recipients: Vec<(i64, String, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT s.id, s.channel, s.address FROM notification_subscriptions s JOIN orders o ON o.id = s.order_id
         WHERE s.order_id = $1 AND o.tenant_id = $2 AND s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL
           AND s.channel IN ('email', 'sms')"
    )
    .bind(order)
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    let quiet: Option<(TimeZone, String, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT o.ship_to_time_zone, t.quiet_hours_start, t.quiet_hours_end
         FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE o.id = $1"
    )
    .bind(order)
    .fetch_optional(c)
    .await)?;
    let send_at = match quiet {
        Some((zone, start, end)) => QuietHours::parse(&start, &end).unwrap_or_default().send_at(now, zone, false),
        None => now,
    };
    let mut queued = 0;
    for (subscription, channel, address) in recipients {
        let key = format!("{}:{trigger}:{channel}:{}:{}", order.0, address.to_ascii_lowercase(), now.date_naive());
        queued += on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO notifications (tenant_id, order_id, channel, recipient, subscription_id, trigger,
                                        idempotency_key, state, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
             ON CONFLICT (tenant_id, idempotency_key) DO NOTHING"
        )
        .bind(tenant)
        .bind(order)
        .bind(&channel)
        .bind(&address)
        .bind(subscription)
        .bind(trigger)
        .bind(key)
        .bind(send_at)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))? as usize;
    }
    tx.commit().await?;
    Ok(queued)
}
