//! Every fact enters here: adapters turn bytes into `store::NewEvent`s, and
//! these functions commit them through the store and *then* publish them to
//! the live hub, so subscribers never hear of an event that could roll back.

pub mod aftership;
pub mod api_json;
pub mod carrier_event;
pub mod easypost;
pub mod shippo;
pub mod x12;

use crate::domain::{OrderId, ShipmentId, TenantId};
use crate::state::AppState;
use crate::store::{self, AppendOutcome, NewEvent, NewShipment, TrackedOutcome};

fn publish(state: &AppState, tenant: TenantId, order: OrderId, outcome: &AppendOutcome) {
    if let Some(last) = outcome.inserted.iter().max() {
        state.hub.publish(tenant, order, *last);
    }
}

pub async fn append(
    state: &AppState,
    tenant: TenantId,
    order: OrderId,
    events: &[NewEvent],
) -> store::Result<AppendOutcome> {
    let outcome = store::append(&state.pool, tenant, order, events).await?;
    publish(state, tenant, order, &outcome);
    Ok(outcome)
}

pub async fn append_by_tracking_number(
    state: &AppState,
    tenant: TenantId,
    tracking_number: &str,
    events: &[NewEvent],
) -> store::Result<TrackedOutcome> {
    let outcome = store::append_by_tracking_number(&state.pool, tenant, tracking_number, events).await?;
    if let TrackedOutcome::Appended { order, outcome } = &outcome {
        publish(state, tenant, *order, outcome);
    }
    Ok(outcome)
}

/// Creates the shipment with its ship-confirm event, attaching any carrier
/// events that were waiting for its tracking number, in one transaction.
pub async fn ship_confirm(
    state: &AppState,
    tenant: TenantId,
    shipment: &NewShipment,
    confirm: NewEvent,
) -> store::Result<(ShipmentId, AppendOutcome)> {
    let (id, outcome) = store::create_shipment(&state.pool, shipment, Some(confirm)).await?;
    publish(state, tenant, shipment.order, &outcome);
    Ok((id, outcome))
}
