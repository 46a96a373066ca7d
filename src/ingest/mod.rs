//! Every fact enters here: adapters turn bytes into `store::NewEvent`s, and
//! these functions commit them through the store and *then* publish them to
//! the live hub, so subscribers never hear of an event that could roll back.

pub mod aftership;
pub mod api_json;
pub mod carrier_event;
pub mod conditions;
pub mod easypost;
pub mod edi;
pub mod pod;
pub mod positions;
pub mod record;
pub mod shippo;
pub mod validation;
pub mod webhook_format;
pub mod x12;

use crate::domain::{is_carrier_source, OrderId, ShipmentId, TenantId};
use crate::state::AppState;
use crate::store::{self, AppendOutcome, NewEvent, NewOrder, NewShipment, SavedOrder, ShipmentCreated, TrackedOutcome};

/// Tells live subscribers about what these appends committed, and wakes
/// the notification worker only if they queued something for it.
pub(crate) fn publish(state: &AppState, tenant: TenantId, order: OrderId, outcomes: &[&AppendOutcome]) {
    if let Some(last) = outcomes.iter().flat_map(|o| &o.inserted).max() {
        state.hub.publish(tenant, order, *last);
        state.promises.notify_one();
    }
    if outcomes.iter().any(|o| o.notifications > 0) {
        state.outbox.notify_one();
    }
}

/// Appends events for an order (see [`place_on_sole_shipment`]).
pub async fn append(
    state: &AppState,
    tenant: TenantId,
    order: OrderId,
    events: &[NewEvent],
) -> store::Result<AppendOutcome> {
    let events = place_on_sole_shipment(state, order, events).await?;
    let outcome = store::append(&state.pool, tenant, order, &events).await?;
    publish(state, tenant, order, &[&outcome]);
    Ok(outcome)
}

/// A carrier event given for an order that has exactly one shipment is
/// about that shipment; with several it stays order-level (we cannot guess
/// which).
pub(crate) async fn place_on_sole_shipment<'a>(
    state: &AppState,
    order: OrderId,
    events: &'a [NewEvent],
) -> store::Result<std::borrow::Cow<'a, [NewEvent]>> {
    let mut events = std::borrow::Cow::Borrowed(events);
    if events.iter().any(unplaced) {
        if let [only] = store::shipment_ids(&state.pool, order).await?[..] {
            place_on(events.to_mut(), Some(only));
        }
    }
    Ok(events)
}

/// A carrier's event not given a shipment, when the order has one.
fn unplaced(event: &NewEvent) -> bool {
    event.shipment.is_none() && is_carrier_source(&event.source)
}

/// Puts the carrier events given without a shipment on the order's sole
/// shipment, if it has exactly one (`sole`).
pub(crate) fn place_on(events: &mut [NewEvent], sole: Option<ShipmentId>) {
    if let Some(sole) = sole {
        for event in events.iter_mut().filter(|e| unplaced(e)) {
            event.shipment = Some(sole);
        }
    }
}

pub async fn append_by_tracking_number(
    state: &AppState,
    tenant: TenantId,
    tracking_number: &str,
    events: &[NewEvent],
) -> store::Result<TrackedOutcome> {
    let outcome = store::append_by_tracking_number(&state.pool, tenant, tracking_number, events).await?;
    if let TrackedOutcome::Appended { order, outcome } = &outcome {
        publish(state, tenant, *order, &[outcome]);
    }
    Ok(outcome)
}

/// Creates or updates an order; a new one is recorded with its `placed`
/// event in the same transaction.
pub async fn save_order(state: &AppState, order: &NewOrder, placed: NewEvent) -> store::Result<SavedOrder> {
    let saved = store::upsert_order(&state.pool, order, Some(placed)).await?;
    publish(state, order.tenant, saved.id, &[&saved.placed]);
    // Ship notices and acknowledgments that arrived before the order.
    let keys: Vec<&str> =
        [Some(order.order_number.as_str()), order.customer_po.as_deref()].into_iter().flatten().collect();
    edi::apply_waiting(state, order.tenant, &keys).await?;
    Ok(saved)
}

/// Creates the shipment with its ship-confirm event, attaching any carrier
/// events that were waiting for its tracking number, in one transaction.
pub async fn ship_confirm(
    state: &AppState,
    tenant: TenantId,
    shipment: &NewShipment,
    confirm: NewEvent,
) -> store::Result<ShipmentCreated> {
    let created = store::create_shipment(&state.pool, shipment, Some(confirm)).await?;
    publish(state, tenant, shipment.order, &[&created.confirmed, &created.attached]);
    Ok(created)
}
