//! `serve --demo`'s moving van: each brand's "on the map" order gets fixes
//! along a straight drive to its address, through the real ingest path.

use super::Scenario;
use crate::domain::LatLng;
use crate::store::{self, NewPosition};
use chrono::Utc;

/// The van that carries a brand's "on the map" order.
pub fn demo_vehicle(prefix: &str) -> String {
    format!("{prefix}-VAN-1")
}

/// The demo drive: from 8 km north-east of the address straight to it, in
/// `REPLAY_STEPS` fixes five seconds apart (about ten minutes of driving).
const REPLAY_STEPS: usize = 120;
const REPLAY_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

pub(super) fn replay_point(destination: LatLng, step: f64) -> LatLng {
    let start = LatLng { lat: destination.lat + 0.05, lng: destination.lng + 0.065 };
    start.towards(destination, (step / REPLAY_STEPS as f64).min(1.0))
}

/// `serve --demo`: drives each brand's van towards its "on the map" order,
/// one fix every five seconds through the real ingest path (the map moves,
/// the ETA updates, "arriving soon" fires), then starts over.
pub async fn replay_route(state: crate::state::AppState) {
    let index = Scenario::ALL.iter().position(|s| *s == Scenario::OnTheMap).expect("in ALL");
    let mut vans = Vec::new();
    for (slug, prefix) in [("northwind", "NW"), ("bloombark", "BB")] {
        let Ok(Some(tenant)) = store::tenant_by_slug(&state.pool, slug).await else { continue };
        let number = format!("{prefix}-{}", 100_001 + index);
        let Ok(Some(order)) = store::find_order_by_number(&state.pool, tenant, &number).await else { continue };
        let Ok(snapshot) = store::order_snapshot(&state.pool, tenant, order).await else { continue };
        let ship_to = &snapshot.order.ship_to;
        if let Some(destination) = ship_to.latitude.zip(ship_to.longitude).map(|(lat, lng)| LatLng { lat, lng }) {
            vans.push((tenant, demo_vehicle(prefix), destination));
        }
    }
    // Pick up where the seeded trail ended.
    let mut step = 10;
    loop {
        tokio::time::sleep(REPLAY_EVERY).await;
        step = if step >= REPLAY_STEPS { 0 } else { step + 1 };
        for (tenant, vehicle, destination) in &vans {
            let fix = NewPosition {
                shipment: None,
                vehicle: Some(vehicle.clone()),
                point: replay_point(*destination, step as f64),
                accuracy_m: Some(8.0),
                speed_mps: Some(13.0),
                heading_deg: None,
                recorded_at: Utc::now(),
            };
            if let Err(e) = crate::ingest::positions::record(&state, *tenant, &[fix]).await {
                tracing::warn!(error = %e, "demo replay could not record a position");
            }
        }
    }
}
