//! Posting events (one or a batch) and the signed carrier webhook receiver.

use super::extract::{json_body, one_or_batch};
use super::problem::{ApiResult, FieldError, Problem};
use crate::auth::api_key::ApiCaller;
use crate::auth::webhook_signature;
use crate::domain::{OrderId, TenantId};
use crate::ingest;
use crate::ingest::api_json::{self, EventBatch, EventIn, Target, MAX_BATCH};
use crate::ingest::carrier_event::CarrierEvent;
use crate::ingest::webhook_format::WebhookFormat;
use crate::state::AppState;
use crate::store::{self, NewEvent, TrackedOutcome};
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventResult {
    /// Position in the request.
    pub index: usize,
    /// `created`, `duplicate` (seen before, nothing changed) or `unmatched`
    /// (no shipment has this tracking number yet; kept and attached later).
    pub status: String,
    /// Milepost's id for the stored event.
    pub event_id: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventsOut {
    pub results: Vec<EventResult>,
}

/// Accepts one event object or `{"events": [...]}`.
fn parse_events(body: &[u8]) -> ApiResult<(Vec<EventIn>, bool)> {
    one_or_batch(body, "events", MAX_BATCH, |batch: EventBatch| batch.events)
}

/// Validates, resolves and appends events; shared by the API and webhooks.
async fn record_events(
    state: &AppState,
    tenant: TenantId,
    events: Vec<EventIn>,
    batch: bool,
    default_source: Option<&str>,
    may_post: impl Fn(&str) -> bool,
) -> ApiResult<EventsOut> {
    let now = Utc::now();
    let dictionary = state.dictionary_for(tenant).await?;
    let mut errors = Vec::new();
    let mut valid: Vec<(Target, NewEvent)> = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        let prefix = if batch { format!("events[{i}]") } else { String::new() };
        if let Some(item) = api_json::validate(event, &prefix, default_source, &dictionary, now, &mut errors) {
            valid.push(item);
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    if let Some((i, (_, event))) = valid.iter().enumerate().find(|(_, (_, e))| !may_post(&e.source)) {
        let at = if batch { format!(" (events[{i}])") } else { String::new() };
        return Err(Problem::forbidden(format!(
            "This API key may not post events from source `{}`{at}.",
            event.source
        )));
    }
    append_events(state, tenant, valid, batch).await
}

/// Appends validated events, one transaction per order or tracking number.
async fn append_events(
    state: &AppState,
    tenant: TenantId,
    valid: Vec<(Target, NewEvent)>,
    batch: bool,
) -> ApiResult<EventsOut> {
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
        let mut problem = Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "An event names an order that does not exist; nothing was recorded.",
        );
        problem.errors = missing;
        return Err(problem);
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
    let mut results: Vec<EventResult> =
        (0..valid.len()).map(|index| EventResult { index, status: String::new(), event_id: None }).collect();
    for (target, members) in groups {
        let events: Vec<NewEvent> = members.iter().map(|&i| valid[i].1.clone()).collect();
        let outcome = match &target {
            Target::Order(number) => Some(ingest::append(state, tenant, orders[number], &events).await?),
            Target::TrackingNumber(tracking) => {
                match ingest::append_by_tracking_number(state, tenant, tracking, &events).await? {
                    TrackedOutcome::Appended { outcome, .. } => Some(outcome),
                    TrackedOutcome::Unmatched { .. } => None,
                }
            }
        };
        for (k, &i) in members.iter().enumerate() {
            // A repeat reports the id it was first stored under.
            let stored = outcome.as_ref().map(|o| o.stored[k]);
            results[i].status = match stored {
                Some((_, true)) => "created",
                Some((_, false)) => "duplicate",
                None => "unmatched",
            }
            .into();
            results[i].event_id = stored.map(|(id, _)| id.0);
        }
    }
    Ok(EventsOut { results })
}

/// Post one event or a batch of up to 1,000, each for an order number or a
/// tracking number. Repeats of (source, event_id) change nothing.
#[utoipa::path(post, path = "/api/v1/events", tag = "Events",
    request_body(content = EventBatch, description = "One `EventIn` object, or `{\"events\": [EventIn, ...]}` with 1 to 1,000 events"),
    responses(
        (status = 200, body = EventsOut),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's scope does not cover an event's source", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "An order number is unknown", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["oms", "wms", "carrier"])))]
pub async fn post_events(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    request: Request,
) -> ApiResult<Json<EventsOut>> {
    let body = json_body(request, &state).await?;
    let (events, batch) = parse_events(&body)?;
    Ok(Json(record_events(&state, caller.tenant, events, batch, None, |source| caller.may_post_source(source)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookQuery {
    /// The tenant's slug, as shown in its webhook settings.
    pub tenant: String,
}

/// Carrier webhooks. `easypost`, `aftership` and `shippo` take those
/// services' own payloads (EasyPost `X-Hmac-Signature`, AfterShip
/// `aftership-hmac-sha256`, Shippo per Standard Webhooks); any other source
/// takes Milepost's event format signed per Standard Webhooks (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`; HMAC-SHA256 over
/// `id.timestamp.body`, 5 minutes tolerance). Replayed ids are refused. The
/// signature is checked on the raw bytes before the body is parsed.
#[utoipa::path(post, path = "/api/v1/webhooks/{source}", tag = "Webhooks",
    params(("source" = String, Path, description = "Carrier source name, e.g. `carrier` or `ups`"), WebhookQuery,
           ("webhook-id" = String, Header), ("webhook-timestamp" = i64, Header), ("webhook-signature" = String, Header)),
    request_body(content = EventBatch, description = "One event or a batch; `source` defaults to the path's"),
    responses(
        (status = 200, body = EventsOut),
        (status = 401, description = "Missing, bad or expired signature", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "This webhook id was already received", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("webhook_signature" = [])))]
pub async fn receive_webhook(
    State(state): State<AppState>,
    Path(source): Path<String>,
    Query(query): Query<WebhookQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<EventsOut>> {
    let source = source.to_ascii_lowercase();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // Unknown tenant, no secret, or a bad signature all look the same from outside.
    let tenant = store::tenant_by_slug(&state.pool, &query.tenant).await?;
    let secrets = match tenant {
        Some(tenant) if crate::domain::is_carrier_source(&source) => {
            store::live_webhook_secrets(&state.pool, &state.secret_key, tenant, &source).await?
        }
        _ => Vec::new(),
    };
    let format = WebhookFormat::for_source(&source);
    let verified = format.verify(&secrets, header, &body, Utc::now().timestamp());
    let (Some(tenant), Ok(())) = (tenant, &verified) else {
        let reason = match verified {
            Err(e) if !secrets.is_empty() => e.to_string(),
            _ => webhook_signature::SignatureError::NoMatch.to_string(),
        };
        return Err(Problem::unauthorized(format!("Webhook signature rejected: {reason}.")));
    };
    // Formats without an id rely on event deduplication alone.
    if let Some(webhook_id) = format.delivery_id(header, &body) {
        if !store::record_webhook_receipt(&state.pool, tenant, &source, &webhook_id).await? {
            return Err(Problem::conflict(format!(
                "Webhook `{webhook_id}` was already received; a replay is not processed again."
            )));
        }
    }
    let Some(parsed) = format.carrier_events(&body) else {
        let (events, batch) = parse_events(&body)?;
        let path_source = source.clone();
        return Ok(Json(record_events(&state, tenant, events, batch, Some(&source), move |s| s == path_source).await?));
    };
    let carrier_events = parsed.map_err(|e| Problem::field(e.field, e.problem))?;
    Ok(Json(record_carrier_events(&state, tenant, &source, carrier_events).await?))
}

/// Scans from an aggregator payload (webhook or `milepost import`), read
/// through the tenant's dictionary and appended by tracking number.
pub async fn record_carrier_events(
    state: &AppState,
    tenant: TenantId,
    source: &str,
    carrier_events: Vec<CarrierEvent>,
) -> ApiResult<EventsOut> {
    let dictionary = state.dictionary_for(tenant).await?;
    let valid = carrier_events
        .into_iter()
        .map(|e| (Target::TrackingNumber(e.tracking_number.clone()), e.into_new_event(source, &dictionary)))
        .collect();
    append_events(state, tenant, valid, true).await
}
