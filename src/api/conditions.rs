//! Condition monitoring endpoints: sensor readings (IoT gateways), limits
//! and device assignments (operations), and the readings chart.

use super::extract::{json_body, one_or_batch, ApiJson};
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::condition::{Limits, Metric};
use crate::domain::ShipmentId;
use crate::ingest;
use crate::state::AppState;
use crate::store::{self, LimitTarget, NewReading};
use crate::ui::components::condition_chart::chart_svg;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const MAX_BATCH: usize = 1_000;

/// One sensor reading, for a shipment or for the device travelling with it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingIn {
    pub shipment_id: Option<i64>,
    /// A device assigned with `PUT /api/v1/devices/{device_id}`.
    pub device_id: Option<String>,
    /// `temperature_c`, `humidity_pct`, `shock_g`, `door_open` (1 open, 0 shut) or `battery_pct`.
    pub metric: String,
    pub value: f64,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingBatch {
    #[schema(min_items = 1, max_items = 1000)]
    pub readings: Vec<ReadingIn>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ReadingsOut {
    pub recorded: usize,
    /// Excursions these readings opened (each put a condition alert on the timeline).
    pub excursions_opened: Vec<i64>,
    /// Excursions they closed (back in range).
    pub excursions_closed: Vec<i64>,
}

/// Post one reading or `{"readings": [...]}` (up to 1,000). A reading
/// outside the shipment's limits opens an excursion (once, with a condition
/// alert on the timeline); the first one back in range closes it.
#[utoipa::path(post, path = "/api/v1/sensor-readings", tag = "Conditions",
    request_body(content = ReadingBatch, description = "One `ReadingIn`, or `{\"readings\": [ReadingIn, ...]}`"),
    responses((status = 200, body = ReadingsOut), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["carrier"])))]
pub async fn post_readings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    request: Request,
) -> ApiResult<Json<ReadingsOut>> {
    require(&caller, Scope::Carrier)?;
    let body = json_body(request, &state).await?;
    let (inputs, batch) = one_or_batch(&body, "readings", MAX_BATCH, |b: ReadingBatch| b.readings)?;
    let now = Utc::now();
    let mut errors = Vec::new();
    let mut readings = Vec::with_capacity(inputs.len());
    // A batch is usually one logger's: look each device up once.
    let mut devices: std::collections::HashMap<String, Option<ShipmentId>> = std::collections::HashMap::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let prefix = if batch { format!("readings[{i}].") } else { String::new() };
        let mut error =
            |field: &str, message: String| errors.push(FieldError { field: format!("{prefix}{field}"), message });
        let metric = Metric::parse(&input.metric);
        match metric {
            None => error(
                "metric",
                format!(
                    "`{}` is not one of temperature_c, humidity_pct, shock_g, door_open, battery_pct",
                    input.metric
                ),
            ),
            Some(m) if !input.value.is_finite() || !m.plausible().contains(&input.value) => {
                let range = m.plausible();
                error("value", format!("must be from {} to {} for {}", range.start(), range.end(), m.code()))
            }
            Some(_) => {}
        }
        if input.recorded_at > now + Duration::seconds(60) {
            error("recorded_at", "is in the future".into());
        }
        let shipment = match (input.shipment_id, input.device_id.as_deref()) {
            (Some(id), _) => Some(ShipmentId(id)),
            (None, Some(device)) => {
                let device = device.trim();
                let found = match devices.get(device) {
                    Some(known) => *known,
                    None => {
                        let found = store::device_shipment(&state.pool, caller.tenant, device).await?;
                        *devices.entry(device.to_string()).or_insert(found)
                    }
                };
                if found.is_none() {
                    error("device_id", format!("device `{device}` is not assigned to a shipment"));
                }
                found
            }
            (None, None) => {
                error("shipment_id", "a reading needs a shipment_id or a device_id".into());
                None
            }
        };
        if let (Some(shipment), Some(metric)) = (shipment, metric) {
            readings.push((
                i,
                NewReading {
                    shipment,
                    device: input.device_id.map(|d| d.trim().to_string()),
                    metric,
                    value: input.value,
                    recorded_at: input.recorded_at,
                },
            ));
        }
    }
    if errors.is_empty() {
        let ids: Vec<ShipmentId> = readings.iter().map(|(_, r)| r.shipment).collect();
        for foreign in store::foreign_shipments(&state.pool, caller.tenant, &ids).await? {
            let (i, _) = readings.iter().find(|(_, r)| r.shipment == foreign).expect("listed");
            let prefix = if batch { format!("readings[{i}].") } else { String::new() };
            errors
                .push(FieldError { field: format!("{prefix}shipment_id"), message: format!("no shipment {foreign}") });
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let readings: Vec<NewReading> = readings.into_iter().map(|(_, r)| r).collect();
    let outcome = ingest::conditions::record(&state, caller.tenant, &readings).await?;
    Ok(Json(ReadingsOut {
        recorded: readings.len(),
        excursions_opened: outcome.opened,
        excursions_closed: outcome.closed,
    }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitIn {
    /// One shipment's limit (wins over its product class's)...
    pub shipment_id: Option<i64>,
    /// ...or the limit of every shipment of this product class.
    pub product_class: Option<String>,
    pub metric: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// Set the limits for one metric of a shipment or a product class.
#[utoipa::path(put, path = "/api/v1/condition-limits", tag = "Conditions", request_body = LimitIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn put_limit(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<LimitIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Wms)?;
    let mut errors = Vec::new();
    let metric = Metric::parse(&input.metric);
    if metric.is_none() {
        errors
            .push(FieldError { field: "metric".into(), message: format!("`{}` is not a known metric", input.metric) });
    }
    let class = input.product_class.map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty());
    let target = match (input.shipment_id, class) {
        (Some(id), None) => Some(LimitTarget::Shipment(ShipmentId(id))),
        (None, Some(class)) => Some(LimitTarget::ProductClass(class)),
        _ => {
            errors.push(FieldError {
                field: "shipment_id".into(),
                message: "give a shipment_id or a product_class, not both".into(),
            });
            None
        }
    };
    match (input.min, input.max) {
        (None, None) => {
            errors.push(FieldError { field: "min".into(), message: "a limit needs a min, a max or both".into() })
        }
        (Some(min), Some(max)) if min > max => {
            errors.push(FieldError { field: "min".into(), message: format!("{min} is above the max {max}") })
        }
        (min, max) if min.into_iter().chain(max).any(|v| !v.is_finite()) => {
            errors.push(FieldError { field: "min".into(), message: "limits must be numbers".into() })
        }
        _ => {}
    }
    let (Some(metric), Some(target), true) = (metric, target, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    match store::set_condition_limit(
        &state.pool,
        caller.tenant,
        &target,
        metric,
        Limits { min: input.min, max: input.max },
    )
    .await
    {
        Err(store::StoreError::NotFound(_)) => Err(Problem::field("shipment_id", "no such shipment")),
        other => other.map(|()| StatusCode::NO_CONTENT).map_err(Into::into),
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceIn {
    pub shipment_id: i64,
}

/// Say which shipment a sensor device travels with.
#[utoipa::path(put, path = "/api/v1/devices/{device_id}", tag = "Conditions", params(("device_id" = String, Path)),
    request_body = DeviceIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn put_device(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(device_id): Path<String>,
    ApiJson(input): ApiJson<DeviceIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Wms)?;
    let device = device_id.trim();
    if device.is_empty() || device.len() > 100 {
        return Err(Problem::field("device_id", "must be 1 to 100 characters"));
    }
    match store::assign_device(&state.pool, caller.tenant, device, ShipmentId(input.shipment_id)).await {
        Err(store::StoreError::NotFound(_)) => Err(Problem::field("shipment_id", "no such shipment")),
        other => other.map(|()| StatusCode::NO_CONTENT).map_err(Into::into),
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionSettingsIn {
    /// Show condition alerts (and their resolution) on tracking pages.
    pub show_buyers: bool,
}

/// Whether buyers see condition alerts on their tracking pages (off by default).
#[utoipa::path(put, path = "/api/v1/condition-settings", tag = "Conditions", request_body = ConditionSettingsIn,
    responses((status = 204)), security(("api_key" = ["admin"])))]
pub async fn put_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<ConditionSettingsIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    store::set_buyers_see_condition_alerts(&state.pool, caller.tenant, input.show_buyers).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A shipment's readings of one metric against its limits, excursions
/// shaded: an SVG image for internal order views.
#[utoipa::path(get, path = "/api/v1/shipments/{shipment_id}/conditions/{metric}/chart.svg", tag = "Conditions",
    params(("shipment_id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "Milepost's shipment id (a whole number)"), ("metric" = String, Path)),
    responses((status = 200, description = "The chart", content_type = "image/svg+xml"),
              (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn chart(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path((shipment_id, metric)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let metric = Metric::parse(&metric).ok_or_else(|| Problem::not_found("metric", "metric", &metric))?;
    let shipment = ShipmentId(shipment_id);
    if !store::foreign_shipments(&state.pool, caller.tenant, &[shipment]).await?.is_empty() {
        return Err(Problem::not_found("shipment", "shipment_id", &shipment_id.to_string()));
    }
    let (readings, limits, excursions) = store::condition_history(&state.pool, caller.tenant, shipment, metric).await?;
    let svg = chart_svg(metric, &readings, limits, &excursions);
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::X_CONTENT_TYPE_OPTIONS, "nosniff")], svg).into_response())
}
