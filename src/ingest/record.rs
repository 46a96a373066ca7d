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
///
/// Requests that arrive while others are being written wait and are then
/// written together, in one transaction (group commit): under load one
/// turn at SQLite's write lock and one status update per order serve many
/// requests, not one each. Each request still gets its own answer, and an
/// unknown order fails only the request that named it. The writing runs
/// in a task of its own, so a client that hangs up does not cut a
/// transaction short under the others.
pub async fn events(
    state: &AppState,
    tenant: TenantId,
    valid: Vec<(Target, NewEvent)>,
    batch: bool,
) -> Result<Vec<Recorded>, RecordError> {
    let (done, answer) = tokio::sync::oneshot::channel();
    let writer = state.clone();
    let job = Job { tenant, valid, batch, done };
    state.recorder.submit(job, |jobs| async move { record_jobs(&writer, jobs).await }).await;
    answer.await.expect("every taken request is answered")
}

/// One request's events, waiting for their turn (`events`).
struct Job {
    tenant: TenantId,
    valid: Vec<(Target, NewEvent)>,
    batch: bool,
    done: tokio::sync::oneshot::Sender<Result<Vec<Recorded>, RecordError>>,
}

/// Writes the jobs, a transaction per tenant, and answers each.
async fn record_jobs(state: &AppState, mut jobs: Vec<Job>) {
    // A stable sort: each tenant's requests keep their order of arrival.
    jobs.sort_by_key(|job| job.tenant);
    while let Some(tenant) = jobs.first().map(|job| job.tenant) {
        let others = jobs.iter().position(|job| job.tenant != tenant).unwrap_or(jobs.len());
        let rest = jobs.split_off(others);
        record_tenant(state, tenant, std::mem::replace(&mut jobs, rest)).await;
    }
}

async fn record_tenant(state: &AppState, tenant: TenantId, jobs: Vec<Job>) {
    // Every order number of every request, resolved in one query.
    let mut numbers: Vec<&str> = jobs
        .iter()
        .flat_map(|j| &j.valid)
        .filter_map(|(target, _)| match target {
            Target::Order(number) => Some(number.as_str()),
            Target::TrackingNumber(_) => None,
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let orders = match store::orders_by_number(&state.pool, tenant, &numbers).await {
        Ok(orders) => orders,
        Err(e) => return fail_alone(state, tenant, jobs, e).await,
    };
    // A request naming an unknown order is refused before anything is written.
    let mut ready = Vec::with_capacity(jobs.len());
    for job in jobs {
        match unknown_orders(&job, &orders) {
            Some(missing) => {
                let _ = job.done.send(Err(RecordError::UnknownOrders(missing)));
            }
            None => ready.push(job),
        }
    }
    if ready.is_empty() {
        return;
    }
    match append(state, tenant, &orders, &ready).await {
        Ok(results) => {
            for (job, result) in ready.into_iter().zip(results) {
                let _ = job.done.send(Ok(result));
            }
        }
        Err(e) => fail_alone(state, tenant, ready, e).await,
    }
}

/// After a failure, one request's failure is not the others': each is
/// tried again alone, and a request alone gets the error.
async fn fail_alone(state: &AppState, tenant: TenantId, mut jobs: Vec<Job>, error: StoreError) {
    if jobs.len() == 1 {
        let job = jobs.pop().expect("one request");
        let _ = job.done.send(Err(error.into()));
        return;
    }
    for job in jobs {
        Box::pin(record_tenant(state, tenant, vec![job])).await;
    }
}

/// The fields naming orders this tenant does not have, once per number.
fn unknown_orders(job: &Job, orders: &HashMap<String, store::NumberedOrder>) -> Option<Vec<FieldError>> {
    let mut missing = Vec::new();
    let mut named = std::collections::HashSet::new();
    for (i, (target, _)) in job.valid.iter().enumerate() {
        if let Target::Order(number) = target {
            if !orders.contains_key(number) && named.insert(number) {
                missing.push(FieldError {
                    field: if job.batch { format!("events[{i}].order_number") } else { "order_number".into() },
                    message: format!("no order `{number}` in this tenant"),
                });
            }
        }
    }
    (!missing.is_empty()).then_some(missing)
}

/// Appends the requests' events in one transaction, one group per target
/// (an order or a tracking number) across all of them, and publishes what
/// was new; what became of each event, per request.
async fn append(
    state: &AppState,
    tenant: TenantId,
    orders: &HashMap<String, store::NumberedOrder>,
    jobs: &[Job],
) -> Result<Vec<Vec<Recorded>>, StoreError> {
    // Groups in the order their targets first appear; members are
    // (request, event) positions.
    let mut groups: Vec<(&Target, Vec<(usize, usize)>)> = Vec::new();
    let mut group_of: HashMap<&Target, usize> = HashMap::new();
    for (j, job) in jobs.iter().enumerate() {
        for (i, (target, _)) in job.valid.iter().enumerate() {
            let group = *group_of.entry(target).or_insert_with(|| {
                groups.push((target, Vec::new()));
                groups.len() - 1
            });
            groups[group].1.push((j, i));
        }
    }
    let batch: Vec<Vec<NewEvent>> = groups
        .iter()
        .map(|(target, members)| {
            let mut events: Vec<NewEvent> = members.iter().map(|&(j, i)| jobs[j].valid[i].1.clone()).collect();
            if let Target::Order(number) = target {
                super::place_on(&mut events, orders[number].sole_shipment);
            }
            events
        })
        .collect();
    let destinations: Vec<(store::Destination, &[NewEvent])> = groups
        .iter()
        .zip(&batch)
        .map(|((target, _), events)| {
            let to = match target {
                Target::Order(number) => store::Destination::Order(orders[number].id),
                Target::TrackingNumber(tracking) => store::Destination::TrackingNumber(tracking),
            };
            (to, &events[..])
        })
        .collect();
    let outcomes = store::append_all(&state.pool, Some(&state.status_facts), tenant, &destinations).await?;
    let mut results: Vec<Vec<Recorded>> = jobs.iter().map(|j| vec![Recorded::Unmatched; j.valid.len()]).collect();
    for ((_, members), outcome) in groups.iter().zip(&outcomes) {
        if let TrackedOutcome::Appended { order, outcome } = outcome {
            super::publish(state, tenant, *order, &[outcome]);
            for (k, &(j, i)) in members.iter().enumerate() {
                let (id, new) = outcome.stored[k];
                results[j][i] = if new { Recorded::Created(id) } else { Recorded::Duplicate(id) };
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
