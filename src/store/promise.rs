//! The delivery promise's tables (migrations 0017 SQLite / 0013 PostgreSQL):
//! the transit and handling rollups the worker (src/promise.rs) adds each
//! hand-over and delivery to once, the windows it stores per order and
//! shipment, the scores of hand-over predictions (calibration), and the
//! delivered shipments a backtest replays.

use super::{on_pool, on_tx, on_write, Pool, Result, Tx};
use crate::domain::promise::{
    DayHistogram, Delivery, DeliveryWindow, Distribution, Lane, LaneKey, MonthlyHistogram, Score, YearMonth,
};
use crate::domain::{OpenExceptions, OrderId, ShipmentId, TenantId, TimeZone};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use std::collections::HashMap;

/// Orders with events after the worker's cursor, and the last event id
/// read. Events recorded after `settled` wait for the next pass (on
/// PostgreSQL a lower id can commit after a higher one).
pub async fn orders_after_cursor(
    pool: &Pool,
    batch: i64,
    settled: DateTime<Utc>,
) -> Result<(Vec<(TenantId, OrderId)>, Option<i64>)> {
    let cursor: i64 =
        on_pool!(pool, |c| sqlx::query_scalar("SELECT position FROM promise_cursor WHERE name = 'events'")
            .fetch_optional(c)
            .await)?
        .unwrap_or(0);
    let mut rows: Vec<(i64, TenantId, OrderId, DateTime<Utc>)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, tenant_id, order_id, recorded_at FROM events WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(cursor)
    .bind(batch)
    .fetch_all(c)
    .await)?;
    if let Some(unsettled) = rows.iter().position(|r| r.3 > settled) {
        rows.truncate(unsettled);
    }
    let last = rows.last().map(|r| r.0);
    let mut orders: Vec<(TenantId, OrderId)> = rows.into_iter().map(|r| (r.1, r.2)).collect();
    orders.sort_by_key(|(t, o)| (t.0, o.0));
    orders.dedup();
    Ok((orders, last))
}

/// Open orders whose window has aged: computed before `before`, or, when
/// it rests on a fallback (the promised date or the carrier's estimate),
/// computed before `fallback_before` in a tenant that now has enough
/// deliveries (`min_history`) for the estimator to do better. Oldest first.
pub async fn stale_windows(
    pool: &Pool,
    before: DateTime<Utc>,
    fallback_before: DateTime<Utc>,
    min_history: i64,
    limit: i64,
) -> Result<Vec<(TenantId, OrderId)>> {
    let sql = format!(
        "SELECT p.tenant_id, p.order_id FROM delivery_predictions p JOIN orders o ON o.id = p.order_id
         WHERE p.shipment_id = 0
           AND o.status_milestone IS DISTINCT FROM '{delivered}' AND o.open_exceptions NOT LIKE '%cancelled%'
           AND (p.computed_at < $1
                OR (p.computed_at < $2 AND CAST(p.basis AS TEXT) NOT LIKE '%history%'
                    AND CAST(p.basis AS TEXT) NOT LIKE '%last_mile%'
                    AND EXISTS (SELECT 1 FROM promise_deliveries d WHERE d.tenant_id = p.tenant_id
                                LIMIT 1 OFFSET $3)))
         ORDER BY p.computed_at LIMIT $4",
        delivered = crate::domain::Milestone::Delivered.code()
    );
    Ok(on_pool!(pool, |c| sqlx::query_as(&sql)
        .bind(before)
        .bind(fallback_before)
        .bind((min_history - 1).max(0))
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

/// Moves the cursor forward (never back: two nodes may both pass).
pub async fn advance_cursor(pool: &Pool, position: i64) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "UPDATE promise_cursor SET position = $1 WHERE name = 'events' AND position < $1"
    )
    .bind(position)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The worker's cursor.
pub async fn promise_cursor(pool: &Pool) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT position FROM promise_cursor WHERE name = 'events'")
        .fetch_optional(c)
        .await)?
    .unwrap_or(0))
}

/// What the worker reads of an order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PromiseOrder {
    pub id: OrderId,
    pub tenant_id: TenantId,
    pub order_number: String,
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    pub ship_to_region: Option<String>,
    pub ship_to_postcode: String,
    pub ship_to_country: String,
    pub ship_to_time_zone: TimeZone,
    pub open_exceptions: OpenExceptions,
    pub predicted_late_threshold: f64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PromiseShipment {
    pub id: ShipmentId,
    pub carrier: String,
    pub service: Option<String>,
    pub carrier_estimate: Option<NaiveDate>,
    pub handover_recorded: bool,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PromiseEvent {
    pub id: i64,
    pub shipment_id: Option<ShipmentId>,
    pub canonical: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub location: Option<String>,
    pub details: Json<serde_json::Value>,
}

impl PromiseEvent {
    /// The carrier's estimated delivery date this event reports, if any.
    pub fn carrier_estimate(&self) -> Option<NaiveDate> {
        self.details.0.get("carrier_estimate")?.as_str()?.parse().ok()
    }

    /// Where it happened, when it says (trimmed, never empty).
    pub fn place(&self) -> Option<&str> {
        self.location.as_deref().map(str::trim).filter(|l| !l.is_empty())
    }
}

/// An order with its shipments and the events that decide its window
/// (`decisive_events`), oldest first.
pub struct PromiseContext {
    pub order: PromiseOrder,
    pub shipments: Vec<PromiseShipment>,
    pub events: Vec<PromiseEvent>,
}

/// The events that decide an order's delivery window, out of all of them:
/// the first of each kind per shipment (the first of each with a place
/// too), each shipment's latest carrier estimate, and the newest event.
/// Every fact the promise reads (`promise::refresh_order`: milestones
/// reached, hand-over and delivery times, the origin, the estimate, the
/// newest id) is the same from these as from the whole timeline, and
/// keeping them for a timeline and the events after it is the same as
/// keeping them for both at once, so a timeline is read once and then only
/// what is new (`store::timelines`).
pub fn decisive_events(mut events: Vec<PromiseEvent>) -> Vec<PromiseEvent> {
    events.sort_by_key(|e| (e.occurred_at, e.id));
    events.dedup_by_key(|e| e.id);
    let newest = events.iter().map(|e| e.id).max();
    let mut first = std::collections::HashSet::new();
    let mut first_placed: HashMap<(Option<ShipmentId>, &str), (DateTime<Utc>, &str, i64)> = HashMap::new();
    let mut latest_estimate: HashMap<Option<ShipmentId>, i64> = HashMap::new();
    let mut keep = std::collections::HashSet::new();
    for e in &events {
        if first.insert((e.shipment_id, e.canonical.as_str())) {
            keep.insert(e.id);
        }
        if let Some(place) = e.place() {
            let candidate = (e.occurred_at, place, e.id);
            first_placed
                .entry((e.shipment_id, e.canonical.as_str()))
                .and_modify(|best| *best = (*best).min(candidate))
                .or_insert(candidate);
        }
        if e.carrier_estimate().is_some() {
            latest_estimate.insert(e.shipment_id, e.id);
        }
    }
    keep.extend(first_placed.values().map(|(_, _, id)| *id));
    keep.extend(latest_estimate.values());
    keep.extend(newest);
    events.retain(|e| keep.contains(&e.id));
    events
}

impl super::timelines::StoredEvent for PromiseEvent {
    fn id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
}

/// The decisive events of the orders the promise looked at lately.
pub type PromiseTimelines = super::timelines::Timelines<PromiseEvent>;

/// One order as the promise worker needs it. Its events are the decisive
/// ones (`decisive_events`); only those recorded since the last look are
/// read from the store.
pub async fn promise_context(
    pool: &Pool,
    timelines: &PromiseTimelines,
    order: OrderId,
    settled: DateTime<Utc>,
) -> Result<Option<PromiseContext>> {
    let mut tx = super::read_tx(pool).await?;
    let row: Option<PromiseOrder> = on_tx!(&mut tx, |c| {
        sqlx::query_as(
        "SELECT o.id, o.tenant_id, o.order_number, o.placed_at, o.promised_date, o.ship_to_region, o.ship_to_postcode,
                o.ship_to_country, o.ship_to_time_zone, o.open_exceptions, t.predicted_late_threshold
         FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE o.id = $1"
    )
    .bind(order)
    .fetch_optional(c)
    .await
    })?;
    let Some(order_row) = row else {
        return Ok(None);
    };
    let shipments: Vec<PromiseShipment> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT s.id, s.carrier, s.service, s.carrier_estimate,
                EXISTS (SELECT 1 FROM delivery_predictions p
                        WHERE p.order_id = s.order_id AND p.shipment_id = s.id AND p.handover_on IS NOT NULL)
                    AS handover_recorded
         FROM shipments s WHERE s.order_id = $1 ORDER BY s.id"
    )
    .bind(order)
    .fetch_all(c)
    .await)?;
    let (known, through) = timelines.take(order.0);
    let new: Vec<PromiseEvent> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT id, shipment_id, canonical, occurred_at, recorded_at, location, details FROM events
         WHERE order_id = $1 AND id > $2"
    )
    .bind(order)
    .bind(through)
    .fetch_all(c)
    .await)?;
    tx.commit().await?;
    let through = super::timelines::read_through(through, &new, settled);
    let events = decisive_events(known.into_iter().chain(new).collect());
    timelines.keep(order.0, events.clone(), through);
    Ok(Some(PromiseContext { order: order_row, shipments, events }))
}

/// One shipment's hand-over: counted once in the handling rollup (under
/// every rung key) with `days` of handling. False when already counted.
pub async fn record_handover(
    pool: &Pool,
    tenant: TenantId,
    shipment: ShipmentId,
    handed_over: NaiveDate,
    keys: &[LaneKey],
    days: u32,
) -> Result<bool> {
    let mut tx = super::write_tx(pool).await?;
    let inserted = on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO promise_handovers (shipment_id, tenant_id, handed_over) VALUES ($1, $2, $3)
         ON CONFLICT (shipment_id) DO NOTHING"
    )
    .bind(shipment)
    .bind(tenant)
    .bind(handed_over)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Ok(false);
    }
    add_to_rollup(&mut tx, "delivery_handling_rollup", tenant, keys, YearMonth::of(handed_over), days).await?;
    tx.commit().await?;
    Ok(true)
}

/// A delivered shipment, as the backtest replays it and the transit
/// rollup counts it.
#[derive(Clone, Debug)]
pub struct DeliveredShipment {
    pub shipment: ShipmentId,
    pub order: OrderId,
    pub delivery: Delivery,
    /// Business days from hand-over to delivery in the destination's calendar.
    pub transit_days: u32,
}

/// Counts a delivery once in the transit rollup (every rung of its
/// ladder). False when the shipment was counted before.
pub async fn record_delivery(
    pool: &Pool,
    tenant: TenantId,
    delivered: &DeliveredShipment,
    keys: &[LaneKey],
) -> Result<bool> {
    let d = &delivered.delivery;
    let mut tx = super::write_tx(pool).await?;
    let inserted = on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO promise_deliveries (shipment_id, tenant_id, order_id, order_number, site, lane, purchased,
                                         handed_over, delivered, promised)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (shipment_id) DO NOTHING"
    )
    .bind(delivered.shipment)
    .bind(tenant)
    .bind(delivered.order)
    .bind(&d.order_id)
    .bind(&d.site)
    .bind(Json(&d.lane))
    .bind(d.purchased)
    .bind(d.handed_over)
    .bind(d.delivered)
    .bind(Some(d.promised).filter(|p| *p != NaiveDate::MIN))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Ok(false);
    }
    add_to_rollup(&mut tx, "delivery_transit_rollup", tenant, keys, YearMonth::of(d.delivered), delivered.transit_days)
        .await?;
    tx.commit().await?;
    Ok(true)
}

async fn add_to_rollup(
    tx: &mut Tx,
    table: &'static str,
    tenant: TenantId,
    keys: &[LaneKey],
    month: YearMonth,
    days: u32,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO {table} (tenant_id, lane_key, month, bucket, deliveries) VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (tenant_id, lane_key, month, bucket) DO UPDATE SET deliveries = {table}.deliveries + 1"
    );
    let bucket = DayHistogram::bucket(days) as i32;
    for key in keys {
        on_tx!(tx, |c| sqlx::query(&sql)
            .bind(tenant)
            .bind(key.to_string())
            .bind(month.to_string())
            .bind(bucket)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Which rollup to read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rollup {
    Transit,
    Handling,
}

/// The monthly histograms of these rung keys from `since` on: one indexed
/// read of a few hundred rows at most.
pub async fn rollup_histograms(
    pool: &Pool,
    tenant: TenantId,
    rollup: Rollup,
    keys: &[LaneKey],
    since: YearMonth,
) -> Result<HashMap<LaneKey, MonthlyHistogram>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let table = match rollup {
        Rollup::Transit => "delivery_transit_rollup",
        Rollup::Handling => "delivery_handling_rollup",
    };
    let texts: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let sql = format!(
        "SELECT lane_key, month, bucket, deliveries FROM {table}
         WHERE tenant_id = $1 AND month >= $2 AND lane_key IN ({})",
        super::placeholders(3, texts.len())
    );
    let rows: Vec<(String, String, i32, i64)> = on_pool!(pool, |c| {
        let mut q = sqlx::query_as(&sql).bind(tenant).bind(since.to_string());
        for t in &texts {
            q = q.bind(t);
        }
        q.fetch_all(c).await
    })?;
    let by_text: HashMap<&str, &LaneKey> = texts.iter().map(String::as_str).zip(keys).collect();
    let mut out: HashMap<LaneKey, MonthlyHistogram> = HashMap::new();
    for (key, month, bucket, count) in rows {
        let (Some(lane_key), Ok(month)) = (by_text.get(key.as_str()), month.parse::<YearMonth>()) else {
            continue;
        };
        out.entry((*lane_key).clone()).or_default().add_count(month, bucket.max(0) as usize, count.max(0) as u64);
    }
    Ok(out)
}

/// A window as stored: for the order (`shipment` None) or one shipment.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredWindow {
    pub shipment: Option<ShipmentId>,
    pub window: DeliveryWindow,
    pub computed_at: DateTime<Utc>,
}

/// Writes the current window of the order or a shipment.
pub async fn save_window(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    shipment: Option<ShipmentId>,
    window: &DeliveryWindow,
    now: DateTime<Utc>,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO delivery_predictions (tenant_id, order_id, shipment_id, earliest, likely, latest, p_late, basis,
                                           reason, computed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (order_id, shipment_id) DO UPDATE SET earliest = excluded.earliest, likely = excluded.likely,
             latest = excluded.latest, p_late = excluded.p_late, basis = excluded.basis, reason = excluded.reason,
             computed_at = excluded.computed_at"
    )
    .bind(tenant)
    .bind(order)
    .bind(shipment.map_or(0, |s| s.0))
    .bind(window.earliest)
    .bind(window.likely)
    .bind(window.latest)
    .bind(window.p_late)
    .bind(Json(&window.basis))
    .bind(&window.reason)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Keeps the shipment's prediction as it stood at hand-over (once), with
/// the distribution it was read from so the delivery can be scored, and
/// the order's hand-over window for the KPI "promise accuracy".
#[allow(clippy::too_many_arguments)]
pub async fn save_handover_prediction(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    shipment: ShipmentId,
    handed_over: NaiveDate,
    window: &DeliveryWindow,
    distribution: Option<&(NaiveDate, Distribution)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO delivery_predictions (tenant_id, order_id, shipment_id, earliest, likely, latest, p_late, basis,
                                           reason, computed_at, handover_on, handover_earliest, handover_likely,
                                           handover_latest, handover_p_late, handover_distribution)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $4, $5, $6, $7, $12)
         ON CONFLICT (order_id, shipment_id) DO UPDATE SET handover_on = excluded.handover_on,
             handover_earliest = excluded.handover_earliest, handover_likely = excluded.handover_likely,
             handover_latest = excluded.handover_latest, handover_p_late = excluded.handover_p_late,
             handover_distribution = excluded.handover_distribution
         WHERE delivery_predictions.handover_on IS NULL"
    )
    .bind(tenant)
    .bind(order)
    .bind(shipment.0)
    .bind(window.earliest)
    .bind(window.likely)
    .bind(window.latest)
    .bind(window.p_late)
    .bind(Json(&window.basis))
    .bind(&window.reason)
    .bind(now)
    .bind(handed_over)
    .bind(distribution.map(Json))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    // The order's first hand-over window is the one its promise is judged by.
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE orders SET handover_window_earliest = $1, handover_window_latest = $2
         WHERE id = $3 AND handover_window_earliest IS NULL"
    )
    .bind(window.earliest)
    .bind(window.latest)
    .bind(order)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// The hand-over distribution of a shipment not yet scored.
pub async fn unscored_handover(
    pool: &Pool,
    order: OrderId,
    shipment: ShipmentId,
) -> Result<Option<(NaiveDate, Distribution)>> {
    let row: Option<Option<Json<(NaiveDate, Distribution)>>> = on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT handover_distribution FROM delivery_predictions
         WHERE order_id = $1 AND shipment_id = $2 AND score_below IS NULL"
    )
    .bind(order)
    .bind(shipment.0)
    .fetch_optional(c)
    .await)?;
    Ok(row.flatten().map(|j| j.0))
}

pub async fn save_score(
    pool: &Pool,
    order: OrderId,
    shipment: ShipmentId,
    score: Score,
    month: YearMonth,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "UPDATE delivery_predictions SET score_below = $1, score_through = $2, scored_month = $3
         WHERE order_id = $4 AND shipment_id = $5"
    )
    .bind(score.below)
    .bind(score.through)
    .bind(month.to_string())
    .bind(order)
    .bind(shipment.0)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Scores of hand-over predictions delivered in `from..to` (months), for
/// the calibration.
pub async fn scores(pool: &Pool, tenant: TenantId, from: YearMonth, to: YearMonth) -> Result<Vec<Score>> {
    let rows: Vec<(f64, f64)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT score_below, score_through FROM delivery_predictions
         WHERE tenant_id = $1 AND scored_month >= $2 AND scored_month < $3 AND score_below IS NOT NULL"
    )
    .bind(tenant)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(|(below, through)| Score { below, through }).collect())
}

/// Keeps the latest carrier estimate on the shipment.
pub async fn set_carrier_estimate(pool: &Pool, shipment: ShipmentId, estimate: Option<NaiveDate>) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE shipments SET carrier_estimate = $1 WHERE id = $2")
        .bind(estimate)
        .bind(shipment)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The carrier's latest estimate for a shipment.
pub async fn carrier_estimate(pool: &Pool, shipment: ShipmentId) -> Result<Option<NaiveDate>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT carrier_estimate FROM shipments WHERE id = $1")
        .bind(shipment)
        .fetch_optional(c)
        .await)?
    .flatten())
}

#[derive(sqlx::FromRow)]
struct WindowRow {
    shipment_id: i64,
    earliest: NaiveDate,
    likely: NaiveDate,
    latest: NaiveDate,
    p_late: Option<f64>,
    basis: Json<crate::domain::promise::Basis>,
    reason: String,
    computed_at: DateTime<Utc>,
}

/// The current window of an order and of each of its shipments, as the
/// worker last stored them: one indexed read, for pages, the API and
/// webhooks. The order's own window comes first (`shipment` None).
pub async fn delivery_window(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<Vec<StoredWindow>> {
    let rows: Vec<WindowRow> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT shipment_id, earliest, likely, latest, p_late, basis, reason, computed_at FROM delivery_predictions
         WHERE tenant_id = $1 AND order_id = $2 ORDER BY shipment_id"
    )
    .bind(tenant)
    .bind(order)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| StoredWindow {
            shipment: (r.shipment_id != 0).then_some(ShipmentId(r.shipment_id)),
            window: DeliveryWindow {
                earliest: r.earliest,
                likely: r.likely,
                latest: r.latest,
                basis: r.basis.0,
                reason: r.reason,
                p_late: r.p_late,
            },
            computed_at: r.computed_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    order_number: String,
    site: String,
    lane: Json<Lane>,
    purchased: NaiveDate,
    handed_over: NaiveDate,
    delivered: NaiveDate,
    promised: Option<NaiveDate>,
}

/// The tenant's delivered shipments with a promised date, as the backtest
/// replays them (one per shipment, in delivery order).
pub async fn backtest_deliveries(pool: &Pool, tenant: TenantId) -> Result<Vec<Delivery>> {
    let rows: Vec<DeliveryRow> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT order_number, site, lane, purchased, handed_over, delivered, promised FROM promise_deliveries
         WHERE tenant_id = $1 AND promised IS NOT NULL ORDER BY delivered, shipment_id"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Delivery {
                order_id: r.order_number,
                site: r.site,
                lane: r.lane.0,
                purchased: r.purchased,
                handed_over: r.handed_over,
                delivered: r.delivered,
                promised: r.promised?,
            })
        })
        .collect())
}
