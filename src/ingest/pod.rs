//! Proof of delivery: images checked and cleaned (type from the bytes,
//! metadata stripped), stored content-addressed, and the proof saved with
//! the shipment's delivered event in one transaction.

use crate::domain::image::{self, ImageError};
use crate::domain::{LatLng, ShipmentId, TenantId};
use crate::state::AppState;
use crate::store::{self, NewEvent, NewPod, PodFile, PodSaved, PodSlot};
use chrono::{DateTime, Utc};

/// An image as uploaded, before it is checked.
pub struct Upload {
    /// `signature` or `photo`.
    pub kind: &'static str,
    /// The form field it came in, for errors.
    pub field: String,
    pub bytes: Vec<u8>,
}

pub struct PodIn {
    pub shipment: ShipmentId,
    pub receiver_name: String,
    pub delivered_at: DateTime<Utc>,
    pub location: Option<LatLng>,
    pub accuracy_m: Option<f64>,
    pub note: Option<String>,
    pub uploads: Vec<Upload>,
}

#[derive(Debug, thiserror::Error)]
pub enum PodError {
    /// (form field, what is wrong with it)
    #[error("{0}: {1}")]
    Image(String, ImageError),
    #[error("storing an image failed: {0}")]
    Storage(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Checks and stores the images, then saves the proof and its delivered
/// event. Nothing is written for a shipment that is unknown or already has
/// its proof, and images written for a proof that is then not saved are
/// removed again (unless another proof uses the same bytes).
pub async fn record(state: &AppState, tenant: TenantId, pod: PodIn) -> Result<(PodSaved, Vec<PodFile>), PodError> {
    match store::pod_slot(&state.pool, tenant, pod.shipment).await? {
        PodSlot::NoSuchShipment => return Err(store::StoreError::NotFound("shipment").into()),
        PodSlot::Recorded => return Ok((PodSaved::AlreadyRecorded, Vec::new())),
        PodSlot::Open => {}
    }
    let mut cleaned = Vec::with_capacity(pod.uploads.len());
    for upload in &pod.uploads {
        let (kind, bytes) =
            image::strip_metadata(&upload.bytes).map_err(|e| PodError::Image(upload.field.clone(), e))?;
        cleaned.push((upload.kind, kind, bytes));
    }
    let mut files = Vec::with_capacity(cleaned.len());
    for (role, kind, bytes) in &cleaned {
        let sha256 = match state.blobs.put(bytes).await {
            Ok(sha256) => sha256,
            Err(e) => {
                discard_unused(state, &files).await;
                return Err(e.into());
            }
        };
        files.push(PodFile {
            kind: role.to_string(),
            sha256,
            content_type: kind.content_type().into(),
            size_bytes: bytes.len() as i64,
        });
    }
    let saved = save(state, tenant, pod, &files).await;
    if !matches!(saved, Ok(PodSaved::Saved { .. })) {
        // Lost a race with another proof for the shipment, or the database failed.
        discard_unused(state, &files).await;
    }
    let saved = saved?;
    if let PodSaved::Saved { order, delivered, .. } = &saved {
        super::publish(state, tenant, *order, &[delivered]);
    }
    Ok((saved, files))
}

async fn save(state: &AppState, tenant: TenantId, pod: PodIn, files: &[PodFile]) -> Result<PodSaved, PodError> {
    let delivered = NewEvent {
        shipment: Some(pod.shipment),
        source: "pod".into(),
        source_event_id: format!("pod:{}", pod.shipment.0),
        raw_code: "DELIVERED".into(),
        canonical: state.dictionary_for(tenant).await?.map("pod", "DELIVERED"),
        occurred_at: pod.delivered_at,
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({ "receiver_name": pod.receiver_name, "files": files.len() }),
    };
    let new = NewPod {
        shipment: pod.shipment,
        receiver_name: pod.receiver_name,
        delivered_at: pod.delivered_at,
        location: pod.location,
        accuracy_m: pod.accuracy_m,
        note: pod.note,
        files: files.to_vec(),
    };
    Ok(store::save_pod(&state.pool, tenant, &new, delivered).await?)
}

/// Removes the files no saved proof refers to. Failing to remove one leaves
/// a harmless orphan, so it is logged, not raised.
async fn discard_unused(state: &AppState, files: &[PodFile]) {
    for file in files {
        let removed = match store::pod_file_in_use(&state.pool, &file.sha256).await {
            Ok(true) => Ok(()),
            Ok(false) => state.blobs.remove(&file.sha256).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = removed {
            tracing::warn!(error = %e, sha256 = file.sha256, "an unused proof-of-delivery image was not removed");
        }
    }
}
