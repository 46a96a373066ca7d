//! Order lookup without a link: each attempt counted in its buckets (one
//! write transaction, so the limits hold across nodes), then the order
//! looked up in the tenant's own orders, and on a match for a tenant that
//! prefers email the link queued in the outbox, all in that transaction.

use super::{on_pool, on_tx, Pool, Result};
use crate::domain::{OrderId, TenantId};
use chrono::{DateTime, Duration, Utc};

/// What a lookup compares the buyer's answer with.
#[derive(Clone, Debug)]
pub struct LookupCandidate {
    pub order: OrderId,
    pub contact_email: Option<String>,
    pub postcode: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupOutcome {
    /// A bucket is full: nothing was looked up; try again after this long.
    Limited { retry_after: Duration },
    /// No such order, or the answer did not match (one case, on purpose).
    NoMatch,
    /// The answer matched; when the tenant prefers email the link is queued.
    Matched { order: OrderId, emailed: bool },
}

/// One lookup attempt. `buckets` are `(key, limit)`, each counted within
/// `window` before `now`; `matches` decides (in constant time, the
/// caller's job) whether the answer fits the candidate, and is called
/// exactly once whether or not the order exists, so a miss does the same
/// work as a wrong answer.
pub async fn lookup_order(
    pool: &Pool,
    tenant: TenantId,
    order_number: &str,
    buckets: &[(String, i64)],
    now: DateTime<Utc>,
    window: Duration,
    matches: impl FnOnce(Option<&LookupCandidate>) -> bool,
) -> Result<LookupOutcome> {
    let mut tx = super::write_tx(pool).await?;
    let since = now - window;
    let mut ordered: Vec<&(String, i64)> = buckets.iter().collect();
    // A fixed order, so two attempts sharing two buckets cannot wait on each other.
    ordered.sort();
    let mut longest_wait: Option<Duration> = None;
    for (bucket, limit) in ordered {
        tx.lock(&format!("lookup_attempts:{bucket}")).await?;
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM lookup_attempts WHERE bucket = $1 AND at < $2")
            .bind(bucket)
            .bind(since)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        let (count, oldest): (i64, Option<DateTime<Utc>>) = on_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM lookup_attempts WHERE bucket = $1 AND at > $2"
        )
        .bind(bucket)
        .bind(since)
        .fetch_one(c)
        .await)?;
        if count >= *limit {
            let wait = oldest.map_or(window, |at| at + window - now).max(Duration::seconds(1));
            longest_wait = Some(longest_wait.map_or(wait, |w| w.max(wait)));
        }
    }
    if let Some(retry_after) = longest_wait {
        // Nothing counted, nothing looked up.
        return Ok(LookupOutcome::Limited { retry_after });
    }
    for (bucket, _) in buckets {
        on_tx!(&mut tx, |c| sqlx::query("INSERT INTO lookup_attempts (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let row: Option<(OrderId, Option<String>, String, bool)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT o.id, o.contact_email, o.ship_to_postcode, t.lookup_sends_email
         FROM orders o JOIN tenants t ON t.id = o.tenant_id
         WHERE o.tenant_id = $1 AND o.order_number = $2",
    )
    .bind(tenant)
    .bind(order_number)
    .fetch_optional(c)
    .await)?;
    let candidate = row.as_ref().map(|(order, email, postcode, _)| LookupCandidate {
        order: *order,
        contact_email: email.clone(),
        postcode: postcode.clone(),
    });
    if !matches(candidate.as_ref()) {
        tx.commit().await?;
        return Ok(LookupOutcome::NoMatch);
    }
    let Some((order, email, _, sends_email)) = row else {
        tx.commit().await?;
        return Ok(LookupOutcome::NoMatch);
    };
    let emailed = match (sends_email, email) {
        (true, Some(email)) => {
            on_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO notifications (tenant_id, order_id, channel, recipient, trigger, idempotency_key, state,
                                            next_attempt_at, created_at)
                 VALUES ($1, $2, 'email', $3, 'order_lookup', $4, 'pending', $5, $5)",
            )
            .bind(tenant)
            .bind(order)
            .bind(&email)
            .bind(format!("{}:order_lookup:{}", order.0, crate::token::random(16)))
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            true
        }
        _ => false,
    };
    tx.commit().await?;
    Ok(LookupOutcome::Matched { order, emailed })
}

/// Attempts counted in a bucket since `since` (for tests and support).
pub async fn lookup_attempts_since(pool: &Pool, bucket: &str, since: DateTime<Utc>) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT COUNT(*) FROM lookup_attempts WHERE bucket = $1 AND at > $2")
        .bind(bucket)
        .bind(since)
        .fetch_one(c)
        .await)?)
}
