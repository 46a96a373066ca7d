//! GPS fixes: stored, pushed to the maps watching the orders they move, and
//! checked against the arriving-soon geofence, which fires a milestone once
//! per shipment (its event id is fixed, so a second entry is a duplicate).

use crate::domain::eta::within;
use crate::domain::{Milestone, TenantId};
use crate::state::AppState;
use crate::store::{self, NewEvent, NewPosition};

/// What a batch of fixes did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PositionsOutcome {
    pub recorded: usize,
    /// Shipments whose vehicle entered the arriving-soon radius just now.
    pub arriving_soon: Vec<i64>,
}

pub async fn record(state: &AppState, tenant: TenantId, fixes: &[NewPosition]) -> store::Result<PositionsOutcome> {
    let moved = store::record_positions(&state.pool, tenant, fixes).await?;
    let mut outcome = PositionsOutcome { recorded: fixes.len(), ..Default::default() };
    // One map update per order, however many of its shipments the van carries.
    let mut orders: Vec<_> = moved.iter().map(|m| m.order).collect();
    orders.sort_by_key(|o| o.0);
    orders.dedup();
    for order in orders {
        state.hub.publish_moved(tenant, order);
    }
    for shipment in &moved {
        let out_for_delivery = shipment.status_milestone == Some(Milestone::OutForDelivery);
        let Some(destination) = shipment.destination.filter(|_| out_for_delivery) else { continue };
        if !within(shipment.arriving_soon_radius_m, shipment.latest, destination) {
            continue;
        }
        let event = NewEvent {
            shipment: Some(shipment.shipment),
            source: "gps".into(),
            source_event_id: format!("arriving_soon:{}", shipment.shipment.0),
            raw_code: "ARRIVING_SOON".into(),
            // Read only when the geofence fires: most fixes need no dictionary.
            canonical: state.dictionary_for(tenant).await?.map("gps", "ARRIVING_SOON"),
            occurred_at: shipment.latest_at,
            occurred_offset_minutes: None,
            location: None,
            details: serde_json::json!({
                "radius_m": shipment.arriving_soon_radius_m,
                "distance_m": shipment.latest.distance_m(destination).round(),
            }),
        };
        let appended = super::append(state, tenant, shipment.order, &[event]).await?;
        if !appended.inserted.is_empty() {
            outcome.arriving_soon.push(shipment.shipment.0);
        }
    }
    Ok(outcome)
}
