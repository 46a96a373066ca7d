//! The timeline itself: `append` writes canonical events in one transaction
//! (deduplicated by source and source event id), recomputes the order's
//! derived status and queues the notifications the change calls for.

use super::notifications::{enqueue_in_tx, orders_heard, Notable};
use super::returns::ReturnId;
use super::{on_pool, on_tx};
use super::{Result, StoreError};
use crate::domain::{
    derive_order_status, exceptions_since, latest_of_each_kind_by, Canonical, EventFact, EventId, OpenExceptions,
    OrderId, ShipmentId, TenantId,
};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use std::borrow::Cow;
use std::collections::HashMap;

/// How long after its recording an event has surely committed on
/// PostgreSQL (an id is taken before its transaction commits).
const SETTLE: chrono::Duration = chrono::Duration::seconds(5);

/// The newest event of each kind (shipment, milestone or exception) of the
/// orders written lately, as of their last status: what the status needs
/// (`domain::derive_order_status`). The next write of an order reads only
/// the events after it instead of its whole timeline, so a long timeline
/// (a sensor's readings, a busy lane's scans) does not make each new event
/// dearer. Exact because events are never changed or removed.
pub type StatusFacts = super::timelines::Timelines<KindFact>;

/// The newest event of one kind, as `StatusFacts` keeps it.
#[derive(Clone, Debug)]
pub struct KindFact {
    id: i64,
    recorded_at: DateTime<Utc>,
    fact: EventFact,
}

impl super::timelines::StoredEvent for KindFact {
    fn id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
}

/// What a write read of its orders' status facts, kept once it commits.
type Read = Vec<(OrderId, Vec<KindFact>, i64)>;

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
    match append_all(pool, None, tenant, &[(Destination::Order(order), events)]).await?.pop() {
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
/// other change to a return locks only its order. With `kept`, the
/// statuses are recomputed from the orders' kept facts and the events since.
pub async fn append_all(
    pool: &super::Pool,
    kept: Option<&StatusFacts>,
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
    let heard = orders_heard(&mut tx, tenant, &orders).await?;
    // Events found by tracking number go on the shipment carrying it.
    let placed: Vec<Cow<[NewEvent]>> = groups
        .iter()
        .zip(&landing)
        .map(|((_, events), landing)| match landing {
            Landing::Order(_, Some(shipment)) => {
                Cow::Owned(events.iter().cloned().map(|e| NewEvent { shipment: Some(*shipment), ..e }).collect())
            }
            _ => Cow::Borrowed(*events),
        })
        .collect();
    // Every order's events in one insert, however many orders the groups name.
    let to_orders: Vec<(OrderId, &[NewEvent])> = landing
        .iter()
        .zip(&placed)
        .filter_map(|(landing, events)| match landing {
            Landing::Order(order, _) => Some((*order, &events[..])),
            _ => None,
        })
        .collect();
    let mut inserted = insert_rows(&mut tx, tenant, None, &to_orders).await?.into_iter();
    let mut results = Vec::with_capacity(groups.len());
    let mut changed = Vec::new();
    for (((to, events), landing), placed) in groups.iter().zip(landing).zip(&placed) {
        results.push(match (to, landing) {
            (_, Landing::Order(order, _)) => {
                let mut outcome = inserted.next().expect("an outcome for each group landing on an order");
                announce(&mut tx, tenant, order, placed, &mut outcome, |_| true, heard.contains(&order)).await?;
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
    let read = recompute_statuses(&mut tx, &changed, kept).await?;
    tx.commit().await?;
    // Only now: facts of a transaction that rolled back must not be kept.
    if let Some(kept) = kept {
        for (order, facts, through) in read {
            kept.keep(order.0, facts, through);
        }
    }
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
    let mut outcome =
        insert_rows(tx, tenant, return_id, &[(order, events)]).await?.pop().expect("an outcome for the one order");
    announce(tx, tenant, order, events, &mut outcome, notifies, true).await?;
    Ok(outcome)
}

/// Inserts what is new of each order's events (the caller holds the
/// orders' locks) in multi-row statements across orders: one round trip
/// to the database per few dozen events, however many orders they name.
/// An outcome per group, in order.
async fn insert_rows(
    tx: &mut super::Tx,
    tenant: TenantId,
    return_id: Option<ReturnId>,
    groups: &[(OrderId, &[NewEvent])],
) -> Result<Vec<AppendOutcome>> {
    let recorded_at = Utc::now();
    let rows: Vec<(OrderId, &NewEvent)> =
        groups.iter().flat_map(|(order, events)| events.iter().map(move |e| (*order, e))).collect();
    // Ids of the rows this call inserted, by (source, source event id).
    let mut created: HashMap<(String, String), EventId> = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(super::rows_per_statement(10)) {
        // The join and EXISTS keep an event from being attached to another
        // tenant's order or to a shipment or return of a different order.
        // CROSS JOIN keeps the rows in the order given on SQLite (its
        // planner never reorders one), so ids follow the events' order.
        let sql = format!(
            "INSERT INTO events (tenant_id, order_id, shipment_id, source, source_event_id, raw_code, canonical,
                                 occurred_at, occurred_offset_minutes, location, details, recorded_at, return_id)
             SELECT o.tenant_id, o.id, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8,
                    v.column9, v.column10, $1, $2
             FROM (VALUES {}) AS v CROSS JOIN orders o
             WHERE o.id = v.column1 AND o.tenant_id = $3
               AND (v.column2 IS NULL OR EXISTS (SELECT 1 FROM shipments s WHERE s.id = v.column2 AND s.order_id = o.id))
               AND ($2 IS NULL OR EXISTS (SELECT 1 FROM returns r WHERE r.id = $2 AND r.order_id = o.id))
             ON CONFLICT (tenant_id, source, source_event_id) DO NOTHING
             RETURNING id, source, source_event_id",
            super::value_rows(4, chunk.len(), 10)
        );
        let inserted: Vec<(EventId, String, String)> = on_tx!(tx, |c| {
            let mut query = sqlx::query_as(&sql).bind(recorded_at).bind(return_id).bind(tenant);
            for (order, event) in chunk {
                query = query
                    .bind(*order)
                    .bind(event.shipment)
                    .bind(&event.source)
                    .bind(&event.source_event_id)
                    .bind(&event.raw_code)
                    .bind(event.canonical.code())
                    .bind(event.occurred_at)
                    .bind(event.occurred_offset_minutes)
                    .bind(&event.location)
                    .bind(Json(&event.details));
            }
            query.fetch_all(c).await
        })?;
        created.extend(inserted.into_iter().map(|(id, source, source_event_id)| ((source, source_event_id), id)));
    }
    // What was not inserted is a repeat (of a stored event, or of one given
    // earlier in this call), or names an order or shipment not this
    // tenant's, which nothing stored answers.
    let repeats: Vec<&NewEvent> = rows
        .iter()
        .map(|(_, e)| *e)
        .filter(|e| !created.contains_key(&(e.source.clone(), e.source_event_id.clone())))
        .collect();
    let mut first = stored_ids(tx, tenant, &repeats).await?;
    let mut outcomes = Vec::with_capacity(groups.len());
    for (_, events) in groups {
        let mut outcome = AppendOutcome::default();
        for event in *events {
            let key = (event.source.clone(), event.source_event_id.clone());
            match created.remove(&key) {
                Some(id) => {
                    outcome.inserted.push(id);
                    outcome.stored.push((id, true));
                    first.insert(key, id);
                }
                None => {
                    let id = *first.get(&key).ok_or(StoreError::NotFound("order or shipment"))?;
                    outcome.duplicates += 1;
                    outcome.stored.push((id, false));
                }
            }
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Queues the notifications the new events call for (when `heard`: anyone
/// is subscribed to the order or the tenant has a webhook endpoint) and
/// tells the live pages at commit.
async fn announce(
    tx: &mut super::Tx,
    tenant: TenantId,
    order: OrderId,
    events: &[NewEvent],
    outcome: &mut AppendOutcome,
    notifies: impl Fn(usize) -> bool,
    heard: bool,
) -> Result<()> {
    // The messages these events call for commit or roll back with them.
    let notable: Vec<Notable> = events
        .iter()
        .zip(&outcome.stored)
        .enumerate()
        .filter(|(i, (_, (_, created)))| *created && notifies(*i))
        .map(|(_, (e, (id, _)))| Notable { id: *id, canonical: e.canonical, occurred_at: e.occurred_at })
        .collect();
    if heard {
        outcome.notifications = enqueue_in_tx(tx, tenant, order, &notable).await?;
    }
    if let Some(last) = outcome.inserted.iter().max() {
        tx.notify_live(tenant, order, Some(*last)).await?;
    }
    Ok(())
}

/// The stored ids of events, by (source, source event id); those not
/// stored are left out.
async fn stored_ids(
    tx: &mut super::Tx,
    tenant: TenantId,
    events: &[&NewEvent],
) -> Result<HashMap<(String, String), EventId>> {
    let mut ids = HashMap::with_capacity(events.len());
    for chunk in events.chunks(super::rows_per_statement(2)) {
        let sql = format!(
            "SELECT id, source, source_event_id FROM events
             WHERE tenant_id = $1 AND (source, source_event_id) IN (VALUES {})",
            super::value_rows(2, chunk.len(), 2)
        );
        let rows: Vec<(EventId, String, String)> = on_tx!(tx, |c| {
            let mut query = sqlx::query_as(&sql).bind(tenant);
            for event in chunk {
                query = query.bind(&event.source).bind(&event.source_event_id);
            }
            query.fetch_all(c).await
        })?;
        ids.extend(rows.into_iter().map(|(id, source, source_event_id)| ((source, source_event_id), id)));
    }
    Ok(ids)
}

/// Rewrites the order's and its shipments' derived status from all events
/// but a return's: a returned parcel's scans and troubles are the
/// return's (its status is in `returns`), and the order stays delivered.
pub(super) async fn recompute_status(tx: &mut super::Tx, order: OrderId) -> Result<()> {
    tx.lock_order(order).await?;
    recompute_statuses(tx, &[order], None).await.map(drop)
}

/// As [`recompute_status`] for several orders (locked by the caller), in a
/// handful of statements however many orders there are. With `kept`, it
/// starts from the orders' kept facts (taken) and returns what to keep
/// once the transaction commits.
async fn recompute_statuses(tx: &mut super::Tx, orders: &[OrderId], kept: Option<&StatusFacts>) -> Result<Read> {
    let mut read = Vec::new();
    for chunk in orders.chunks(super::rows_per_statement(2)) {
        recompute_chunk(tx, chunk, kept, &mut read).await?;
    }
    Ok(read)
}

async fn recompute_chunk(
    tx: &mut super::Tx,
    orders: &[OrderId],
    kept: Option<&StatusFacts>,
    read: &mut Read,
) -> Result<()> {
    if orders.is_empty() {
        return Ok(());
    }
    let list = super::placeholders(1, orders.len());
    // The newest event of each kind is all the status needs
    // (`domain::latest_of_each_kind`): a few rows however long the timeline.
    let latest = match kept {
        None => {
            order_facts(
                tx,
                orders,
                &format!(
                    "SELECT order_id, shipment_id, canonical, MAX(occurred_at) FROM events
                     WHERE order_id IN ({list}) AND return_id IS NULL GROUP BY order_id, shipment_id, canonical"
                ),
            )
            .await?
        }
        Some(kept) => {
            let start = read.len();
            facts_since_kept(tx, orders, kept, read).await?;
            read[start..].iter().flat_map(|(order, facts, _)| facts.iter().map(|f| (*order, f.fact.clone()))).collect()
        }
    };
    // In one round trip: each order's shipments (a shipment id), and the
    // orders with lines not yet shipped (no id).
    let shipped: Vec<(OrderId, Option<i64>)> = on_tx!(tx, |c| {
        let sql = format!(
            "SELECT order_id, id FROM shipments WHERE order_id IN ({list})
             UNION ALL
             SELECT DISTINCT l.order_id, CAST(NULL AS BIGINT) FROM order_lines l
             WHERE l.order_id IN ({list})
               AND l.quantity - l.cancelled_quantity > COALESCE((SELECT SUM(quantity) FROM shipment_lines WHERE order_line_id = l.id), 0)"
        );
        let mut query = sqlx::query_as(&sql);
        for order in orders {
            query = query.bind(*order);
        }
        query.fetch_all(c).await
    })?;
    let outstanding: Vec<OrderId> = shipped.iter().filter(|(_, id)| id.is_none()).map(|(order, _)| *order).collect();

    let now = Utc::now();
    let mut order_rows = Vec::with_capacity(orders.len());
    let mut shipment_rows = Vec::new();
    let mut facts_of: HashMap<OrderId, Vec<EventFact>> = HashMap::new();
    for (order, fact) in latest {
        facts_of.entry(order).or_default().push(fact);
    }
    let mut shipments_of: HashMap<OrderId, Vec<i64>> = HashMap::new();
    for (order, id) in shipped.into_iter().filter_map(|(order, id)| Some((order, id?))) {
        shipments_of.entry(order).or_default().push(id);
    }
    for &order in orders {
        let facts = facts_of.remove(&order).unwrap_or_default();
        let ids = shipments_of.remove(&order).unwrap_or_default();
        let status = derive_order_status(&facts, &ids, outstanding.contains(&order));
        // What customer service's exceptions queue filters on, kept beside the status.
        let open_exceptions = OpenExceptions(status.open_exceptions.iter().map(|e| e.kind).collect()).codes();
        // How long a problem has been open needs its whole history (few orders have one).
        let exception_since = match status.open_exceptions.is_empty() {
            true => None,
            false => {
                let all = order_facts(
                    tx,
                    &[order],
                    "SELECT order_id, shipment_id, canonical, occurred_at FROM events WHERE order_id = $1 AND return_id IS NULL",
                )
                .await?;
                let all: Vec<EventFact> = all.into_iter().map(|(_, f)| f).collect();
                exceptions_since(&all, &status.open_exceptions)
            }
        };
        let last_event_at = facts.iter().map(|f| f.occurred_at).max();
        shipment_rows.extend(status.shipments.iter().map(|(id, s)| (*id, s.milestone.map(|m| m.code()))));
        order_rows.push(StatusRow {
            order,
            milestone: status.milestone.map(|m| m.code()),
            headline: status.headline(),
            open_exceptions,
            last_event_at,
            exception_since,
        });
    }
    // Multi-row UPDATEs for the orders and for their shipments
    // (`UPDATE … FROM (VALUES …)`: SQLite 3.33+ and PostgreSQL alike).
    for chunk in order_rows.chunks(super::rows_per_statement(6)) {
        on_tx!(tx, |c| {
            let sql = format!(
                "UPDATE orders SET status_milestone = v.column2, status_headline = v.column3, open_exceptions = v.column4,
                     last_event_at = v.column5, exception_since = v.column6, updated_at = $1
                 FROM (VALUES {}) AS v WHERE orders.id = v.column1",
                super::value_rows(2, chunk.len(), 6)
            );
            let mut query = sqlx::query(&sql).bind(now);
            for row in chunk {
                query = query
                    .bind(row.order)
                    .bind(row.milestone)
                    .bind(&row.headline)
                    .bind(&row.open_exceptions)
                    .bind(row.last_event_at)
                    .bind(row.exception_since);
            }
            query.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    for chunk in shipment_rows.chunks(super::rows_per_statement(2)) {
        on_tx!(tx, |c| {
            let sql = format!(
                "UPDATE shipments SET status_milestone = v.column2 FROM (VALUES {}) AS v WHERE shipments.id = v.column1",
                super::value_rows(1, chunk.len(), 2)
            );
            let mut query = sqlx::query(&sql);
            for (id, milestone) in chunk {
                query = query.bind(*id).bind(*milestone);
            }
            query.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// An order's derived status as stored beside it.
struct StatusRow {
    order: OrderId,
    milestone: Option<&'static str>,
    headline: String,
    open_exceptions: String,
    last_event_at: Option<DateTime<Utc>>,
    exception_since: Option<DateTime<Utc>>,
}

/// Each order's newest event of each kind: its kept facts (taken) and
/// the events after them, pushed onto `read` with how far the order is
/// now read (short of what may not have settled, on PostgreSQL).
async fn facts_since_kept(tx: &mut super::Tx, orders: &[OrderId], kept: &StatusFacts, read: &mut Read) -> Result<()> {
    let taken: Vec<(OrderId, Vec<KindFact>, i64)> = orders
        .iter()
        .map(|order| {
            let (facts, through) = kept.take(order.0);
            (*order, facts, through)
        })
        .collect();
    let sql = format!(
        "SELECT e.order_id, e.id, e.shipment_id, e.canonical, e.occurred_at, e.recorded_at
         FROM events e JOIN (VALUES {}) AS v ON e.order_id = v.column1 AND e.id > v.column2
         WHERE e.return_id IS NULL",
        super::value_rows(1, taken.len(), 2)
    );
    type Row = (OrderId, i64, Option<ShipmentId>, String, DateTime<Utc>, DateTime<Utc>);
    let rows: Vec<Row> = on_tx!(tx, |c| {
        let mut query = sqlx::query_as(&sql);
        for (order, _, through) in &taken {
            query = query.bind(*order).bind(*through);
        }
        query.fetch_all(c).await
    })?;
    let mut new: HashMap<OrderId, Vec<KindFact>> = HashMap::new();
    for (order, id, shipment, canonical, occurred_at, recorded_at) in rows {
        let fact = EventFact {
            shipment: shipment.map(|s| s.0),
            canonical: canonical.parse().map_err(super::corrupt)?,
            occurred_at,
        };
        new.entry(order).or_default().push(KindFact { id, recorded_at, fact });
    }
    let settled = match tx {
        super::Tx::Postgres(_) => Utc::now() - SETTLE,
        super::Tx::Sqlite(..) => Utc::now(),
    };
    for (order, facts, through) in taken {
        let new = new.remove(&order).unwrap_or_default();
        let through = super::timelines::read_through(through, &new, settled);
        read.push((order, latest_of_each_kind_by(facts.into_iter().chain(new), |f| &f.fact), through));
    }
    Ok(())
}

async fn order_facts(tx: &mut super::Tx, orders: &[OrderId], query: &str) -> Result<Vec<(OrderId, EventFact)>> {
    let rows: Vec<(OrderId, Option<ShipmentId>, String, DateTime<Utc>)> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as(query);
        for order in orders {
            q = q.bind(*order);
        }
        q.fetch_all(c).await
    })?;
    rows.into_iter()
        .map(|(order, shipment, canonical, occurred_at)| {
            Ok((
                order,
                EventFact {
                    shipment: shipment.map(|s| s.0),
                    canonical: canonical.parse().map_err(super::corrupt)?,
                    occurred_at,
                },
            ))
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
    let mut outcomes =
        append_all(pool, None, tenant, &[(Destination::TrackingNumber(tracking_number), events)]).await?;
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
