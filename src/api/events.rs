//! Posting events (one or a batch) and the signed carrier webhook receiver.

use super::extract::{json_body, one_or_batch, ApiQuery};
use super::problem::{ApiResult, Problem};
use crate::auth::api_key::ApiCaller;
use crate::auth::webhook_signature;
use crate::domain::TenantId;
use crate::ingest;
use crate::ingest::api_json::{self, EventBatch, EventIn, Target, MAX_BATCH};
use crate::ingest::record::{RecordError, Recorded};
use crate::ingest::webhook_format::WebhookFormat;
use crate::state::AppState;
use crate::store::{self, NewEvent};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use chrono::Utc;
use serde::{Deserialize, Serialize};
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

/// Appends validated events (`ingest::record`) and reports each one.
async fn append_events(
    state: &AppState,
    tenant: TenantId,
    valid: Vec<(Target, NewEvent)>,
    batch: bool,
) -> ApiResult<EventsOut> {
    Ok(EventsOut::from(ingest::record::events(state, tenant, valid, batch).await?))
}

impl From<Vec<Recorded>> for EventsOut {
    fn from(recorded: Vec<Recorded>) -> Self {
        let results = recorded
            .into_iter()
            .enumerate()
            .map(|(index, recorded)| {
                let (status, event_id) = match recorded {
                    Recorded::Created(id) => ("created", Some(id.0)),
                    Recorded::Duplicate(id) => ("duplicate", Some(id.0)),
                    Recorded::Unmatched => ("unmatched", None),
                };
                EventResult { index, status: status.into(), event_id }
            })
            .collect();
        EventsOut { results }
    }
}

impl From<RecordError> for Problem {
    fn from(error: RecordError) -> Self {
        match error {
            RecordError::UnknownOrders(missing) => {
                let mut problem = Problem::new(
                    StatusCode::NOT_FOUND,
                    "not-found",
                    "Not found",
                    "An event names an order that does not exist; nothing was recorded.",
                );
                problem.errors = missing;
                problem
            }
            RecordError::Store(e) => e.into(),
        }
    }
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
    ApiQuery(query): ApiQuery<WebhookQuery>,
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
    Ok(Json(ingest::record::carrier_events(&state, tenant, &source, carrier_events).await?.into()))
}
