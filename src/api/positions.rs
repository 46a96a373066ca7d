//! Telematics endpoints: GPS fixes and the routes vehicles drive.

use super::extract::{json_body, one_or_batch, ApiJson, ApiQuery};
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::ShipmentId;
use crate::ingest;
use crate::state::AppState;
use crate::store::{self, NewPosition};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const MAX_BATCH: usize = 1_000;
/// Device clocks drift; a fix this far ahead of ours is still believed.
const CLOCK_SKEW: Duration = Duration::seconds(60);

/// One GPS fix, of a vehicle or of a shipment (a tracker in the parcel).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionIn {
    /// Milepost's shipment id (from ship-confirm).
    pub shipment_id: Option<i64>,
    /// Your vehicle id; it carries the shipments on its route.
    pub vehicle_id: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
    /// Metres, 68% confidence.
    #[schema(required = false, minimum = 0, maximum = 100_000)]
    pub accuracy_m: Option<f64>,
    /// Metres per second.
    #[schema(required = false, minimum = 0, maximum = 100)]
    pub speed_mps: Option<f64>,
    /// Degrees clockwise from north, 0 to 360.
    #[schema(required = false, minimum = 0, maximum = 360)]
    pub heading_deg: Option<f64>,
    /// When the fix was taken (not in the future).
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionBatch {
    #[schema(min_items = 1, max_items = 1000)]
    pub positions: Vec<PositionIn>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PositionsOut {
    pub recorded: usize,
    /// Shipments whose vehicle came within the arriving-soon radius with
    /// these fixes (the milestone was recorded).
    pub arriving_soon: Vec<i64>,
}

/// Checks one fix; errors name `{prefix}field`.
fn position(input: PositionIn, prefix: &str, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Option<NewPosition> {
    let point = FieldError::check_coordinates(errors, prefix, Some(input.latitude), Some(input.longitude));
    let mut error = |field: &str, message: &str| {
        errors.push(FieldError { field: format!("{prefix}{field}"), message: message.into() });
    };
    let vehicle = input.vehicle_id.map(|v| v.trim().to_string());
    if input.shipment_id.is_none() && vehicle.is_none() {
        error("vehicle_id", "a fix needs a vehicle_id or a shipment_id");
    }
    if vehicle.as_deref().is_some_and(|v| v.is_empty() || v.len() > 100) {
        error("vehicle_id", "must be 1 to 100 characters");
    }
    if input.recorded_at > now + CLOCK_SKEW {
        error("recorded_at", "is in the future");
    }
    if input.accuracy_m.is_some_and(|a| !(0.0..=100_000.0).contains(&a)) {
        error("accuracy_m", "must be from 0 to 100,000 metres");
    }
    if input.speed_mps.is_some_and(|s| !(0.0..=100.0).contains(&s)) {
        error("speed_mps", "must be from 0 to 100 metres per second");
    }
    if input.heading_deg.is_some_and(|h| !(0.0..=360.0).contains(&h)) {
        error("heading_deg", "must be from 0 to 360 degrees");
    }
    Some(NewPosition {
        shipment: input.shipment_id.map(ShipmentId),
        vehicle,
        point: point?,
        accuracy_m: input.accuracy_m,
        speed_mps: input.speed_mps,
        heading_deg: input.heading_deg,
        recorded_at: input.recorded_at,
    })
}

/// Post one GPS fix or `{"positions": [...]}` with up to 1,000. Fixes move
/// the live map of every order the vehicle carries and update its ETA; a
/// vehicle entering the arriving-soon radius of an out-for-delivery
/// shipment records that milestone once.
#[utoipa::path(post, path = "/api/v1/positions", tag = "Last mile",
    request_body(content = PositionBatch, description = "One `PositionIn`, or `{\"positions\": [PositionIn, ...]}`"),
    responses(
        (status = 200, body = PositionsOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A coordinate out of range, a fix from the future, an unknown shipment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["carrier"])))]
pub async fn post_positions(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    request: Request,
) -> ApiResult<Json<PositionsOut>> {
    require(&caller, Scope::Carrier)?;
    let body = json_body(request, &state).await?;
    let (inputs, batch) = one_or_batch(&body, "positions", MAX_BATCH, |b: PositionBatch| b.positions)?;
    let now = Utc::now();
    let mut errors = Vec::new();
    let mut fixes = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        let prefix = if batch { format!("positions[{i}].") } else { String::new() };
        fixes.extend(position(input, &prefix, now, &mut errors));
    }
    if errors.is_empty() {
        // Another tenant's shipment is as unknown as one that does not exist.
        let ids: Vec<ShipmentId> = fixes.iter().filter_map(|f| f.shipment).collect();
        for foreign in store::foreign_shipments(&state.pool, caller.tenant, &ids).await? {
            let i = fixes.iter().position(|f| f.shipment == Some(foreign)).unwrap_or_default();
            let prefix = if batch { format!("positions[{i}].") } else { String::new() };
            errors
                .push(FieldError { field: format!("{prefix}shipment_id"), message: format!("no shipment {foreign}") });
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let outcome = ingest::positions::record(&state, caller.tenant, &fixes).await?;
    Ok(Json(PositionsOut { recorded: outcome.recorded, arriving_soon: outcome.arriving_soon }))
}

/// Where a shipment is: its latest fix and its trail (its own fixes and its
/// vehicle's) over the last `hours` (default 1, at most 24).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct TrailOut {
    pub shipment_id: i64,
    pub latest: Option<FixOut>,
    /// Oldest first.
    pub trail: Vec<FixOut>,
}

#[derive(Copy, Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct FixOut {
    pub latitude: f64,
    pub longitude: f64,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrailQuery {
    /// How far back the trail goes, in hours (1 to 24; default 1).
    #[param(minimum = 1, maximum = 24)]
    pub hours: Option<i64>,
}

/// A shipment's latest position and recent trail (any scope).
#[utoipa::path(get, path = "/api/v1/shipments/{shipment_id}/positions", tag = "Last mile",
    params(("shipment_id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "Milepost's shipment id (a whole number)"), TrailQuery),
    responses((status = 200, body = TrailOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn get_positions(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(shipment_id): Path<i64>,
    ApiQuery(query): ApiQuery<TrailQuery>,
) -> ApiResult<Json<TrailOut>> {
    let hours = query.hours.unwrap_or(1);
    if !(1..=24).contains(&hours) {
        return Err(Problem::field("hours", "must be from 1 to 24"));
    }
    let shipment = ShipmentId(shipment_id);
    if !store::foreign_shipments(&state.pool, caller.tenant, &[shipment]).await?.is_empty() {
        return Err(Problem::not_found("shipment", "shipment_id", &shipment_id.to_string()));
    }
    let record = store::last_mile(&state.pool, caller.tenant, shipment, Utc::now() - Duration::hours(hours)).await?;
    let trail: Vec<FixOut> =
        record.fixes.iter().map(|(at, p)| FixOut { latitude: p.lat, longitude: p.lng, recorded_at: *at }).collect();
    let latest = trail.last().copied();
    Ok(Json(TrailOut { shipment_id, latest, trail }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LastMileSettingsIn {
    /// How close (metres, 50 to 20,000) a vehicle gets before "arriving soon" fires.
    #[schema(minimum = 50, maximum = 20_000)]
    pub arriving_soon_radius_m: f64,
}

/// The tenant's arriving-soon radius (default 800 m).
#[utoipa::path(put, path = "/api/v1/last-mile-settings", tag = "Last mile", request_body = LastMileSettingsIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<LastMileSettingsIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    if !(50.0..=20_000.0).contains(&input.arriving_soon_radius_m) {
        return Err(Problem::field("arriving_soon_radius_m", "must be from 50 to 20,000 metres"));
    }
    store::set_arriving_soon_radius(&state.pool, caller.tenant, input.arriving_soon_radius_m).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteIn {
    /// The vehicle's deliveries in the order it makes them, each shipment once.
    #[schema(min_items = 1, max_items = 500)]
    pub stops: Vec<StopIn>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopIn {
    pub shipment_id: i64,
    /// How long the stop takes; defaults to 4 minutes.
    #[schema(required = false, minimum = 0, maximum = 240)]
    pub service_minutes: Option<f64>,
}

/// Set a vehicle's route for the day (replacing any earlier one). The ETA
/// of each stop counts the undelivered stops before it.
#[utoipa::path(put, path = "/api/v1/vehicles/{vehicle_id}/route", tag = "Last mile",
    params(("vehicle_id" = String, Path)),
    request_body = RouteIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn put_route(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(vehicle_id): Path<String>,
    ApiJson(route): ApiJson<RouteIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Wms)?;
    let mut errors = Vec::new();
    if route.stops.is_empty() || route.stops.len() > 500 {
        errors.push(FieldError { field: "stops".into(), message: "must hold 1 to 500 stops".into() });
    }
    let mut stops = Vec::with_capacity(route.stops.len());
    for (i, stop) in route.stops.iter().enumerate() {
        let minutes = stop.service_minutes.unwrap_or(4.0);
        if !(0.0..=240.0).contains(&minutes) {
            errors.push(FieldError {
                field: format!("stops[{i}].service_minutes"),
                message: "must be from 0 to 240".into(),
            });
        }
        if stops.iter().any(|(s, _)| *s == ShipmentId(stop.shipment_id)) {
            errors
                .push(FieldError { field: format!("stops[{i}].shipment_id"), message: "is on the route twice".into() });
        }
        stops.push((ShipmentId(stop.shipment_id), (minutes * 60.0).round() as i64));
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    store::set_route(&state.pool, caller.tenant, vehicle_id.trim(), &stops).await?;
    Ok(StatusCode::NO_CONTENT)
}
