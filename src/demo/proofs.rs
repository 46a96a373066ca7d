//! Demo proofs of delivery: a receiver, a position and a drawn signature
//! for every delivered demo shipment, stored like an uploaded one.

use crate::domain::LatLng;
use crate::store::{self, NewEvent, Pool};
use chrono::{Duration, Utc};

/// Proofs of delivery for the demo's delivered shipments: the receiver's
/// name, the time of the delivered scan, the address's position and a
/// drawn signature, stored like any uploaded one.
pub async fn seed_proofs_of_delivery(pool: &Pool, blobs: &dyn crate::blob::BlobStore) -> store::Result<usize> {
    let mut saved = 0;
    for tenant in store::list_tenants(pool).await? {
        let delivered = store::deliveries(
            pool,
            crate::policy::Reach { tenant: tenant.id, account: None },
            // Every demo delivery happened in the last year. (Extreme bounds
            // would not compare as text in SQLite.)
            Utc::now() - Duration::days(366),
            Utc::now() + Duration::days(1),
        )
        .await?;
        for row in delivered.iter().filter(|r| r.pod_id.is_none()) {
            let snapshot = store::order_snapshot(pool, tenant.id, row.order_id).await?;
            let Some(event) = snapshot.events.iter().find(|e| {
                e.shipment_id == Some(row.shipment_id)
                    && e.canonical == crate::domain::Canonical::Milestone(crate::domain::Milestone::Delivered)
            }) else {
                continue;
            };
            let receiver = snapshot.order.contact_name.clone().unwrap_or_else(|| "Front desk".to_string());
            let signature = signature_png(row.shipment_id.0 as u64);
            let sha256 = blobs
                .put(&signature)
                .await
                .map_err(|e| store::StoreError::Invalid(format!("storing a signature: {e}")))?;
            let ship_to = &snapshot.order.ship_to;
            let pod = store::NewPod {
                shipment: row.shipment_id,
                receiver_name: receiver,
                delivered_at: event.occurred_at,
                location: ship_to.latitude.zip(ship_to.longitude).map(|(lat, lng)| LatLng { lat, lng }),
                accuracy_m: Some(8.0),
                note: None,
                files: vec![store::PodFile {
                    kind: "signature".into(),
                    sha256,
                    content_type: "image/png".into(),
                    size_bytes: signature.len() as i64,
                }],
            };
            // The same event as the delivered scan: nothing new on the timeline.
            let delivered = NewEvent {
                shipment: event.shipment_id,
                source: event.source.clone(),
                source_event_id: event.source_event_id.clone(),
                raw_code: event.raw_code.clone(),
                canonical: event.canonical,
                occurred_at: event.occurred_at,
                occurred_offset_minutes: event.occurred_offset_minutes,
                location: event.location.clone(),
                details: event.details.0.clone(),
            };
            if let store::PodSaved::Saved { .. } = store::save_pod(pool, tenant.id, &pod, delivered).await? {
                saved += 1;
            }
        }
    }
    Ok(saved)
}

/// A 240×80 greyscale PNG of a scribbled signature, different per seed.
/// Uncompressed (stored deflate blocks): small enough, and no encoder needed.
pub fn signature_png(seed: u64) -> Vec<u8> {
    const W: usize = 240;
    const H: usize = 80;
    let mut pixels = vec![255u8; W * H];
    let phase = (seed % 97) as f64 / 10.0;
    for x in 10..W - 10 {
        let t = x as f64 / 18.0 + phase;
        let y = 40.0 + 18.0 * t.sin() * (0.6 + 0.4 * (t * 0.37).cos());
        for dy in -1..=1 {
            let row = (y as i64 + dy).clamp(0, H as i64 - 1) as usize;
            pixels[row * W + x] = 20;
        }
    }
    // Each scanline starts with filter type 0.
    let mut raw = Vec::with_capacity(H * (W + 1));
    for row in pixels.chunks(W) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
        out
    };
    let mut header = (W as u32).to_be_bytes().to_vec();
    header.extend_from_slice(&(H as u32).to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &zlib));
    png.extend(chunk(b"IEND", &[]));
    png
}
