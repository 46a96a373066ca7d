//! Proofs of delivery: the record, its files (by SHA-256), and the
//! delivered event it records, committed together.

use super::events::{insert_in_tx, recompute_status, AppendOutcome, NewEvent};
use super::{on_pool, on_tx, Pool, Result};
use crate::domain::{LatLng, OrderId, ShipmentId, TenantId};
use chrono::{DateTime, Utc};

/// A stored image of a proof of delivery.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PodFile {
    /// `signature` or `photo`.
    pub kind: String,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[derive(Clone, Debug)]
pub struct NewPod {
    pub shipment: ShipmentId,
    pub receiver_name: String,
    pub delivered_at: DateTime<Utc>,
    pub location: Option<LatLng>,
    /// How far off the GPS stamp may be, in metres, as the device said.
    pub accuracy_m: Option<f64>,
    pub note: Option<String>,
    pub files: Vec<PodFile>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodRecord {
    pub id: i64,
    pub order: OrderId,
    pub shipment: ShipmentId,
    pub receiver_name: String,
    pub delivered_at: DateTime<Utc>,
    pub location: Option<LatLng>,
    pub accuracy_m: Option<f64>,
    pub note: Option<String>,
    pub files: Vec<PodFile>,
}

/// What saving a proof of delivery did.
#[derive(Clone, Debug)]
pub enum PodSaved {
    Saved {
        pod: i64,
        order: OrderId,
        delivered: AppendOutcome,
    },
    /// The shipment has one already; it is never replaced.
    AlreadyRecorded,
}

/// Saves the proof and records `delivered` (built by the caller for the
/// shipment) in the same transaction. The shipment must be the tenant's.
pub async fn save_pod(pool: &Pool, tenant: TenantId, pod: &NewPod, delivered: NewEvent) -> Result<PodSaved> {
    let mut tx = super::write_tx(pool).await?;
    let order: Option<OrderId> =
        on_tx!(&mut tx, |c| sqlx::query_scalar("SELECT order_id FROM shipments WHERE id = $1 AND tenant_id = $2")
            .bind(pod.shipment)
            .bind(tenant)
            .fetch_optional(c)
            .await)?;
    let order = order.ok_or(super::StoreError::NotFound("shipment"))?;
    tx.lock_order(order).await?;
    let (lat, lng) = pod.location.map_or((None, None), |p| (Some(p.lat), Some(p.lng)));
    let id: Option<i64> = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pods (tenant_id, order_id, shipment_id, receiver_name, delivered_at, latitude, longitude, note,
                           created_at, accuracy_m)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (shipment_id) DO NOTHING RETURNING id"
    )
    .bind(tenant)
    .bind(order)
    .bind(pod.shipment)
    .bind(&pod.receiver_name)
    .bind(pod.delivered_at)
    .bind(lat)
    .bind(lng)
    .bind(&pod.note)
    .bind(Utc::now())
    .bind(pod.accuracy_m)
    .fetch_optional(c)
    .await
    })?;
    let Some(id) = id else {
        return Ok(PodSaved::AlreadyRecorded);
    };
    for (position, file) in pod.files.iter().enumerate() {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO pod_files (pod_id, position, kind, sha256, content_type, size_bytes)
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(id)
        .bind(position as i64)
        .bind(&file.kind)
        .bind(&file.sha256)
        .bind(&file.content_type)
        .bind(file.size_bytes)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    let delivered =
        insert_in_tx(&mut tx, tenant, order, &[NewEvent { shipment: Some(pod.shipment), ..delivered }]).await?;
    if let Some((event, _)) = delivered.stored.first() {
        on_tx!(&mut tx, |c| sqlx::query("UPDATE pods SET event_id = $1 WHERE id = $2")
            .bind(event)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    recompute_status(&mut tx, order).await?;
    tx.commit().await?;
    Ok(PodSaved::Saved { pod: id, order, delivered })
}

/// Whether a shipment can take a proof of delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodSlot {
    /// Not a shipment of this tenant.
    NoSuchShipment,
    /// It has its proof already (never replaced).
    Recorded,
    Open,
}

/// Asked before any image is written, so a refused upload leaves no files.
pub async fn pod_slot(pool: &Pool, tenant: TenantId, shipment: ShipmentId) -> Result<PodSlot> {
    let found: Option<(i64, Option<i64>)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT s.id, p.id FROM shipments s LEFT JOIN pods p ON p.shipment_id = s.id
         WHERE s.id = $1 AND s.tenant_id = $2"
    )
    .bind(shipment)
    .bind(tenant)
    .fetch_optional(c)
    .await)?;
    Ok(match found {
        None => PodSlot::NoSuchShipment,
        Some((_, Some(_))) => PodSlot::Recorded,
        Some((_, None)) => PodSlot::Open,
    })
}

/// Whether any proof of delivery (of any tenant) refers to this file.
pub async fn pod_file_in_use(pool: &Pool, sha256: &str) -> Result<bool> {
    let found: Option<i64> =
        on_pool!(pool, |c| sqlx::query_scalar("SELECT pod_id FROM pod_files WHERE sha256 = $1 LIMIT 1")
            .bind(sha256)
            .fetch_optional(c)
            .await)?;
    Ok(found.is_some())
}

type PodRow = (i64, OrderId, ShipmentId, String, DateTime<Utc>, Option<f64>, Option<f64>, Option<f64>, Option<String>);

const POD_COLUMNS: &str =
    "SELECT id, order_id, shipment_id, receiver_name, delivered_at, latitude, longitude, accuracy_m, note FROM pods";

async fn with_files(pool: &Pool, rows: Vec<PodRow>) -> Result<Vec<PodRecord>> {
    let mut pods = Vec::with_capacity(rows.len());
    for (id, order, shipment, receiver_name, delivered_at, lat, lng, accuracy_m, note) in rows {
        let files: Vec<PodFile> = on_pool!(pool, |c| sqlx::query_as(
            "SELECT kind, sha256, content_type, size_bytes FROM pod_files WHERE pod_id = $1 ORDER BY position"
        )
        .bind(id)
        .fetch_all(c)
        .await)?;
        let location = lat.zip(lng).and_then(|(lat, lng)| LatLng::parse(lat, lng).ok());
        let accuracy_m = accuracy_m.filter(|_| location.is_some());
        pods.push(PodRecord { id, order, shipment, receiver_name, delivered_at, location, accuracy_m, note, files });
    }
    Ok(pods)
}

/// The proofs of delivery of an order's shipments.
pub async fn order_pods(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<Vec<PodRecord>> {
    let rows: Vec<PodRow> = on_pool!(pool, |c| sqlx::query_as(&format!(
        "{POD_COLUMNS} WHERE order_id = $1 AND tenant_id = $2 ORDER BY id"
    ))
    .bind(order)
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    with_files(pool, rows).await
}

pub async fn shipment_pod(pool: &Pool, tenant: TenantId, shipment: ShipmentId) -> Result<Option<PodRecord>> {
    let rows: Vec<PodRow> =
        on_pool!(pool, |c| sqlx::query_as(&format!("{POD_COLUMNS} WHERE shipment_id = $1 AND tenant_id = $2"))
            .bind(shipment)
            .bind(tenant)
            .fetch_all(c)
            .await)?;
    Ok(with_files(pool, rows).await?.pop())
}
