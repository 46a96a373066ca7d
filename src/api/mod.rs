//! The REST API under `/api/v1`: thin handlers over `ingest` and `store`,
//! authenticated with per-tenant API keys, errors as problem+json.

pub mod conditions;
pub mod docs;
pub mod edi;
pub mod events;
pub mod extract;
pub mod kpis;
pub mod languages;
pub mod notifications;
pub mod orders;
pub mod pod;
pub mod positions;
pub mod problem;
pub mod promise;
pub mod returns;
pub mod tracking_stream;
pub mod warehouse;

use crate::auth::api_key::{self, ApiCaller, Scope};
use crate::state::AppState;
use crate::store::{self, IdempotencyClaim, StoredResponse};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use chrono::Utc;
use problem::{ApiResult, Problem};
use sha2::{Digest, Sha256};

pub fn router(state: AppState) -> Router<AppState> {
    let idempotent = || middleware::from_fn_with_state(state.clone(), idempotency);
    let json = Router::new()
        .route("/orders/{order_number}", put(orders::upsert_order).get(orders::get_order))
        .route("/orders/{order_number}/confirm", post(orders::confirm_order))
        .route("/orders/{order_number}/cancel", post(orders::cancel_order))
        .route("/orders/{order_number}/tracking-links", post(orders::create_tracking_link))
        .route("/orders/{order_number}/stream", get(orders::order_stream))
        .route("/orders/{order_number}/warehouse/{step}", post(warehouse::warehouse_step))
        .route("/orders/{order_number}/shipments", post(warehouse::ship_confirm))
        .route("/events", post(events::post_events))
        .route("/positions", post(positions::post_positions))
        .route("/shipments/{shipment_id}/pod/files/{sha256}", get(pod::get_pod_file))
        .route("/sensor-readings", post(conditions::post_readings))
        .route("/condition-limits", put(conditions::put_limit))
        .route("/condition-settings", put(conditions::put_settings))
        .route("/devices/{device_id}", put(conditions::put_device))
        .route("/shipments/{shipment_id}/conditions/{metric}/chart.svg", get(conditions::chart))
        .route("/vehicles/{vehicle_id}/route", put(positions::put_route))
        .route("/shipments/{shipment_id}/positions", get(positions::get_positions))
        .route("/last-mile-settings", put(positions::put_settings))
        .route("/promise-settings", put(promise::put_settings))
        .route("/language-settings", get(languages::get_settings).put(languages::put_settings))
        .route("/edi", post(edi::post_edi))
        .route("/edi/interchanges/{sender_id}/{control_number}/acknowledgment", get(edi::get_acknowledgment))
        .route("/edi/partners", get(edi::list_partners))
        .route("/edi/partners/{sender_id}", get(edi::get_partner).put(edi::put_partner).delete(edi::delete_partner))
        .route("/orders/{order_number}/notifications", get(notifications::order_notifications))
        .route("/notifications/{id}/resend", post(notifications::resend))
        .route("/webhook-endpoints", post(notifications::add_endpoint))
        .route("/notification-rules", put(notifications::put_rule))
        .route("/notification-settings/quiet-hours", put(notifications::put_quiet_hours))
        .route("/return-policy", get(returns::get_policy).put(returns::put_policy))
        .route("/orders/{order_number}/returns", post(returns::create_return).get(returns::order_returns))
        .route("/returns", get(returns::list_returns))
        .route("/returns/{rma}", get(returns::get_return))
        .route("/returns/{rma}/decision", post(returns::post_decision))
        .route("/returns/{rma}/cancel", post(returns::post_cancel))
        .route("/returns/{rma}/shipments", post(returns::post_shipment))
        .route("/returns/{rma}/receipt", post(returns::post_receipt))
        .route("/returns/{rma}/credit", post(returns::post_credit))
        .route("/kpis/returns", get(returns::get_kpis))
        .layer(idempotent());
    // Photos are larger than JSON. The limit is set outside the idempotency
    // layer, so the layer buffers with the same limit as the handler.
    let uploads =
        Router::new().route("/shipments/{shipment_id}/pod", post(pod::post_pod).get(pod::get_pod)).layer(idempotent());
    let uploads = extract::with_body_limit(uploads, pod::MAX_BODY_BYTES);
    let photos = Router::new().route("/return-photos", post(returns::post_photo)).layer(idempotent());
    let photos = extract::with_body_limit(photos, returns::MAX_PHOTO_BODY);
    // Layers run bottom-up: authenticate, then idempotency (needs the tenant).
    let authenticated = json.merge(uploads).merge(photos).layer(middleware::from_fn_with_state(state, require_api_key));
    // KPIs authenticate themselves: an admin key or a staff session.
    let api = Router::new()
        .merge(authenticated)
        .merge(kpis::router())
        .route("/webhooks/{source}", post(events::receive_webhook))
        .fallback(|| async {
            Problem::new(
                axum::http::StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "No such API endpoint; see /api/docs.",
            )
        });
    extract::with_body_limit(api, extract::BODY_LIMIT).layer(middleware::from_fn(problem::plain_errors_as_problems))
}

/// Checks `Authorization: Bearer mp_...` and hands the caller to handlers.
async fn require_api_key(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let caller = match presented {
        None => Err(Problem::unauthorized("Send an API key as `Authorization: Bearer <key>`.")),
        Some(key) => match api_key::authenticate(&state.pool, key).await {
            Ok(Some(caller)) => Ok(caller),
            Ok(None) => Err(Problem::unauthorized("The API key is unknown or has been revoked.")),
            Err(e) => Err(e.into()),
        },
    };
    match caller {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(problem) => {
            let mut response = problem.into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

pub fn require(caller: &ApiCaller, scope: Scope) -> ApiResult<()> {
    if caller.has(scope) {
        Ok(())
    } else {
        Err(Problem::forbidden(format!("This API key lacks the `{}` scope needed here.", scope.as_str())))
    }
}

/// How long a request waits for an earlier one with the same
/// `Idempotency-Key` to finish before it is told to retry.
const WAIT_FOR_FIRST: std::time::Duration = std::time::Duration::from_secs(5);

/// `Idempotency-Key`: a retried write returns the first response and
/// changes nothing. The key is claimed before the work starts, so of
/// concurrent requests with one key exactly one does the work. Server errors
/// are not remembered, so a retry can succeed.
async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = request.headers().get("idempotency-key").cloned() else {
        return next.run(request).await;
    };
    if !matches!(*request.method(), Method::POST | Method::PUT) {
        return next.run(request).await;
    }
    match remembered(&state, key, request, next).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    }
}

async fn remembered(state: &AppState, key: HeaderValue, request: Request, next: Next) -> ApiResult<Response> {
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| Problem::field("Idempotency-Key", "must be 1 to 255 visible ASCII characters"))?
        .to_string();
    let tenant = request.extensions().get::<ApiCaller>().map(|c| c.tenant).ok_or_else(Problem::internal)?;
    // The route's own limit (a proof of delivery is larger than JSON), so a
    // key never changes which bodies are accepted.
    let limit = extract::body_limit(&request);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| Problem::too_large(limit))?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(parts.uri.path());
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());

    let ttl = state.config.idempotency_ttl;
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    let mut claim = store::claim_idempotency_key(&state.pool, tenant, &key, &request_hash, Utc::now(), ttl).await?;
    loop {
        match claim {
            IdempotencyClaim::Claimed => break,
            IdempotencyClaim::Taken { request_hash: theirs, .. } if theirs != request_hash => {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
                ));
            }
            IdempotencyClaim::Taken { response: Some(stored), .. } => return Ok(replay(stored)),
            IdempotencyClaim::Taken { response: None, .. } => {
                if tokio::time::Instant::now() >= deadline {
                    let mut response = Problem::new(
                        StatusCode::CONFLICT,
                        "idempotency-key-in-progress",
                        "Request in progress",
                        "A request with this Idempotency-Key is still in progress. Retry it shortly for its answer.",
                    )
                    .into_response();
                    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                    return Ok(response);
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                claim = match store::find_idempotency_key(&state.pool, tenant, &key).await? {
                    Some(taken) => taken,
                    // Released after a server error: this request may do the work.
                    None => {
                        store::claim_idempotency_key(&state.pool, tenant, &key, &request_hash, Utc::now(), ttl).await?
                    }
                }
            }
        }
    }

    // The work runs to the end and its answer is stored even if the client
    // hangs up meanwhile: its retry then gets that answer, not a key stuck
    // in progress.
    let pool = state.pool.clone();
    let claimed = key.clone();
    let work = tokio::spawn(async move {
        let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
        if response.status().is_server_error() {
            if let Err(e) = store::release_idempotency_key(&pool, tenant, &key).await {
                tracing::error!(error = %e, "releasing an Idempotency-Key after a server error failed");
            }
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
            let _ = store::release_idempotency_key(&pool, tenant, &key).await;
            return Problem::internal().into_response();
        };
        let content_type =
            parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("application/json");
        let stored = StoredResponse {
            request_hash,
            status_code: parts.status.as_u16() as i64,
            response_body: body.to_vec(),
            content_type: content_type.to_string(),
        };
        if let Err(e) = store::complete_idempotency_key(&pool, tenant, &key, &stored).await {
            // The work is done, so the key stays claimed rather than let a
            // retry do it twice; the claim is abandoned after a while.
            tracing::error!(error = %e, "storing an Idempotency-Key's response failed");
        }
        Response::from_parts(parts, Body::from(body))
    });
    match work.await {
        Ok(response) => Ok(response),
        Err(e) => {
            tracing::error!(error = %e, "a request with an Idempotency-Key panicked");
            store::release_idempotency_key(&state.pool, tenant, &claimed).await?;
            Err(Problem::internal())
        }
    }
}

/// The stored answer of the request that first used the key.
fn replay(stored: StoredResponse) -> Response {
    let mut response = Response::new(Body::from(stored.response_body));
    *response.status_mut() = StatusCode::from_u16(stored.status_code as u16).unwrap_or_default();
    if let Ok(content_type) = HeaderValue::from_str(&stored.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    }
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
