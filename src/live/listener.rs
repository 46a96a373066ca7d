//! Cross-node live updates on PostgreSQL. Every commit that adds events
//! sends `NOTIFY milepost_events, 'tenant order last-event-id'`, and one that
//! stores positions `'tenant order moved'` (see `store::Tx::notify_live`);
//! every node LISTENs and publishes what it hears to its own hub, whose
//! subscribers read the events from the store.
//!
//! A notification sent while a node's listening connection is down is lost
//! to that node, so after every reconnect the node republishes each order
//! that recorded events since shortly before it last heard anything.
//! Republishing is harmless: subscribers skip what they already sent.

use super::Hub;
use crate::domain::{EventId, OrderId, TenantId};
use crate::store::{self, EVENTS_CHANNEL};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Arc;
use std::time::Duration;

/// How far before the last sign of life a catch-up reads: covers clocks of
/// other nodes running behind and transactions that committed late.
const CATCH_UP_MARGIN: chrono::Duration = chrono::Duration::seconds(60);
const RETRY_MIN: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// Starts the listener on PostgreSQL; SQLite has one process and needs none.
pub fn spawn_listener(pool: &store::Pool, hub: Arc<Hub>) -> Option<tokio::task::JoinHandle<()>> {
    let store::Pool::Postgres(pg) = pool else { return None };
    let (pg, pool) = (pg.clone(), pool.clone());
    Some(tokio::spawn(async move { listen(pg, pool, hub).await }))
}

async fn listen(pg: PgPool, pool: store::Pool, hub: Arc<Hub>) {
    let mut retry = RETRY_MIN;
    // When this node last knew its listener was receiving everything.
    let mut alive_at: Option<DateTime<Utc>> = None;
    loop {
        let mut listener = match connect(&pg).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "live listener cannot connect; retrying in {retry:?}");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        retry = RETRY_MIN;
        // Listening again before reading the store: anything committed from
        // here on arrives as a notification, anything before is read.
        if let Some(since) = alive_at {
            match catch_up(&pool, &hub, since - CATCH_UP_MARGIN).await {
                Ok(orders) => tracing::info!(orders, "live listener reconnected and caught up"),
                Err(e) => {
                    tracing::warn!(error = %e, "live listener could not catch up; reconnecting");
                    continue;
                }
            }
        }
        alive_at = Some(Utc::now());
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    alive_at = Some(Utc::now());
                    match parse(notification.payload()) {
                        Some((tenant, order, Some(last))) => hub.publish(tenant, order, last),
                        Some((tenant, order, None)) => hub.publish_moved(tenant, order),
                        None => tracing::warn!(payload = notification.payload(), "unreadable live notification"),
                    }
                }
                Ok(None) => {
                    tracing::warn!("live listener lost its connection");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live listener failed");
                    break;
                }
            }
        }
    }
}

async fn connect(pg: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pg).await?;
    listener.listen(EVENTS_CHANNEL).await?;
    Ok(listener)
}

async fn catch_up(pool: &store::Pool, hub: &Hub, since: DateTime<Utc>) -> store::Result<usize> {
    let heads = store::orders_with_events_since(pool, since).await?;
    for (tenant, order, last) in &heads {
        hub.publish(*tenant, *order, *last);
    }
    Ok(heads.len())
}

/// "tenant order last-event-id", or "tenant order moved" (`None`).
fn parse(payload: &str) -> Option<(TenantId, OrderId, Option<EventId>)> {
    let mut parts = payload.split(' ');
    let tenant = parts.next()?.parse().ok()?;
    let order = parts.next()?.parse().ok()?;
    let change = match parts.next()? {
        "moved" => None,
        last => Some(EventId(last.parse().ok()?)),
    };
    parts.next().is_none().then_some((TenantId(tenant), OrderId(order), change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_tenant_order_and_last_event() {
        assert_eq!(parse("1 42 9001"), Some((TenantId(1), OrderId(42), Some(EventId(9001)))));
        assert_eq!(parse("1 42 moved"), Some((TenantId(1), OrderId(42), None)));
        for bad in ["", "1 42", "1 42 x", "1 42 9001 7", "1  42 9001", "1 42 moved 3"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
