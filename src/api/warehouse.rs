//! WMS endpoints: warehouse steps and ship-confirm.

use super::extract::{ApiJson, OptionalJson};
use super::orders::{find_order, order_event, order_out, record_action, ActionIn, ActionOut, OrderOut};
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::Quantity;
use crate::ingest;
use crate::state::AppState;
use crate::store::{self, NewEvent, NewShipment};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Warehouse steps and the WMS code each records.
const STEPS: [(&str, &str); 5] =
    [("release", "RELEASED"), ("pick", "PICKED"), ("pack", "PACKED"), ("stage", "STAGED"), ("load", "LOADED")];

/// Record a warehouse step: `release`, `pick`, `pack`, `stage` or `load` (WMS).
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/warehouse/{step}", tag = "WMS",
    params(("order_number" = String, Path), ("step" = String, Path, description = "release, pick, pack, stage or load")),
    request_body(content = Option<ActionIn>, description = "Optional"),
    responses((status = 200, body = ActionOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn warehouse_step(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path((order_number, step)): Path<(String, String)>,
    OptionalJson(input): OptionalJson<ActionIn>,
) -> ApiResult<Json<ActionOut>> {
    require(&caller, Scope::Wms)?;
    let Some((_, code)) = STEPS.iter().find(|(name, _)| *name == step) else {
        return Err(Problem::not_found("warehouse step", "step", &step));
    };
    Ok(Json(record_action(&state, &caller, &order_number, "wms", code, &step, input).await?))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentIn {
    #[schema(pattern = r"\S", max_length = 100)]
    pub carrier: String,
    pub service: Option<String>,
    #[schema(pattern = r"\S", max_length = 100)]
    pub tracking_number: String,
    /// When the carrier took it; defaults to now.
    pub shipped_at: Option<DateTime<Utc>>,
    /// Your id for the ship-confirm; defaults to one per tracking number.
    pub event_id: Option<String>,
    /// What is in this shipment: at least one line.
    #[schema(min_items = 1)]
    pub lines: Vec<ShipmentLineIn>,
    /// Selects condition limits set per product class (e.g. `refrigerated`).
    pub product_class: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentLineIn {
    /// The order line's number (1 for the first line).
    pub line_number: i64,
    /// How many of the line's unit: whole or decimal, at most three decimals.
    #[schema(value_type = f64, minimum = 0.001, maximum = 1_000_000_000, multiple_of = 0.001)]
    pub quantity: Quantity,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShipmentOut {
    pub shipment_id: i64,
    pub tracking_number: String,
    /// Carrier events that were waiting for this tracking number and are now attached.
    pub attached_events: usize,
    pub order: OrderOut,
}

/// Ship-confirm: a shipment with its carrier, tracking number and the
/// quantity of each order line in it (WMS). Split and partial shipments are
/// several calls.
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/shipments", tag = "WMS",
    params(("order_number" = String, Path)),
    request_body = ShipmentIn,
    responses((status = 201, body = ShipmentOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Tracking number already used for this carrier", body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn ship_confirm(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    ApiJson(input): ApiJson<ShipmentIn>,
) -> ApiResult<impl IntoResponse> {
    require(&caller, Scope::Wms)?;
    let order = find_order(&state, &caller, &order_number).await?;
    let mut errors = vec![];
    FieldError::check_text(&mut errors, "carrier", &input.carrier, 100);
    FieldError::check_text(&mut errors, "tracking_number", &input.tracking_number, 100);
    if input.lines.is_empty() {
        errors.push(FieldError { field: "lines".into(), message: "must list at least one order line".into() });
    }
    // A reused tracking number is a conflict whatever else is wrong.
    let carrier = input.carrier.trim().to_string();
    let tracking_number = input.tracking_number.trim().to_string();
    if store::tracking_number_taken(&state.pool, caller.tenant, &carrier, &tracking_number).await? {
        return Err(Problem::conflict(format!(
            "{carrier} tracking number `{tracking_number}` already belongs to a shipment."
        )));
    }

    let quantities = store::line_quantities(&state.pool, order).await?;
    let mut lines = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let Some((_, id, ordered, shipped)) = quantities.iter().find(|(n, ..)| *n == line.line_number) else {
            errors.push(FieldError {
                field: format!("lines[{i}].line_number"),
                message: format!("the order has no line {}", line.line_number),
            });
            continue;
        };
        let open = ordered.saturating_sub(*shipped);
        if !line.quantity.is_positive() {
            errors.push(FieldError { field: format!("lines[{i}].quantity"), message: "must be more than zero".into() });
        } else if line.quantity > open {
            errors.push(FieldError {
                field: format!("lines[{i}].quantity"),
                message: format!(
                    "is more than the {open} still to ship of line {} ({ordered} ordered, {shipped} shipped)",
                    line.line_number
                ),
            });
        }
        if lines.iter().any(|(l, _)| l == id) {
            errors.push(FieldError { field: format!("lines[{i}].line_number"), message: "appears twice".into() });
        }
        lines.push((*id, line.quantity));
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let confirm = NewEvent {
        details: serde_json::json!({ "carrier": carrier, "tracking_number": tracking_number }),
        ..order_event(
            &*state.dictionary_for(caller.tenant).await?,
            "wms",
            "SHIP_CONFIRMED",
            input.event_id.unwrap_or_else(|| format!("shipped:{tracking_number}")),
            input.shipped_at.unwrap_or_else(Utc::now),
        )
    };
    let shipment = NewShipment {
        order,
        carrier,
        service: input.service,
        tracking_number: tracking_number.clone(),
        lines,
        packs: Vec::new(),
        product_class: input.product_class.map(|c| c.trim().to_ascii_lowercase()).filter(|c| !c.is_empty()),
    };
    let created = ingest::ship_confirm(&state, caller.tenant, &shipment, confirm).await?;
    let out = ShipmentOut {
        shipment_id: created.id.0,
        tracking_number,
        attached_events: created.attached.inserted.len(),
        order: order_out(&state, &caller, order, false).await?,
    };
    Ok((StatusCode::CREATED, Json(out)))
}
