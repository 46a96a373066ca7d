//! The timeline itself: `append` writes canonical events in one transaction
//! (deduplicated by source and source event id), recomputes the order's
//! derived status and queues the notifications the change calls for.

use super::notifications::{enqueue_in_tx, Notable};
use super::returns::ReturnId;
use super::{on_pool, on_tx};
use super::{Result, StoreError};
use crate::domain::{
    derive_order_status, exceptions_since, Canonical, EventFact, EventId, OpenExceptions, OrderId, ShipmentId, TenantId,
};
use chrono::{DateTime, Utc};
use sqlx::types::Json;

/// A canonical event on its way into the store. Adapters build these; the
/// status dictionary has already turned `raw_code` into `canonical`.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub shipment: Option<ShipmentId>,
    pub source: String,
    pub source_event_id: String,
    pub raw_code: String,
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
    /// The UTC offset the source gave the time in, when it gave one.
    pub occurred_offset_minutes: Option<i32>,
    pub location: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRecord {
    pub id: EventId,
    pub tenant_id: TenantId,
    pub order_id: OrderId,
    pub shipment_id: Option<ShipmentId>,
    pub source: String,
    pub source_event_id: String,
    pub raw_code: String,
    #[sqlx(try_from = "String")]
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
    pub occurred_offset_minutes: Option<i32>,
    pub recorded_at: DateTime<Utc>,
    pub location: Option<String>,
    pub details: Json<serde_json::Value>,
    /// Set when the event is a step of a return (or a scan of its parcel):
    /// it is on the order's thread, but not about the order's delivery.
    pub return_id: Option<ReturnId>,
}

impl EventRecord {
    /// Whether the event is about the order's own delivery: a return's
    /// steps and its parcel's scans share the thread, never the status.
    pub fn is_outbound(&self) -> bool {
        self.return_id.is_none()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    /// Ids of the events that were new, in the order given.
    pub inserted: Vec<EventId>,
    /// How many were already known by (tenant, source, source_event_id).
    pub duplicates: usize,
    /// For each event given, in order: its id (new or first stored) and
    /// whether this append created it.
    pub stored: Vec<(EventId, bool)>,
    /// Notifications these events queued in the same transaction.
    pub notifications: usize,
}

/// The one way events enter the store: in one transaction, skip duplicates,
/// insert the rest, and recompute the order's derived status.
pub async fn append(
    pool: &super::Pool,
    tenant: TenantId,
    order: OrderId,
    events: &[NewEvent],
) -> Result<AppendOutcome> {
    match append_all(pool, tenant, &[(Destination::Order(order), events)]).await?.pop() {
        Some(TrackedOutcome::Appended { outcome, .. }) => Ok(outcome),
        _ => unreachable!("events for an order are appended to it"),
    }
}

/// Where a group of events goes: an order, or the shipment carrying a
/// tracking number (parked until one does).
#[derive(Clone, Copy, Debug)]
pub enum Destination<'a> {
    Order(OrderId),
    TrackingNumber(&'a str),
}

/// Where a group of events lands once its tracking number is looked up.
enum Landing {
    /// An order, on the shipment carrying the tracking number if one does.
    Order(OrderId, Option<ShipmentId>),
    /// A return's parcel (no outbound shipment has the number): the
    /// return's order, tied to the return (`store::returns`).
    Return(OrderId, ReturnId),
    /// Nothing carries the tracking number yet: parked.
    Nowhere,
}

/// Appends every group of a request in one transaction (one turn at
/// SQLite's write lock, one commit), each order's status recomputed once.
/// Locks are taken in one order by every writer (the tracking numbers'
/// first, sorted, then the orders', sorted), so concurrent batches on
/// PostgreSQL cannot deadlock. A return's writers keep it: attaching a
/// return parcel locks its tracking number before the order, and every
/// other change to a return locks only its order.
pub async fn append_all(
    pool: &super::Pool,
    tenant: TenantId,
    groups: &[(Destination<'_>, &[NewEvent])],
) -> Result<Vec<TrackedOutcome>> {
    let mut tx = super::write_tx(pool).await?;
    let mut keys: Vec<String> = groups
        .iter()
        .filter_map(|(to, _)| match to {
            Destination::TrackingNumber(number) => Some(tracking_key(tenant, number)),
            Destination::Order(_) => None,
        })
        .collect();
    keys.sort();
    keys.dedup();
    for key in &keys {
        tx.lock(key).await?;
    }
    // Where each group lands: an order (with the shipment filled in for a
    // tracking number), a return's parcel, or nowhere yet.
    let mut landing: Vec<Landing> = Vec::with_capacity(groups.len());
    for (to, _) in groups {
        landing.push(match to {
            Destination::Order(order) => Landing::Order(*order, None),
            Destination::TrackingNumber(number) => {
                let shipment = on_tx!(&mut tx, |c| sqlx::query_as::<_, (ShipmentId, OrderId)>(
                    "SELECT id, order_id FROM shipments WHERE tenant_id = $1 AND tracking_number = $2 ORDER BY id DESC LIMIT 1",
                )
                .bind(tenant)
                .bind(number)
                .fetch_optional(c)
                .await)?;
                match shipment {
                    Some((shipment, order)) => Landing::Order(order, Some(shipment)),
                    None => match super::returns::return_for_tracking_number(&mut tx, tenant, number).await? {
                        Some((order, return_id)) => Landing::Return(order, return_id),
                        None => Landing::Nowhere,
                    },
                }
            }
        });
    }
    let mut orders: Vec<OrderId> = landing
        .iter()
        .filter_map(|l| match l {
            Landing::Order(order, _) | Landing::Return(order, _) => Some(*order),
            Landing::Nowhere => None,
        })
        .collect();
    orders.sort();
    orders.dedup();
    for order in &orders {
        tx.lock_order(*order).await?;
    }
    let mut results = Vec::with_capacity(groups.len());
    let mut changed = Vec::new();
    for ((to, events), landing) in groups.iter().zip(landing) {
        results.push(match (to, landing) {
            (_, Landing::Order(order, shipment)) => {
                let attached: Vec<NewEvent>;
                let events = match shipment {
                    Some(shipment) => {
                        attached = events.iter().cloned().map(|e| NewEvent { shipment: Some(shipment), ..e }).collect();
                        &attached[..]
                    }
                    None => *events,
                };
                let outcome = insert_in_tx(&mut tx, tenant, order, events).await?;
                if !outcome.inserted.is_empty() {
                    changed.push(order);
                }
                TrackedOutcome::Appended { order, outcome }
            }
            // Return steps leave the order's status alone: nothing to recompute.
            (_, Landing::Return(order, return_id)) => TrackedOutcome::Appended {
                order,
                outcome: super::returns::append_carrier_events(&mut tx, tenant, order, return_id, events).await?,
            },
            (Destination::TrackingNumber(number), Landing::Nowhere) => {
                park_unmatched(&mut tx, tenant, number, events).await?
            }
            (Destination::Order(_), Landing::Nowhere) => unreachable!("an order group always lands"),
        });
    }
    changed.sort();
    changed.dedup();
    for order in changed {
        recompute_status(&mut tx, order).await?;
    }
    tx.commit().await?;
    Ok(results)
}

/// Inserts what is new; the caller recomputes the status once at the end.
pub(super) async fn insert_in_tx(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    events: &[NewEvent],
) -> Result<AppendOutcome> {
    insert_on_thread(tx, tenant, order, None, events, |_| true).await
}

/// As [`insert_in_tx`], the events tied to a return of the order when
/// `return_id` is given. Only the new events `notifies` picks (by index)
/// may queue notifications: a return's parcel scan that changes nothing
/// for the return is kept on the timeline but is no news.
pub(super) async fn insert_on_thread(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    return_id: Option<ReturnId>,
    events: &[NewEvent],
    notifies: impl Fn(usize) -> bool,
) -> Result<AppendOutcome> {
    tx.lock_order(order).await?;
    let recorded_at = Utc::now();
    let mut outcome = AppendOutcome::default();
    for event in events {
        // The SELECT keeps an event from being attached to another tenant's
        // order or to a shipment or return of a different order.
        let id: Option<EventId> = on_tx!(tx, |c| sqlx::query_scalar(
            "INSERT INTO events (tenant_id, order_id, shipment_id, source, source_event_id, raw_code, canonical,
                                 occurred_at, occurred_offset_minutes, recorded_at, location, details, return_id)
             SELECT o.tenant_id, o.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $15
             FROM orders o
             WHERE o.id = $11 AND o.tenant_id = $12
               AND ($13 IS NULL OR EXISTS (SELECT 1 FROM shipments s WHERE s.id = $14 AND s.order_id = o.id))
               AND ($16 IS NULL OR EXISTS (SELECT 1 FROM returns r WHERE r.id = $17 AND r.order_id = o.id))
             ON CONFLICT (tenant_id, source, source_event_id) DO NOTHING
             RETURNING id",
        )
        .bind(event.shipment)
        .bind(&event.source)
        .bind(&event.source_event_id)
        .bind(&event.raw_code)
        .bind(event.canonical.code())
        .bind(event.occurred_at)
        .bind(event.occurred_offset_minutes)
        .bind(recorded_at)
        .bind(&event.location)
        .bind(Json(&event.details))
        .bind(order)
        .bind(tenant)
        .bind(event.shipment)
        .bind(event.shipment)
        .bind(return_id)
        .bind(return_id)
        .bind(return_id)
        .fetch_optional(c)
        .await)?;
        match id {
            Some(id) => {
                outcome.inserted.push(id);
                outcome.stored.push((id, true));
            }
            None => {
                // Nothing inserted: either a repeat (report the first id) or
                // an order/shipment that is not this tenant's.
                let first: Option<EventId> = on_tx!(tx, |c| sqlx::query_scalar(EVENT_BY_SOURCE)
                    .bind(tenant)
                    .bind(&event.source)
                    .bind(&event.source_event_id)
                    .fetch_optional(c)
                    .await)?;
                let first = first.ok_or(StoreError::NotFound("order or shipment"))?;
                outcome.duplicates += 1;
                outcome.stored.push((first, false));
            }
        }
    }
    // The messages these events call for commit or roll back with them.
    let notable: Vec<Notable> = events
        .iter()
        .zip(&outcome.stored)
        .enumerate()
        .filter(|(i, (_, (_, created)))| *created && notifies(*i))
        .map(|(_, (e, (id, _)))| Notable { id: *id, canonical: e.canonical, occurred_at: e.occurred_at })
        .collect();
    outcome.notifications = enqueue_in_tx(tx, tenant, order, &notable).await?;
    if let Some(last) = outcome.inserted.iter().max() {
        tx.notify_live(tenant, order, Some(*last)).await?;
    }
    Ok(outcome)
}

/// Rewrites the order's and its shipments' derived status from all events
/// but a return's: a returned parcel's scans and troubles are the
/// return's (its status is in `returns`), and the order stays delivered.
pub(super) async fn recompute_status(tx: &mut super::Tx, order: OrderId) -> Result<()> {
    tx.lock_order(order).await?;
    // The newest event of each kind is all the status needs
    // (`domain::latest_of_each_kind`): a few rows however long the timeline.
    let latest = order_facts(
        tx,
        order,
        "SELECT shipment_id, canonical, MAX(occurred_at) FROM events WHERE order_id = $1 AND return_id IS NULL
         GROUP BY shipment_id, canonical",
    )
    .await?;
    let shipments: Vec<i64> = on_tx!(tx, |c| sqlx::query_scalar("SELECT id FROM shipments WHERE order_id = $1")
        .bind(order)
        .fetch_all(c)
        .await)?;
    let lines_outstanding: bool = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM order_lines l
             WHERE l.order_id = $1
               AND l.quantity - l.cancelled_quantity > COALESCE((SELECT SUM(quantity) FROM shipment_lines WHERE order_line_id = l.id), 0))",
    )
    .bind(order)
    .fetch_one(c)
    .await
    })?;

    let last_event_at = latest.iter().map(|f| f.occurred_at).max();
    let status = derive_order_status(&latest, &shipments, lines_outstanding);
    // What customer service's exceptions queue filters on, kept beside the status.
    let open_exceptions = OpenExceptions(status.open_exceptions.iter().map(|e| e.kind).collect()).codes();
    // How long a problem has been open needs its whole history (few orders have one).
    let exception_since = match status.open_exceptions.is_empty() {
        true => None,
        false => {
            let all = order_facts(
                tx,
                order,
                "SELECT shipment_id, canonical, occurred_at FROM events WHERE order_id = $1 AND return_id IS NULL",
            )
            .await?;
            exceptions_since(&all, &status.open_exceptions)
        }
    };
    on_tx!(tx, |c| sqlx::query(
        "UPDATE orders SET status_milestone = $1, status_headline = $2, updated_at = $3, open_exceptions = $5,
             last_event_at = $6, exception_since = $7 WHERE id = $4"
    )
    .bind(status.milestone.map(|m| m.code()))
    .bind(status.headline())
    .bind(Utc::now())
    .bind(order)
    .bind(open_exceptions)
    .bind(last_event_at)
    .bind(exception_since)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    for (id, shipment) in &status.shipments {
        on_tx!(tx, |c| sqlx::query("UPDATE shipments SET status_milestone = $1 WHERE id = $2")
            .bind(shipment.milestone.map(|m| m.code()))
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

async fn order_facts(tx: &mut super::Tx, order: OrderId, query: &'static str) -> Result<Vec<EventFact>> {
    let rows: Vec<(Option<ShipmentId>, String, DateTime<Utc>)> =
        on_tx!(tx, |c| sqlx::query_as(query).bind(order).fetch_all(c).await)?;
    rows.into_iter()
        .map(|(shipment, canonical, occurred_at)| {
            Ok(EventFact {
                shipment: shipment.map(|s| s.0),
                canonical: canonical.parse().map_err(super::corrupt)?,
                occurred_at,
            })
        })
        .collect()
}

/// Events of an order after a given id, oldest first (SSE resume).
pub async fn events_after(
    pool: &super::Pool,
    tenant: TenantId,
    order: OrderId,
    after: EventId,
) -> Result<Vec<EventRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT * FROM events WHERE tenant_id = $1 AND order_id = $2 AND id > $3 ORDER BY id"
    )
    .bind(tenant)
    .bind(order)
    .bind(after)
    .fetch_all(c)
    .await)?)
}

pub async fn latest_event_id(pool: &super::Pool, order: OrderId) -> Result<Option<EventId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT MAX(id) FROM events WHERE order_id = $1")
        .bind(order)
        .fetch_one(c)
        .await)?)
}

/// How many events `source` added to an order since `since` (a buyer's
/// requests from the tracking page are limited per order per day).
pub async fn events_from_since(pool: &super::Pool, order: OrderId, source: &str, since: DateTime<Utc>) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE order_id = $1 AND source = $2 AND recorded_at > $3"
    )
    .bind(order)
    .bind(source)
    .bind(since)
    .fetch_one(c)
    .await)?)
}

/// Where an event for a tracking number went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackedOutcome {
    Appended {
        order: OrderId,
        outcome: AppendOutcome,
    },
    /// No shipment has this tracking number yet: kept for later.
    Unmatched {
        duplicate: bool,
    },
}

/// Appends carrier events for a tracking number, or parks them in the
/// unmatched queue when no shipment carries that number yet. The write lock
/// is taken first, so a shipment created concurrently either sees these rows
/// or is seen by them: nothing falls between the two.
pub async fn append_by_tracking_number(
    pool: &super::Pool,
    tenant: TenantId,
    tracking_number: &str,
    events: &[NewEvent],
) -> Result<TrackedOutcome> {
    let mut outcomes = append_all(pool, tenant, &[(Destination::TrackingNumber(tracking_number), events)]).await?;
    Ok(outcomes.pop().expect("one outcome per group"))
}

/// Keeps events for a tracking number no shipment carries yet; repeats of
/// events already stored or parked change nothing.
async fn park_unmatched(
    tx: &mut super::Tx,
    tenant: TenantId,
    tracking_number: &str,
    events: &[NewEvent],
) -> Result<TrackedOutcome> {
    let mut duplicate = true;
    for event in events {
        let known: bool = on_tx!(tx, |c| {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM events WHERE tenant_id = $1 AND source = $2 AND source_event_id = $3)",
            )
            .bind(tenant)
            .bind(&event.source)
            .bind(&event.source_event_id)
            .fetch_one(c)
            .await
        })?;
        if known {
            continue;
        }
        let inserted = on_tx!(tx, |c| {
            sqlx::query(
                "INSERT INTO unmatched_events (tenant_id, tracking_number, source, source_event_id, raw_code, canonical,
                                               occurred_at, occurred_offset_minutes, received_at, location, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (tenant_id, source, source_event_id) DO NOTHING",
            )
            .bind(tenant)
            .bind(tracking_number)
            .bind(&event.source)
            .bind(&event.source_event_id)
            .bind(&event.raw_code)
            .bind(event.canonical.code())
            .bind(event.occurred_at)
            .bind(event.occurred_offset_minutes)
            .bind(Utc::now())
            .bind(&event.location)
            .bind(Json(&event.details))
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        duplicate &= inserted == 0;
    }
    Ok(TrackedOutcome::Unmatched { duplicate })
}

/// The lock shared by events parked for a tracking number and the shipment
/// that will carry it. Take it before the order's row lock.
pub(super) fn tracking_key(tenant: TenantId, tracking_number: &str) -> String {
    format!("tracking:{}:{tracking_number}", tenant.0)
}

/// Moves waiting events for this tracking number onto the new shipment.
/// The caller recomputes the order's status.
pub(super) async fn attach_unmatched(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    shipment: ShipmentId,
    tracking_number: &str,
) -> Result<AppendOutcome> {
    let waiting = waiting_events(tx, tenant, tracking_number).await?;
    if waiting.is_empty() {
        return Ok(AppendOutcome::default());
    }
    let events: Vec<NewEvent> =
        waiting.iter().map(|(_, e)| NewEvent { shipment: Some(shipment), ..e.clone() }).collect();
    let outcome = insert_in_tx(tx, tenant, order, &events).await?;
    mark_matched(tx, &waiting, &outcome).await?;
    Ok(outcome)
}

/// Events parked for a tracking number and not yet matched, oldest
/// first, each with its row in `unmatched_events`.
pub(super) async fn waiting_events(
    tx: &mut super::Tx,
    tenant: TenantId,
    tracking_number: &str,
) -> Result<Vec<(i64, NewEvent)>> {
    #[derive(sqlx::FromRow)]
    struct Waiting {
        id: i64,
        source: String,
        source_event_id: String,
        raw_code: String,
        #[sqlx(try_from = "String")]
        canonical: Canonical,
        occurred_at: DateTime<Utc>,
        occurred_offset_minutes: Option<i32>,
        location: Option<String>,
        details: Json<serde_json::Value>,
    }
    let waiting: Vec<Waiting> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, source, source_event_id, raw_code, canonical, occurred_at, occurred_offset_minutes, location, details
         FROM unmatched_events WHERE tenant_id = $1 AND tracking_number = $2 AND matched_at IS NULL ORDER BY id",
    )
    .bind(tenant)
    .bind(tracking_number)
    .fetch_all(c)
    .await
    })?;
    Ok(waiting
        .into_iter()
        .map(|w| {
            let event = NewEvent {
                shipment: None,
                source: w.source,
                source_event_id: w.source_event_id,
                raw_code: w.raw_code,
                canonical: w.canonical,
                occurred_at: w.occurred_at,
                occurred_offset_minutes: w.occurred_offset_minutes,
                location: w.location,
                details: w.details.0,
            };
            (w.id, event)
        })
        .collect())
}

/// Marks parked rows as matched to the events they were stored as
/// (`outcome` of appending them, in the same order).
pub(super) async fn mark_matched(
    tx: &mut super::Tx,
    waiting: &[(i64, NewEvent)],
    outcome: &AppendOutcome,
) -> Result<()> {
    for ((row, _), (event_id, _)) in waiting.iter().zip(&outcome.stored) {
        on_tx!(tx, |c| sqlx::query(
            "UPDATE unmatched_events SET matched_at = $1, matched_event_id = $2 WHERE id = $3"
        )
        .bind(Utc::now())
        .bind(event_id)
        .bind(row)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn unmatched_count(pool: &super::Pool, tenant: TenantId) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM unmatched_events WHERE tenant_id = $1 AND matched_at IS NULL"
    )
    .bind(tenant)
    .fetch_one(c)
    .await)?)
}

pub async fn event_id_by_source(
    pool: &super::Pool,
    tenant: TenantId,
    source: &str,
    source_event_id: &str,
) -> Result<Option<EventId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(EVENT_BY_SOURCE)
        .bind(tenant)
        .bind(source)
        .bind(source_event_id)
        .fetch_optional(c)
        .await)?)
}

const EVENT_BY_SOURCE: &str = "SELECT id FROM events WHERE tenant_id = $1 AND source = $2 AND source_event_id = $3";

/// Each order that recorded events since `since`, with its newest event:
/// what a node that stopped hearing notifications must republish.
pub async fn orders_with_events_since(
    pool: &super::Pool,
    since: DateTime<Utc>,
) -> Result<Vec<(TenantId, OrderId, EventId)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT tenant_id, order_id, MAX(id) FROM events WHERE recorded_at >= $1 GROUP BY tenant_id, order_id"
    )
    .bind(since)
    .fetch_all(c)
    .await)?)
}

/// Codes that arrived but no dictionary row knew, per source, with how often
/// and when last: the work list for whoever maintains the dictionary.
pub async fn unmapped_codes(pool: &super::Pool, tenant: TenantId) -> Result<Vec<(String, String, i64, DateTime<Utc>)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT source, raw_code, COUNT(*), MAX(occurred_at) FROM (
             SELECT source, raw_code, occurred_at FROM events WHERE tenant_id = $1 AND canonical = 'unmapped'
             UNION ALL
             SELECT source, raw_code, occurred_at FROM unmatched_events
             WHERE tenant_id = $2 AND canonical = 'unmapped' AND matched_at IS NULL)
         GROUP BY source, raw_code ORDER BY COUNT(*) DESC, source, raw_code",
    )
    .bind(tenant)
    .bind(tenant)
    .fetch_all(c)
    .await)?)
}
