//! Recording validated events, whoever sent them (the events API, signed
//! webhooks, `milepost import`): one transaction per order or tracking
//! number, every order number resolved before anything is written.

use super::api_json::Target;
use super::carrier_event::CarrierEvent;
use super::validation::FieldError;
use crate::domain::{EventId, TenantId};
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
    // Resolve every order number first, in one query: an unknown one fails
    // the request before anything is written.
    let mut numbers: Vec<&str> = valid
        .iter()
        .filter_map(|(target, _)| match target {
            Target::Order(number) => Some(number.as_str()),
            Target::TrackingNumber(_) => None,
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let orders = store::orders_by_number(&state.pool, tenant, &numbers).await?;
    let mut missing = Vec::new();
    let mut named = std::collections::HashSet::new();
    for (i, (target, _)) in valid.iter().enumerate() {
        if let Target::Order(number) = target {
            if !orders.contains_key(number) && named.insert(number) {
                missing.push(FieldError {
                    field: if batch { format!("events[{i}].order_number") } else { "order_number".into() },
                    message: format!("no order `{number}` in this tenant"),
                });
            }
        }
    }
    if !missing.is_empty() {
        return Err(RecordError::UnknownOrders(missing));
    }

    // One group per target, in the order targets first appear.
    let mut groups: Vec<(Target, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<&Target, usize> = HashMap::new();
    for (i, (target, _)) in valid.iter().enumerate() {
        let group = *group_of.entry(target).or_insert_with(|| {
            groups.push((target.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[group].1.push(i);
    }
    let batch: Vec<(Target, Vec<NewEvent>)> = groups
        .iter()
        .map(|(target, members)| {
            let mut events: Vec<NewEvent> = members.iter().map(|&i| valid[i].1.clone()).collect();
            if let Target::Order(number) = target {
                super::place_on(&mut events, orders[number].sole_shipment);
            }
            (target.clone(), events)
        })
        .collect();
    // The whole request in one transaction.
    let destinations: Vec<(store::Destination, &[NewEvent])> = batch
        .iter()
        .map(|(target, events)| {
            let to = match target {
                Target::Order(number) => store::Destination::Order(orders[number].id),
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
