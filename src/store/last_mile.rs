//! Vehicle positions and routes: what the live map draws and the ETA reads.

use super::{on_pool, on_tx, on_write, Pool, Result, StoreError};
use crate::domain::{LatLng, Milestone, OrderId, ShipmentId, TenantId};
use chrono::{DateTime, Utc};

/// One GPS fix, of a vehicle (which carries the shipments on its route) or
/// of a shipment directly (a tracker in the parcel).
#[derive(Clone, Debug)]
pub struct NewPosition {
    pub shipment: Option<ShipmentId>,
    pub vehicle: Option<String>,
    pub point: LatLng,
    pub accuracy_m: Option<f64>,
    pub speed_mps: Option<f64>,
    pub heading_deg: Option<f64>,
    pub recorded_at: DateTime<Utc>,
}

/// A shipment a position moved, with what the geofence needs.
#[derive(Clone, Debug, PartialEq)]
pub struct MovedShipment {
    pub shipment: ShipmentId,
    pub order: OrderId,
    pub status_milestone: Option<Milestone>,
    pub destination: Option<LatLng>,
    pub arriving_soon_radius_m: f64,
    /// The newest fix for it among those just recorded, and its time.
    pub latest: LatLng,
    pub latest_at: DateTime<Utc>,
}

/// Of these shipment ids, the ones that are not this tenant's.
pub async fn foreign_shipments(pool: &Pool, tenant: TenantId, ids: &[ShipmentId]) -> Result<Vec<ShipmentId>> {
    let mut distinct = ids.to_vec();
    distinct.sort_by_key(|id| id.0);
    distinct.dedup();
    let mut foreign = Vec::new();
    for id in &distinct {
        let ours: bool = on_pool!(pool, |c| sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM shipments WHERE id = $1 AND tenant_id = $2)"
        )
        .bind(id)
        .bind(tenant)
        .fetch_one(c)
        .await)?;
        if !ours {
            foreign.push(*id);
        }
    }
    Ok(foreign)
}

/// Stores the fixes (the caller has checked the shipments are the tenant's)
/// and says which shipments they moved: their own, and those on the routes
/// of the vehicles that reported.
pub async fn record_positions(pool: &Pool, tenant: TenantId, fixes: &[NewPosition]) -> Result<Vec<MovedShipment>> {
    let mut tx = super::write_tx(pool).await?;
    let received_at = Utc::now();
    let mut moved: Vec<(ShipmentId, DateTime<Utc>, LatLng)> = Vec::new();
    // A batch is usually one vehicle's trail: look its route up once.
    let mut routes: std::collections::HashMap<&str, Vec<ShipmentId>> = std::collections::HashMap::new();
    for fix in fixes {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO positions (tenant_id, shipment_id, vehicle_id, latitude, longitude, accuracy_m, speed_mps,
                                    heading_deg, recorded_at, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant)
        .bind(fix.shipment)
        .bind(&fix.vehicle)
        .bind(fix.point.lat)
        .bind(fix.point.lng)
        .bind(fix.accuracy_m)
        .bind(fix.speed_mps)
        .bind(fix.heading_deg)
        .bind(fix.recorded_at)
        .bind(received_at)
        .execute(c)
        .await
        .map(|_| ()))?;
        let mut carried: Vec<ShipmentId> = fix.shipment.into_iter().collect();
        if let Some(vehicle) = fix.vehicle.as_deref() {
            if !routes.contains_key(vehicle) {
                let on_route: Vec<ShipmentId> = on_tx!(&mut tx, |c| sqlx::query_scalar(
                    "SELECT shipment_id FROM route_stops WHERE tenant_id = $1 AND vehicle_id = $2"
                )
                .bind(tenant)
                .bind(vehicle)
                .fetch_all(c)
                .await)?;
                routes.insert(vehicle, on_route);
            }
            carried.extend(routes[vehicle].iter().copied());
        }
        for shipment in carried {
            match moved.iter_mut().find(|(s, ..)| *s == shipment) {
                Some(known) if known.1 <= fix.recorded_at => *known = (shipment, fix.recorded_at, fix.point),
                Some(_) => {}
                None => moved.push((shipment, fix.recorded_at, fix.point)),
            }
        }
    }
    let mut result = Vec::with_capacity(moved.len());
    for (shipment, latest_at, latest) in moved {
        let row: (OrderId, Option<Milestone>, Option<f64>, Option<f64>, f64) = on_tx!(&mut tx, |c| {
            sqlx::query_as(
            "SELECT s.order_id, s.status_milestone, o.ship_to_latitude, o.ship_to_longitude, t.arriving_soon_radius_m
             FROM shipments s JOIN orders o ON o.id = s.order_id JOIN tenants t ON t.id = s.tenant_id
             WHERE s.id = $1 AND s.tenant_id = $2"
        )
        .bind(shipment)
        .bind(tenant)
        .fetch_one(c)
        .await
        })?;
        let (order, status_milestone, lat, lng, radius) = row;
        tx.notify_live(tenant, order, None).await?;
        let destination = lat.zip(lng).and_then(|(lat, lng)| LatLng::parse(lat, lng).ok());
        result.push(MovedShipment {
            shipment,
            order,
            status_milestone,
            destination,
            arriving_soon_radius_m: radius,
            latest,
            latest_at,
        });
    }
    tx.commit().await?;
    Ok(result)
}

/// Replaces a vehicle's route with these stops, in delivery order:
/// (shipment, minutes the stop takes). A shipment is on one route at a time.
pub async fn set_route(pool: &Pool, tenant: TenantId, vehicle: &str, stops: &[(ShipmentId, i64)]) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    on_tx!(&mut tx, |c| sqlx::query("DELETE FROM route_stops WHERE tenant_id = $1 AND vehicle_id = $2")
        .bind(tenant)
        .bind(vehicle)
        .execute(c)
        .await
        .map(|_| ()))?;
    for (sequence, (shipment, service_seconds)) in stops.iter().enumerate() {
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM route_stops WHERE tenant_id = $1 AND shipment_id = $2")
            .bind(tenant)
            .bind(shipment)
            .execute(c)
            .await
            .map(|_| ()))?;
        let added = on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO route_stops (tenant_id, vehicle_id, sequence, shipment_id, service_seconds)
             SELECT tenant_id, $1, $2, id, $3 FROM shipments WHERE id = $4 AND tenant_id = $5"
        )
        .bind(vehicle)
        .bind(sequence as i64)
        .bind(service_seconds)
        .bind(shipment)
        .bind(tenant)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if added != 1 {
            return Err(StoreError::Invalid(format!("stops[{sequence}].shipment_id: no shipment {shipment}")));
        }
    }
    tx.commit().await?;
    Ok(())
}

/// What the map and the ETA need for one shipment: its recent fixes (its
/// own and its vehicle's, oldest first) and the undelivered stops its
/// vehicle makes before it (coordinates and service seconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastMileRecord {
    pub fixes: Vec<(DateTime<Utc>, LatLng)>,
    pub stops_ahead: Vec<(LatLng, i64)>,
}

pub async fn last_mile(
    pool: &Pool,
    tenant: TenantId,
    shipment: ShipmentId,
    since: DateTime<Utc>,
) -> Result<LastMileRecord> {
    let rows: Vec<(DateTime<Utc>, f64, f64)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT recorded_at, latitude, longitude FROM positions
         WHERE shipment_id = $1 AND tenant_id = $2 AND recorded_at >= $3
         UNION ALL
         SELECT p.recorded_at, p.latitude, p.longitude
         FROM route_stops r JOIN positions p ON p.tenant_id = r.tenant_id AND p.vehicle_id = r.vehicle_id
         WHERE r.shipment_id = $1 AND r.tenant_id = $2 AND p.recorded_at >= $3
         ORDER BY 1"
    )
    .bind(shipment)
    .bind(tenant)
    .bind(since)
    .fetch_all(c)
    .await)?;
    let ahead: Vec<(Option<f64>, Option<f64>, i64)> = on_pool!(pool, |c| sqlx::query_as(&format!(
        "SELECT o.ship_to_latitude, o.ship_to_longitude, r.service_seconds
         FROM route_stops mine
         JOIN route_stops r ON r.tenant_id = mine.tenant_id AND r.vehicle_id = mine.vehicle_id
                           AND r.sequence < mine.sequence
         JOIN shipments s ON s.id = r.shipment_id
         JOIN orders o ON o.id = s.order_id
         WHERE mine.tenant_id = $1 AND mine.shipment_id = $2
           AND (s.status_milestone IS NULL OR s.status_milestone <> '{delivered}')
         ORDER BY r.sequence",
        delivered = Milestone::Delivered.code()
    ))
    .bind(tenant)
    .bind(shipment)
    .fetch_all(c)
    .await)?;
    // A stop without coordinates cannot be placed on the way, so it is left out.
    let stops_ahead =
        ahead.into_iter().filter_map(|(lat, lng, service)| Some((LatLng::parse(lat?, lng?).ok()?, service))).collect();
    let fixes =
        rows.into_iter().filter_map(|(at, lat, lng)| LatLng::parse(lat, lng).ok().map(|point| (at, point))).collect();
    Ok(LastMileRecord { fixes, stops_ahead })
}

/// Rows deleted per statement: a big backlog is pruned in short
/// transactions, so GPS writers wait milliseconds behind it, not minutes.
const PRUNE_BATCH: i64 = 5_000;

/// Deletes fixes recorded before `before`, except the latest fix of each
/// shipment and of each vehicle, so a parcel or van that went quiet still
/// shows where it was last seen. Returns how many were deleted.
pub async fn prune_positions(pool: &Pool, before: DateTime<Utc>) -> Result<u64> {
    let mut deleted = 0;
    loop {
        let batch = on_write!(pool, |c| sqlx::query(
            "DELETE FROM positions WHERE id IN (
                 SELECT p.id FROM positions p
                 WHERE p.recorded_at < $1
                   AND (p.shipment_id IS NULL OR p.recorded_at < (
                        SELECT MAX(s.recorded_at) FROM positions s WHERE s.shipment_id = p.shipment_id))
                   AND (p.vehicle_id IS NULL OR p.recorded_at < (
                        SELECT MAX(v.recorded_at) FROM positions v
                        WHERE v.tenant_id = p.tenant_id AND v.vehicle_id = p.vehicle_id))
                 LIMIT $2)"
        )
        .bind(before)
        .bind(PRUNE_BATCH)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        deleted += batch;
        if batch < PRUNE_BATCH as u64 {
            return Ok(deleted);
        }
    }
}
