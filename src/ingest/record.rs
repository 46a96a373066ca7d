//! Recording validated events, whoever sent them (the events API, signed
//! webhooks, `milepost import`): one transaction per order or tracking
//! number, every order number resolved before anything is written.

use super::api_json::Target;
use super::carrier_event::CarrierEvent;
use super::validation::FieldError;
use crate::domain::{EventId, OrderId, TenantId};
use crate::state::AppState;
use crate::store::{self, NewEvent, StoreError, TrackedOutcome};
use serde::Serialize;
use std::collections::HashMap;

/// What became of one event, in the order they were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "event_id", rename_all = "lowercase")]
pub enum Recorded {
    Created(EventId),
    /// Seen before (same source and event id); the id it was first stored under.
    Duplicate(EventId),
    /// No shipment has this tracking number yet; kept and attached later.
    Unmatched,
}

#[derive(Debug)]
pub enum RecordError {
    /// Events name orders this tenant does not have; nothing was recorded.
    UnknownOrders(Vec<FieldError>),
    Store(StoreError),
}

impl From<StoreError> for RecordError {
    fn from(error: StoreError) -> Self {
        RecordError::Store(error)
    }
}

/// Appends validated events. `batch` says whether the sender gave a list
/// (errors then name `events[i].order_number`).
pub async fn events(
    state: &AppState,
    tenant: TenantId,
    valid: Vec<(Target, NewEvent)>,
    batch: bool,
) -> Result<Vec<Recorded>, RecordError> {
    // Resolve every order number first: an unknown one fails the request
    // before anything is written.
    let mut orders: HashMap<String, OrderId> = HashMap::new();
    let mut missing = Vec::new();
    for (i, (target, _)) in valid.iter().enumerate() {
        if let Target::Order(number) = target {
            if orders.contains_key(number) {
                continue;
            }
            match store::find_order_by_number(&state.pool, tenant, number).await? {
                Some(id) => {
                    orders.insert(number.clone(), id);
                }
                None => missing.push(FieldError {
                    field: if batch { format!("events[{i}].order_number") } else { "order_number".into() },
                    message: format!("no order `{number}` in this tenant"),
                }),
            }
        }
    }
    if !missing.is_empty() {
        return Err(RecordError::UnknownOrders(missing));
    }

    // One transaction per target, in the order targets first appear.
    let mut groups: Vec<(Target, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<&Target, usize> = HashMap::new();
    for (i, (target, _)) in valid.iter().enumerate() {
        let group = *group_of.entry(target).or_insert_with(|| {
            groups.push((target.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[group].1.push(i);
    }
    let mut batch: Vec<(Target, Vec<NewEvent>)> = Vec::with_capacity(groups.len());
    for (target, members) in &groups {
        let events: Vec<NewEvent> = members.iter().map(|&i| valid[i].1.clone()).collect();
        let events = match target {
            Target::Order(number) => super::place_on_sole_shipment(state, orders[number], &events).await?.into_owned(),
            Target::TrackingNumber(_) => events,
        };
        batch.push((target.clone(), events));
    }
    // The whole request in one transaction.
    let destinations: Vec<(store::Destination, &[NewEvent])> = batch
        .iter()
        .map(|(target, events)| {
            let to = match target {
                Target::Order(number) => store::Destination::Order(orders[number]),
                Target::TrackingNumber(tracking) => store::Destination::TrackingNumber(tracking),
            };
            (to, &events[..])
        })
        .collect();
    let outcomes = store::append_all(&state.pool, tenant, &destinations).await?;
    let mut results = vec![Recorded::Unmatched; valid.len()];
    for ((_, members), outcome) in groups.iter().zip(&outcomes) {
        if let TrackedOutcome::Appended { order, outcome } = outcome {
            super::publish(state, tenant, *order, &[outcome]);
            for (k, &i) in members.iter().enumerate() {
                let (id, new) = outcome.stored[k];
                results[i] = if new { Recorded::Created(id) } else { Recorded::Duplicate(id) };
            }
        }
    }
    Ok(results)
}

/// Scans from an aggregator payload (webhook or `milepost import`), read
/// through the tenant's dictionary and appended by tracking number.
pub async fn carrier_events(
    state: &AppState,
    tenant: TenantId,
    source: &str,
    carrier_events: Vec<CarrierEvent>,
) -> Result<Vec<Recorded>, RecordError> {
    let dictionary = state.dictionary_for(tenant).await?;
    let valid = carrier_events
        .into_iter()
        .map(|e| (Target::TrackingNumber(e.tracking_number.clone()), e.into_new_event(source, &dictionary)))
        .collect();
    events(state, tenant, valid, true).await
}
