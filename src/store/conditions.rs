//! Sensor readings, the limits they are held to, and excursions: opened and
//! closed in the readings' own transaction together with the exception and
//! resolution events they put on the timeline.

use super::events::{insert_in_tx, recompute_status, AppendOutcome, NewEvent};
use super::{on_pool, on_tx, on_write, Pool, Result, StoreError};
use crate::domain::condition::{change, Change, Limits, Metric, Span};
use crate::domain::{Canonical, ExceptionKind, OrderId, ShipmentId, TenantId};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Where a limit applies: one shipment, or every shipment of a product class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitTarget {
    Shipment(ShipmentId),
    ProductClass(String),
}

/// Sets (or replaces) the limits for one metric.
pub async fn set_condition_limit(
    pool: &Pool,
    tenant: TenantId,
    target: &LimitTarget,
    metric: Metric,
    limits: Limits,
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    let (shipment, class) = match target {
        LimitTarget::Shipment(id) => (Some(*id), None),
        LimitTarget::ProductClass(class) => (None, Some(class.as_str())),
    };
    if let Some(id) = shipment {
        let ours: bool = on_tx!(&mut tx, |c| sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2)"
        )
        .bind(id)
        .bind(tenant)
        .fetch_one(c)
        .await)?;
        if !ours {
            return Err(StoreError::NotFound("shipment"));
        }
    }
    on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM condition_limits WHERE tenant_id = $1 AND metric = $2
           AND shipment_id IS NOT DISTINCT FROM $3 AND product_class IS NOT DISTINCT FROM $4"
    )
    .bind(tenant)
    .bind(metric.code())
    .bind(shipment)
    .bind(class)
    .execute(c)
    .await
    .map(|_| ()))?;
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO condition_limits (tenant_id, shipment_id, product_class, metric, min_value, max_value)
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(tenant)
    .bind(shipment)
    .bind(class)
    .bind(metric.code())
    .bind(limits.min)
    .bind(limits.max)
    .execute(c)
    .await
    .map(|_| ()))?;
    tx.commit().await
}

/// Says which shipment a device travels with from now on.
pub async fn assign_device(pool: &Pool, tenant: TenantId, device: &str, shipment: ShipmentId) -> Result<()> {
    let done = on_write!(pool, |c| sqlx::query(
        "INSERT INTO sensor_devices (tenant_id, device_id, shipment_id)
         SELECT tenant_id, $1, id FROM shipments WHERE id = $2 AND tenant_id = $3
         ON CONFLICT (tenant_id, device_id) DO UPDATE SET shipment_id = excluded.shipment_id"
    )
    .bind(device)
    .bind(shipment)
    .bind(tenant)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("shipment"));
    }
    Ok(())
}

pub async fn device_shipment(pool: &Pool, tenant: TenantId, device: &str) -> Result<Option<ShipmentId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT shipment_id FROM sensor_devices WHERE tenant_id = $1 AND device_id = $2"
    )
    .bind(tenant)
    .bind(device)
    .fetch_optional(c)
    .await)?)
}

#[derive(Clone, Debug)]
pub struct NewReading {
    pub shipment: ShipmentId,
    pub device: Option<String>,
    pub metric: Metric,
    pub value: f64,
    pub recorded_at: DateTime<Utc>,
}

/// What readings did to excursions, and the events they appended, one
/// entry per order.
#[derive(Clone, Debug, Default)]
pub struct ReadingsOutcome {
    pub opened: Vec<i64>,
    pub closed: Vec<i64>,
    pub appended: Vec<(OrderId, AppendOutcome)>,
}

/// The limits for a shipment's metric: its own, else its product class's.
async fn limits_in_tx(tx: &mut super::Tx, tenant: TenantId, shipment: ShipmentId, metric: Metric) -> Result<Limits> {
    let row: Option<(Option<f64>, Option<f64>)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT l.min_value, l.max_value FROM condition_limits l JOIN shipments s ON s.id = $1
         WHERE l.tenant_id = $2 AND l.metric = $3
           AND (l.shipment_id = s.id OR (l.shipment_id IS NULL AND l.product_class = s.product_class))
         ORDER BY l.shipment_id IS NULL LIMIT 1"
    )
    .bind(shipment)
    .bind(tenant)
    .bind(metric.code())
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(min, max)| Limits { min, max }).unwrap_or_default())
}

/// What a batch knows about one shipment's metric while it works through
/// its readings: read once, then kept up to date here.
struct Tracked {
    order: OrderId,
    limits: Limits,
    /// The open excursion: its id and worst value so far.
    open: Option<(i64, f64)>,
}

async fn track(tx: &mut super::Tx, tenant: TenantId, shipment: ShipmentId, metric: Metric) -> Result<Tracked> {
    let limits = limits_in_tx(tx, tenant, shipment, metric).await?;
    let open: Option<(i64, f64)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, worst_value FROM excursions WHERE shipment_id = $1 AND metric = $2 AND closed_at IS NULL"
    )
    .bind(shipment)
    .bind(metric.code())
    .fetch_optional(c)
    .await)?;
    let order: OrderId = on_tx!(tx, |c| sqlx::query_scalar("SELECT order_id FROM shipments WHERE id = $1")
        .bind(shipment)
        .fetch_one(c)
        .await)?;
    Ok(Tracked { order, limits, open })
}

/// Stores readings (oldest first; the caller has checked the shipments are
/// the tenant's) and opens or closes excursions, each with its event.
pub async fn record_readings(pool: &Pool, tenant: TenantId, readings: &[NewReading]) -> Result<ReadingsOutcome> {
    let mut tx = super::write_tx(pool).await?;
    let mut outcome = ReadingsOutcome::default();
    let received_at = Utc::now();
    let mut sorted: Vec<&NewReading> = readings.iter().collect();
    sorted.sort_by_key(|r| r.recorded_at);
    let mut tracked: HashMap<(ShipmentId, Metric), Tracked> = HashMap::new();
    let mut events: Vec<(OrderId, NewEvent)> = Vec::new();
    for reading in sorted {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO sensor_readings (tenant_id, shipment_id, device_id, metric, value, recorded_at, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(tenant)
        .bind(reading.shipment)
        .bind(&reading.device)
        .bind(reading.metric.code())
        .bind(reading.value)
        .bind(reading.recorded_at)
        .bind(received_at)
        .execute(c)
        .await
        .map(|_| ()))?;
        let key = (reading.shipment, reading.metric);
        if !tracked.contains_key(&key) {
            let state = track(&mut tx, tenant, reading.shipment, reading.metric).await?;
            tracked.insert(key, state);
        }
        let state = tracked.get_mut(&key).expect("tracked above");
        let limits = state.limits;
        let (id, canonical, code) = match change(limits, state.open.is_some(), reading.value) {
            Change::Nothing => continue,
            Change::Continues => {
                let (id, worst) = state.open.as_mut().expect("continues an open excursion");
                // Worst means furthest from the range, on whichever side.
                let distance = |v: f64| limits.min.map_or(0.0, |m| m - v).max(limits.max.map_or(0.0, |m| v - m));
                if distance(reading.value) > distance(*worst) {
                    *worst = reading.value;
                    on_tx!(&mut tx, |c| sqlx::query("UPDATE excursions SET worst_value = $1 WHERE id = $2")
                        .bind(reading.value)
                        .bind(*id)
                        .execute(c)
                        .await
                        .map(|_| ()))?;
                }
                continue;
            }
            Change::Opens => {
                let id: i64 = on_tx!(&mut tx, |c| {
                    sqlx::query_scalar(
                    "INSERT INTO excursions (tenant_id, shipment_id, metric, min_value, max_value, opened_at, worst_value)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
                )
                .bind(tenant)
                .bind(reading.shipment)
                .bind(reading.metric.code())
                .bind(limits.min)
                .bind(limits.max)
                .bind(reading.recorded_at)
                .bind(reading.value)
                .fetch_one(c)
                .await
                })?;
                state.open = Some((id, reading.value));
                outcome.opened.push(id);
                (id, Canonical::Exception(ExceptionKind::ConditionExcursion), "EXCURSION")
            }
            Change::Closes => {
                let (id, _) = state.open.take().expect("closes an open excursion");
                on_tx!(&mut tx, |c| sqlx::query("UPDATE excursions SET closed_at = $1 WHERE id = $2")
                    .bind(reading.recorded_at)
                    .bind(id)
                    .execute(c)
                    .await
                    .map(|_| ()))?;
                outcome.closed.push(id);
                (id, Canonical::Resolved(ExceptionKind::ConditionExcursion), "BACK_IN_RANGE")
            }
        };
        let event = NewEvent {
            shipment: Some(reading.shipment),
            source: "sensor".into(),
            source_event_id: format!("excursion:{id}:{}", code.to_ascii_lowercase()),
            raw_code: code.into(),
            canonical,
            occurred_at: reading.recorded_at,
            occurred_offset_minutes: None,
            location: None,
            details: serde_json::json!({
                "excursion_id": id, "metric": reading.metric.code(), "value": reading.value,
                "min": limits.min, "max": limits.max, "device_id": reading.device,
            }),
        };
        events.push((state.order, event));
    }
    // Each order's events go in together and its status is derived once.
    let mut orders: Vec<OrderId> = events.iter().map(|(order, _)| *order).collect();
    orders.sort_by_key(|o| o.0);
    orders.dedup();
    for order in orders {
        let of_order: Vec<NewEvent> =
            events.iter().filter(|(o, _)| *o == order).map(|(_, event)| event.clone()).collect();
        let appended = insert_in_tx(&mut tx, tenant, order, &of_order).await?;
        recompute_status(&mut tx, order).await?;
        outcome.appended.push((order, appended));
    }
    tx.commit().await?;
    Ok(outcome)
}

/// A shipment's readings of one metric, its limits and its excursions, for
/// the chart.
pub async fn condition_history(
    pool: &Pool,
    tenant: TenantId,
    shipment: ShipmentId,
    metric: Metric,
) -> Result<(Vec<(DateTime<Utc>, f64)>, Limits, Vec<Span>)> {
    let readings = on_pool!(pool, |c| sqlx::query_as(
        "SELECT recorded_at, value FROM sensor_readings
         WHERE shipment_id = $1 AND tenant_id = $2 AND metric = $3 ORDER BY recorded_at"
    )
    .bind(shipment)
    .bind(tenant)
    .bind(metric.code())
    .fetch_all(c)
    .await)?;
    let mut tx = super::read_tx(pool).await?;
    let limits = limits_in_tx(&mut tx, tenant, shipment, metric).await?;
    tx.commit().await?;
    let spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT opened_at, closed_at FROM excursions
         WHERE shipment_id = $1 AND tenant_id = $2 AND metric = $3 ORDER BY opened_at"
    )
    .bind(shipment)
    .bind(tenant)
    .bind(metric.code())
    .fetch_all(c)
    .await)?;
    Ok((readings, limits, spans.into_iter().map(|(from, to)| Span { from, to }).collect()))
}
