//! Proof of delivery: images checked and cleaned (type from the bytes,
//! metadata stripped), stored content-addressed, and the proof saved with
//! the shipment's delivered event in one transaction.

use crate::domain::image::{self, ImageError};
use crate::domain::{LatLng, ShipmentId, TenantId};
use crate::state::AppState;
use crate::store::{self, NewEvent, NewPod, PodFile, PodSaved};
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
/// event. Images already stored stay (content-addressed, harmless) if the
/// proof is refused as a duplicate.
pub async fn record(state: &AppState, tenant: TenantId, pod: PodIn) -> Result<(PodSaved, Vec<PodFile>), PodError> {
    let mut cleaned = Vec::with_capacity(pod.uploads.len());
    for upload in &pod.uploads {
        let (kind, bytes) =
            image::strip_metadata(&upload.bytes).map_err(|e| PodError::Image(upload.field.clone(), e))?;
        cleaned.push((upload.kind, kind, bytes));
    }
    let mut files = Vec::with_capacity(cleaned.len());
    for (role, kind, bytes) in &cleaned {
        let sha256 = state.blobs.put(bytes).await?;
        files.push(PodFile {
            kind: role.to_string(),
            sha256,
            content_type: kind.content_type().into(),
            size_bytes: bytes.len() as i64,
        });
    }
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
        note: pod.note,
        files: files.clone(),
    };
    let saved = store::save_pod(&state.pool, tenant, &new, delivered).await?;
    if let PodSaved::Saved { order, delivered, .. } = &saved {
        super::publish(state, tenant, *order, &[delivered]);
    }
    Ok((saved, files))
}
